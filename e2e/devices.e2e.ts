/**
 * The web app's half of issue 5, without the extension: the extension's HTTP calls are made from
 * the test (Node fetch) and its content script is stood in for by a tiny page script. Leo
 * (Login-Only, Collaborator of Demo Analytics) approves a pairing on /devices/approve, sees the
 * device under Settings → Trusted devices and revokes it (its token stops working at once); on All
 * accounts, Log in without the extension explains how to get it, and with it posts exactly
 * `{ type: 'latchkey:login', accountId }` and shows the result — never a secret.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_SITE_PASSWORD } from '../demo-site/credentials';
import { demoLogin, screenshotOnFailure, signIn, useLatchkey } from './support/app';
import { recordTraffic } from './support/browser';

const env = useLatchkey();

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${env.server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

describe('trusted devices and the Log in button', () => {
  let page: Page | undefined;

  test('approve a pairing, see and revoke the device, and hand Log in to the extension', async () => {
    screenshotOnFailure('devices', () => [page]);
    const ctx = await env.newContext();
    const traffic = recordTraffic(ctx);
    page = await ctx.newPage();
    await signIn(page, env.server.url, demoLogin(env.logins, 'leo@acme.test'));

    // --- The extension starts pairing; Leo follows the approve link. ---
    const start = await api('/devices/pairings', { method: 'POST', body: { browser: 'Chromium 131', os: 'Linux' } });
    expect(start.status).toBe(201);
    const pairing = start.json as { pairingId: string; userCode: string; pollSecret: string; approveUrl: string };
    expect(pairing.approveUrl.startsWith(`${env.server.url}/devices/approve?code=`)).toBe(true);
    await page.goto(pairing.approveUrl);
    await page.getByRole('heading', { level: 1, name: 'Approve a device' }).waitFor();
    await page.getByText(pairing.userCode, { exact: true }).waitFor();
    await page.getByText('Chromium 131', { exact: true }).waitFor();
    expect((await api(`/devices/pairings/${pairing.pairingId}/token`, { method: 'POST', body: { pollSecret: pairing.pollSecret } })).status).toBe(202);
    await page.getByRole('button', { name: 'Approve this device' }).click();
    await page.getByText('Device approved.').waitFor();

    const delivered = await api(`/devices/pairings/${pairing.pairingId}/token`, { method: 'POST', body: { pollSecret: pairing.pollSecret } });
    expect(delivered.status).toBe(200);
    const token = delivered.json!.deviceToken as string;
    expect((await api('/device/me', { token })).status).toBe(200);

    // --- Settings → Trusted devices lists it; Revoke ends it at once. ---
    await page.goto(`${env.server.url}/settings`);
    const card = page.getByRole('region', { name: 'Trusted devices' });
    await card.getByText('Chromium 131').waitFor();
    await card.getByRole('button', { name: 'Revoke Chromium 131 on Linux' }).click();
    await page.getByRole('dialog', { name: 'Revoke this device?' }).getByRole('button', { name: 'Revoke' }).click();
    await card.getByText('No trusted devices.', { exact: false }).waitFor();
    const after = await api('/device/me', { token });
    expect(after.status).toBe(401);
    expect((after.json!.error as { code: string }).code).toBe('device_revoked');

    // --- Log in without the extension: how to get it. ---
    await page.goto(`${env.server.url}/accounts`);
    await page.getByRole('button', { name: 'Log in to Demo Analytics' }).click();
    const help = page.getByRole('dialog', { name: 'Log in with the Latchkey extension' });
    await help.waitFor();
    await help.getByRole('button', { name: 'Got it' }).click();

    // --- With the extension (a stand-in content script): the page posts only the account id. ---
    await page.evaluate(() => {
      document.documentElement.dataset.latchkeyExtension = '0.0.0-test';
      const w = window as unknown as { seen: unknown[] };
      w.seen = [];
      window.addEventListener('message', (e: MessageEvent) => {
        const d = e.data as { type?: string; accountId?: string };
        if (d?.type !== 'latchkey:login') return;
        w.seen.push(d);
        setTimeout(() => window.postMessage({ type: 'latchkey:login-result', accountId: d.accountId, ok: true }, location.origin), 200);
      });
    });
    await page.getByRole('button', { name: 'Log in to Demo Analytics' }).click();
    await page.getByText('Opened “Demo Analytics” in a new tab and filled the login.').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { seen: Array<Record<string, unknown>> }).seen);
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]!).sort()).toEqual(['accountId', 'type']);

    // Nothing the web app sent or received carries the account's password.
    await traffic.settled();
    const hits = traffic.exchanges.filter((x) => [x.url, x.requestBody, x.responseBody].some((p) => p.includes(DEMO_SITE_PASSWORD)));
    expect(hits).toEqual([]);
    expect(await page.content()).not.toContain(DEMO_SITE_PASSWORD);
  });
});
