/**
 * Local partners (ADR 0012), end to end, with real email (a loopback SMTP server receives what
 * the outbox worker sends): Acme's Admin adds a local partner naming Uma as Host Admin; the Guest
 * Admin joins from the emailed link (password, Terms of Service, then MFA, the code computed from
 * the secret shown on screen); Uma shares an account she Owns as Manager; the Guest Admin invites
 * a Guest User who joins the same way; the Guest Admin passes the account on to them as
 * Collaborator; the Guest User sees it and cannot see the workspace's members; Uma removes the
 * partner, and both guests are signed out and can no longer sign in.
 */
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { linksIn, TestSmtp } from '../server/test/smtp';
import { accountCard, demoLogin, eventually, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const smtp = new TestSmtp();
const env = useLatchkey({
  env: async () => {
    await smtp.start();
    return { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_DEV_MAILBOX: 'false' };
  },
});
afterAll(() => smtp.stop());

const ADMIN = 'adam@acme.test';
const HOST_ADMIN = 'uma@acme.test'; // a User who Owns "Acme TikTok"
const HOST_ADMIN_NAME = 'Uma Ueda';
const SHARED = 'Acme TikTok';

function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}`) });
}

async function open(email: string): Promise<Page> {
  const page = await (await env.newContext()).newPage();
  await signIn(page, env.server.url, demoLogin(env.logins, email));
  return page;
}

/** The invite link (token in the fragment) of the latest invite emailed to `to`. */
async function inviteLink(to: string): Promise<string> {
  const mail = await smtp.waitFor(to, /\/invite#token=/);
  const link = linksIn(mail).find((l) => l.startsWith(`${env.server.url}/invite#token=`));
  if (!link) throw new Error(`No invite link in the email to ${to}: ${linksIn(mail).join(', ')}`);
  return link;
}

/**
 * Join as a new guest from the emailed link: name, family name, password, Terms of Service, then
 * two-step verification with a code computed from the setup key on screen. Ends on All accounts.
 */
async function joinAsGuest(page: Page, link: string, who: { first: string; family: string; password: string; role: string }) {
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: `Join Acme Corp as ${who.role}` }).waitFor();
  await page.getByLabel('First name', { exact: true }).fill(who.first);
  await page.getByLabel('Family name', { exact: true }).fill(who.family);
  await page.getByLabel('Choose a password', { exact: true }).fill(who.password);
  await page.getByLabel('Confirm password', { exact: true }).fill(who.password);
  const join = page.getByRole('button', { name: 'Join Acme Corp' });
  // Without the Terms of Service, nothing is sent.
  await join.click();
  await page.getByText('Accept the Terms of Service to continue.').waitFor();
  expect(new URL(page.url()).pathname).toBe('/invite');
  await page.getByRole('checkbox', { name: /Terms of Service/ }).check();
  await join.click();

  // MFA before anything else.
  await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
  const secret = (await page.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]+$/);
  // The session refuses everything else until MFA is on.
  const blocked = await page.request.get(`${env.server.url}/api/v1/accounts`);
  expect(blocked.status()).toBe(403);
  expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('mfa_enrolment_required');
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
  await page.getByLabel('Code from the app', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
}

