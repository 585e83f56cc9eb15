/**
 * Live updates across workspaces, in two browsers: the demo seed shares Acme's "Acme LinkedIn Page"
 * (owned by Acme's Admin, Adam) with Northwind Agency, whose Admin (Nate, the guest contact) has
 * its card on All accounts. Adam renames the account in his browser; Nate's open All accounts page
 * shows the new name without a reload (the accounts module publishes to every guest workspace
 * that sees the account; the page refetches on the 'accounts' topic).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { accountCard, demoLogin, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const env = useLatchkey();

const HOST_OWNER = 'adam@acme.test';
const GUEST = 'nate@northwind.test';
const SHARED = 'Acme LinkedIn Page';

describe('live updates between a host and a guest workspace', () => {
  let host: Page | undefined;
  let guest: Page | undefined;

  test("a host renames a shared account; the guest's All accounts page shows the new name without a reload", async () => {
    screenshotOnFailure('live', () => [host, guest]);
    const renamed = `LinkedIn Live ${randomBytes(3).toString('hex')}`;

    // --- The guest is on All accounts with the shared card, its live stream open. ---
    guest = await (await env.newContext()).newPage();
    const streamOpen = guest.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/live' && r.status() === 200);
    await signIn(guest, env.server.url, demoLogin(env.logins, GUEST));
    await accountCard(guest, SHARED).waitFor();
    await streamOpen;
    // A marker that a reload would wipe.
    await guest.evaluate(() => {
      (window as unknown as { __noReload?: boolean }).__noReload = true;
    });

    // --- The host Owner renames it through the Edit dialog. ---
    host = await (await env.newContext()).newPage();
    await signIn(host, env.server.url, demoLogin(env.logins, HOST_OWNER));
    await accountCard(host, SHARED).click();
    await host.getByRole('heading', { level: 1, name: SHARED }).waitFor();
    await host.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = host.getByRole('dialog', { name: `Edit “${SHARED}”` });
    await form.getByLabel('Label', { exact: true }).fill(renamed);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await host.getByRole('heading', { level: 1, name: renamed }).waitFor();

    // --- The guest's page follows, on its own. ---
    await accountCard(guest, renamed).waitFor({ timeout: 5_000 });
    await expect(accountCard(guest, SHARED).count()).resolves.toBe(0);
    await expect(guest.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true)).resolves.toBe(true);
  });
});
