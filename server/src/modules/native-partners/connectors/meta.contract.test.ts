import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeNativePlatform, type FakePlatformServer, type FakeWorld } from '../../../../test/fakes/native/index';
import { createConnector, type ConnectorError, type ConnectorOptions } from './index';
import { interpretMeta, metaWaitMs } from './meta';

/** Contract tests: the Meta connector against the fake Graph API on loopback (no database). */
const ACME = '1122334455667788';
const NORTHWIND = '1029384756473829';
const LUMEN = '5566778899001122';
const QUIET = '7788990011223344';
const AD1 = '238947239847561';
const AD2 = '238947239847562';

function world(): FakeWorld {
  return {
    businesses: {
      [ACME]: {
        name: 'Acme Outdoor Inc',
        tokens: { 'acme-token': {} },
        assets: [
          { id: AD1, type: 'AD_ACCOUNT', name: 'Acme US Prospecting' },
          { id: AD2, type: 'AD_ACCOUNT', name: 'Acme CA Retargeting' },
          { id: '110293847561234', type: 'PAGE', name: 'Acme Outdoor' },
          { id: '4455667788', type: 'PIXEL', name: 'Acme Pixel' },
          { id: '99887766', type: 'CATALOG', name: 'Acme US Catalog' },
          { id: '17841400000000', type: 'INSTAGRAM_ACCOUNT', name: 'acmeoutdoor' },
          { id: '3344556677', type: 'APP', name: 'Acme App' },
        ],
        partners: [
          {
            businessId: NORTHWIND,
            grants: [
              { assetId: AD1, roles: ['MANAGE', 'ADVERTISE', 'ANALYZE'] },
              { assetId: '110293847561234', roles: ['ADVERTISE', 'ANALYZE'], status: 'CLIENT_RESPONSE_PENDING' },
              { assetId: '4455667788', roles: ['ANALYZE', 'ADVERTISE', 'UPLOAD'] },
              { assetId: '99887766', roles: ['ADVERTISER'] },
              { assetId: '17841400000000', roles: ['ANALYZE'] },
            ],
          },
          { businessId: LUMEN, name: 'Lumen Planning Co', grants: [{ assetId: AD2, roles: ['ANALYZE'], status: 'PENDING' }] },
          { businessId: QUIET, name: 'Quiet Partner', grants: [] },
          { businessId: '1000000000000001', name: 'Partner Four', grants: [] },
          { businessId: '1000000000000002', name: 'Partner Five', grants: [] },
        ],
        people: [{ id: '100087612345678', name: 'Dana Lee', email: 'dana.lee@acme-outdoor.example', businessRole: 'ADMIN', grants: [{ assetId: AD1, roles: ['MANAGE'] }] }],
      },
      [NORTHWIND]: {
        name: 'Northwind Media Agency',
        tokens: { 'northwind-token': {}, 'northwind-no-people': { denied: ['people'] } },
        assets: [],
        partners: [],
        people: [
          { id: '200000000000001', name: 'Priya Shah', grants: [{ assetId: AD1, roles: ['ADVERTISE', 'ANALYZE'] }] },
          { id: '200000000000002', name: 'Northwind Reporting', kind: 'SYSTEM', grants: [{ assetId: AD1, roles: ['ANALYZE'] }] },
          { id: '200000000000003', name: 'Not On It', grants: [{ assetId: AD2, roles: ['ANALYZE'] }] },
        ],
      },
    },
  };
}

let fake: FakePlatformServer;
let waits: number[];

function connector(over: Partial<ConnectorOptions> = {}) {
  return createConnector('meta', {
    baseUrl: fake.baseUrl,
    token: 'acme-token',
    businessId: ACME,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0,
    ...over,
  });
}
const calls = (edge: string) => fake.requests.filter((r) => r.path === edge);

beforeEach(async () => {
  fake = await createFakeNativePlatform('meta', world());
  waits = [];
});
afterEach(async () => {
  await fake.close();
});