describe('local partners', () => {
  const pages: Record<string, Page | undefined> = {};

  test('add → Guest Admin joins with MFA → share as Manager → Guest User joins → pass on → remove partner', async () => {
    screenshotOnFailure('local-partners', () => Object.values(pages));
    const hex = randomBytes(4).toString('hex');
    const company = `Fabrikam ${hex}`;
    const domain = `fabrikam-${hex}.test`;
    const guestAdminEmail = `gwen@${domain}`;
    const guestUserEmail = `gary@${domain}`;
    const gwen = { first: 'Gwen', family: `Guest ${hex}`, password: `violet lamp harbor ${hex}`, role: 'Guest Admin' };
    const gary = { first: 'Gary', family: `Guest ${hex}`, password: `amber kite meadow ${hex}`, role: 'Guest User' };

    // --- Adam (Admin) adds the local partner, naming Uma as Host Admin. ---
    const admin = await open(ADMIN);
    pages.admin = admin;
    await nav(admin, 'Partners').click();
    await admin.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
    await admin.getByRole('button', { name: /^Add( partner)?$/ }).first().click();
    const choose = admin.getByRole('dialog', { name: 'Invite your partners' });
    await choose.getByRole('radio', { name: /Invite your partners to your workspace/ }).check();
    await choose.getByRole('button', { name: 'Next' }).click();
    const form = admin.getByRole('dialog', { name: 'Invite your partners to your workspace' });
    await form.getByLabel('Company name', { exact: true }).fill(company);
    const hosts = form.getByRole('list', { name: 'Host Admins' });
    await hosts.getByRole('checkbox', { name: /Adam Alvarez/ }).uncheck();
    await hosts.getByRole('checkbox', { name: new RegExp(HOST_ADMIN_NAME) }).check();
    // The server's refusal shows inline: a Guest Admin on the Host Admin's own domain.
    const emailField = form.getByLabel("Guest Admin's email", { exact: true });
    await emailField.fill(`someone-${hex}@acme.test`);
    await form.getByRole('button', { name: 'Send invite' }).click();
    await form.getByRole('alert').filter({ hasText: /domain/ }).waitFor();
    await expect(emailField.getAttribute('aria-invalid')).resolves.toBe('true');
    await emailField.fill(guestAdminEmail);
    await form.getByRole('button', { name: 'Send invite' }).click();
    await form.waitFor({ state: 'hidden' });
    await admin.getByRole('heading', { level: 1, name: company }).waitFor();
    const partnerPath = new URL(admin.url()).pathname;
    expect(partnerPath).toMatch(/^\/partners\/local\/[0-9a-f-]{36}$/);
    // Beside the host-guest partnerships, with its type.
    await nav(admin, 'Partners').click();
    const row = admin.getByRole('region', { name: /Local partners/ }).getByRole('row', { name: new RegExp(company) });
    await row.getByText('Local partner').waitFor();

    // --- The Guest Admin joins from the emailed link: password, Terms, MFA. ---
    const guestAdmin = await (await env.newContext()).newPage();
    pages.guestAdmin = guestAdmin;
    await joinAsGuest(guestAdmin, await inviteLink(guestAdminEmail), gwen);
    // Guests see no Members, no Settings.
    await expect(nav(guestAdmin, 'Members').count()).resolves.toBe(0);
    await expect(nav(guestAdmin, 'Settings').count()).resolves.toBe(0);
    await expect(accountCard(guestAdmin, SHARED).count()).resolves.toBe(0);

    // --- Uma (Host Admin) shares the account she Owns, as Manager. ---
    const host = await open(HOST_ADMIN);
    pages.host = host;
    await host.goto(`${env.server.url}${partnerPath}`);
    await host.getByRole('heading', { level: 1, name: company }).waitFor();
    await host.getByRole('button', { name: 'Share accounts' }).click();
    const wizard = host.getByRole('dialog', { name: 'Select accounts and roles' });
    await wizard.getByRole('checkbox', { name: SHARED }).check();
    await wizard.getByRole('radiogroup', { name: `Role for ${SHARED}` }).getByRole('radio', { name: 'Manager' }).check();
    await wizard.getByRole('button', { name: 'Finish' }).click();
    await wizard.waitFor({ state: 'hidden' });
    await host.getByRole('tabpanel').getByRole('link', { name: SHARED }).waitFor();

    // --- The Guest Admin sees it, and invites a Guest User from their partner's page. ---
    await guestAdmin.reload();
    await accountCard(guestAdmin, SHARED).waitFor();
    await nav(guestAdmin, 'Partners').click();
    await guestAdmin.getByRole('heading', { level: 1, name: company }).waitFor();
    await guestAdmin.getByRole('button', { name: 'More options' }).click();
    await guestAdmin.getByRole('menuitem', { name: 'Invite guest users' }).click();
    const inviteDialog = guestAdmin.getByRole('dialog', { name: 'Invite guest users' });
    await inviteDialog.getByLabel('Email address', { exact: true }).fill(guestUserEmail);
    await inviteDialog.getByRole('button', { name: 'Send invite' }).click();
    await inviteDialog.waitFor({ state: 'hidden' });
    await guestAdmin.getByRole('tab', { name: 'Users' }).click();
    await guestAdmin.getByRole('row', { name: new RegExp(guestUserEmail.replace(/\./g, '\\.')) }).getByText('Pending').waitFor();

    // --- The Guest User joins the same way; nothing is shared with them yet. ---
    const guestUser = await (await env.newContext()).newPage();
    pages.guestUser = guestUser;
    await joinAsGuest(guestUser, await inviteLink(guestUserEmail), gary);
    await expect(accountCard(guestUser, SHARED).count()).resolves.toBe(0);

    // --- The Guest Admin (Manager) passes the account on to the Guest User as Collaborator. ---
    await nav(guestAdmin, 'All accounts').click();
    await accountCard(guestAdmin, SHARED).click();
    await guestAdmin.getByRole('heading', { level: 1, name: SHARED }).waitFor();
    await guestAdmin.getByRole('button', { name: 'Share access' }).click();
    const shareDialog = guestAdmin.getByRole('dialog', { name: 'Share access' });
    await shareDialog.getByRole('checkbox', { name: new RegExp(`Gary Guest ${hex}`) }).check();
    await shareDialog.getByRole('button', { name: 'Share', exact: true }).click();
    await shareDialog.waitFor({ state: 'hidden' });

    // --- The Guest User sees it (as Collaborator) and cannot see the workspace's members. ---
    await guestUser.reload();
    await accountCard(guestUser, SHARED).click();
    await guestUser.getByRole('heading', { level: 1, name: SHARED }).waitFor();
    await guestUser.getByText('Your role: Collaborator').waitFor();
    await expect(nav(guestUser, 'Members').count()).resolves.toBe(0);
    await expect(nav(guestUser, 'Partners').count()).resolves.toBe(0);
    const members = await guestUser.request.get(`${env.server.url}/api/v1/members`);
    expect(members.status()).toBe(403);
    const body = await members.text();
    expect(body).not.toContain(ADMIN);
    expect(body).not.toContain(HOST_ADMIN);

    // --- Uma removes the partner: both guests are signed out and disabled. ---
    await host.goto(`${env.server.url}${partnerPath}`);
    await host.getByRole('button', { name: 'More options' }).click();
    await host.getByRole('menuitem', { name: 'Remove partner' }).click();
    const removeDialog = host.getByRole('dialog', { name: 'Remove partner?' });
    await removeDialog.getByRole('button', { name: 'Remove partner', exact: true }).click();
    await removeDialog.waitFor({ state: 'hidden' });
    await host.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();

    for (const [page, who, email] of [
      [guestAdmin, gwen, guestAdminEmail],
      [guestUser, gary, guestUserEmail],
    ] as const) {
      // Their next request lands on sign-in.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      const session = await page.request.get(`${env.server.url}/api/v1/session`);
      expect(session.status()).toBe(401);
      // And they cannot sign in again.
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(who.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('alert').first().waitFor();
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' }).isVisible()).resolves.toBe(true);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    }
  });

  test('a guest without MFA is sent to set it up; an Admin forces a password reset from Members; the emailed link sets a new one', async () => {
    screenshotOnFailure('local-partners-reset', () => Object.values(pages));
    const gina = demoLogin(env.logins, 'gina@brightside.test'); // the demo Guest Admin, MFA not set up yet
    const hex = randomBytes(4).toString('hex');
    const newPassword = `copper valley lantern ${hex}`;

    // --- Signing in lands on two-step verification set-up, and nothing else answers. ---
    const guest = await (await env.newContext()).newPage();
    pages.gina = guest;
    const signInAs = async (password: string) => {
      await guest.goto(`${env.server.url}/sign-in`);
      await guest.getByLabel('Email', { exact: true }).fill(gina.email);
      await guest.getByLabel('Password', { exact: true }).fill(password);
      await guest.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    await signInAs(gina.password);
    await guest.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    expect(new URL(guest.url()).pathname).toBe('/mfa-setup');
    await guest.goto(`${env.server.url}/accounts`);
    await guest.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    expect(new URL(guest.url()).pathname).toBe('/mfa-setup');

    // --- Adam sees her on Members with her partner, and forces a password reset. ---
    const admin = await open(ADMIN);
    pages.resetAdmin = admin;
    await nav(admin, 'Members').click();
    const row = admin.getByRole('row', { name: /gina@brightside\.test/ });
    await row.getByText('Brightside Studio').waitFor();
    await row.getByText('MFA not set up').waitFor();
    await row.getByRole('button', { name: /^Actions for / }).click();
    await admin.getByRole('menuitem', { name: 'Force password reset' }).click();
    const confirm = admin.getByRole('dialog', { name: /^Force a password reset for / });
    await confirm.getByRole('button', { name: 'Send reset link' }).click();
    await confirm.waitFor({ state: 'hidden' });

    // --- Her session ended; the old password no longer signs her in. ---
    await guest.reload();
    await guest.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await signInAs(gina.password);
    await guest.getByRole('alert').filter({ hasText: /choose a new password/ }).waitFor();

    // --- The emailed link sets a new password; signing in leads to MFA set-up, then her account. ---
    const mail = await smtp.waitFor(gina.email, /\/reset-password#token=/);
    const link = linksIn(mail).find((l) => l.startsWith(`${env.server.url}/reset-password#token=`));
    expect(link).toBeTruthy();
    await guest.goto(link!);
    await guest.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    expect(guest.url()).not.toContain('token=');
    await guest.getByLabel('New password', { exact: true }).fill(newPassword);
    await guest.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
    await guest.getByRole('button', { name: 'Change password' }).click();
    await guest.getByRole('heading', { level: 1, name: 'Your password is changed' }).waitFor();
    await signInAs(newPassword);
    await guest.getByLabel('Confirm your password to continue', { exact: true }).fill(newPassword);
    await guest.getByRole('button', { name: 'Continue' }).click();
    const secret = (await guest.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
    await guest.getByLabel('Code from the app', { exact: true }).fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
    await guest.getByRole('button', { name: 'Turn on and continue' }).click();
    await guest.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
    await accountCard(guest, SHARED).waitFor();
  });

  test('corporate domains refuse a Guest Admin inline; a Host Admin changes and removes a guest on the account Guest users tab', async () => {
    screenshotOnFailure('local-partners-domains', () => Object.values(pages));
    const hex = randomBytes(4).toString('hex');
    const corporate = `corp-${hex}.test`;

    // --- Adam adds a corporate domain in Settings. ---
    const admin = await open(ADMIN);
    pages.domainsAdmin = admin;
    await nav(admin, 'Settings').click();
    const card = admin.getByRole('region', { name: 'Corporate domains' });
    await card.getByLabel('Add a domain', { exact: true }).fill(`@${corporate.toUpperCase()}`);
    await card.getByRole('button', { name: 'Add', exact: true }).click();
    await card.getByRole('list', { name: 'Corporate domains' }).getByText(corporate, { exact: true }).waitFor();

    // --- A Guest Admin on it is refused next to the email field, and nothing is created. ---
    await nav(admin, 'Partners').click();
    await admin.getByRole('button', { name: /^Add( partner)?$/ }).first().click();
    await admin.getByRole('radio', { name: /Invite your partners to your workspace/ }).check();
    await admin.getByRole('button', { name: 'Next' }).click();
    const form = admin.getByRole('dialog', { name: 'Invite your partners to your workspace' });
    await form.getByLabel('Company name', { exact: true }).fill(`Corp Co ${hex}`);
    await form.getByLabel("Guest Admin's email", { exact: true }).fill(`pat@${corporate}`);
    await form.getByRole('button', { name: 'Send invite' }).click();
    await form.getByRole('alert').filter({ hasText: /corporate domains/ }).waitFor();
    await form.getByRole('button', { name: 'Back' }).click();
    await admin.getByRole('dialog', { name: 'Invite your partners' }).getByRole('button', { name: 'Close' }).click();
    const list = await admin.request.get(`${env.server.url}/api/v1/local-partners`);
    expect(((await list.json()) as { items: Array<{ companyName: string }> }).items.map((p) => p.companyName)).not.toContain(`Corp Co ${hex}`);

    // --- Uma (Host Admin of Brightside, Owner of the account) manages its guest on the account. ---
    const host = await open(HOST_ADMIN);
    pages.guestsHost = host;
    await accountCard(host, SHARED).click();
    await host.getByRole('tab', { name: 'Guest users' }).click();
    const row = host.getByRole('row', { name: /gina@brightside\.test/ });
    const role = row.getByLabel('Role of Gina Gomez on this account', { exact: true });
    await expect(role.inputValue()).resolves.toBe('manager');
    await role.selectOption('collaborator');
    await host.getByText(/role on Acme TikTok was changed/).waitFor();
    // The row is read again from the server after the change.
    await eventually('the new role on the row', async () => (await role.inputValue()) === 'collaborator');
    await row.getByRole('button', { name: 'Remove Gina Gomez from this account' }).click();
    const dialog = host.getByRole('dialog', { name: 'Remove access?' });
    await dialog.getByRole('button', { name: 'Remove access' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await host.getByText('No guests use this account').waitFor();
  });
});
