/**
 * The core promise, in a real browser: an Owner shares an account with a Collaborator, and the
 * Collaborator can use it while the password never reaches her browser — not in any response,
 * request, header, the DOM, or web storage. The Owner's own browser is the control: the same
 * searches find the password there once she reveals it.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { recordTraffic, type RecordedExchange } from './support/browser';
import { accountCard, demoLogin, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const env = useLatchkey();

/** Every place in the recorded traffic where `secret` appears ("GET /api/v1/x responseBody"). */
function findInTraffic(exchanges: RecordedExchange[], secret: string): string[] {
  const hits: string[] = [];
  for (const x of exchanges) {
    for (const part of ['url', 'requestHeaders', 'requestBody', 'responseHeaders', 'responseBody'] as const) {
      if (x[part].includes(secret)) hits.push(`${x.method} ${x.url} ${part}`);
    }
  }
  return hits;
}

/** Everything the page keeps in localStorage and sessionStorage, as one string. */
function webStorage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`).join('\n');
    return `${dump(localStorage)}\n${dump(sessionStorage)}`;
  });
}

const apiPath = (url: string) => new URL(url).pathname;

describe('sharing an account with a Collaborator', () => {
  let owner: Page | undefined;
  let uma: Page | undefined;

  test('the Collaborator sees and opens the account, but the password never reaches her browser', async () => {
    screenshotOnFailure('core', () => [owner, uma]);
    const hex = randomBytes(8).toString('hex');
    const canary = `e2e-canary-${hex}`;
    const label = `E2E Canary ${hex}`;
    const application = 'Mastodon';
    const username = `canary.${hex}`;

    // --- The Owner creates the account through the "New account" dialog. ---
    const ownerCtx = await env.newContext();
    const ownerTraffic = recordTraffic(ownerCtx);
    owner = await ownerCtx.newPage();
    await signIn(owner, env.server.url, demoLogin(env.logins, 'olivia@acme.test'));

    await owner.getByRole('button', { name: 'New account' }).click();
    const form = owner.getByRole('dialog', { name: 'New account' });
    await form.getByLabel('Label', { exact: true }).fill(label);
    await form.getByLabel('Application', { exact: true }).fill(application);
    await form.getByLabel('Username or email (optional)', { exact: true }).fill(username);
    await form.getByLabel('Password (optional)', { exact: true }).fill(canary);
    await form.getByRole('button', { name: 'Create account' }).click();

    await owner.getByRole('heading', { level: 1, name: label }).waitFor();
    const accountId = /\/accounts\/([0-9a-f-]{36})$/.exec(new URL(owner.url()).pathname)?.[1];
    expect(accountId, `detail page URL after creating: ${owner.url()}`).toBeTruthy();

    // --- The Owner shares it from the Members tab with Uma as Collaborator. ---
    await owner.getByRole('tab', { name: 'Members' }).click();
    await owner.getByRole('heading', { name: 'People with access' }).waitFor();
    // Before sharing, Uma has no access to this new account.
    await owner.getByRole('row', { name: /Olivia Owens/ }).waitFor();
    expect(await owner.getByRole('row', { name: /Uma Ueda/ }).count()).toBe(0);

    await owner.getByRole('button', { name: 'Share', exact: true }).click();
    const share = owner.getByRole('dialog', { name: `Share “${label}”` });
    await share.getByLabel('Member', { exact: true }).selectOption({ label: 'Uma Ueda (uma@acme.test)' });
    await share.getByRole('radio', { name: /^Collaborator/ }).check();
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    await share.waitFor({ state: 'hidden' });
    const umaRow = owner.getByRole('row', { name: /Uma Ueda/ });
    await umaRow.waitFor();
    expect(await umaRow.getByLabel('Role of Uma Ueda').inputValue()).toBe('collaborator');

    // --- Uma, in her own browser context with every exchange recorded. ---
    const umaCtx = await env.newContext();
    const umaTraffic = recordTraffic(umaCtx);
    uma = await umaCtx.newPage();
    await signIn(uma, env.server.url, demoLogin(env.logins, 'uma@acme.test'));

    const card = accountCard(uma, label);
    await card.waitFor();
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(application);
    expect(cardText).toContain('Your role: Collaborator');
    await card.click();

    await uma.getByRole('heading', { level: 1, name: label }).waitFor();
    await uma.getByText('You can log in with this account but cannot see its password.').waitFor();
    await uma.getByText(username, { exact: true }).waitFor();
    await uma.getByLabel('Password hidden').waitFor();
    expect(await uma.getByRole('button', { name: /reveal/i }).count(), 'Reveal controls on the Collaborator page').toBe(0);
    expect(await uma.getByRole('button', { name: /copy/i }).count(), 'Copy controls on the Collaborator page').toBe(0);
    expect(new URL(uma.url()).pathname).toBe(`/accounts/${accountId}`);

    // Her browser asking for the password directly is refused (and is part of the searched traffic).
    const direct = await uma.evaluate(async (id) => {
      const session = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1/accounts/${id}/reveal`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: JSON.stringify({ field: 'password' }),
      });
      return { status: res.status, body: await res.text() };
    }, accountId!);
    expect(direct.status, direct.body).toBe(403);
    expect(JSON.parse(direct.body)).toMatchObject({ error: { code: 'forbidden' } });

    // --- The search over everything Uma's browser received and sent. ---
    await umaTraffic.idle(); // not 'networkidle': the live-updates stream stays open
    await umaTraffic.settled();
    const api = umaTraffic.exchanges.filter((x) => apiPath(x.url).startsWith('/api/v1/'));
    expect(api.length, `API exchanges recorded: ${api.map((x) => `${x.method} ${apiPath(x.url)}`).join(', ')}`).toBeGreaterThanOrEqual(5);
    const list = api.find((x) => x.method === 'GET' && apiPath(x.url) === '/api/v1/accounts' && x.status === 200);
    expect(list, 'GET /api/v1/accounts was recorded').toBeDefined();
    // The app shell opened its live-updates stream (ADR 0010).
    expect(api.some((x) => x.method === 'GET' && apiPath(x.url) === '/api/v1/live' && x.status === 200), 'the live-updates stream opened').toBe(true);
    expect(list!.responseBody).toContain(label);
    const detail = api.find((x) => x.method === 'GET' && apiPath(x.url) === `/api/v1/accounts/${accountId}` && x.status === 200);
    expect(detail, `GET /api/v1/accounts/${accountId} was recorded`).toBeDefined();
    expect(JSON.parse(detail!.responseBody)).toMatchObject({ label, username, hasPassword: true, myRole: 'collaborator' });

    expect(findInTraffic(umaTraffic.exchanges, canary), 'the password in the Collaborator traffic').toEqual([]);
    expect((await uma.content()).includes(canary), 'the password in the Collaborator DOM').toBe(false);
    const umaStorage = await webStorage(uma);
    expect(umaStorage.includes(canary), 'the password in the Collaborator web storage').toBe(false);
    const umaCookies = JSON.stringify(await umaCtx.cookies());
    expect(umaCookies.includes(canary), 'the password in the Collaborator cookies').toBe(false);

    // --- Control: the Owner can reveal it, and the same searches then find it in her browser. ---
    await owner.getByRole('tab', { name: 'Details' }).click();
    const revealed = owner.waitForResponse((r) => r.url().endsWith(`/api/v1/accounts/${accountId}/reveal`) && r.request().method() === 'POST');
    await owner.getByRole('button', { name: 'Reveal password' }).click();
    expect((await revealed).status()).toBe(200);
    await owner.getByText(canary, { exact: true }).waitFor();
    await owner.getByRole('button', { name: 'Hide password' }).waitFor();
    expect((await owner.content()).includes(canary), 'the control search of the Owner DOM').toBe(true);
    await ownerTraffic.settled();
    const ownerHits = findInTraffic(ownerTraffic.exchanges, canary);
    expect(ownerHits, 'the control search of the Owner traffic').toContain(`POST ${env.server.url}/api/v1/accounts/${accountId}/reveal responseBody`);
    expect(ownerHits).toContain(`POST ${env.server.url}/api/v1/accounts requestBody`);
  });
});
