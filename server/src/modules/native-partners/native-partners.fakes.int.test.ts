import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckForUpdatesResponse, NativeHubDto, NativePartnerDetails, NativePlatform, NativeSyncJobDto } from '@shared/native-partners';
import { activityEvents, outbox } from '../../db/schema/index';
import { createFakeNativePlatform, type FakePlatformServer, type FakeWorld } from '../../../test/fakes/native/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { getNativeSyncWorker } from './native-partners.sync';

/**
 * The whole flow against the fake platform servers of helper 6a (server/test/fakes/native: real
 * HTTP on loopback, the documented envelopes, paging and errors) through the real connectors:
 * connect a hub, Check for updates, onboard a partner, sync twice with a change in between → the
 * activity events, the email to App Owners (outbox) and the read-only API view.
 */
const OURS = '1122334455667788';
const AGENCY = '1029384756473829';
const AD1 = '238947239847561';
const AD2 = '238947239847562';

function fakeWorld(): FakeWorld {
  return {
    businesses: {
      [OURS]: {
        name: 'Acme Outdoor Inc',
        tokens: { 'acme-token': {} },
        assets: [
          { id: AD1, type: 'AD_ACCOUNT', name: 'Acme US Prospecting' },
          { id: AD2, type: 'AD_ACCOUNT', name: 'Acme CA Retargeting' },
        ],
        partners: [
          { businessId: AGENCY, grants: [{ assetId: AD1, roles: ['MANAGE'] }, { assetId: AD2, roles: ['ANALYZE'] }] },
          { businessId: '1000000000000009', name: 'Nothing Shared', grants: [] },
        ],
        people: [],
      },
      [AGENCY]: {
        name: 'Northwind Media Agency',
        tokens: { 'agency-token': {} },
        assets: [],
        partners: [],
        people: [
          { id: '200000000000001', name: 'Priya Shah', grants: [{ assetId: AD1, roles: ['ANALYZE'] }] },
          { id: '200000000000002', name: 'Omar Ortiz', grants: [{ assetId: AD2, roles: ['ANALYZE'] }] },
        ],
      },
    },
  };
}

const ROLES: Record<NativePlatform, { analyze: string[]; manage: string[] }> = {
  meta: { analyze: ['ANALYZE'], manage: ['MANAGE'] },
  tiktok: { analyze: ['ANALYST'], manage: ['ADMIN'] },
  pinterest: { analyze: ['ANALYST'], manage: ['ADMIN'] },
};