describe('meta connector: failures', () => {
  it('an expired token fails with token_expired at once, without retries', async () => {
    fake.expireToken('acme-token');
    const err = await connector().listPartners().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ name: 'ConnectorError', kind: 'token_expired', platform: 'meta', retryable: false, platformCode: '190/463' });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(String((err as Error).message)).not.toContain('acme-token');
  });

  it('an unknown token fails with token_invalid, without retries', async () => {
    const err = await connector({ token: 'nobody' }).checkHub().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'token_invalid', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('a throttle answer (80004) is retried after estimated_time_to_regain_access, then succeeds', async () => {
    fake.failNext('rate_limited', { retryAfterSeconds: 60 });
    const partners = await connector().listPartners();
    expect(partners).toHaveLength(5);
    expect(waits).toEqual([60_000]);
    expect(fake.requests.map((r) => r.errorCode)).toEqual([80004, null]);
  });

  it('a throttle wait longer than maxWaitMs is handed back as rate_limited with retryAfterMs, not slept', async () => {
    fake.failNext('rate_limited', { retryAfterSeconds: 600 });
    const err = await connector({ maxWaitMs: 60_000 }).listPartners().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 600_000 });
    expect(waits).toEqual([]);
  });

  it('5xx and dropped connections are retried with exponential backoff, up to maxRetries', async () => {
    fake.failNext('server_error');
    fake.failNext('network');
    expect(await connector().listPartners()).toHaveLength(5);
    expect(waits).toEqual([250, 500]);

    waits = [];
    fake.failNext('server_error', { times: 3 });
    const err = await connector({ maxRetries: 2 }).listPartners().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'platform_error', platformCode: '2' });
    expect(waits).toEqual([250, 500]);
  });

  it('jitter stays within +50% of the exponential step', async () => {
    fake.failNext('server_error', { times: 2 });
    await connector({ random: () => 0.999 }).listPartners();
    expect(waits[0]).toBeGreaterThan(250);
    expect(waits[0]).toBeLessThanOrEqual(375);
    expect(waits[1]).toBeGreaterThan(500);
    expect(waits[1]).toBeLessThanOrEqual(750);
  });

  it('usage headers near 100% pause the next request (estimated_time_to_regain_access)', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({ [ACME]: [{ type: 'ads_management', call_count: 97, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 2 }] }),
    });
    expect(interpretMeta({ status: 200, headers, body: { data: [] } })).toMatchObject({ ok: true, pauseMs: 120_000 });
    expect(interpretMeta({ status: 200, headers: new Headers({ 'x-app-usage': '{"call_count":10}' }), body: { data: [] } })).not.toHaveProperty('pauseMs');
    const adAccount = new Headers({ 'x-ad-account-usage': '{"acc_id_util_pct":99,"reset_time_duration":30,"ads_api_access_tier":"standard_access"}' });
    expect(interpretMeta({ status: 200, headers: adAccount, body: { data: [] } })).toMatchObject({ ok: true, pauseMs: 30_000 });
  });

  it('the indicated wait: BUC regain minutes first, else the ad-account reset seconds, else none', () => {
    const buc = (m: number) => JSON.stringify({ '1': [{ type: 'ads_management', estimated_time_to_regain_access: m }], '2': [{ type: 'ads_insights', estimated_time_to_regain_access: 1 }] });
    expect(metaWaitMs(new Headers({ 'x-business-use-case-usage': buc(3) }))).toBe(180_000);
    expect(metaWaitMs(new Headers({ 'x-business-use-case-usage': buc(0), 'x-ad-account-usage': '{"reset_time_duration":45}' }))).toBe(60_000);
    expect(metaWaitMs(new Headers({ 'x-ad-account-usage': '{"reset_time_duration":45}' }))).toBe(45_000);
    expect(metaWaitMs(new Headers({ 'x-business-use-case-usage': 'not json' }))).toBeUndefined();
    expect(metaWaitMs(new Headers())).toBeUndefined();
  });
});

