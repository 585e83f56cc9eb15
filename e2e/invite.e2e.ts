/**
 * Inviting a member, end to end: an Admin invites by email from the Members page, the invite
 * email lands in the Dev mailbox, the invitee opens its link (token in the URL fragment), chooses
 * a name and password, and lands signed in; the Admin then sees the new member.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { demoLogin, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const env = useLatchkey();

describe('inviting a member', () => {
  let admin: Page | undefined;
  let invitee: Page | undefined;

  test('an Admin invites by email; the invitee joins from the Dev mailbox link and appears on Members', async () => {
    screenshotOnFailure('invite', () => [admin, invitee]);
    const hex = randomBytes(6).toString('hex');
    const email = `e2e-${hex}@example.test`;
    const name = `Ivy Invitee ${hex}`;
    const password = `correct horse ${hex}`;

    // --- Adam (Admin) sends the invite from the Members page. ---
    const adminCtx = await env.newContext();
    admin = await adminCtx.newPage();
    await signIn(admin, env.server.url, demoLogin(env.logins, 'adam@acme.test'));
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await admin.getByRole('button', { name: 'Invite member' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite member' });
    await dialog.getByLabel('Email address', { exact: true }).fill(email);
    await dialog.getByRole('radio', { name: /^User/ }).check();
    const sent = admin.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/invites' && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Send invite' }).click();
    expect((await sent).status()).toBe(201);
    await dialog.waitFor({ state: 'hidden' });
    const pending = admin.getByRole('region', { name: /Pending invites/ }).getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) });
    await pending.waitFor();
    expect(await pending.textContent()).toContain('Pending');

    // --- The invite arrives in the Dev mailbox. ---
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dev mailbox' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Dev mailbox' }).waitFor();
    const item = admin.getByRole('navigation', { name: 'Messages' }).getByRole('button', { name: new RegExp(`invited to Acme Corp.*${email.replace(/\./g, '\\.')}`) });
    await item.waitFor({ timeout: 30_000 }); // the list refreshes every 5 s
    await item.click();
    const message = admin.getByRole('article');
    await message.getByRole('heading', { name: "You're invited to Acme Corp on Latchkey" }).waitFor();
    await message.getByText(email, { exact: true }).waitFor();
    const link = message.getByRole('link', { name: /\/invite#token=/ });
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${env.server.url.replace(/\./g, '\\.')}/invite#token=[^\\s]+$`));

    // --- The invitee opens the link in her own browser and joins. ---
    const inviteeCtx = await env.newContext();
    invitee = await inviteeCtx.newPage();
    await invitee.goto(href!);
    await invitee.getByRole('heading', { level: 1, name: 'Join Acme Corp as User' }).waitFor();
    // The token is dropped from the address bar once read.
    expect(invitee.url()).not.toContain('token=');
    expect(await invitee.getByLabel('Email', { exact: true }).inputValue()).toBe(email);
    await invitee.getByLabel('Your name', { exact: true }).fill(name);
    await invitee.getByLabel('Choose a password', { exact: true }).fill(password);
    await invitee.getByLabel('Confirm password', { exact: true }).fill(password);
    await invitee.getByRole('button', { name: 'Join Acme Corp' }).click();

    await invitee.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
    expect(new URL(invitee.url()).pathname).toBe('/accounts');
    await invitee.getByRole('button', { name: 'Open user menu' }).getByText(name, { exact: true }).waitFor();
    const me = await invitee.evaluate(async () => {
      const res = await fetch('/api/v1/session');
      return { status: res.status, body: (await res.json()) as { user: { email: string; name: string }; workspace: { name: string } } };
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email, name }, workspace: { name: 'Acme Corp' } });

    // --- Back in the Admin's browser: the new member is listed, the invite no longer pending. ---
    await admin.goto(`${env.server.url}/members`);
    const members = admin.getByRole('region', { name: /^Members \(\d+\)$/ });
    const row = members.getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain(email);
    expect(rowText).toContain('Active');
    expect(await row.getByLabel(`Role of ${name}`).inputValue()).toBe('user');
    await admin.getByRole('region', { name: /Pending invites/ }).waitFor();
    expect(await admin.getByRole('region', { name: /Pending invites/ }).getByText(email).count()).toBe(0);
  });
});
