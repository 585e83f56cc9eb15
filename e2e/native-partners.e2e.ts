/**
 * Native partners on the Partners page, end to end: Latchkey runs with LATCHKEY_META_API_URL
 * pointing at the fake Graph API (server/test/fakes/native, real HTTP on loopback). Acme's Admin
 * connects the Meta business hub, checks for updates, onboards the agency with its token, syncs and
 * sees the agency's people with their raw Meta role and access level, read-only. A User sees the
 * same partner without the management buttons, and the Members page lists the Meta Business guest users.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { createFakeNativePlatform, type FakePlatformServer, type FakeWorld } from '../server/test/fakes/native/index';
import { demoLogin, eventually, screenshotOnFailure, signIn, useLatchkey } from './support/app';

const OURS = '1122334455667788';
const AGENCY = '1029384756473829';
const AD1 = '238947239847561';

const world: FakeWorld = {
  businesses: {
    [OURS]: {
      name: 'Acme Meta Business',
      tokens: { 'acme-hub-token': {} },
      assets: [{ id: AD1, type: 'AD_ACCOUNT', name: 'Acme US Prospecting' }],
      partners: [{ businessId: AGENCY, grants: [{ assetId: AD1, roles: ['MANAGE', 'ADVERTISE'] }] }],
      people: [],
    },
    [AGENCY]: {
      name: 'Northwind Media Agency',
      tokens: { 'agency-token': {} },
      assets: [],
      partners: [],
      people: [{ id: '200000000000001', name: 'Priya Shah', grants: [{ assetId: AD1, roles: ['ANALYZE'] }] }],
    },
  },
};

let fake: FakePlatformServer | undefined;
const env = useLatchkey({
  env: async () => {
    fake = await createFakeNativePlatform('meta', world);
    return { LATCHKEY_META_API_URL: fake.baseUrl };
  },
});
afterAll(() => fake?.close());

describe('native partners on the Partners page', () => {
  const pages: Array<Page | undefined> = [];

  test('connect a hub → check for updates → onboard → sync → people read-only; a User and the Members page', async () => {
    screenshotOnFailure('native-partners', () => pages);
    const ctx = await env.newContext();
    const page = await ctx.newPage();
    pages.push(page);
    await signIn(page, env.server.url, demoLogin(env.logins, 'adam@acme.test'));
    await page.goto(`${env.server.url}/partners`);
    const section = page.getByRole('region', { name: 'Native partners' });
    await section.waitFor();

    // Connect the Meta business hub: the token is checked on the (fake) platform first.
    await section.getByRole('button', { name: 'Connect a business hub' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a business hub' });
    await dialog.getByLabel('Business ID').fill(OURS);
    await dialog.getByLabel('Token').fill('not-the-token');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await dialog.getByText('Meta refused the business hub token').waitFor();
    await dialog.getByLabel('Token').fill('acme-hub-token');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await section.getByText('Acme Meta Business').waitFor();

    await section.getByRole('button', { name: 'Check for updates' }).click();
    const partnerButton = section.getByRole('button', { name: /Northwind Media Agency/ });
    await partnerButton.waitFor();
    await expect(partnerButton.textContent()).resolves.toContain('Pending onboarding');

    await partnerButton.click();
    const details = page.getByLabel('Northwind Media Agency details');
    await details.getByRole('button', { name: 'Connect partner token' }).click();
    const tokenDialog = page.getByRole('dialog', { name: 'Connect Northwind Media Agency' });
    await tokenDialog.getByLabel('Token').fill('agency-token');
    await tokenDialog.getByRole('button', { name: 'Connect' }).click();
    await details.getByRole('button', { name: 'Sync now' }).waitFor();
    await expect(partnerButton.textContent()).resolves.toContain('Onboarded');

    await details.getByRole('button', { name: 'Sync now' }).click();
    await eventually('the sync completes', async () => (await details.getByTestId('job-status').textContent())?.includes('Completed'));
    const people = details.getByRole('table', { name: 'People of Northwind Media Agency' });
    await people.getByText('Priya Shah').waitFor();
    const row = people.getByRole('row', { name: /Priya Shah/ });
    await expect(row.textContent()).resolves.toMatch(/ANALYZE.*Analyze/);
    // Read-only: no control changes a platform role.
    expect(await people.locator('select, input').count()).toBe(0);

    // A User sees the partner and its people, without the management buttons.
    const uctx = await env.newContext();
    const upage = await uctx.newPage();
    pages.push(upage);
    await signIn(upage, env.server.url, demoLogin(env.logins, 'uma@acme.test'));
    await upage.goto(`${env.server.url}/partners`);
    const usection = upage.getByRole('region', { name: 'Native partners' });
    await usection.getByRole('button', { name: /Northwind Media Agency/ }).click();
    await upage.getByLabel('Northwind Media Agency details').getByText('Priya Shah').waitFor();
    expect(await usection.getByRole('button', { name: /Sync now|Connect a business hub|Check for updates|Disconnect/ }).count()).toBe(0);

    await upage.goto(`${env.server.url}/members`);
    const guests = upage.getByRole('region', { name: 'Meta Business guest users' });
    await guests.getByText('Priya Shah').waitFor();
  });
});