describe('meta connector: checkHub', () => {
  it('names the business and what the credential can and cannot read', async () => {
    expect(await connector().checkHub()).toEqual({
      externalId: ACME,
      name: 'Acme Outdoor Inc',
      callerRole: null,
      canRead: ['business', 'partners', 'shared_assets', 'people'],
      cannotRead: [],
    });
    fake.world.businesses[ACME]!.tokens['acme-token'] = { denied: ['people'] };
    expect(await connector().checkHub()).toMatchObject({ canRead: ['business', 'partners', 'shared_assets'], cannotRead: ['people'] });
  });

  it('a business the credential cannot manage is refused (not_permitted)', async () => {
    await expect(connector({ businessId: NORTHWIND }).checkHub()).rejects.toMatchObject({ kind: 'not_permitted', platformCode: '200/1752041' });
  });
});

describe('meta connector: partners and shared assets', () => {
  it('follows every cursor: all partners over several pages, token in the header only', async () => {
    fake.setPageSize(2);
    const partners = await connector().listPartners();
    expect(partners.map((p) => p.externalId)).toEqual([NORTHWIND, LUMEN, QUIET, '1000000000000001', '1000000000000002']);
    expect(partners[0]).toMatchObject({ name: 'Northwind Media Agency', contactEmail: null });
    const pages = calls(`/${ACME}/agencies`);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.query.after).toBeUndefined();
    expect(new Set(pages.slice(1).map((r) => r.query.after)).size).toBe(2);
    expect(fake.requests.every((r) => r.tokenIn === 'header' && !('access_token' in r.query))).toBe(true);
  });

  it('a partner with no shared asset has []', async () => {
    const c = connector();
    await c.listPartners();
    expect(await c.listSharedAssets(QUIET)).toEqual([]);
    expect(await connector().listSharedAssets(QUIET)).toEqual([]);
  });

  it('lists the ad account, Page, catalog (M1) and pixel, Instagram account (M7) with raw tasks, level and status', async () => {
    fake.setPageSize(1);
    const c = connector();
    await c.listPartners();
    const assets = await c.listSharedAssets(NORTHWIND);
    expect(assets).toEqual(
      expect.arrayContaining([
        { externalId: `act_${AD1}`, type: 'AD_ACCOUNT', rawType: 'adaccount_permissions', name: 'Acme US Prospecting', rawRoles: ['MANAGE', 'ADVERTISE', 'ANALYZE'], level: 'ADMIN', status: 'ACTIVE', rawStatus: 'CONFIRMED' },
        { externalId: '110293847561234', type: 'PAGE', rawType: 'page_permissions', name: 'Acme Outdoor', rawRoles: ['ADVERTISE', 'ANALYZE'], level: 'ADVERTISE', status: 'PENDING', rawStatus: 'CLIENT_RESPONSE_PENDING' },
        expect.objectContaining({ externalId: '99887766', type: 'CATALOG', name: 'Acme US Catalog', rawRoles: ['ADVERTISER'], level: 'ADVERTISE' }),
        expect.objectContaining({ externalId: '4455667788', type: 'PIXEL', rawType: 'owned_pixels', name: 'Acme Pixel', rawRoles: ['ANALYZE', 'ADVERTISE', 'UPLOAD'], level: 'ADVERTISE' }),
        expect.objectContaining({ externalId: '17841400000000', type: 'INSTAGRAM_ACCOUNT', name: 'acmeoutdoor', level: 'ANALYZE' }),
      ]),
    );
    expect(assets).toHaveLength(5);
    expect(await c.listSharedAssets(LUMEN)).toEqual([
      expect.objectContaining({ externalId: `act_${AD2}`, rawRoles: ['ANALYZE'], level: 'ANALYZE', status: 'PENDING' }),
    ]);
    expect(calls(`/${ACME}/agencies`)).toHaveLength(5); // one request per partner page, once per run (not again per partner)
  });

  it('owned-asset lists it may not read are skipped and reported as coverage gaps, not a failed sync', async () => {
    fake.world.businesses[ACME]!.tokens['acme-token'] = { denied: ['assets'] };
    const gaps: unknown[] = [];
    const assets = await connector({ onCoverageGap: (g) => gaps.push(g) }).listSharedAssets(NORTHWIND);
    expect(assets.map((a) => [a.type, a.name])).toEqual([
      ['AD_ACCOUNT', null],
      ['PAGE', null],
      ['CATALOG', null],
    ]);
    expect(gaps).toEqual(
      expect.arrayContaining([
        { endpoint: 'GET /{business-id}/owned_ad_accounts', assetExternalId: null, outcome: 'NOT_PERMITTED', platformCode: '200/1752041' },
        { endpoint: 'GET /{business-id}/owned_pixels', assetExternalId: null, outcome: 'NOT_PERMITTED', platformCode: '200/1752041' },
      ]),
    );
  });

  it('a permission change between two syncs shows in rawRoles and level; a removed share disappears', async () => {
    const c = connector();
    await c.listPartners();
    const before = await c.listSharedAssets(NORTHWIND);
    expect(before.find((a) => a.type === 'AD_ACCOUNT')).toMatchObject({ rawRoles: ['MANAGE', 'ADVERTISE', 'ANALYZE'], level: 'ADMIN' });

    const link = fake.world.businesses[ACME]!.partners[0]!;
    link.grants[0]!.roles = ['ANALYZE'];
    link.grants = link.grants.filter((g) => g.assetId !== '4455667788');

    await c.listPartners();
    const after = await c.listSharedAssets(NORTHWIND);
    expect(after.find((a) => a.type === 'AD_ACCOUNT')).toMatchObject({ rawRoles: ['ANALYZE'], level: 'ANALYZE' });
    expect(after.some((a) => a.type === 'PIXEL')).toBe(false);
    // Outside a run (no listPartners first), a call reads fresh too.
    link.grants[0]!.roles = ['DRAFT'];
    expect((await c.listSharedAssets(NORTHWIND)).find((a) => a.type === 'AD_ACCOUNT')).toMatchObject({ rawRoles: ['DRAFT'], level: 'LIMITED' });
  });
});

