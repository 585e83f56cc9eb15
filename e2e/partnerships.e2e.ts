/**
 * The host-guest partnership story, end to end, with two workspaces in separate browser contexts
 * and real email (a loopback SMTP server receives what the outbox worker sends):
 * a host User asks Acme for a partnership; the host Admin approves from the emailed link; Acme's
 * Admin accepts with the Terms of Service; the Partnership Owner shares two accounts, one as
 * Manager; Acme's Admin sees both cards appear live; as Manager she asks access for a colleague;
 * the host account Owner accepts from the emailed link; the colleague sees the card; the host
 * removes the partnership and every guest loses access on their next request.
 *
 * Direction: Northwind Agency hosts, Acme Corp is the guest (the demo seed already links
 * Acme → Northwind the other way; partnerships are directed, spec Q14).
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { linksIn, TestSmtp } from '../server/test/smtp';
import { accountCard, demoLogin, eventually, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const smtp = new TestSmtp();
const env = useLatchkey({
  env: async () => {
    await smtp.start();
    // Deliver quickly: the story waits on each email.
    return { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_DEV_MAILBOX: 'false' };
  },
});
afterAll(() => smtp.stop());

const HOST_USER = 'nina@northwind.test'; // requests, becomes Partnership Owner, owns the shared accounts
const HOST_ADMIN = 'nate@northwind.test';
const GUEST_ADMIN = 'adam@acme.test';
const GUEST_MEMBER = 'uma@acme.test';

async function open(email: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await env.newContext();
  const page = await ctx.newPage();
  await signIn(page, env.server.url, demoLogin(env.logins, email));
  return { ctx, page };
}

function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}`) });
}

async function createAccount(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: 'New account' }).click();
  const form = page.getByRole('dialog', { name: 'New account' });
  await form.getByLabel('Label', { exact: true }).fill(label);
  await form.getByLabel('Application', { exact: true }).fill('Instagram');
  await form.getByLabel('Password (optional)', { exact: true }).fill(`pw-${randomBytes(6).toString('hex')}`);
  await form.getByRole('button', { name: 'Create account' }).click();
  // Creating opens the new account's page; come back to the list.
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
  await nav(page, 'All accounts').click();
  await page.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
}

/** The account id behind a card (its link goes to /accounts/<id>). */
async function accountIdOf(page: Page, label: string): Promise<string> {
  const href = await accountCard(page, label).getAttribute('href');
  const id = href?.match(/\/accounts\/([0-9a-f-]{36})/)?.[1];
  if (!id) throw new Error(`No account id in the card link of ${label}: ${href}`);
  return id;
}

/** The link in a received email that points into this Latchkey. */
function latchkeyLink(mail: Parameters<typeof linksIn>[0], pathPrefix: string): string {
  const link = linksIn(mail).find((l) => l.startsWith(`${env.server.url}${pathPrefix}`));
  if (!link) throw new Error(`No ${pathPrefix} link in the email; links: ${linksIn(mail).join(', ')}`);
  return link;
}

