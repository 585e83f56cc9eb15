import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeNativePlatform, type FakePlatformServer, type FakeWorld } from '../../../../test/fakes/native/index';
import { createConnector, type ConnectorError, type ConnectorOptions } from './index';

/** Contract tests: the TikTok connector against the fake Business Center API on loopback. */
const ACME = '7301122334455667788';
const NORTHWIND = '7219988776655443322';
const LUMEN = '7254433221100998877';
const QUIET = '7200000000000000001';
const ADV1 = '7123456789012345678';
const ADV2 = '7123456789012399999';
const CAT = '7100000000000000777';
const PIXEL = '7100000000000000888';

function world(): FakeWorld {
  return {
    businesses: {
      [ACME]: {
        name: 'Acme Outdoor BC',
        tokens: { 'acme-token': {}, 'acme-standard': { role: 'STANDARD' } },
        assets: [
          { id: ADV1, type: 'AD_ACCOUNT', name: 'Acme US Prospecting' },
          { id: ADV2, type: 'AD_ACCOUNT', name: 'Acme CA Retargeting' },
          { id: CAT, type: 'CATALOG', name: 'Acme Catalog' },
          { id: PIXEL, type: 'PIXEL', name: 'Acme Pixel' },
        ],
        partners: [
          {
            businessId: NORTHWIND,
            grants: [
              { assetId: ADV1, roles: ['OPERATOR'] },
              { assetId: ADV2, roles: ['ANALYST'] },
              { assetId: CAT, roles: ['AD_PROMOTE'] },
              { assetId: PIXEL, roles: ['ADMIN'] },
            ],
          },
          { businessId: LUMEN, name: 'Lumen Planning Co', grants: [{ assetId: ADV2, roles: ['ANALYST'] }] },
          { businessId: QUIET, name: 'Quiet Partner', grants: [] },
        ],
        people: [{ id: '6987001122334455667', name: 'Dana Lee', email: 'dana.lee@acme-outdoor.example', businessRole: 'ADMIN', grants: [{ assetId: ADV1, roles: ['ADMIN'] }] }],
      },
      [NORTHWIND]: {
        name: 'Northwind Media Agency',
        tokens: { 'northwind-token': {}, 'northwind-standard': { role: 'STANDARD' } },
        assets: [],
        partners: [],
        people: [
          { id: '6987000000000000001', name: 'Priya Shah', email: 'priya@northwind.example', grants: [{ assetId: ADV1, roles: ['OPERATOR'] }] },
          { id: '6987000000000000002', name: 'Leo Park', email: 'leo@northwind.example', grants: [{ assetId: ADV1, roles: ['ANALYST'] }] },
          { id: '6987000000000000003', name: 'Mia Chen', email: 'mia@northwind.example', grants: [{ assetId: ADV1, roles: ['ANALYST'] }, { assetId: CAT, roles: ['AD_PROMOTE'] }] },
        ],
      },
    },
  };
}

