import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { grants, localPartnerHostAdmins, memberships } from '../../src/db/schema/index';
import { createTestApp, createWorkspace, sessionFor, TEST_PASSWORD, uniqueEmail, type TestApp, type TestSession } from '../harness';
import { buildLocalPartnerWorld, insertGuest, insertLocalPartner, insertPartnerShare, LP_ACTORS, type LocalPartnerWorld, type LpActor } from '../local-partner-world';
import { enqueueEmail } from '../../src/modules/email/outbox';
import type { Db } from '../../src/db/client';
import { insertAccount, insertInvite, insertMember } from '../world';
import { isLocalPartnerRoute } from './local-partner-routes';

/**
 * THE authorization specification of the local partner routes (/local-partners…, /accounts/:accountId/guests…),
 * as data: every route × every actor → the status it must answer, and for a refusal its error code.
 * Written from ADR 0012 (the roles table and the rules), docs/API.md § "Local partners" and
 * partners-spec §4.4/§5.5–5.7 (R-LP-01…19, R-GU-04), NOT recorded from what the server answers.
 *
 * Actors: the local partner world's (server/test/local-partner-world.ts) — workspace Owner, Admin,
 * plain User, Host Admin of P, P's Guest Admin and Guest User, a Guest Admin of another partner Q,
 * a Guest Admin of P before MFA — plus a Login-Only member, a guest of P removed while their session
 * row stayed live, an Admin of another workspace (who uses this workspace's ids), and anonymous.
 *
 * Rules of thumb: a partner the actor may not know (not an Admin/Owner, not its Host Admin, not its
 * guest) → 404, never 403; a Guest User knows their partner, so what they may not do there is 403;
 * an account the actor holds no grant on → 404 (ADR 0008); a guest before MFA → 403
 * mfa_enrolment_required whatever the route; anonymous and the removed guest → 401.
 *
 * Two-way coverage: every registered route with isLocalPartnerRoute() has exactly one row, and every
 * row has a route. All cells share ONE world: each request builds the fresh objects it acts on
 * (a new guest, invite, account…) inside it, so allowed calls really succeed and never disturb the
 * actors; only removing the partner itself runs its allowed cells on a world of their own. Around
 * every call the workspace's rows are fingerprinted: a refusal and any read must change nothing, an
 * allowed change must write exactly the activity events its row names, all about the partner.
 */

type Actor = LpActor | 'loginOnly' | 'removedGuest' | 'otherTenantAdmin';
const ACTORS: Actor[] = [...LP_ACTORS, 'loginOnly', 'removedGuest', 'otherTenantAdmin'];
type Expect = Record<Actor, number>;

interface TableWorld extends LocalPartnerWorld {
  /** Every actor's session; the other tenant's Admin is signed in to their own workspace. */
  sessionOf(actor: Actor): TestSession | null;
  /** The actor's user id (the other tenant's Admin too); null for anonymous. */
  userOf(actor: Actor): string | null;
}

interface Req {
  url: string;
  body?: unknown;
}

interface Case {
  route: string;
  request(w: TableWorld, actor: Actor): Promise<Req> | Req;
  expect: Expect;
  /** The activity event types (a multiset) a successful call writes; every state-changing row has one. */
  events?: string[];
  /** The call removes the partner itself: its allowed cells run on a world of their own. */
  ownWorld?: boolean;
  /** What a successful answer must (not) show this actor: a problem, or null. */
  check?(res: LightMyRequestResponse, w: TableWorld, actor: Actor): string | null;
}

/**
 * A partner route: the listed statuses; every other actor may not know the partner (404); anonymous
 * and the removed guest are signed out (401); the guest before MFA is stopped at the door (403).
 */
function lp(statuses: Partial<Expect>): Expect {
  return {
    anonymous: 401,
    removedGuest: 401,
    guestBeforeMfa: 403,
    owner: 404,
    admin: 404,
    user: 404,
    loginOnly: 404,
    hostAdmin: 404,
    guestAdmin: 404,
    guestUser: 404,
    otherPartnerGuest: 404,
    otherTenantAdmin: 404,
    ...statuses,
  };
}
/** Who manage the partner's people (ADR 0012): workspace Admins and the Owner, and its Host Admins. */
const managers = (status: number) => ({ owner: status, admin: status, hostAdmin: status });
/** Managers and the partner's Guest Admin. */
const peopleManagers = (status: number) => ({ ...managers(status), guestAdmin: status });

const P = (w: TableWorld) => `/api/v1/local-partners/${w.partnerId}`;

/** A fresh active Guest User of P (MFA on, identity in this workspace only). */
const freshGuestUser = (w: TableWorld) => w.newGuest('guest_user');

/** A fresh Guest User of P holding the shared account as Collaborator through P (passed on by the Guest Admin). */
async function freshGuestOnSharedAccount(w: TableWorld) {
  const g = await freshGuestUser(w);
  await w.deps.db.insert(grants).values({
    workspaceId: w.workspaceId,
    subjectWorkspaceId: w.workspaceId,
    accountId: w.sharedAccountId,
    userId: g.userId,
    role: 'collaborator',
    sourceKind: 'local_partner',
    sourceId: w.partnerId,
    grantedBy: w.people.guestAdmin.userId,
  });
  return g;
}

/** A fresh member made a second Host Admin of P (so one can be removed: never the last). */
async function freshHostAdmin(w: TableWorld) {
  const m = await insertMember(w.deps, w.workspaceId, 'user');
  await w.deps.db.insert(localPartnerHostAdmins).values({ workspaceId: w.workspaceId, localPartnerId: w.partnerId, userId: m.userId, addedBy: w.people.admin.userId });
  return m;
}

