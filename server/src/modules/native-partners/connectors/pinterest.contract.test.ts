import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeNativePlatform, type FakePlatformServer, type FakeWorld } from '../../../../test/fakes/native/index';
import { createConnector, type ConnectorError, type ConnectorOptions } from './index';
import { pinterestWaitMs } from './pinterest';

/** Contract tests: the Pinterest connector against the fake v5 Business Access API on loopback. */
const ACME = '549755813999';
const NORTHWIND = '383791336903426391';
const LUMEN = '383791336903426392';
const QUIET = '383791336903426393';
const AD1 = '549755885175';
const AD2 = '549755885176';
const PROFILE = '630433785246278264';
const CATALOG = '4836859046874';

function world(): FakeWorld {
  return {
    businesses: {
      [ACME]: {
        name: 'acmeoutdoor',
        email: 'ads@acme-outdoor.example',
        tokens: { 'acme-token': {}, 'acme-employee': { role: 'EMPLOYEE' } },
        assets: [
          { id: AD1, type: 'AD_ACCOUNT', name: 'Acme US' },
          { id: AD2, type: 'AD_ACCOUNT', name: 'Acme CA' },
          { id: PROFILE, type: 'PINTEREST_PROFILE', name: 'acmeoutdoor' },
          { id: CATALOG, type: 'CATALOG', name: 'Acme US Catalog' },
        ],
        partners: [
          {
            businessId: NORTHWIND,
            grants: [
              { assetId: AD1, roles: ['CAMPAIGN_MANAGER', 'ANALYST'] },
              { assetId: PROFILE, roles: ['PROFILE_PUBLISHER'] },
              { assetId: CATALOG, roles: ['CATALOGS_VIEWER'] },
            ],
          },
          { businessId: LUMEN, name: 'lumenplanning', email: 'hello@lumen.example', grants: [{ assetId: AD2, roles: ['ANALYST'] }] },
          { businessId: QUIET, name: 'quietpartner', grants: [] },
        ],
        people: [{ id: '549755811111', name: 'danalee', email: 'dana.lee@acme-outdoor.example', businessRole: 'BIZ_ADMIN', grants: [{ assetId: AD1, roles: ['ADMIN'] }] }],
      },
      [NORTHWIND]: {
        name: 'northwindmedia',
        email: 'pinterest@northwind.example',
        tokens: { 'northwind-token': {}, 'northwind-no-people': { denied: ['people'] } },
        assets: [],
        partners: [],
        people: [
          { id: '700000000000000001', name: 'priyashah', email: 'priya@northwind.example', grants: [{ assetId: AD1, roles: ['CAMPAIGN_MANAGER'] }] },
          { id: '700000000000000002', name: 'leopark', email: 'leo@northwind.example', grants: [{ assetId: AD1, roles: ['ANALYST', 'FINANCE_VIEW'] }] },
          { id: '700000000000000003', name: 'nw-reporting', kind: 'SYSTEM', grants: [{ assetId: AD1, roles: ['ANALYST'] }] },
        ],
      },
    },
  };
}