let fake: FakePlatformServer;
let waits: number[];
function connector(over: Partial<ConnectorOptions> = {}) {
  return createConnector('tiktok', {
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
const calls = (path: string) => fake.requests.filter((r) => r.path === path);

beforeEach(async () => {
  fake = await createFakeNativePlatform('tiktok', world());
  waits = [];
});
afterEach(async () => {
  await fake.close();
});

describe('tiktok connector: failures', () => {
  it('an expired token (40102 in a 200) fails with token_expired at once, without retries', async () => {
    fake.expireToken('acme-token');
    const err = await connector().listPartners().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ name: 'ConnectorError', kind: 'token_expired', platform: 'tiktok', retryable: false, platformCode: '40102' });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a revoked or unknown token (40105) fails with token_invalid', async () => {
    await expect(connector({ token: 'nobody' }).listPartners()).rejects.toMatchObject({ kind: 'token_invalid', platformCode: '40105' });
    expect(fake.requests).toHaveLength(1);
  });

  it('throttling (40100 in a 200, no headers) is retried after a second, then with exponential backoff, then succeeds', async () => {
    fake.failNext('rate_limited', { times: 2 });
    const partners = await connector().listPartners();
    expect(partners).toHaveLength(3);
    expect(waits).toEqual([1_000, 2_000]);
    expect(fake.requests.map((r) => r.errorCode)).toEqual([40100, 40100, null]);
  });

  it('throttling that outlasts maxRetries fails as rate_limited', async () => {
    fake.failNext('rate_limited', { times: 5 });
    await expect(connector({ maxRetries: 1 }).listPartners()).rejects.toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(waits).toEqual([1_000]);
  });

  it('service errors (5xxxx) and dropped connections are retried', async () => {
    fake.failNext('server_error');
    fake.failNext('network');
    expect(await connector().listPartners()).toHaveLength(3);
    expect(waits).toEqual([250, 500]);
  });

  it('a path without its trailing slash is a 404 the connector never makes: every request ends in /', async () => {
    await connector().listPartners();
    expect(fake.requests.every((r) => r.path.endsWith('/') && r.tokenIn === 'header')).toBe(true);
  });
});

describe('tiktok connector: checkHub', () => {
  it('names the BC, the caller role and what the credential can read', async () => {
    expect(await connector().checkHub()).toEqual({
      externalId: ACME,
      name: 'Acme Outdoor BC',
      callerRole: 'ADMIN',
      canRead: ['business', 'partners', 'shared_assets', 'people'],
      cannotRead: [],
    });
  });

  it('a STANDARD member sees the BC but not partners or people (40001)', async () => {
    expect(await connector({ token: 'acme-standard' }).checkHub()).toMatchObject({
      callerRole: 'STANDARD',
      canRead: ['business'],
      cannotRead: ['partners', 'shared_assets', 'people'],
    });
  });

  it('a BC the credential cannot see is not_found', async () => {
    await expect(connector({ businessId: NORTHWIND }).checkHub()).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('tiktok connector: partners and shared assets', () => {
  it('follows every page (page until total_page)', async () => {
    fake.setPageSize(1);
    const partners = await connector().listPartners();
    expect(partners).toEqual([
      { externalId: NORTHWIND, name: 'Northwind Media Agency', contactEmail: null, raw: { bc_id: NORTHWIND, bc_name: 'Northwind Media Agency' } },
      expect.objectContaining({ externalId: LUMEN, name: 'Lumen Planning Co' }),
      expect.objectContaining({ externalId: QUIET }),
    ]);
    expect(calls('/bc/partner/get/').map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('a partner with no shared asset has []', async () => {
    expect(await connector().listSharedAssets(QUIET)).toEqual([]);
  });

  it('lists ad accounts and catalogs shared with the partner (SHARING), with roles and levels, over pages', async () => {
    fake.setPageSize(1);
    const assets = await connector().listSharedAssets(NORTHWIND);
    expect(assets).toEqual([
      { externalId: ADV1, type: 'AD_ACCOUNT', rawType: 'ADVERTISER', name: 'Acme US Prospecting', rawRoles: ['OPERATOR'], level: 'ADVERTISE', status: 'ACTIVE', rawStatus: null },
      { externalId: ADV2, type: 'AD_ACCOUNT', rawType: 'ADVERTISER', name: 'Acme CA Retargeting', rawRoles: ['ANALYST'], level: 'ANALYZE', status: 'ACTIVE', rawStatus: null },
      { externalId: CAT, type: 'CATALOG', rawType: 'CATALOG', name: 'Acme Catalog', rawRoles: ['AD_PROMOTE'], level: 'ADVERTISE', status: 'ACTIVE', rawStatus: null },
    ]);
    const t3 = calls('/bc/partner/asset/get/');
    expect(t3.every((r) => r.query.share_type === 'SHARING' && r.query.partner_id === NORTHWIND)).toBe(true);
    expect(t3.filter((r) => r.query.asset_type === 'ADVERTISER').map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('a permission change between two syncs shows in rawRoles and level', async () => {
    const c = connector();
    expect((await c.listSharedAssets(NORTHWIND))[0]).toMatchObject({ externalId: ADV1, rawRoles: ['OPERATOR'], level: 'ADVERTISE' });
    fake.world.businesses[ACME]!.partners[0]!.grants[0]!.roles = ['ADMIN'];
    expect((await c.listSharedAssets(NORTHWIND))[0]).toMatchObject({ externalId: ADV1, rawRoles: ['ADMIN'], level: 'ADMIN' });
  });
});

describe('tiktok connector: partner people on one of our assets', () => {
  const partnerSide = (token = 'northwind-token') => connector({ token, businessId: NORTHWIND });

  it('the owner credential cannot list another BC’s members: not_permitted', async () => {
    expect(await connector({ businessId: NORTHWIND }).listPartnerPeopleOnAsset({ externalId: ADV1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_permitted' });
    expect(await partnerSide('northwind-standard').listPartnerPeopleOnAsset({ externalId: ADV1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_permitted' });
  });

  it('asset types T5 does not take are unsupported; an asset that is gone is not visible', async () => {
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: PIXEL, type: 'PIXEL' })).toEqual({ visible: false, reason: 'unsupported' });
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: '7999', type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_visible_through_api' });
  });

  it('with the partner’s credential: its members on the asset with roles, all pages', async () => {
    fake.setPageSize(2);
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: ADV1, type: 'AD_ACCOUNT' })).toEqual({
      visible: true,
      people: [
        { externalId: '6987000000000000001', kind: 'HUMAN', displayName: 'Priya Shah', email: 'priya@northwind.example', rawRoles: ['OPERATOR'], level: 'ADVERTISE' },
        { externalId: '6987000000000000002', kind: 'HUMAN', displayName: 'Leo Park', email: 'leo@northwind.example', rawRoles: ['ANALYST'], level: 'ANALYZE' },
        { externalId: '6987000000000000003', kind: 'HUMAN', displayName: 'Mia Chen', email: 'mia@northwind.example', rawRoles: ['ANALYST'], level: 'ANALYZE' },
      ],
    });
    const t5 = calls('/bc/asset/member/get/');
    expect(t5.map((r) => [r.query.page, r.query.page_size, r.query.bc_id])).toEqual([
      ['1', '20', NORTHWIND],
      ['2', '20', NORTHWIND],
    ]);
  });
});
