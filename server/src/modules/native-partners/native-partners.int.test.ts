import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CheckForUpdatesResponse,
  NativeGuestUsersResponse,
  NativeHubDto,
  NativePartnerDetails,
  NativePartnerDto,
  NativeSyncJobDto,
} from '@shared/native-partners';
import { activityEvents, nativeHubs, nativePartners, nativeSyncJobs, outbox } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { memoryConnectors, memoryWorld, type MemoryWorld } from '../../../test/native-memory';
import { insertMember } from '../../../test/world';
import { sessionFor } from '../../../test/harness';
import { OUTBOX_BODY_PURPOSE } from '../email/outbox';
import { DISCOVERY_PARTNERS_MAX } from './native-partners.service';
import { getNativeSyncWorker } from './native-partners.sync';

/**
 * Native partners end to end through the API, on a platform scripted in memory
 * (server/test/native-memory.ts): connect a hub, Check for updates, onboard a partner, sync twice
 * with a change in between, and the refusals. Failure cases first.
 */

let t: TestApp;
let w: LocalPartnerWorld;
let world: MemoryWorld;
let admin2: TestSession;

const HUB = '1000001';
const PARTNER = '2000002';
const HUB_TOKEN = 'hub-token-secret-AAAA';
const PARTNER_TOKEN = 'partner-token-secret-BBBB';

const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });

const eventsOf = async (type: string) =>
  t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.type, type)))
    .orderBy(asc(activityEvents.id));
const mails = async () =>
  (await t.deps.db.select({ to: outbox.toEmail, template: outbox.template, subject: outbox.subject }).from(outbox).orderBy(asc(outbox.createdAt))).filter((m) =>
    m.template.startsWith('native_partner.'),
  );
const idle = () => getNativeSyncWorker(t.deps).idle();

function buildPlatform() {
  world = memoryWorld('meta');
  world.businesses[HUB] = {
    name: 'Acme Ads',
    tokens: [HUB_TOKEN],
    partners: [
      {
        externalId: PARTNER,
        name: 'Brightside Studio',
        assets: [
          {
            externalId: 'act_111',
            type: 'AD_ACCOUNT',
            name: 'Acme Main Ads',
            rawRoles: ['MANAGE', 'ADVERTISE'],
            people: [
              { externalId: 'u-alice', name: 'Alice Agency', email: 'alice@brightside.test', roles: ['ADVERTISE'] },
              { externalId: 'u-bob', name: 'Bob Buyer', roles: ['ANALYZE'] },
            ],
          },
          {
            externalId: 'page_222',
            type: 'PAGE',
            name: 'Acme Page',
            rawRoles: ['MANAGE'],
            people: [{ externalId: 'u-alice', name: 'Alice Agency', email: 'alice@brightside.test', roles: ['ANALYZE'] }],
          },
          { externalId: 'pixel_333', type: 'PIXEL', name: 'Acme Pixel', rawRoles: ['EDIT'], people: 'not_visible_through_api' },
        ],
      },
      // Listed by the platform, but nothing of ours is shared with it: never added (R-NP-01).
      { externalId: '3000003', name: 'Nothing Shared Ltd', assets: [] },
    ],
  };
  world.businesses[PARTNER] = { name: 'Brightside Studio', tokens: [PARTNER_TOKEN], partners: [] };
}

beforeAll(async () => {
  t = await createTestApp();
  w = await buildLocalPartnerWorld(t.deps);
  const second = await insertMember(t.deps, w.workspaceId, 'admin');
  admin2 = await sessionFor(t.deps, second.userId, w.workspaceId);
  buildPlatform();
  t.deps.nativeConnectors = memoryConnectors(world);
});
afterAll(async () => {
  await t?.close();
});

let hub: NativeHubDto;
let partner: NativePartnerDto;