let fake: FakePlatformServer;
let waits: number[];
function connector(over: Partial<ConnectorOptions> = {}) {
  return createConnector('pinterest', {
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
  fake = await createFakeNativePlatform('pinterest', world());
  waits = [];
});
afterEach(async () => {
  await fake.close();
});

describe('pinterest connector: failures', () => {
  it('an expired token (401) fails with token_expired at once, without retries', async () => {
    fake.expireToken('acme-token');
    const err = await connector().listPartners().catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ name: 'ConnectorError', kind: 'token_expired', platform: 'pinterest', retryable: false, platformCode: '401/2' });
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a 429 is retried after X-RateLimit-Reset, then succeeds', async () => {
    fake.failNext('rate_limited', { retryAfterSeconds: 7 });
    expect(await connector().listPartners()).toHaveLength(3);
    expect(waits).toEqual([7_000]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('the wait is read from Retry-After, or X-RateLimit-Reset as seconds, epoch seconds or epoch ms', () => {
    const now = () => 1_800_000_000_000;
    expect(pinterestWaitMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    expect(pinterestWaitMs(new Headers({ 'x-ratelimit-reset': '12' }), now)).toBe(12_000);
    expect(pinterestWaitMs(new Headers({ 'x-ratelimit-reset': '1800000020' }), now)).toBe(20_000);
    expect(pinterestWaitMs(new Headers({ 'x-ratelimit-reset': '1800000005000' }), now)).toBe(5_000);
    expect(pinterestWaitMs(new Headers({}), now)).toBeUndefined();
  });

  it('a 429 without a wait backs off exponentially from a second; 5xx from 250 ms', async () => {
    const c = connector({
      fetch: (() => {
        let n = 0;
        return async (input: string | URL | Request, init?: RequestInit) => {
          n += 1;
          if (n === 1) return new Response(JSON.stringify({ code: 8, message: 'This request exceeded a rate limit.' }), { status: 429 });
          if (n === 2) return new Response(JSON.stringify({ code: 3, message: 'Internal server error.' }), { status: 503 });
          return fetch(input, init);
        };
      })(),
    });
    expect(await c.listPartners()).toHaveLength(3);
    expect(waits).toEqual([1_000, 500]);
  });

  it('a 429 about spam is not retried', async () => {
    const c = connector({ fetch: async () => new Response(JSON.stringify({ code: 8, message: 'Your request was blocked as spam.' }), { status: 429 }) });
    await expect(c.listPartners()).rejects.toMatchObject({ kind: 'platform_error', retryable: false });
    expect(waits).toEqual([]);
  });

  it('an exhausted window (X-RateLimit-Remaining: 0 on a success) pauses before the next request', async () => {
    const headers = { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' };
    let n = 0;
    const c = connector({
      fetch: async () => {
        n += 1;
        return new Response(JSON.stringify({ items: [{ id: String(n), user: { id: String(n) } }], bookmark: n < 2 ? 'b' : null }), { status: 200, headers });
      },
    });
    expect(await c.listPartners()).toHaveLength(2);
    expect(waits).toEqual([4_000]);
  });
});

describe('pinterest connector: checkHub', () => {
  it('names the business, the caller role and what the credential can read', async () => {
    expect(await connector().checkHub()).toEqual({
      externalId: ACME,
      name: 'acmeoutdoor',
      callerRole: 'BIZ_ADMIN',
      canRead: ['business', 'partners', 'shared_assets', 'people'],
      cannotRead: [],
    });
  });

  it('an EMPLOYEE sees the business but not partners or people (403)', async () => {
    expect(await connector({ token: 'acme-employee' }).checkHub()).toMatchObject({
      callerRole: 'EMPLOYEE',
      canRead: ['business'],
      cannotRead: ['partners', 'shared_assets', 'people'],
    });
  });

  it('a business the credential does not belong to is not_found', async () => {
    await expect(connector({ businessId: NORTHWIND }).checkHub()).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('pinterest connector: partners and shared assets', () => {
  it('follows every bookmark until null: all partners, with contact emails, token in the header', async () => {
    fake.setPageSize(1);
    const partners = await connector().listPartners();
    expect(partners.map((p) => [p.externalId, p.name, p.contactEmail])).toEqual([
      [NORTHWIND, 'northwindmedia', 'pinterest@northwind.example'],
      [LUMEN, 'lumenplanning', 'hello@lumen.example'],
      [QUIET, 'quietpartner', null],
    ]);
    const pages = calls(`/businesses/${ACME}/partners`);
    expect(pages).toHaveLength(3);
    expect(pages.every((r) => r.query.partner_type === 'INTERNAL' && r.tokenIn === 'header')).toBe(true);
    expect(pages[0]!.query.bookmark).toBeUndefined();
    expect(new Set(pages.slice(1).map((r) => r.query.bookmark)).size).toBe(2);
  });

  it('a partner with no shared asset has []', async () => {
    expect(await connector().listSharedAssets(QUIET)).toEqual([]);
  });

  it('lists ad accounts, profiles and catalogs shared with the partner, with permissions and levels', async () => {
    expect(await connector().listSharedAssets(NORTHWIND)).toEqual([
      { externalId: AD1, type: 'AD_ACCOUNT', rawType: 'AD_ACCOUNT', name: null, rawRoles: ['CAMPAIGN_MANAGER', 'ANALYST'], level: 'ADVERTISE', status: 'ACTIVE', rawStatus: null },
      { externalId: PROFILE, type: 'PINTEREST_PROFILE', rawType: 'PROFILE', name: null, rawRoles: ['PROFILE_PUBLISHER'], level: 'LIMITED', status: 'ACTIVE', rawStatus: null },
      { externalId: CATALOG, type: 'CATALOG', rawType: 'CATALOG', name: 'Acme US Catalog', rawRoles: ['CATALOGS_VIEWER'], level: 'ANALYZE', status: 'ACTIVE', rawStatus: null },
    ]);
  });

  it('a permission change between two syncs shows in rawRoles and level', async () => {
    const c = connector();
    expect((await c.listSharedAssets(LUMEN))[0]).toMatchObject({ rawRoles: ['ANALYST'], level: 'ANALYZE' });
    fake.world.businesses[ACME]!.partners[1]!.grants[0]!.roles = ['ADMIN', 'FINANCE_MANAGER'];
    expect((await c.listSharedAssets(LUMEN))[0]).toMatchObject({ rawRoles: ['ADMIN', 'FINANCE_MANAGER'], level: 'ADMIN' });
  });
});

describe('pinterest connector: partner people on one of our assets', () => {
  const partnerSide = (token = 'northwind-token') => connector({ token, businessId: NORTHWIND });

  it('the owner credential cannot read the partner business: not_permitted; nor can a token denied people', async () => {
    expect(await connector({ businessId: NORTHWIND }).listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_permitted' });
    expect(await partnerSide('northwind-no-people').listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_permitted' });
  });

  it('unsupported types and assets no longer shared are reported as such, never as "no people"', async () => {
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: AD1, type: 'PIXEL' })).toEqual({ visible: false, reason: 'unsupported' });
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: AD2, type: 'AD_ACCOUNT' })).toEqual({ visible: false, reason: 'not_visible_through_api' });
  });

  it('with the partner’s credential: its humans and system users on the asset, all pages', async () => {
    fake.setPageSize(1);
    expect(await partnerSide().listPartnerPeopleOnAsset({ externalId: AD1, type: 'AD_ACCOUNT' })).toEqual({
      visible: true,
      people: [
        { externalId: '700000000000000001', kind: 'HUMAN', displayName: 'priyashah', email: 'priya@northwind.example', rawRoles: ['CAMPAIGN_MANAGER'], level: 'ADVERTISE' },
        { externalId: '700000000000000002', kind: 'HUMAN', displayName: 'leopark', email: 'leo@northwind.example', rawRoles: ['ANALYST', 'FINANCE_VIEW'], level: 'ANALYZE' },
        { externalId: '700000000000000003', kind: 'SYSTEM', displayName: 'nw-reporting', email: null, rawRoles: ['ANALYST'], level: 'ANALYZE' },
      ],
    });
    expect(calls(`/businesses/${NORTHWIND}/assets/${AD1}/members`).map((r) => r.query.fetch_system_users)).toEqual(['false', 'false', 'true']);
  });
});
