import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNativeSyncWorker } from '../../src/modules/native-partners/native-partners.sync';
import { createTestApp, createWorkspace, sessionFor, type TestApp, type TestSession } from '../harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../local-partner-world';
import { memoryConnectors, memoryWorld, type MemoryWorld } from '../native-memory';
import { FIXTURE_HUB_TOKEN, FIXTURE_PARTNER_TOKEN, insertNativeFixture } from '../native-world';
import { insertMember } from '../world';
import { isNativePartnerRoute } from './native-partner-routes';

/**
 * THE authorization specification of the native partner routes, as data: every route × every
 * actor → the status it must answer. Written from partners-spec §4.5, R-NP-03/06 and ADR 0014, not
 * recorded from what the server answers: members who may see native partners (Owner, Admin, User)
 * read; Admins and the Owner connect hubs, check for updates and sync; only the hub's App Owners
 * replace or disconnect tokens and connect a partner's (the workspace Owner too only when no App
 * Owner is left); Login-Only members and guests never see them (lists 403, objects 404); another
 * workspace's Admin gets 404 for workspace A's ids; anonymous 401.
 *
 * Each case runs on a FRESH hub + partner (direct inserts, server/test/native-world.ts), so a state
 * change never leaks into another case.
 */
type Actor = 'anonymous' | 'owner' | 'appOwner' | 'admin' | 'user' | 'loginOnly' | 'guestAdmin' | 'guestUser' | 'otherAdmin';
const ACTORS: Actor[] = ['anonymous', 'owner', 'appOwner', 'admin', 'user', 'loginOnly', 'guestAdmin', 'guestUser', 'otherAdmin'];
type Expect = Record<Actor, number>;
type Fixture = Awaited<ReturnType<typeof insertNativeFixture>>;
interface Case {
  route: string;
  partnerStatus?: 'pending_onboarding' | 'onboarded';
  request(f: Fixture): { url: string; body?: unknown };
  expect: Expect;
}

/** Read routes: viewers get `status`, Login-Only and guests `denied`. */
const read = (status: number, denied: number, other = status): Expect => ({
  anonymous: 401,
  owner: status,
  appOwner: status,
  admin: status,
  user: status,
  loginOnly: denied,
  guestAdmin: denied,
  guestUser: denied,
  otherAdmin: other,
});
/** Admins and the Owner; Users 403; the rest never see the object. */
const managers = (status: number): Expect => ({ ...read(403, 404, 404), owner: status, appOwner: status, admin: status });
/** App Owners only (the workspace Owner is refused while an App Owner is active). */
const appOwners = (status: number): Expect => ({ ...read(403, 404, 404), appOwner: status });

let businessSeq = 0;
const CASES: Case[] = [
  { route: 'GET /api/v1/native-hubs', request: () => ({ url: '/api/v1/native-hubs' }), expect: read(200, 403) },
  {
    route: 'POST /api/v1/native-hubs',
    // A business scripted per call (see below), so each allowed actor connects a new one.
    request: () => ({ url: '/api/v1/native-hubs', body: { platform: 'meta', businessId: `new-${++businessSeq}`, token: FIXTURE_HUB_TOKEN } }),
    expect: { ...read(403, 403), owner: 201, appOwner: 201, admin: 201, otherAdmin: 201 },
  },
  { route: 'PUT /api/v1/native-hubs/:id/credential', request: (f) => ({ url: `/api/v1/native-hubs/${f.hubId}/credential`, body: { token: FIXTURE_HUB_TOKEN } }), expect: appOwners(200) },
  { route: 'POST /api/v1/native-hubs/:id/disconnect', request: (f) => ({ url: `/api/v1/native-hubs/${f.hubId}/disconnect` }), expect: appOwners(200) },
  { route: 'POST /api/v1/native-hubs/:id/check-for-updates', request: (f) => ({ url: `/api/v1/native-hubs/${f.hubId}/check-for-updates` }), expect: managers(200) },
  { route: 'GET /api/v1/native-partners', request: () => ({ url: '/api/v1/native-partners?platform=meta' }), expect: read(200, 403) },
  { route: 'GET /api/v1/native-partners/:id', request: (f) => ({ url: `/api/v1/native-partners/${f.partnerId}` }), expect: read(200, 404, 404) },
  {
    route: 'PUT /api/v1/native-partners/:id/credential',
    partnerStatus: 'pending_onboarding',
    request: (f) => ({ url: `/api/v1/native-partners/${f.partnerId}/credential`, body: { token: FIXTURE_PARTNER_TOKEN } }),
    expect: appOwners(200),
  },
  { route: 'DELETE /api/v1/native-partners/:id/credential', request: (f) => ({ url: `/api/v1/native-partners/${f.partnerId}/credential` }), expect: appOwners(200) },
  { route: 'POST /api/v1/native-partners/:id/sync', request: (f) => ({ url: `/api/v1/native-partners/${f.partnerId}/sync` }), expect: managers(202) },
  { route: 'GET /api/v1/native-partners/:id/jobs', request: (f) => ({ url: `/api/v1/native-partners/${f.partnerId}/jobs` }), expect: read(200, 404, 404) },
  { route: 'GET /api/v1/native-sync-jobs/:id', request: (f) => ({ url: `/api/v1/native-sync-jobs/${f.jobId}` }), expect: read(200, 404, 404) },
  { route: 'GET /api/v1/native-people', request: () => ({ url: '/api/v1/native-people' }), expect: read(200, 403) },
];