describe.each(['meta', 'tiktok', 'pinterest'] as NativePlatform[])('native partners against the %s fake platform', (platform) => {
  let t: TestApp;
  let fake: FakePlatformServer;
  let w: LocalPartnerWorld;
  const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const eventsOf = async (type: string) =>
    t.deps.db.select().from(activityEvents).where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.type, type))).orderBy(asc(activityEvents.id));

  beforeAll(async () => {
    const world = fakeWorld();
    const r = ROLES[platform]!;
    // Platform vocabularies: the same scenario in each platform's own words.
    world.businesses[OURS]!.partners[0]!.grants = [{ assetId: AD1, roles: r.manage }, { assetId: AD2, roles: r.analyze }];
    world.businesses[AGENCY]!.people[0]!.grants = [{ assetId: AD1, roles: r.analyze }];
    world.businesses[AGENCY]!.people[1]!.grants = [{ assetId: AD2, roles: r.analyze }];
    fake = await createFakeNativePlatform(platform, world);
    fake.setPageSize(1); // every list spans pages
    t = await createTestApp({ config: { nativeApiUrls: { meta: fake.baseUrl, tiktok: fake.baseUrl, pinterest: fake.baseUrl } } });
    t.deps.nativeConnectors = { sleep: async () => {} };
    w = await buildLocalPartnerWorld(t.deps);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('connect, check for updates, onboard, sync, change on the platform, sync again', async () => {
    // A token the platform does not know: 422, nothing stored.
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', { platform, businessId: OURS, token: 'stolen-token' }), 422, 'platform_credential_invalid');

    const hubRes = await as(w.sessions.admin, 'POST', '/native-hubs', { platform, businessId: OURS, token: 'acme-token' });
    expect(hubRes.statusCode, hubRes.body).toBe(201);
    const hub = hubRes.json() as NativeHubDto;
    expect(hub.name).toBe('Acme Outdoor Inc');

    const found = (await as(w.sessions.admin, 'POST', `/native-hubs/${hub.id}/check-for-updates`)).json() as CheckForUpdatesResponse;
    expect(found.partners.map((p) => [p.externalId, p.status, p.sharedAssets])).toEqual([[AGENCY, 'pending_onboarding', 2]]);
    const partnerId = found.partners[0]!.id;

    expectError(await as(w.sessions.admin, 'PUT', `/native-partners/${partnerId}/credential`, { token: 'acme-token-wrong' }), 422, 'platform_credential_invalid');
    expect((await as(w.sessions.admin, 'PUT', `/native-partners/${partnerId}/credential`, { token: 'agency-token' })).statusCode).toBe(200);

    const sync = async () => {
      const res = await as(w.sessions.admin, 'POST', `/native-partners/${partnerId}/sync`);
      expect(res.statusCode, res.body).toBe(202);
      await getNativeSyncWorker(t.deps).idle();
      return (await as(w.sessions.admin, 'GET', `/native-sync-jobs/${(res.json() as NativeSyncJobDto).id}`)).json() as NativeSyncJobDto;
    };
    const first = await sync();
    expect(first, JSON.stringify(first.log)).toMatchObject({ status: 'completed', done: 2, total: 2 });

    let d = (await as(w.sessions.user, 'GET', `/native-partners/${partnerId}`)).json() as NativePartnerDetails;
    expect(d.people.map((p) => [p.displayName, p.access.map((a) => a.level)]).sort()).toEqual([
      ['Omar Ortiz', ['ANALYZE']],
      ['Priya Shah', ['ANALYZE']],
    ]);

    // On the platform: Omar leaves, Priya is promoted on AD1, a new person joins on AD2.
    const agency = fake.world.businesses[AGENCY]!;
    agency.people = [
      { id: '200000000000001', name: 'Priya Shah', grants: [{ assetId: AD1, roles: ROLES[platform]!.manage }] },
      { id: '200000000000003', name: 'Noor Nasser', grants: [{ assetId: AD2, roles: ROLES[platform]!.analyze }] },
    ];
    fake.failNext('rate_limited'); // the connector backs off and carries on
    const second = await sync();
    expect(second.status, JSON.stringify(second.log)).toBe('completed');

    expect((await eventsOf('Native Partner Person Added')).map((e) => (e.data as { personName: string }).personName)).toEqual(['Noor Nasser']);
    expect((await eventsOf('Native Partner Person Removed')).map((e) => (e.data as { personName: string }).personName)).toEqual(['Omar Ortiz']);
    expect((await eventsOf('Native Partner Permission Changed')).map((e) => e.data)).toEqual([
      expect.objectContaining({ personName: 'Priya Shah', change: 'changed', fromLevel: 'ANALYZE', toLevel: 'ADMIN' }),
    ]);
    const mail = await t.deps.db.select().from(outbox).where(eq(outbox.template, 'native_partner.access_appeared'));
    expect(mail.map((m) => m.toEmail)).toEqual([w.people.admin.email]);

    d = (await as(w.sessions.user, 'GET', `/native-partners/${partnerId}`)).json() as NativePartnerDetails;
    expect(d.people.filter((p) => !p.removed).map((p) => [p.displayName, p.access.map((a) => [a.rawRoles, a.level])]).sort()).toEqual([
      ['Noor Nasser', [[ROLES[platform]!.analyze, 'ANALYZE']]],
      ['Priya Shah', [[ROLES[platform]!.manage, 'ADMIN']]],
    ]);
    expect(t.logs.join('\n')).not.toContain('agency-token');
    expect(t.logs.join('\n')).not.toContain('acme-token');
  });
});
