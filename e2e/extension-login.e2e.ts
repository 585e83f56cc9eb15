/**
 * Issue 5's promise in a real browser: the built extension is loaded into Chromium, paired with
 * Latchkey through the device flow, and a guest Collaborator clicks Log in on a shared account in
 * the web app; the extension opens the demo target site and ends signed in there after the
 * password and TOTP steps. Everything the Latchkey web app's pages sent and received, their DOM,
 * web storage and the messages posted to them are searched: neither the password, nor the TOTP
 * secret, nor a code near the time of the test appears. The demo site's own tab is the control:
 * the same search finds the password there (the extension really filled it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_SITE_PASSWORD, DEMO_SITE_TOTP_SECRET, DEMO_SITE_USERNAME } from '../demo-site/credentials';
import { buildExtension } from '../extension/build';
import { accountCard, demoLogin, eventually, screenshotOnFailure, signIn, waitForDemoLogins, type DemoLogin } from './support/app';
import { launchWithExtension, recordPageTraffic, type ExtensionBrowser, type PageExchange } from './support/extension';
import { freePort, startServer, type RunningServer } from './support/server';

/** The seeded account on the demo site, and the guest Collaborator it is shared with (demo seed). */
const DEMO_ACCOUNT = 'Demo Analytics';
const COLLABORATOR = 'nate@northwind.test';

let server: RunningServer | undefined;
let browser: ExtensionBrowser | undefined;
let extDir = '';
let demoPort = 0;
let logins: DemoLogin[] = [];

beforeAll(async () => {
  extDir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-e2e-extension-'));
  await buildExtension({ outDir: extDir, quiet: true });
  demoPort = await freePort();
  // `npm start`'s entry starts the demo site beside Latchkey; the seed points Demo Analytics at it.
  server = await startServer({ LATCHKEY_DEMO_SITE_PORT: String(demoPort) });
  logins = await waitForDemoLogins(server);
  browser = await launchWithExtension(extDir);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (extDir) rmSync(extDir, { recursive: true, force: true });
});

/** Every TOTP code from two minutes before `from` to two minutes after now (digits only, bounded). */
async function codesAround(from: Date): Promise<string[]> {
  const codes = new Set<string>();
  const start = Math.floor(from.getTime() / 1000) - 120;
  const end = Math.floor(Date.now() / 1000) + 120;
  for (let t = start; t <= end; t += 30) codes.add(await generate({ secret: DEMO_SITE_TOTP_SECRET, epoch: t }));
  return [...codes];
}

/** Where `needle` occurs in recorded exchanges ("POST /x requestBody"); codes match as whole numbers only. */
function findIn(exchanges: PageExchange[], needle: string, wholeNumber = false): string[] {
  const re = wholeNumber ? new RegExp(`(?<![0-9])${needle}(?![0-9])`) : null;
  const has = (s: string) => (re ? re.test(s) : s.includes(needle));
  const hits: string[] = [];
  for (const x of exchanges) {
    for (const part of ['url', 'requestBody', 'responseHeaders', 'responseBody'] as const) {
      if (has(x[part])) hits.push(`${x.method} ${x.url} ${part}`);
    }
  }
  return hits;
}