describe('connecting a business hub', () => {
  const body = (over: Record<string, unknown> = {}) => ({ platform: 'meta', businessId: HUB, token: HUB_TOKEN, ...over });

  it('refuses bad input (400), anonymous (401), members who do not manage integrations and guests (403); nothing is stored', async () => {
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body({ platform: 'myspace' })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body({ token: '' })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body({ businessId: '1 OR 1=1' })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body({ token: 'x'.repeat(5000) })), 400, 'validation_failed');
    expectError(await as(null, 'POST', '/native-hubs', body()), 401, 'unauthenticated');
    for (const who of ['user', 'hostAdmin', 'guestAdmin', 'guestUser'] as const) {
      expectError(await as(w.sessions[who], 'POST', '/native-hubs', body()), 403, 'forbidden');
    }
    expect(world.calls).toEqual([]); // refused before any platform call
    expect(await t.deps.db.select().from(nativeHubs)).toHaveLength(0);
  });

  it('refuses a token the platform rejects (422) or an unreachable platform (502), with nothing stored', async () => {
    const bad = expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body({ token: 'wrong-token' })), 422, 'platform_credential_invalid');
    expect(bad.message).toContain('Meta refused the business hub token');
    expect(bad.message).not.toContain('wrong-token');
    world.failNext.push({ kind: 'network' });
    expectError(await as(w.sessions.admin, 'POST', '/native-hubs', body()), 502, 'platform_unavailable');
    expect(await t.deps.db.select().from(nativeHubs)).toHaveLength(0);
    expect(await eventsOf('Native Hub Connected')).toHaveLength(0);
  });

  it('connects: the Admin who connects becomes its App Owner and sees what the token can read; the token is sealed', async () => {
    const res = await as(w.sessions.admin, 'POST', '/native-hubs', body());
    expect(res.statusCode).toBe(201);
    hub = res.json();
    expect(hub).toMatchObject({ platform: 'meta', externalId: HUB, name: 'Acme Ads', status: 'connected', callerRole: 'ADMIN', cannotRead: [] });
    expect(hub.canRead).toContain('partners');
    expect(hub.appOwners.map((o) => o.userId)).toEqual([w.people.admin.userId]);
    expect(hub.abilities).toEqual({ replaceCredential: true, disconnect: true, checkForUpdates: true });
    expect(res.body).not.toContain(HUB_TOKEN);
    const [row] = await t.deps.db.select().from(nativeHubs);
    expect(row!.credentialSealed).toBeTruthy();
    expect(row!.credentialSealed).not.toContain(HUB_TOKEN);
    const [ev] = await eventsOf('Native Hub Connected');
    expect(ev!.actorUserId).toBe(w.people.admin.userId);
    expect(t.logs.join('\n')).not.toContain(HUB_TOKEN);

    // Another Admin sees it but is not an App Owner; a second connection of the same business is refused.
    const seen = (await as(admin2, 'GET', '/native-hubs')).json() as { hubs: NativeHubDto[] };
    expect(seen.hubs[0]!.abilities).toEqual({ replaceCredential: false, disconnect: false, checkForUpdates: true });
    expectError(await as(admin2, 'POST', '/native-hubs', body()), 409, 'conflict');
  });

  it('lets only App Owners replace or disconnect the token (R-NP-06); another tenant gets 404', async () => {
    expectError(await as(admin2, 'PUT', `/native-hubs/${hub.id}/credential`, { token: HUB_TOKEN }), 403, 'forbidden');
    expectError(await as(admin2, 'POST', `/native-hubs/${hub.id}/disconnect`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'POST', `/native-hubs/${hub.id}/disconnect`), 404, 'not_found');
    expectError(await as(w.sessions.admin, 'PUT', `/native-hubs/${hub.id}/credential`, { token: 'nope' }), 422, 'platform_credential_invalid');
    const ok = await as(w.sessions.admin, 'PUT', `/native-hubs/${hub.id}/credential`, { token: HUB_TOKEN });
    expect(ok.statusCode).toBe(200);
    expect(await eventsOf('Native Hub Credential Replaced')).toHaveLength(1);
  });
});