describe('native partner authorization table: every route × every actor', () => {
  let t: TestApp;
  let w: LocalPartnerWorld;
  let world: MemoryWorld;
  const sessions = {} as Record<Exclude<Actor, 'anonymous'>, TestSession>;
  let appOwnerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    world = memoryWorld('meta');
    const connectors = memoryConnectors(world);
    // Any new-N business answers to the fixture token, so "connect a hub" succeeds for allowed actors.
    t.deps.nativeConnectors = {
      ...connectors,
      create: (platform, options) => {
        if (options.businessId.startsWith('new-') && !world.businesses[options.businessId]) {
          world.businesses[options.businessId] = { name: options.businessId, tokens: [FIXTURE_HUB_TOKEN], partners: [] };
        }
        return connectors.create!(platform, options);
      },
    };
    w = await buildLocalPartnerWorld(t.deps);
    const appOwner = await insertMember(t.deps, w.workspaceId, 'admin');
    appOwnerId = appOwner.userId;
    const loginOnly = await insertMember(t.deps, w.workspaceId, 'login_only');
    const b = await createWorkspace(t.deps, { name: 'Other (B)' });
    const otherAdmin = await insertMember(t.deps, b.workspace.id, 'admin');
    Object.assign(sessions, {
      owner: w.sessions.owner,
      appOwner: await sessionFor(t.deps, appOwner.userId, w.workspaceId),
      admin: w.sessions.admin,
      user: w.sessions.user,
      loginOnly: await sessionFor(t.deps, loginOnly.userId, w.workspaceId),
      guestAdmin: w.sessions.guestAdmin,
      guestUser: w.sessions.guestUser,
      otherAdmin: await sessionFor(t.deps, otherAdmin.userId, b.workspace.id),
    });
  });
  afterAll(async () => {
    await getNativeSyncWorker(t.deps).idle();
    await t.close();
  });

  it('has exactly one row per registered native partner route', () => {
    const registered = t.app.apiRoutes
      .map((r) => `${r.method} ${r.url}`)
      .filter(isNativePartnerRoute)
      .sort();
    const inTable = CASES.map((c) => c.route).sort();
    expect(inTable.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => !inTable.includes(r))).toEqual([]);
    expect(new Set(inTable).size).toBe(inTable.length);
  });

  it('answers every actor exactly as the table says', async () => {
    const mismatches: string[] = [];
    for (const c of CASES) {
      const [method] = c.route.split(' ');
      for (const actor of ACTORS) {
        const f = await insertNativeFixture(t.deps, world, w.workspaceId, appOwnerId, c.partnerStatus ? { partnerStatus: c.partnerStatus } : {});
        const session = actor === 'anonymous' ? null : sessions[actor];
        const { url, body } = c.request(f);
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: { ...(session?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        });
        if (res.statusCode !== c.expect[actor]) mismatches.push(`${c.route} as ${actor}: expected ${c.expect[actor]}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (res.statusCode >= 500) mismatches.push(`${c.route} as ${actor}: server error`);
      }
      await getNativeSyncWorker(t.deps).idle();
    }
    expect(mismatches).toEqual([]);
  });
});