const CASES: Case[] = [
  // ── The partner (server/src/modules/local-partners/local-partners.service.ts) ──
  {
    // The Partners page: Admins/Owner all partners, Host Admins theirs, a Guest Admin their own; Guest Users
    // and Login-Only members have no Partners page (§4.1, R-LP-16). The other tenant sees their own (none of ours).
    route: 'GET /api/v1/local-partners',
    request: () => ({ url: '/api/v1/local-partners' }),
    expect: lp({ owner: 200, admin: 200, user: 200, hostAdmin: 200, guestAdmin: 200, otherPartnerGuest: 200, otherTenantAdmin: 200, loginOnly: 403, guestUser: 403 }),
    check: (res, w, actor) => {
      const ids = (res.json() as { items: Array<{ id: string }> }).items.map((i) => i.id);
      const sees = { P: ids.includes(w.partnerId), Q: ids.includes(w.otherPartnerId) };
      const want: Partial<Record<Actor, { P: boolean; Q: boolean }>> = {
        owner: { P: true, Q: true },
        admin: { P: true, Q: true },
        user: { P: false, Q: false },
        hostAdmin: { P: true, Q: false },
        guestAdmin: { P: true, Q: false },
        otherPartnerGuest: { P: false, Q: true },
        otherTenantAdmin: { P: false, Q: false },
      };
      return JSON.stringify(sees) === JSON.stringify(want[actor]) ? null : `lists ${JSON.stringify(sees)}, expected ${JSON.stringify(want[actor])}`;
    },
  },
  {
    // Add a local partner (R-LP-01): Admins and the Owner. The other tenant's Admin adds one to THEIR workspace.
    route: 'POST /api/v1/local-partners',
    request: (w, actor) => ({
      url: '/api/v1/local-partners',
      body: {
        companyName: `Newco ${randomBytes(3).toString('hex')}`,
        guestAdminEmail: `lead.${randomBytes(3).toString('hex')}@newco.test`,
        hostAdminUserIds: [w.userOf(actor) ?? w.people.hostAdmin.userId],
      },
    }),
    expect: lp({ owner: 201, admin: 201, otherTenantAdmin: 201, user: 403, loginOnly: 403, hostAdmin: 403, guestAdmin: 403, guestUser: 403, otherPartnerGuest: 403 }),
    events: ['Local Partner Added'],
  },
  {
    route: 'GET /api/v1/local-partners/:id',
    request: (w) => ({ url: P(w) }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    check: (res, w) => ((res.json() as { id: string }).id === w.partnerId ? null : 'answered another partner'),
  },
  {
    // Remove the partner (Q20): its Host Admins, workspace Admins and the Owner. Every active guest of P
    // (guestAdmin, guestUser, guestBeforeMfa) is removed from the workspace: one 'User Deactivated' each.
    route: 'DELETE /api/v1/local-partners/:id',
    ownWorld: true,
    request: (w) => ({ url: P(w) }),
    expect: lp({ ...managers(200), guestAdmin: 403, guestUser: 403 }),
    events: ['Local Partner Removed', 'User Deactivated', 'User Deactivated', 'User Deactivated'],
  },
  {
    // The Users tab: everyone who sees the partner but its Guest Users (R-LP-08).
    route: 'GET /api/v1/local-partners/:id/users',
    request: (w) => ({ url: `${P(w)}/users` }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    check: (res, w) => {
      const ids = (res.json() as { guests: Array<{ userId: string }> }).guests.map((g) => g.userId);
      return ids.includes(w.people.guestUser.userId) && !ids.includes(w.people.otherPartnerGuest.userId) ? null : 'the guests listed are not P’s';
    },
  },
  {
    // Assign Host Admins (R-LP-03): Host Admins, Admins, Owner.
    route: 'POST /api/v1/local-partners/:id/host-admins',
    request: async (w) => ({ url: `${P(w)}/host-admins`, body: { userIds: [(await insertMember(w.deps, w.workspaceId, 'user')).userId] } }),
    expect: lp({ ...managers(200), guestAdmin: 403, guestUser: 403 }),
    events: ['Local Partner Updated'],
  },
  {
    route: 'DELETE /api/v1/local-partners/:id/host-admins/:userId',
    request: async (w) => ({ url: `${P(w)}/host-admins/${(await freshHostAdmin(w)).userId}` }),
    expect: lp({ ...managers(204), guestAdmin: 403, guestUser: 403 }),
    events: ['Local Partner Updated'],
  },

  // ── Guests and their invites ──
  {
    // Guest Admins invite Guest Users; Host Admins and Admins either role (R-LP-04, R-GU-01).
    route: 'POST /api/v1/local-partners/:id/invites',
    request: (w) => ({ url: `${P(w)}/invites`, body: { email: `new.${randomBytes(4).toString('hex')}@initech.test`, role: 'guest_user' } }),
    expect: lp({ ...peopleManagers(201), guestUser: 403 }),
    events: ['User Invited'],
  },
  {
    route: 'POST /api/v1/local-partners/:id/invites/:inviteId/resend',
    request: async (w) => ({ url: `${P(w)}/invites/${(await w.newInvite('guest_user')).id}/resend`, body: {} }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    events: ['User Invite Resent'],
  },
  {
    route: 'DELETE /api/v1/local-partners/:id/invites/:inviteId',
    request: async (w) => ({ url: `${P(w)}/invites/${(await w.newInvite('guest_user')).id}` }),
    expect: lp({ ...peopleManagers(204), guestUser: 403 }),
    events: ['User Invite Revoked'],
  },
  {
    // Guest User → Guest Admin (R-LP-10): managers, and the partner's Guest Admins.
    route: 'PATCH /api/v1/local-partners/:id/guests/:userId',
    request: async (w) => ({ url: `${P(w)}/guests/${(await freshGuestUser(w)).userId}`, body: { role: 'guest_admin' } }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    events: ['User Updated'],
  },
  {
    // Remove a guest (R-LP-09): managers any guest; a Guest Admin Guest Users only.
    route: 'DELETE /api/v1/local-partners/:id/guests/:userId',
    request: async (w) => ({ url: `${P(w)}/guests/${(await freshGuestUser(w)).userId}` }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    events: ['User Deactivated'],
  },
  {
    route: 'POST /api/v1/local-partners/:id/guests/:userId/reset-mfa',
    request: async (w) => ({ url: `${P(w)}/guests/${(await freshGuestUser(w)).userId}/reset-mfa`, body: {} }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    events: ['User MFA Reset'],
  },
  {
    route: 'POST /api/v1/local-partners/:id/guests/:userId/force-password-reset',
    request: async (w) => ({ url: `${P(w)}/guests/${(await freshGuestUser(w)).userId}/force-password-reset`, body: {} }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    events: ['User Password Reset Forced'],
  },

  // ── Accounts shared with the partner (local-partner-access.service.ts) ──
  {
    // The Accounts tab lists the shares of accounts the viewer holds a grant on (ADR 0012, ADR 0008):
    // the Host Admin (Owner) and the Guest Admin (Manager) see the shared account; Admins and the Owner,
    // who hold nothing on it, see the tab without it.
    route: 'GET /api/v1/local-partners/:id/accounts',
    request: (w) => ({ url: `${P(w)}/accounts` }),
    expect: lp({ ...peopleManagers(200), guestUser: 403 }),
    check: (res, w, actor) => {
      const listed = (res.json() as { items: Array<{ accountId: string }> }).items.some((i) => i.accountId === w.sharedAccountId);
      const want = actor === 'hostAdmin' || actor === 'guestAdmin';
      return listed === want ? null : `the shared account is ${listed ? '' : 'not '}listed`;
    },
  },
  {
    // The share wizard: Host Admins only (R-LP-06); Admins and the Owner see the partner but do not share.
    route: 'GET /api/v1/local-partners/:id/shareable-accounts',
    request: (w) => ({ url: `${P(w)}/shareable-accounts` }),
    expect: lp({ hostAdmin: 200, owner: 403, admin: 403, guestAdmin: 403, guestUser: 403 }),
  },
  {
    // Share accounts one Owns with the partner (R-LP-06): a Host Admin. Its Guest Admins receive the role.
    route: 'POST /api/v1/local-partners/:id/accounts',
    request: async (w) => ({
      url: `${P(w)}/accounts`,
      body: { accounts: [{ accountId: (await insertAccount(w.deps, w.workspaceId, w.people.hostAdmin.userId, [])).id, role: 'collaborator' }] },
    }),
    expect: lp({ hostAdmin: 200, owner: 403, admin: 403, guestAdmin: 403, guestUser: 403 }),
    events: ['Account Shared Via Local Partner'],
  },
  {
    // Remove an account from the partner (R-LP-13): managers. The account is one the Owner and the Admin
    // hold a grant on (Collaborator), so they may know it (ADR 0008; without one → 404, tested below).
    route: 'DELETE /api/v1/local-partners/:id/accounts/:accountId',
    request: async (w) => {
      const acc = await insertAccount(w.deps, w.workspaceId, w.people.hostAdmin.userId, [w.people.owner.userId, w.people.admin.userId]);
      await insertPartnerShare(w.deps, w.workspaceId, w.partnerId, acc.id, w.people.hostAdmin.userId, 'manager', [{ userId: w.people.guestAdmin.userId, role: 'manager' }]);
      return { url: `${P(w)}/accounts/${acc.id}` };
    },
    expect: lp({ ...managers(204), guestAdmin: 403, guestUser: 403 }),
    events: ['Account Removed From Local Partner'],
  },
  {
    // A Guest Admin who is Manager passes the account on to Guest Users (R-LP-07); nobody else does.
    route: 'GET /api/v1/local-partners/:id/accounts/:accountId/share-candidates',
    request: (w) => ({ url: `${P(w)}/accounts/${w.sharedAccountId}/share-candidates` }),
    expect: lp({ guestAdmin: 200, ...managers(403), guestUser: 403 }),
    check: (res, w) =>
      (res.json() as { items: Array<{ userId: string }> }).items.some((i) => i.userId === w.people.guestUser.userId) ? null : 'P’s Guest User is not a candidate',
  },
  {
    route: 'POST /api/v1/local-partners/:id/accounts/:accountId/guests',
    request: async (w) => ({ url: `${P(w)}/accounts/${w.sharedAccountId}/guests`, body: { userIds: [(await freshGuestUser(w)).userId] } }),
    expect: lp({ guestAdmin: 200, ...managers(403), guestUser: 403 }),
    events: ['Sharing Of Account'],
  },

  // ── An account's Guest users tab: a Host Admin of a partner it is shared with, who Owns it ──
  // Guests hold a grant on the shared account, so they know it: 403. Admins and the Owner hold none: 404.
  {
    route: 'GET /api/v1/accounts/:accountId/guests',
    request: (w) => ({ url: `/api/v1/accounts/${w.sharedAccountId}/guests` }),
    expect: lp({ hostAdmin: 200, guestAdmin: 403, guestUser: 403 }),
    check: (res, w) => {
      const ids = (res.json() as { items: Array<{ userId: string }> }).items.map((i) => i.userId);
      return ids.includes(w.people.guestAdmin.userId) && ids.includes(w.people.guestUser.userId) ? null : 'P’s guests on the account are not listed';
    },
  },
  {
    route: 'PATCH /api/v1/accounts/:accountId/guests/:userId',
    request: async (w) => ({ url: `/api/v1/accounts/${w.sharedAccountId}/guests/${(await freshGuestOnSharedAccount(w)).userId}`, body: { role: 'manager' } }),
    expect: lp({ hostAdmin: 200, guestAdmin: 403, guestUser: 403 }),
    events: ['Account Role Updated'],
  },
  {
    route: 'DELETE /api/v1/accounts/:accountId/guests/:userId',
    request: async (w) => ({ url: `/api/v1/accounts/${w.sharedAccountId}/guests/${(await freshGuestOnSharedAccount(w)).userId}` }),
    expect: lp({ hostAdmin: 204, guestAdmin: 403, guestUser: 403 }),
    events: ['Account Access Removed'],
  },
];

const isSuccess = (s: number) => s >= 200 && s < 300;

/** The error code a refusal must carry. */
function codeFor(status: number, actor: Actor): string {
  if (status === 401) return 'unauthenticated';
  if (status === 404) return 'not_found';
  return actor === 'guestBeforeMfa' ? 'mfa_enrolment_required' : 'forbidden';
}

/**
 * Everything a local partner route can change in a workspace, in one query: activity events, outgoing
 * mail, memberships, the partners and their Host Admins, shares, grants, invites, sessions, password
 * reset links, and the identities of its people (MFA, password). Columns that move on their own
 * (last seen, last used, last active, delivery attempts) are left out.
 */
async function fingerprint(t: TestApp, ws: string): Promise<Record<string, unknown>> {
  const [row] = await queryRows<{ f: Record<string, unknown> }>(
    t.deps.db,
    sql`select jsonb_build_object(
      'events', (select coalesce(jsonb_agg(e.id::text order by e.id), '[]') from activity_events e where e.workspace_id = ${ws}),
      'outbox', (select coalesce(jsonb_agg(o.id order by o.id), '[]') from outbox o where o.workspace_id = ${ws}),
      'memberships', (select coalesce(jsonb_agg(to_jsonb(m) - 'last_active_at' order by m.user_id), '[]') from memberships m where m.workspace_id = ${ws}),
      'partners', (select coalesce(jsonb_agg(to_jsonb(p) order by p.id), '[]') from local_partners p where p.workspace_id = ${ws}),
      'hostAdmins', (select coalesce(jsonb_agg(to_jsonb(h) order by h.local_partner_id, h.user_id), '[]') from local_partner_host_admins h where h.workspace_id = ${ws}),
      'shares', (select coalesce(jsonb_agg(to_jsonb(s) order by s.id), '[]') from local_partner_accounts s where s.workspace_id = ${ws}),
      'grants', (select coalesce(jsonb_agg(to_jsonb(g) - 'last_used_at' order by g.id), '[]') from grants g where g.workspace_id = ${ws}),
      'invites', (select coalesce(jsonb_agg(to_jsonb(i) order by i.id), '[]') from invites i where i.workspace_id = ${ws}),
      'sessions', (select coalesce(jsonb_agg(jsonb_build_array(x.id, x.ended_at, x.end_reason) order by x.id), '[]') from sessions x where x.workspace_id = ${ws}),
      'resets', (select coalesce(jsonb_agg(to_jsonb(r) order by r.id), '[]') from password_resets r where r.workspace_id = ${ws}),
      'users', (select coalesce(jsonb_agg(jsonb_build_array(u.id, u.password_hash, u.password_changed_at, u.mfa_secret_sealed, u.mfa_enabled_at, u.password_reset_required_at) order by u.id), '[]')
                from users u where u.id in (select m.user_id from memberships m where m.workspace_id = ${ws}))
    ) as f`,
  );
  return row!.f;
}

/** The activity events written in a workspace since `before` (a fingerprint), oldest first. */
async function newEvents(t: TestApp, ws: string, before: Record<string, unknown>) {
  const known = new Set(before.events as string[]);
  const rows = await queryRows<{ id: string; type: string; data: Record<string, unknown> }>(
    t.deps.db,
    sql`select id::text as id, type, data from activity_events where workspace_id = ${ws} order by created_at, id`,
  );
  return rows.filter((r) => !known.has(r.id));
}

const changedParts = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

describe('local partner authorization table: every local partner route × every actor', () => {
  let t: TestApp;
  let w: TableWorld;
  let tenant: { workspaceId: string; adminId: string; session: TestSession };

  /** The local partner world with this table's extra actors: Login-Only, a removed guest, another tenant's Admin. */
  async function buildTableWorld(): Promise<TableWorld> {
    const base = await buildLocalPartnerWorld(t.deps);
    const loginOnly = await insertMember(t.deps, base.workspaceId, 'login_only');
    const removedGuest = await insertGuest(t.deps, base.workspaceId, base.partnerId, 'guest_user');
    const extra = {
      loginOnly: await sessionFor(t.deps, loginOnly.userId, base.workspaceId),
      removedGuest: await sessionFor(t.deps, removedGuest.userId, base.workspaceId),
    };
    // Removed after the session exists: the session row stays live, so this proves the request-time
    // membership check, not only the session clean-up the removal routes do.
    await t.deps.db
      .update(memberships)
      .set({ status: 'removed', removedAt: new Date() })
      .where(and(eq(memberships.workspaceId, base.workspaceId), eq(memberships.userId, removedGuest.userId)));
    return {
      ...base,
      sessionOf: (actor) =>
        actor === 'anonymous' ? null : actor === 'otherTenantAdmin' ? tenant.session : actor in extra ? extra[actor as keyof typeof extra] : base.sessions[actor as Exclude<LpActor, 'anonymous'>],
      userOf: (actor) =>
        actor === 'anonymous'
          ? null
          : actor === 'otherTenantAdmin'
            ? tenant.adminId
            : actor === 'loginOnly'
              ? loginOnly.userId
              : actor === 'removedGuest'
                ? removedGuest.userId
                : base.people[actor].userId,
    };
  }

  beforeAll(async () => {
    t = await createTestApp();
    const { workspace } = await createWorkspace(t.deps, { name: `Other tenant ${randomBytes(2).toString('hex')}`, ownerEmail: uniqueEmail('owner') });
    const admin = await insertMember(t.deps, workspace.id, 'admin');
    tenant = { workspaceId: workspace.id, adminId: admin.userId, session: await sessionFor(t.deps, admin.userId, workspace.id) };
    w = await buildTableWorld();
  });
  afterAll(() => t.close());

  const registered = () =>
    t.app.apiRoutes
      .map((r) => `${r.method} ${r.url}`)
      .filter(isLocalPartnerRoute)
      .sort();

  async function send(world: TableWorld, actor: Actor, route: string, req: Req) {
    const session = world.sessionOf(actor);
    return t.app.inject({
      method: route.split(' ')[0] as 'GET',
      url: req.url,
      headers: { ...(session?.headers ?? {}), ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
    });
  }

  it('has exactly one row per registered local partner route, and an event list for every state-changing one', () => {
    const inTable = CASES.map((c) => c.route).sort();
    expect(registered().length).toBeGreaterThan(0);
    expect(inTable.filter((r) => !registered().includes(r))).toEqual([]); // rows for routes that do not exist
    expect(registered().filter((r) => !inTable.includes(r))).toEqual([]); // routes with no row
    expect(new Set(inTable).size).toBe(inTable.length);
    expect(CASES.filter((c) => !c.route.startsWith('GET ') && !c.events).map((c) => c.route)).toEqual([]);
  });

  it('answers every actor exactly as the table says; refusals and reads change nothing; allowed changes write their events', async () => {
    const routes = new Set(registered());
    const problems: string[] = [];
    let checked = 0;
    for (const c of CASES.filter((x) => routes.has(x.route))) {
      const reads = c.route.startsWith('GET ');
      for (const actor of ACTORS) {
        const want = c.expect[actor];
        const world = c.ownWorld && isSuccess(want) ? await buildTableWorld() : w;
        const req = await c.request(world, actor);
        const actorWs = actor === 'otherTenantAdmin' ? tenant.workspaceId : world.workspaceId;
        const before = await fingerprint(t, world.workspaceId);
        const beforeActorWs = actorWs === world.workspaceId ? before : await fingerprint(t, actorWs);
        const res = await send(world, actor, c.route, req);
        checked += 1;
        const cell = `${c.route} as ${actor}`;
        if (res.statusCode !== want) {
          problems.push(`${cell}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          continue;
        }
        if (!isSuccess(want)) {
          const code = (res.json() as { error?: { code?: string } }).error?.code;
          if (code !== codeFor(want, actor)) problems.push(`${cell}: expected code ${codeFor(want, actor)}, got ${code}`);
        } else if (c.check) {
          const problem = c.check(res, world, actor);
          if (problem) problems.push(`${cell}: ${problem}`);
        }
        // The partner's workspace changes only when one of its people's allowed changes lands there.
        const changes = !reads && isSuccess(want) && actorWs === world.workspaceId;
        const after = await fingerprint(t, world.workspaceId);
        if (!changes && changedParts(before, after).length > 0) {
          problems.push(`${cell} (${res.statusCode}) changed ${changedParts(before, after).join(', ')}`);
        }
        if (reads || !isSuccess(want)) continue;
        // An allowed change: exactly its events, in the actor's workspace, about the partner it acted on.
        const events = await newEvents(t, actorWs, beforeActorWs);
        const types = events.map((e) => e.type).sort();
        if (JSON.stringify(types) !== JSON.stringify([...c.events!].sort())) {
          problems.push(`${cell}: wrote events ${JSON.stringify(types)}, expected ${JSON.stringify([...c.events!].sort())}`);
        }
        const partnerId = c.route === 'POST /api/v1/local-partners' ? (res.json() as { partner: { id: string } }).partner.id : world.partnerId;
        for (const e of events.filter((x) => x.data.localPartnerId !== partnerId)) {
          problems.push(`${cell}: event ${e.type} names partner ${String(e.data.localPartnerId)}, expected ${partnerId}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(routes.size * ACTORS.length);
  }, 300_000);

  it('an Admin or the Owner holding no grant on a shared account cannot remove it from the partner: 404, nothing changes (ADR 0008)', async () => {
    // The table's row gives them a grant; the world's shared account is one they hold nothing on.
    for (const actor of ['owner', 'admin'] as const) {
      const before = await fingerprint(t, w.workspaceId);
      const res = await send(w, actor, 'DELETE x', { url: `${P(w)}/accounts/${w.sharedAccountId}` });
      expect(res.statusCode, actor).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(changedParts(before, await fingerprint(t, w.workspaceId))).toEqual([]);
    }
  });

  it('another tenant’s partner is 404 even for its own Host Admin’s ids: a partner id from workspace B does not open in workspace A', async () => {
    // A partner in the other tenant, hosted by its Admin; our Admin asks for it with our session.
    const theirs = await insertLocalPartner(t.deps, tenant.workspaceId, 'Their partner', tenant.adminId, [tenant.adminId]);
    const ours = (await send(w, 'admin', 'GET x', { url: `/api/v1/local-partners/${theirs}` })).statusCode;
    const theirOwn = (await send(w, 'otherTenantAdmin', 'GET x', { url: `/api/v1/local-partners/${theirs}` })).statusCode;
    expect({ ours, theirOwn }).toEqual({ ours: 404, theirOwn: 200 });
    const before = await fingerprint(t, tenant.workspaceId);
    for (const [method, url] of [
      ['DELETE', `/api/v1/local-partners/${theirs}`],
      ['POST', `/api/v1/local-partners/${theirs}/invites`],
      ['POST', `/api/v1/local-partners/${theirs}/host-admins`],
    ] as const) {
      const body = method === 'POST' ? (url.endsWith('invites') ? { email: `x.${randomBytes(3).toString('hex')}@initech.test`, role: 'guest_user' } : { userIds: [w.people.admin.userId] }) : undefined;
      const res = await send(w, 'admin', `${method} x`, { url, body });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(changedParts(before, await fingerprint(t, tenant.workspaceId))).toEqual([]);
  });
});

/**
 * R-GU-04, ADR 0012: a guest who has not turned MFA on reaches only what it takes to turn it on.
 * Enumerated from the registered routes, so a new route is covered without touching this test.
 */
describe('a guest before MFA is refused every session route but those marked beforeGuestMfa', () => {
  let t: TestApp;
  let w: LocalPartnerWorld;
  /** docs/API.md § "Local partners": the only routes a guest before MFA may use. */
  const BEFORE_MFA = [
    'GET /api/v1/session',
    'POST /api/v1/auth/logout',
    'POST /api/v1/session/workspace',
    'POST /api/v1/me/password',
    'POST /api/v1/me/mfa/enrol',
    'POST /api/v1/me/mfa/confirm',
  ].sort();

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildLocalPartnerWorld(t.deps);
  });
  afterAll(() => t.close());

  /** Real ids wherever the guest would otherwise be allowed, so the gate, not a missing object, answers. */
  function urlFor(route: string, guestUserId: string) {
    const params: Record<string, string> = {
      accountId: w.sharedAccountId,
      id: route.includes('/local-partners/') ? w.partnerId : randomUUID(),
      userId: guestUserId,
      inviteId: w.invite.id,
      messageId: randomUUID(),
    };
    return route.split(' ')[1]!.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? randomUUID());
  }

  it('the routes open before MFA are exactly the documented ones', () => {
    const open = t.app.apiRoutes
      .filter((r) => r.beforeGuestMfa)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open).toEqual(BEFORE_MFA);
    // Each of them is a session route: the exception is for signed-in guests, not a way around sign-in.
    expect(t.app.apiRoutes.filter((r) => r.beforeGuestMfa && r.auth !== 'session')).toEqual([]);
  });

  for (const role of ['guest_admin', 'guest_user'] as const) {
    it(`a ${role === 'guest_admin' ? 'Guest Admin' : 'Guest User'} before MFA: every other session route answers 403 mfa_enrolment_required and nothing changes`, async () => {
      const guest = role === 'guest_admin' ? w.people.guestBeforeMfa : await insertGuest(t.deps, w.workspaceId, w.partnerId, 'guest_user', { mfa: false });
      if (role === 'guest_user') {
        await t.deps.db.insert(grants).values({
          workspaceId: w.workspaceId,
          subjectWorkspaceId: w.workspaceId,
          accountId: w.sharedAccountId,
          userId: guest.userId,
          role: 'collaborator',
          sourceKind: 'local_partner',
          sourceId: w.partnerId,
          grantedBy: w.people.guestAdmin.userId,
        });
      }
      const session = await sessionFor(t.deps, guest.userId, w.workspaceId);
      const gated = t.app.apiRoutes.filter((r) => r.auth === 'session' && !r.beforeGuestMfa);
      const accountRoutes = gated.filter((r) => r.url.startsWith('/api/v1/accounts'));
      expect(accountRoutes.length).toBeGreaterThan(5);
      const before = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from activity_events where workspace_id = ${w.workspaceId}`);
      const wrong: string[] = [];
      for (const r of gated) {
        const route = `${r.method} ${r.url}`;
        const res = await t.app.inject({
          method: r.method as 'GET',
          url: urlFor(route, w.people.guestUser.userId),
          headers: { ...session.headers, ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          ...(r.method === 'GET' ? {} : { payload: '{}' }),
        });
        const code = res.statusCode === 403 ? (res.json() as { error: { code: string } }).error.code : null;
        if (res.statusCode !== 403 || code !== 'mfa_enrolment_required') wrong.push(`${route}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      expect(wrong).toEqual([]);
      const after = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from activity_events where workspace_id = ${w.workspaceId}`);
      expect(after[0]!.n).toBe(before[0]!.n);
      // The way out stays open: the session says what is needed, and MFA set-up starts.
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: session.headers });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ mfaEnrolmentRequired: true });
      const enrol = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/mfa/enrol',
        headers: { ...session.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ password: TEST_PASSWORD }),
      });
      expect(enrol.statusCode).toBe(200);
    });
  }
});

/**
 * Mixed ids: the partner in the URL is one the actor may manage, but the object named with it (a
 * guest, an invite, a Host Admin, an account, a member) belongs to ANOTHER partner of the workspace,
 * or to another workspace. The partner's id scopes every object: 404, and nothing changes.
 */
describe('local partner routes never act on another partner’s or another tenant’s objects', () => {
  let t: TestApp;
  let w: LocalPartnerWorld;
  beforeAll(async () => {
    t = await createTestApp();
    w = await buildLocalPartnerWorld(t.deps);
  });
  afterAll(() => t.close());

  it('answers 404 for an object of partner Q (or of workspace B) named through partner P, and changes nothing', async () => {
    const ws = w.workspaceId;
    const P = `/api/v1/local-partners/${w.partnerId}`;
    // Q's people and things. The admin is Q's Host Admin (the world's), hostAdmin hosts P only.
    const qGuestUser = await insertGuest(t.deps, ws, w.otherPartnerId, 'guest_user', { domain: 'globex.test' });
    const qInvite = await w.newInvite('guest_user', w.otherPartnerId);
    const onlyQ = await insertAccount(t.deps, ws, w.people.hostAdmin.userId, []);
    await insertPartnerShare(t.deps, ws, w.otherPartnerId, onlyQ.id, w.people.hostAdmin.userId, 'manager', []);
    // The shared account is shared with Q too, and Q's Guest User holds it through Q.
    await insertPartnerShare(t.deps, ws, w.otherPartnerId, w.sharedAccountId, w.people.hostAdmin.userId, 'collaborator', [{ userId: qGuestUser.userId, role: 'collaborator' }]);
    const { workspace: b } = await createWorkspace(t.deps, { name: `Tenant B ${randomBytes(2).toString('hex')}`, ownerEmail: uniqueEmail('owner') });
    const bMember = await insertMember(t.deps, b.id, 'user');

    const cases: Array<[keyof LocalPartnerWorld['sessions'], 'GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?]> = [
      ['hostAdmin', 'PATCH', `${P}/guests/${qGuestUser.userId}`, { role: 'guest_admin' }],
      ['hostAdmin', 'DELETE', `${P}/guests/${qGuestUser.userId}`],
      ['hostAdmin', 'POST', `${P}/guests/${qGuestUser.userId}/reset-mfa`, {}],
      ['hostAdmin', 'POST', `${P}/guests/${qGuestUser.userId}/force-password-reset`, {}],
      ['guestAdmin', 'DELETE', `${P}/guests/${w.people.otherPartnerGuest.userId}`],
      ['hostAdmin', 'POST', `${P}/invites/${qInvite.id}/resend`, {}],
      ['guestAdmin', 'DELETE', `${P}/invites/${qInvite.id}`],
      ['hostAdmin', 'DELETE', `${P}/host-admins/${w.people.admin.userId}`], // Q's Host Admin, not P's
      ['hostAdmin', 'DELETE', `${P}/accounts/${onlyQ.id}`], // shared with Q, not with P
      ['guestAdmin', 'POST', `${P}/accounts/${w.sharedAccountId}/guests`, { userIds: [qGuestUser.userId] }],
      ['hostAdmin', 'PATCH', `/api/v1/accounts/${w.sharedAccountId}/guests/${qGuestUser.userId}`, { role: 'manager' }], // hostAdmin does not host Q
      ['hostAdmin', 'DELETE', `/api/v1/accounts/${w.sharedAccountId}/guests/${qGuestUser.userId}`],
      ['hostAdmin', 'POST', `${P}/host-admins`, { userIds: [bMember.userId] }], // a member of workspace B
      ['admin', 'POST', '/api/v1/local-partners', { companyName: 'Cross', guestAdminEmail: 'lead@cross.test', hostAdminUserIds: [bMember.userId] }],
    ];
    const before = await fingerprint(t, ws);
    const wrong: string[] = [];
    for (const [actor, method, url, body] of cases) {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...w.sessions[actor].headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      const code = res.statusCode === 404 ? (res.json() as { error: { code: string } }).error.code : null;
      if (res.statusCode !== 404 || code !== 'not_found') wrong.push(`${method} ${url} as ${actor}: ${res.statusCode} ${res.body.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(changedParts(before, await fingerprint(t, ws))).toEqual([]);
  });
});

/**
 * Guests (MFA on) on the workspace's own routes (R-LP-16, R-LP-08, R-C-01, R-GU-07, ADR 0012): no
 * workspace settings, members, invites, new accounts or partnership requests; accounts only as shared
 * with them, and as Collaborator or Manager — which for secrets is Collaborator (Q12). Refusals change nothing.
 */
describe('guests on the workspace routes: refused what their role lacks, their accounts only', () => {
  let t: TestApp;
  let w: LocalPartnerWorld;
  let otherWorkspacePublicId: string;
  beforeAll(async () => {
    t = await createTestApp();
    w = await buildLocalPartnerWorld(t.deps);
    const { workspace } = await createWorkspace(t.deps, { name: `Elsewhere ${randomBytes(2).toString('hex')}`, ownerEmail: uniqueEmail('owner') });
    otherWorkspacePublicId = workspace.publicId;
  });
  afterAll(() => t.close());

  type Guest = 'guestAdmin' | 'guestUser';
  interface Row {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: () => Promise<string> | string;
    body?: () => Promise<unknown> | unknown;
    expect: Record<Guest, number>;
  }
  const both = (status: number) => ({ guestAdmin: status, guestUser: status });
  const fresh = async () => (await insertMember(t.deps, w.workspaceId, 'user')).userId;
  const coreInvite = async () => (await insertInvite(t.deps, w.workspaceId, w.people.owner.userId)).id;
  /** A mail of the workspace addressed to someone else (the Owner's invite mail, say). */
  async function workspaceMail(): Promise<string> {
    const rows = await t.deps.db.transaction(async (tx) => {
      await enqueueEmail(tx as unknown as Db, t.deps.vault, { template: 'test', to: w.people.owner.email, subject: 'For the Owner', text: 'Hi', html: '<p>Hi</p>', workspaceId: w.workspaceId }, new Date());
      return queryRows<{ id: string }>(tx as unknown as Db, sql`select id from outbox where workspace_id = ${w.workspaceId} and subject = 'For the Owner' order by created_at desc limit 1`);
    });
    return rows[0]!.id;
  }

  const ROWS: Row[] = [
    { method: 'GET', url: () => '/api/v1/workspace', expect: both(403) },
    { method: 'PATCH', url: () => '/api/v1/workspace', body: () => ({ name: 'Taken over' }), expect: both(403) },
    { method: 'GET', url: () => '/api/v1/members', expect: both(403) },
    { method: 'PATCH', url: async () => `/api/v1/members/${await fresh()}`, body: () => ({ role: 'admin' }), expect: both(403) },
    { method: 'DELETE', url: async () => `/api/v1/members/${await fresh()}`, expect: both(403) },
    { method: 'POST', url: async () => `/api/v1/members/${await fresh()}/reset-mfa`, body: () => ({}), expect: both(403) },
    { method: 'POST', url: async () => `/api/v1/members/${await fresh()}/force-password-reset`, body: () => ({}), expect: both(403) },
    { method: 'POST', url: () => '/api/v1/invites', body: () => ({ email: uniqueEmail('invitee'), role: 'user' }), expect: both(403) },
    { method: 'POST', url: async () => `/api/v1/invites/${await coreInvite()}/resend`, body: () => ({}), expect: both(403) },
    { method: 'DELETE', url: async () => `/api/v1/invites/${await coreInvite()}`, expect: both(403) },
    {
      method: 'POST',
      url: () => '/api/v1/accounts',
      body: () => ({ label: 'Mine now', application: 'Instagram', username: 'x', password: 'p4ssw0rd-x' }),
      expect: both(403),
    },
    {
      method: 'POST',
      url: () => '/api/v1/partnerships',
      body: () => ({ workspaceId: otherWorkspacePublicId, partnerEmail: uniqueEmail('partner'), reason: 'Agency work' }),
      expect: both(403),
    },
    // A Guest Admin opens the Partners page (their own partner), a Guest User has none.
    { method: 'GET', url: () => '/api/v1/partnerships', expect: { guestAdmin: 200, guestUser: 403 } },
    // Accounts: what is shared with them (R-LP-08); nothing else exists for them (ADR 0008).
    { method: 'GET', url: () => '/api/v1/accounts', expect: both(200) },
    { method: 'GET', url: () => `/api/v1/accounts/${w.sharedAccountId}`, expect: both(200) },
    { method: 'GET', url: () => `/api/v1/accounts/${w.unsharedAccountId}`, expect: both(404) },
    { method: 'POST', url: () => `/api/v1/accounts/${w.sharedAccountId}/reveal`, body: () => ({ field: 'password' }), expect: both(403) },
    { method: 'PATCH', url: () => `/api/v1/accounts/${w.sharedAccountId}`, body: () => ({ notes: 'Edited by a guest' }), expect: both(403) },
    { method: 'DELETE', url: () => `/api/v1/accounts/${w.sharedAccountId}`, expect: both(403) },
    { method: 'GET', url: () => `/api/v1/accounts/${w.sharedAccountId}/members`, expect: both(403) },
    {
      method: 'POST',
      url: () => `/api/v1/accounts/${w.sharedAccountId}/members`,
      body: async () => ({ userId: await fresh(), role: 'collaborator' }),
      expect: both(403),
    },
    { method: 'GET', url: () => '/api/v1/activity', expect: both(200) },
    { method: 'GET', url: () => '/api/v1/dev/mailbox', expect: both(200) },
    { method: 'GET', url: async () => `/api/v1/dev/mailbox/${await workspaceMail()}`, expect: both(404) },
  ];

  it('answers each guest as the rows say; a refusal changes nothing', async () => {
    const wrong: string[] = [];
    for (const row of ROWS) {
      for (const guest of ['guestAdmin', 'guestUser'] as const) {
        const url = await row.url();
        const body = row.body ? await row.body() : undefined;
        const before = await fingerprint(t, w.workspaceId);
        const res = await t.app.inject({
          method: row.method,
          url,
          headers: { ...w.sessions[guest].headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        });
        const want = row.expect[guest];
        const cell = `${row.method} ${url} as ${guest}`;
        if (res.statusCode !== want) {
          wrong.push(`${cell}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 140)}`);
          continue;
        }
        if (want >= 400) {
          const code = (res.json() as { error: { code: string } }).error.code;
          if (code !== (want === 404 ? 'not_found' : 'forbidden')) wrong.push(`${cell}: code ${code}`);
        }
        const changed = changedParts(before, await fingerprint(t, w.workspaceId));
        if (changed.length > 0) wrong.push(`${cell} changed ${changed.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the accounts list shows a guest what was shared with them and nothing else', async () => {
    for (const guest of ['guestAdmin', 'guestUser'] as const) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: w.sessions[guest].headers });
      const ids = (res.json() as { items: Array<{ id: string }> }).items.map((a) => a.id);
      expect(ids, guest).toEqual([w.sharedAccountId]);
    }
  });

  it('an account Owner shares with a guest as Collaborator at most (R-C-01); nobody makes a guest an Admin (R-GU-07)', async () => {
    const before = await fingerprint(t, w.workspaceId);
    const asHost = (method: 'POST' | 'PATCH', url: string, body: unknown, s = w.sessions.hostAdmin) =>
      t.app.inject({ method, url, headers: { ...s.headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const owner = await asHost('POST', `/api/v1/accounts/${w.unsharedAccountId}/members`, { userId: w.people.guestUser.userId, role: 'owner' });
    expect(owner.statusCode).toBe(422);
    expect(owner.json().error.code).toBe('rule_violation');
    for (const role of ['admin', 'user']) {
      const promote = await asHost('PATCH', `/api/v1/members/${w.people.guestUser.userId}`, { role }, w.sessions.owner);
      expect(promote.statusCode, role).toBe(422);
      expect(promote.json().error.code).toBe('rule_violation');
    }
    expect(changedParts(before, await fingerprint(t, w.workspaceId))).toEqual([]);
    const collaborator = await asHost('POST', `/api/v1/accounts/${w.unsharedAccountId}/members`, { userId: w.people.guestUser.userId, role: 'collaborator' });
    expect(collaborator.statusCode).toBe(201);
  });
});