describe('Check for updates and onboarding', () => {
  it('discovers partners with at least one shared asset as Pending onboarding (R-NP-01)', async () => {
    expectError(await as(w.sessions.user, 'POST', `/native-hubs/${hub.id}/check-for-updates`), 403, 'forbidden');
    const res = await as(admin2, 'POST', `/native-hubs/${hub.id}/check-for-updates`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as CheckForUpdatesResponse;
    expect(body.discovered).toBe(1);
    expect(body.skippedWithoutAssets).toBe(1);
    expect(body.notChecked).toBe(0);
    expect(body.partners.map((p) => [p.name, p.status, p.sharedAssets])).toEqual([['Brightside Studio', 'pending_onboarding', 3]]);
    partner = body.partners[0]!;
    expect(partner.abilities).toEqual({ connect: false, disconnect: false, sync: false }); // admin2 is not an App Owner
    expect((await eventsOf('Native Partner Discovered')).map((e) => (e.data as { partnerName: string }).partnerName)).toEqual(['Brightside Studio']);

    // A second check adds nothing new.
    expect(((await as(admin2, 'POST', `/native-hubs/${hub.id}/check-for-updates`)).json() as CheckForUpdatesResponse).discovered).toBe(0);
  });

  it('refuses to sync a partner that is not onboarded (409), a non-App-Owner connecting (403), a bad partner token (422)', async () => {
    expectError(await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`), 409, 'conflict');
    expectError(await as(admin2, 'PUT', `/native-partners/${partner.id}/credential`, { token: PARTNER_TOKEN }), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'PUT', `/native-partners/${partner.id}/credential`, { token: PARTNER_TOKEN }), 404, 'not_found');
    expectError(await as(w.sessions.admin, 'PUT', `/native-partners/${partner.id}/credential`, { token: HUB_TOKEN }), 422, 'platform_credential_invalid');
    const [row] = await t.deps.db.select().from(nativePartners).where(eq(nativePartners.id, partner.id));
    expect(row!.status).toBe('pending_onboarding');
    expect(row!.credentialSealed).toBeNull();
  });

  it('onboards the partner with its token (App Owner)', async () => {
    const res = await as(w.sessions.admin, 'PUT', `/native-partners/${partner.id}/credential`, { token: PARTNER_TOKEN });
    expect(res.statusCode).toBe(200);
    partner = res.json();
    expect(partner.status).toBe('onboarded');
    expect(partner.abilities).toEqual({ connect: false, disconnect: true, sync: true });
    expect(await eventsOf('Native Partner Onboarded')).toHaveLength(1);
  });
});

describe('syncing', () => {
  it('refuses members who do not manage integrations (403) and guests (404)', async () => {
    expectError(await as(w.sessions.user, 'POST', `/native-partners/${partner.id}/sync`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'POST', `/native-partners/${partner.id}/sync`), 404, 'not_found');
    expectError(await as(w.sessions.guestAdmin, 'GET', '/native-partners'), 403, 'forbidden');
    expect(await t.deps.db.select().from(nativeSyncJobs)).toHaveLength(0);
  });

  it('a first sync runs as a job (Queued → Running → Completed, "3 of 3 assets") and is the baseline: no per-person events, no email', async () => {
    const res = await as(admin2, 'POST', `/native-partners/${partner.id}/sync`);
    expect(res.statusCode).toBe(202);
    const queued = res.json() as NativeSyncJobDto;
    expect(queued.status).toBe('queued');
    await idle();
    const job = (await as(admin2, 'GET', `/native-sync-jobs/${queued.id}`)).json() as NativeSyncJobDto;
    expect(job).toMatchObject({ status: 'completed', done: 3, total: 3, reason: null, trigger: 'manual' });
    expect(job.log.map((l) => l.status)).toEqual(['queued', 'running', 'running', 'running', 'completed']);
    expect(job.log[3]!.message).toContain('Not visible through the API: people on 1 asset');
    const [done] = await eventsOf('Native Sync Completed');
    expect(done!.data).toMatchObject({ baseline: true, assets: 3, people: 2 });
    expect(await eventsOf('Native Partner Person Added')).toHaveLength(0);
    expect(await mails()).toEqual([]);
  });

  it('shows assets and people read-only, with raw roles and levels; "not visible" is never "no access"', async () => {
    const d = (await as(w.sessions.user, 'GET', `/native-partners/${partner.id}`)).json() as NativePartnerDetails;
    const byAsset = Object.fromEntries(d.assets.map((a) => [a.externalId, a]));
    expect(byAsset['act_111']).toMatchObject({ level: 'ADMIN', rawRoles: ['ADVERTISE', 'MANAGE'], peopleVisibility: 'visible', people: 2 });
    expect(byAsset['pixel_333']).toMatchObject({ peopleVisibility: 'not_visible_through_api', people: 0 });
    const alice = d.people.find((p) => p.externalId === 'u-alice')!;
    expect(alice.access.map((a) => [a.assetName, a.rawRoles, a.level]).sort()).toEqual([
      ['Acme Main Ads', ['ADVERTISE'], 'ADVERTISE'],
      ['Acme Page', ['ANALYZE'], 'ANALYZE'],
    ]);
    const guests = (await as(w.sessions.user, 'GET', '/native-people?platform=meta')).json() as NativeGuestUsersResponse;
    expect(guests.people.map((p) => [p.displayName, p.level, p.assets]).sort()).toEqual([
      ['Alice Agency', 'ADVERTISE', 2],
      ['Bob Buyer', 'ANALYZE', 1],
    ]);
  });

  it('a second sync after a change reports the difference: new people, lost people, changed permissions, and mails the App Owners', async () => {
    const assets = world.businesses[HUB]!.partners[0]!.assets;
    assets[0]!.people = [
      { externalId: 'u-alice', name: 'Alice Agency', email: 'alice@brightside.test', roles: ['ADVERTISE'] },
      { externalId: 'u-carol', name: 'Carol Creative', email: 'carol@brightside.test', roles: ['MANAGE'] },
    ]; // Bob is gone, Carol is new
    assets[1]!.people = [{ externalId: 'u-alice', name: 'Alice Agency', email: 'alice@brightside.test', roles: ['MANAGE'] }]; // Alice: ANALYZE → MANAGE
    world.failNext.push({ kind: 'rate_limited', retryable: true }); // one retry on the way

    const res = await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`);
    expect(res.statusCode).toBe(202);
    await idle();
    const job = (await as(w.sessions.admin, 'GET', `/native-sync-jobs/${(res.json() as NativeSyncJobDto).id}`)).json() as NativeSyncJobDto;
    expect(job.status).toBe('completed');
    expect(job.log.map((l) => l.status)).toContain('retrying');

    expect((await eventsOf('Native Partner Person Added')).map((e) => (e.data as { personName: string }).personName)).toEqual(['Carol Creative']);
    expect((await eventsOf('Native Partner Person Removed')).map((e) => (e.data as { personName: string }).personName)).toEqual(['Bob Buyer']);
    const changed = await eventsOf('Native Partner Permission Changed');
    expect(changed.map((e) => e.data)).toEqual([
      expect.objectContaining({ personName: 'Alice Agency', change: 'changed', assetName: 'Acme Page', fromRoles: ['ANALYZE'], toRoles: ['MANAGE'], fromLevel: 'ANALYZE', toLevel: 'ADMIN' }),
    ]);
    const summary = (await eventsOf('Native Sync Completed'))[1]!;
    expect(summary.data).toMatchObject({ baseline: false, newPeople: 1, lostPeople: 1, changedAccesses: 1 });
    expect(summary.actorUserId).toBeNull();

    // The email goes to the App Owners only (admin), not to the other Admin.
    const sent = await mails();
    expect(sent.map((m) => [m.to, m.template])).toEqual([[w.people.admin.email, 'native_partner.access_appeared']]);
    const [row] = await t.deps.db.select().from(outbox).where(eq(outbox.template, 'native_partner.access_appeared'));
    const mailBody = JSON.parse(await t.deps.vault.openSystem(t.deps.db, OUTBOX_BODY_PURPOSE, row!.bodySealed)) as { text: string };
    expect(mailBody.text).toContain('Carol Creative: Admin (MANAGE) on Acme Main Ads');
    expect(mailBody.text).toContain('Alice Agency: Admin (MANAGE) on Acme Page');
    expect(mailBody.text).toContain(`http://latchkey.test/partners?nativePartner=${partner.id}`);
    expect(mailBody.text).not.toContain(PARTNER_TOKEN);

    const d = (await as(w.sessions.admin, 'GET', `/native-partners/${partner.id}`)).json() as NativePartnerDetails;
    expect(d.people.filter((p) => !p.removed).map((p) => p.displayName).sort()).toEqual(['Alice Agency', 'Carol Creative']);
    expect(d.people.find((p) => p.displayName === 'Bob Buyer')!.removed).toBe(true);
  });

  it('a sync the platform refuses ends Not completed with the reason and removes nothing', async () => {
    world.businesses[PARTNER]!.tokens = []; // the partner revoked its token on the platform
    const res = await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`);
    await idle();
    const job = (await as(w.sessions.admin, 'GET', `/native-sync-jobs/${(res.json() as NativeSyncJobDto).id}`)).json() as NativeSyncJobDto;
    expect(job.status).toBe('not_completed');
    expect(job.reason).toContain("Meta refused the partner's token");
    expect(job.reason).not.toContain(PARTNER_TOKEN);
    const d = (await as(w.sessions.admin, 'GET', `/native-partners/${partner.id}`)).json() as NativePartnerDetails;
    expect(d.people.filter((p) => !p.removed)).toHaveLength(2);
    expect(await eventsOf('Native Sync Not Completed')).toHaveLength(1);
    world.businesses[PARTNER]!.tokens = [PARTNER_TOKEN];
  });

  it('what a stopped sync wrote is reported by the next completed sync, once', async () => {
    const assets = world.businesses[HUB]!.partners[0]!.assets;
    (assets[0]!.people as Array<{ externalId: string; name: string; roles: string[] }>).push({ externalId: 'u-dora', name: 'Dora Data', roles: ['ANALYZE'] });
    world.failOn.push({ call: 'people page_222', kind: 'token_invalid' }); // after act_111 was written
    const sync = async () => {
      const res = await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`);
      await idle();
      return ((await as(w.sessions.admin, 'GET', `/native-sync-jobs/${(res.json() as NativeSyncJobDto).id}`)).json() as NativeSyncJobDto).status;
    };
    expect(await sync()).toBe('not_completed');
    expect(await sync()).toBe('completed');
    expect(await sync()).toBe('completed');
    const dora = (await eventsOf('Native Partner Person Added')).filter((e) => (e.data as { personName: string }).personName === 'Dora Data');
    expect(dora).toHaveLength(1);
  });

  it('disconnecting the partner token keeps its people as stale until the next successful sync (Q23)', async () => {
    expectError(await as(admin2, 'DELETE', `/native-partners/${partner.id}/credential`), 403, 'forbidden');
    const res = await as(w.sessions.admin, 'DELETE', `/native-partners/${partner.id}/credential`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as NativePartnerDto)).toMatchObject({ status: 'pending_onboarding', stale: true, people: 3 });
    const guests = (await as(w.sessions.admin, 'GET', '/native-people')).json() as NativeGuestUsersResponse;
    expect(guests.people.every((p) => p.stale)).toBe(true);
    expect((await eventsOf('Native Partner Disconnected'))[0]!.data).toMatchObject({ stalePeople: 3 });

    expect((await as(w.sessions.admin, 'PUT', `/native-partners/${partner.id}/credential`, { token: PARTNER_TOKEN })).statusCode).toBe(200);
    await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`);
    await idle();
    const after = (await as(w.sessions.admin, 'GET', '/native-people')).json() as NativeGuestUsersResponse;
    expect(after.people.some((p) => p.stale)).toBe(false);
  });

  it('disconnecting the hub forgets its token and keeps people as stale', async () => {
    const res = await as(w.sessions.admin, 'POST', `/native-hubs/${hub.id}/disconnect`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as NativeHubDto).status).toBe('disconnected');
    const [row] = await t.deps.db.select().from(nativeHubs).where(eq(nativeHubs.id, hub.id));
    expect(row!.credentialSealed).toBeNull();
    expectError(await as(w.sessions.admin, 'POST', `/native-partners/${partner.id}/sync`), 409, 'conflict');
    expect(((await as(w.sessions.admin, 'GET', '/native-people')).json() as NativeGuestUsersResponse).people.every((p) => p.stale)).toBe(true);
  });
});

describe('Check for updates with more partners than one check handles', () => {
  it('checks 200 a time, new and longest-unchecked first, and never marks an unchecked partner removed', async () => {
    const BIG = '3000003';
    world.businesses[BIG] = {
      name: 'Acme Big Ads',
      tokens: ['big-hub-token-CCCC'],
      partners: Array.from({ length: DISCOVERY_PARTNERS_MAX + 1 }, (_, i) => ({
        externalId: `9${String(i).padStart(5, '0')}`,
        name: `Agency ${i}`,
        assets: [{ externalId: `act_9${i}`, type: 'AD_ACCOUNT' as const, name: `Ads ${i}`, rawRoles: ['ANALYZE'], people: [] }],
      })),
    };
    const created = await as(w.sessions.admin, 'POST', '/native-hubs', { platform: 'meta', businessId: BIG, token: 'big-hub-token-CCCC' });
    expect(created.statusCode, created.body).toBe(201);
    const bigHub = created.json() as NativeHubDto;

    const first = (await as(w.sessions.admin, 'POST', `/native-hubs/${bigHub.id}/check-for-updates`)).json() as CheckForUpdatesResponse;
    expect(first).toMatchObject({ discovered: DISCOVERY_PARTNERS_MAX, notChecked: 1 });
    expect(first.partners).toHaveLength(DISCOVERY_PARTNERS_MAX);
    const left = world.businesses[BIG]!.partners.map((p) => p.name).find((n) => !first.partners.some((x) => x.name === n));
    expect(left).toBeDefined();

    const second = (await as(w.sessions.admin, 'POST', `/native-hubs/${bigHub.id}/check-for-updates`)).json() as CheckForUpdatesResponse;
    // The partner left out first comes first now; the one left out this time stays listed, not removed.
    expect(second).toMatchObject({ discovered: 1, notChecked: 1 });
    expect(second.partners.map((p) => p.name)).toContain(left);
    const live = await t.deps.db
      .select({ id: nativePartners.id })
      .from(nativePartners)
      .where(and(eq(nativePartners.hubId, bigHub.id), isNull(nativePartners.removedAt)));
    expect(live).toHaveLength(DISCOVERY_PARTNERS_MAX + 1);
  });
});