/** The page's DOM (all frames), web storage and the extension's result messages, as one string. */
async function pageState(page: Page): Promise<string> {
  const frames = await Promise.all(page.frames().map((f) => f.content().catch(() => '')));
  const storage = await page.evaluate(() => {
    const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`).join('\n');
    return `${dump(localStorage)}\n${dump(sessionStorage)}`;
  });
  const messages = await page.evaluate(() => JSON.stringify((window as { latchkeyResults?: unknown[] }).latchkeyResults ?? []));
  return [...frames, storage, messages].join('\n');
}

/** Collect the extension's `latchkey:login-result` messages on the page (in `window.latchkeyResults`). */
async function collectResults(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as { latchkeyResults?: unknown[] };
    if (w.latchkeyResults) return;
    w.latchkeyResults = [];
    window.addEventListener('message', (e: MessageEvent) => {
      const data = e.data as { type?: string } | null;
      if (data?.type === 'latchkey:login-result') w.latchkeyResults!.push(data);
    });
  });
}

function results(page: Page): Promise<Array<{ ok: boolean; code?: string; message?: string; accountId: string }>> {
  return page.evaluate(() => ((window as { latchkeyResults?: unknown[] }).latchkeyResults ?? []) as never);
}

describe('Log in through the browser extension', () => {
  let popup: Page | undefined;
  let web: Page | undefined;
  let approve: Page | undefined;
  let target: Page | undefined;

  test('pairs the extension, logs a guest Collaborator in to the demo site with password and TOTP, and the web app never sees a secret', async () => {
    screenshotOnFailure('extension-login', () => [popup, web, approve, target]);
    const started = new Date();
    const b = browser!;
    const latchkey = server!.url;
    const collaborator = demoLogin(logins, COLLABORATOR);

    // --- The popup: point the extension at this Latchkey server. ---
    popup = await b.context.newPage();
    await popup.goto(b.url('popup.html'));
    await popup.getByLabel('Latchkey server').fill(latchkey);
    await popup.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => popup!.getByLabel('Latchkey server').inputValue()).toBe(latchkey);

    // --- The Collaborator signs in to the web app (every response of her pages recorded). ---
    web = await b.context.newPage();
    const webTraffic = recordPageTraffic(web);
    await signIn(web, latchkey, collaborator);
    await collectResults(web);
    // The bridge announces the extension on the Latchkey origin.
    expect(await web.evaluate(() => document.documentElement.dataset.latchkeyExtension)).toMatch(/^\d+\.\d+\.\d+$/);

    // --- Connect: the extension opens the approve page; she checks the code and approves. ---
    const approveOpened = b.context.waitForEvent('page');
    await popup.getByRole('button', { name: 'Connect' }).click();
    approve = await approveOpened;
    const approveTraffic = recordPageTraffic(approve);
    await approve.waitForLoadState();
    expect(new URL(approve.url()).origin).toBe(latchkey);
    expect(new URL(approve.url()).pathname).toBe('/devices/approve');
    const code = (await popup.locator('#user-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    await approve.getByText(code).waitFor();
    await approve.getByRole('button', { name: 'Approve this device' }).click();
    await popup.getByText('Connected as').waitFor({ timeout: 20_000 });
    expect(await popup.locator('#signed-in').textContent()).toContain(collaborator.email);

    // --- Log in on the shared account's card in the web app. ---
    await web.goto(`${latchkey}/accounts`);
    await web.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
    await collectResults(web);
    const card = accountCard(web, DEMO_ACCOUNT);
    await card.waitFor();
    const targetOpened = b.context.waitForEvent('page');
    await card.locator('..').getByRole('button', { name: `Log in to ${DEMO_ACCOUNT}` }).click();
    target = await targetOpened;
    const targetTraffic = recordPageTraffic(target);

    // --- The extension fills the password step, then the TOTP step, and lands on /home. ---
    await target.waitForURL(`http://localhost:${demoPort}/home`, { timeout: 45_000 });
    await target.getByText(`Signed in as ${DEMO_SITE_USERNAME}`).waitFor();
    const result = await eventually('the login result posted to the web app', async () => (await results(web!)).find((r) => r.ok));
    expect(result).toMatchObject({ ok: true });
    await web.getByText(`Opened “${DEMO_ACCOUNT}” in a new tab and filled the login.`).waitFor();
    // The page as the Log in left it: DOM, storage and the extension's posted messages.
    const afterLogin = await pageState(web);

    // Activity: the guest workspace's Admin sees the Log in on the shared account, with the device.
    await web.goto(`${latchkey}/activity`);
    await web.getByText(new RegExp(`logged in to “${DEMO_ACCOUNT}” with the extension \\(Chromium \\d+ on Linux\\)`)).first().waitFor();

    // --- The search: the web app's pages saw no password, no TOTP secret and no code. ---
    await webTraffic.settled();
    await approveTraffic.settled();
    await targetTraffic.settled();
    const latchkeyExchanges = [...webTraffic.exchanges, ...approveTraffic.exchanges];
    expect(latchkeyExchanges.some((x) => x.url.startsWith(`${latchkey}/api/v1/accounts`)), 'the web app loaded its accounts').toBe(true);
    const state = `${afterLogin}\n${await pageState(web)}\n${await pageState(approve)}`;
    expect(afterLogin, 'the result message was captured').toContain('latchkey:login-result');
    expect(findIn(latchkeyExchanges, DEMO_SITE_PASSWORD), 'password in the web app traffic').toEqual([]);
    expect(findIn(latchkeyExchanges, DEMO_SITE_TOTP_SECRET), 'TOTP secret in the web app traffic').toEqual([]);
    expect(state).not.toContain(DEMO_SITE_PASSWORD);
    expect(state).not.toContain(DEMO_SITE_TOTP_SECRET);
    // Codes are searched as whole numbers outside the static bundles (built before the test ran,
    // they cannot hold a code, and minified code is full of 6-digit constants).
    const dynamic = latchkeyExchanges.filter((x) => !new URL(x.url).pathname.startsWith('/assets/'));
    for (const c of await codesAround(started)) {
      expect(findIn(dynamic, c, true), `TOTP code ${c} in the web app traffic`).toEqual([]);
      expect(new RegExp(`(?<![0-9])${c}(?![0-9])`).test(state), `TOTP code ${c} in the web app DOM or storage`).toBe(false);
    }

    // Control: the same search finds the password in the demo site's own traffic (it was filled there).
    expect(findIn(targetTraffic.exchanges, new URLSearchParams({ password: DEMO_SITE_PASSWORD }).toString())).not.toEqual([]);
  });

  test('the popup offers the accounts for the site in the current tab and logs in right there', async () => {
    screenshotOnFailure('extension-popup-login', () => [popup, target]);
    expect(popup && target, 'the first test left the popup and the demo site open').toBeTruthy();
    const site = target!;
    // Sign out of the demo site, and make its tab the active one (the popup's "current tab").
    await site.getByRole('button', { name: 'Sign out' }).click();
    await site.waitForURL(`http://localhost:${demoPort}/login`);
    await site.bringToFront();

    await popup!.reload();
    await popup!.getByRole('heading', { name: `Accounts for localhost:${demoPort}` }).waitFor();
    const pagesBefore = browser!.context.pages().length;
    await popup!.getByRole('button', { name: `Log in to ${DEMO_ACCOUNT}` }).click();

    // Filled in place: the same tab goes through the password and TOTP steps to /home.
    await site.waitForURL(`http://localhost:${demoPort}/home`, { timeout: 45_000 });
    await site.getByText(`Signed in as ${DEMO_SITE_USERNAME}`).waitFor();
    expect(browser!.context.pages().length).toBe(pagesBefore);
    expect(await popup!.locator('#error').isHidden()).toBe(true);
  });

  test('a device revoked under Settings → Trusted devices logs in no more, and the extension asks to connect again', async () => {
    screenshotOnFailure('extension-revoked', () => [popup, web]);
    const b = browser!;
    expect(web, 'the first test left the web app open').toBeTruthy();
    const page = web!;

    // Settings → Trusted devices lists the paired browser with its browser and OS; revoke it there.
    await page.goto(`${server!.url}/settings`);
    const devices = page.getByRole('region', { name: 'Trusted devices' });
    const revoke = devices.getByRole('button', { name: /^Revoke Chromium \d+ on Linux$/ });
    await revoke.waitFor();
    expect(await revoke.count()).toBe(1);
    await revoke.click();
    await page.getByRole('dialog', { name: 'Revoke this device?' }).getByRole('button', { name: 'Revoke', exact: true }).click();
    await revoke.waitFor({ state: 'detached' });

    await page.goto(`${server!.url}/accounts`);
    await page.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
    await collectResults(page);
    const pagesBefore = b.context.pages().length;
    const card = accountCard(page, DEMO_ACCOUNT);
    await card.waitFor();
    await card.locator('..').getByRole('button', { name: `Log in to ${DEMO_ACCOUNT}` }).click();
    const result = await eventually('the refused login result', async () => (await results(page)).find((r) => !r.ok));
    expect(result).toMatchObject({ ok: false, code: 'device_revoked' });
    // Refused before any login page was opened or filled.
    expect(b.context.pages().length).toBe(pagesBefore);

    // The extension forgot its token: the popup offers Connect again.
    await popup!.reload();
    await popup!.getByRole('button', { name: 'Connect' }).waitFor();
  });
});