describe('host-guest partnership, both sides', () => {
  const pages: Record<string, Page | undefined> = {};

  test('request → approve → accept → share → request access → accept → remove', async () => {
    screenshotOnFailure('partnerships', () => Object.values(pages));
    const hex = randomBytes(4).toString('hex');
    const alpha = `Story Alpha ${hex}`;
    const beta = `Story Beta ${hex}`;

    // --- Acme's Admin reads Acme's Workspace ID from the Partners page and passes it on. ---
    const guestAdmin = (await open(GUEST_ADMIN)).page;
    pages.guestAdmin = guestAdmin;
    await nav(guestAdmin, 'Partners').click();
    await guestAdmin.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
    const acmeWorkspaceId = (await guestAdmin.getByTestId('workspace-id').innerText()).trim();
    expect(acmeWorkspaceId.length).toBeGreaterThan(10);

    // --- The host User creates two accounts (she Owns them) and asks for the partnership. ---
    const hostUser = (await open(HOST_USER)).page;
    pages.hostUser = hostUser;
    await createAccount(hostUser, alpha);
    await createAccount(hostUser, beta);
    await nav(hostUser, 'Partners').click();
    await hostUser.getByRole('button', { name: /^Add( partner)?$/ }).first().click();
    const invite = hostUser.getByRole('dialog', { name: 'Invite your partners' });
    await invite.getByRole('radio', { name: /Connect with another partner/ }).check();
    await invite.getByRole('button', { name: 'Next' }).click();
    const info = hostUser.getByRole('dialog', { name: "Enter your partner's information" });
    await info.getByLabel('Workspace ID', { exact: true }).fill(acmeWorkspaceId);
    await info.getByLabel("Partner's email address", { exact: true }).fill(GUEST_ADMIN);
    await info.getByLabel('Reason for request', { exact: true }).fill('Acme runs our paid social campaigns.');
    await info.getByRole('button', { name: 'Send request' }).click();
    await info.waitFor({ state: 'hidden' });
    const hostDetails = hostUser.getByRole('region', { name: 'Partner details' });
    await hostDetails.getByText("Awaiting admin's decision").first().waitFor();
    // Until the partner accepts, Share accounts is disabled for the Partnership Owner.
    await expect(hostDetails.getByRole('button', { name: 'Share accounts' }).isDisabled()).resolves.toBe(true);

    // --- The host Admin approves from the link in the email. ---
    // (The demo seed's own partnership mailed Nate too: pick the one about Nina's request.)
    const approvalMail = await smtp.waitFor(HOST_ADMIN, /Nina Novak asked to connect Northwind Agency/);
    const approvalLink = latchkeyLink(approvalMail, '/partners');
    const hostAdmin = (await open(HOST_ADMIN)).page;
    pages.hostAdmin = hostAdmin;
    await hostAdmin.goto(approvalLink);
    const review = hostAdmin.getByRole('region', { name: 'Review partnership request' });
    await review.getByRole('button', { name: 'Learn more' }).click();
    await review.getByText('Acme runs our paid social campaigns.').waitFor();
    await review.getByRole('button', { name: 'Approve request' }).click();
    await hostAdmin.getByRole('region', { name: 'Partner details' }).getByText("Awaiting partner's acceptance").first().waitFor();

    // --- Acme's Admin sees the request banner appear live and accepts with the Terms of Service. ---
    const banner = guestAdmin.getByRole('region', { name: 'Partnership request' });
    await banner.getByText('Northwind Agency').first().waitFor();
    await banner.getByRole('button', { name: 'Accept request' }).click();
    const tos = guestAdmin.getByRole('dialog', { name: /Terms of Service/ });
    const confirm = tos.getByRole('button', { name: 'Accept request' });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await tos.getByRole('checkbox', { name: /Terms of Service/ }).check();
    await confirm.click();
    await tos.waitFor({ state: 'hidden' });

    // --- The Partnership Owner's page turns Active without a refresh; she shares both accounts. ---
    await hostDetails.getByText('Active', { exact: true }).first().waitFor();
    const share = hostDetails.getByRole('button', { name: 'Share accounts' });
    await eventually('Share accounts enabled', async () => !(await share.isDisabled()));
    // Acme's Admin watches All accounts while the host shares.
    await nav(guestAdmin, 'All accounts').click();
    await guestAdmin.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
    await share.click();
    const wizard = hostUser.getByRole('dialog', { name: 'Select accounts and roles' });
    await wizard.getByRole('checkbox', { name: alpha }).check();
    await wizard.getByRole('radiogroup', { name: `Role for ${alpha}` }).getByRole('radio', { name: 'Manager' }).check();
    await wizard.getByRole('checkbox', { name: beta }).check();
    await wizard.getByRole('button', { name: 'Finish' }).click();
    await wizard.waitFor({ state: 'hidden' });

    // --- Both cards appear on the guest Admin's page live, marked with the host's name. ---
    await accountCard(guestAdmin, alpha).waitFor();
    await accountCard(guestAdmin, beta).waitFor();
    await expect(accountCard(guestAdmin, alpha).innerText()).resolves.toContain('Northwind Agency');
    const alphaId = await accountIdOf(guestAdmin, alpha);
    const betaId = await accountIdOf(guestAdmin, beta);

    // --- As Manager of Alpha, she asks access for a colleague. Beta (Collaborator) offers no such button. ---
    await expect(guestAdmin.getByRole('button', { name: `Request share access for ${beta}` }).count()).resolves.toBe(0);
    await guestAdmin.getByRole('button', { name: `Request share access for ${alpha}` }).click();
    const request = guestAdmin.getByRole('dialog', { name: 'Request share access' });
    await request.getByRole('searchbox').fill('uma');
    await request.getByRole('checkbox', { name: /Uma Ueda/ }).check();
    await request.getByRole('button', { name: 'Send' }).click();
    await request.waitFor({ state: 'hidden' });

    // --- The host account Owner opens the emailed link, lands on Members, and accepts. ---
    const requestMail = await smtp.waitFor(HOST_USER, /Uma Ueda|uma@acme\.test/);
    const openLink = latchkeyLink(requestMail, `/accounts/${alphaId}`);
    expect(openLink).toContain('tab=members');
    await hostUser.goto(openLink);
    const pending = hostUser.getByRole('row', { name: /uma@acme\.test/ });
    await pending.getByRole('button', { name: 'Accept' }).click();
    await pending.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });

    // --- The colleague signs in and finds the card. ---
    const guestMember = (await open(GUEST_MEMBER)).page;
    pages.guestMember = guestMember;
    await accountCard(guestMember, alpha).waitFor();
    await expect(accountCard(guestMember, beta).count()).resolves.toBe(0);

    // --- The host removes the partnership: every guest loses access on the next request. ---
    await nav(hostUser, 'Partners').click();
    await hostUser.getByRole('button', { name: /Acme Corp/ }).first().click();
    await hostDetails.getByRole('button', { name: 'More actions' }).click();
    await hostUser.getByRole('menuitem', { name: 'Remove partner' }).click();
    const removeDialog = hostUser.getByRole('dialog', { name: 'Remove partner?' });
    await removeDialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await removeDialog.waitFor({ state: 'hidden' });

    for (const [who, page, ids] of [
      ['guest Admin', guestAdmin, [alphaId, betaId]],
      ['guest member', guestMember, [alphaId]],
    ] as const) {
      for (const id of ids) {
        const res = await page.request.get(`${env.server.url}/api/v1/accounts/${id}`);
        expect(res.status(), `${who} GET account ${id} after removal`).toBe(404);
      }
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
      await expect(accountCard(page, alpha).count()).resolves.toBe(0);
      await expect(accountCard(page, beta).count()).resolves.toBe(0);
    }
  });
});