describe('meta connector: partner people on one of our assets', () => {
  const partnerSide = (token = 'northwind-token') => connector({ token, businessId: NORTHWIND });

  it('the owner credential cannot list the partner’s people: not_permitted, never "no access"', async () => {
    expect(await connector({ businessId: NORTHWIND }).listPartnerPeopleOnAsset({ externalId: `act_${AD1}`, type: 'AD_ACCOUNT' })).toEqual({
      visible: false,
      reason: 'not_permitted',
    });
    expect(await partnerSide('northwind-no-people').listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_permitted' });
  });

  it('asset types without assigned_users are unsupported; an asset no longer shared is not visible', async () => {
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: '3344556677', type: 'APP' })).toEqual({ visible: false, reason: 'unsupported' });
    fake.world.businesses[ACME]!.partners[0]!.grants = [];
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_visible_through_api' });
  });

  it('with the partner’s credential: its humans and system users on the asset, with tasks, over pages', async () => {
    fake.setPageSize(1);
    const result = await partnerSide().listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' });
    expect(result).toEqual({
      visible: true,
      people: [
        { externalId: '200000000000001', kind: 'HUMAN', displayName: 'Priya Shah', email: null, rawRoles: ['ADVERTISE', 'ANALYZE'], level: 'ADVERTISE' },
        { externalId: '200000000000002', kind: 'SYSTEM', displayName: 'Northwind Reporting', email: null, rawRoles: ['ANALYZE'], level: 'ANALYZE' },
      ],
    });
    const reqs = calls(`/act_${AD1}/assigned_users`);
    expect(reqs).toHaveLength(2);
    expect(reqs.every((r) => r.query.business === NORTHWIND)).toBe(true);
  });
});
