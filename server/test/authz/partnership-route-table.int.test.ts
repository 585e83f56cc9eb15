import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnershipState } from '@shared/partnerships';
import { createTestApp, createWorkspace, uniqueEmail, type TestApp } from '../harness';
import {
  activityFor,
  buildPair,
  createPartnerPeople,
  PARTNER_ACTORS,
  sessionOf,
  sideOf,
  type PartnerActor,
  type PartnerPair,
  type PartnerPeople,
} from '../partner-world';
import { isPartnershipRoute } from './partnership-routes';

/**
 * THE authorization specification of the host-guest partnership routes (/partnerships,
 * /access-requests), as data: every route × every partner actor → the status it must answer.
 * Written from partners-spec §4.1/§4.3/§5.1–5.4, R-HG-01…25 and the recommendations of §9 (Q3:
 * Admins who own an account may share it and Admins may remove shares; Q4: host Admins manage
 * Partnership Owners; Q6: the guest side hands over the guest contact; Q8: the requester cancels),
 * NOT recorded from what the server answers. Rules of thumb: a partnership the actor may not see
 * (host side: Partnership Owners and host Admins/Owners; guest side: guest Admins/Owners once the
 * host approved) → 404, never 403; visible but not theirs to do → 403; an account the actor holds no
 * grant on → 404 (ADR 0008); anonymous and a removed member → 401.
 *
 * Two-way coverage: every registered route with isPartnershipRoute() has exactly one row, and every
 * row has a route. Each case (route × actor) runs on a FRESH host/guest pair built by direct inserts
 * (server/test/partner-world.ts) with a fresh session, so a state change never leaks into another case.
 *
 * The second suite walks every state-changing route (from the registered route list) and checks it
 * writes exactly ONE activity event of the right type, on the host workspace with the guest as the
 * partner workspace, and that a denied call writes none.
 */

type Expect = Record<PartnerActor, number>;
interface Case {
  route: string;
  /** The partnership state the case starts from (per actor when the allowed actors need different states). */
  state: PartnershipState | ((actor: PartnerActor) => PartnershipState);
  request(w: PartnerPair, p: PartnerPeople): Promise<{ url: string; body?: unknown }> | { url: string; body?: unknown };
  expect: Expect;
}

/** `status` for every signed-in actor except the listed ones; anonymous and the removed guest get 401. */
function only(status: number, overrides: Partial<Expect> = {}): Expect {
  const e = Object.fromEntries(PARTNER_ACTORS.map((a) => [a, status])) as Expect;
  return { ...e, anonymous: 401, removedGuest: 401, ...overrides };
}
/** Host side that manages the partnership (Partnership Owner, host Admin, host workspace Owner). */
const hostManagers = (status: number) => ({ partnershipOwner: status, hostAdmin: status, hostOwner: status });
/** Host Admins (the workspace Owner included). */
const hostAdmins = (status: number) => ({ hostAdmin: status, hostOwner: status });

const P = (w: PartnerPair) => `/api/v1/partnerships/${w.partnershipId}`;

const CASES: Case[] = [
  // ── Lifecycle (server/src/modules/partnerships) ──
  // Every member with "Access the Partners page" (User, Admin, Owner) lists their own workspace's partnerships;
  // Login-Only members have no Partners page (§4.1).
  {
    route: 'GET /api/v1/partnerships',
    state: 'active',
    request: () => ({ url: '/api/v1/partnerships?view=all' }),
    expect: only(200, { hostLoginOnly: 403 }),
  },
  {
    // Any User, Admin or Owner may request a partnership with a workspace they are not partnered with (R-HG-02).
    // The target is a fresh workspace, so every actor's own workspace is free to ask.
    route: 'POST /api/v1/partnerships',
    state: 'active',
    request: async (_w, p) => {
      const { workspace } = await createWorkspace(p.deps, { name: 'Target (X)', ownerEmail: p.people.otherAdmin.email });
      return { url: '/api/v1/partnerships', body: { workspaceId: workspace.publicId, partnerEmail: uniqueEmail('partner'), reason: 'Agency work' } };
    },
    expect: only(201, { hostLoginOnly: 403 }),
  },
  { route: 'GET /api/v1/partnerships/:id', state: 'active', request: (w) => ({ url: P(w) }), expect: only(404, { ...hostManagers(200), guestAdmin: 200 }) },
  {
    // The host-side setting "allow Managers to request Manager" (Q7): Partnership Owners and host Admins.
    route: 'PATCH /api/v1/partnerships/:id',
    state: 'active',
    request: (w) => ({ url: P(w), body: { allowManagerRequests: true } }),
    expect: only(404, { ...hostManagers(200), guestAdmin: 403 }),
  },
  {
    // Host Admin approves (§5.1 #3). The guest side does not know of the request yet (R-HG-05) → 404.
    route: 'POST /api/v1/partnerships/:id/approve',
    state: 'awaiting_host_admin',
    request: (w) => ({ url: `${P(w)}/approve`, body: {} }),
    expect: only(404, { ...hostAdmins(200), partnershipOwner: 403 }),
  },
  {
    // Host Admin while awaiting the host (§5.1 #4); guest Admin while awaiting the guest (#6).
    route: 'POST /api/v1/partnerships/:id/decline',
    state: (a) => (sideOf(a) === 'guest' ? 'awaiting_guest_admin' : 'awaiting_host_admin'),
    request: (w) => ({ url: `${P(w)}/decline`, body: { reason: 'Not now' } }),
    expect: only(404, { ...hostAdmins(200), partnershipOwner: 403, guestAdmin: 200 }),
  },
  {
    route: 'POST /api/v1/partnerships/:id/accept',
    state: 'awaiting_guest_admin',
    request: (w) => ({ url: `${P(w)}/accept`, body: { acceptTerms: true } }),
    expect: only(404, { ...hostManagers(403), guestAdmin: 200 }),
  },
  {
    // "Send reminder": the requester / Partnership Owner, while awaiting the host Admin (R-HG-08).
    route: 'POST /api/v1/partnerships/:id/remind',
    state: 'awaiting_host_admin',
    request: (w) => ({ url: `${P(w)}/remind`, body: {} }),
    expect: only(404, { ...hostAdmins(403), partnershipOwner: 200 }),
  },
  {
    // "Resend request" after the guest declined (R-HG-08, Q2). The guest Admin still sees it (host approved).
    route: 'POST /api/v1/partnerships/:id/resend',
    state: 'declined_by_guest',
    request: (w) => ({ url: `${P(w)}/resend`, body: {} }),
    expect: only(404, { ...hostAdmins(403), partnershipOwner: 200, guestAdmin: 403 }),
  },
  {
    // Partnership Owner or an Admin of EITHER workspace (R-HG-17).
    route: 'DELETE /api/v1/partnerships/:id',
    state: 'active',
    request: (w) => ({ url: P(w) }),
    expect: only(404, { ...hostManagers(200), guestAdmin: 200 }),
  },
  {
    // Q4: host Admins add, remove and transfer Partnership Owners.
    route: 'POST /api/v1/partnerships/:id/owners',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/owners`, body: { userId: w.people.hostSpare.userId } }),
    expect: only(404, { ...hostAdmins(200), partnershipOwner: 403, guestAdmin: 403 }),
  },
  {
    route: 'DELETE /api/v1/partnerships/:id/owners/:userId',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/owners/${w.people.ownerSpare.userId}` }),
    expect: only(404, { ...hostAdmins(200), partnershipOwner: 403, guestAdmin: 403 }),
  },
  {
    // Host Admins transfer any owner's place (Q4); a Partnership Owner may hand over their OWN place
    // (docs/decisions/0011: people change jobs, and waiting for an Admin leaves the partnership unmanaged).
    route: 'POST /api/v1/partnerships/:id/transfer',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/transfer`, body: { fromUserId: w.people.partnershipOwner.userId, toUserId: w.people.hostSpare.userId } }),
    expect: only(404, { ...hostAdmins(200), partnershipOwner: 200, guestAdmin: 403 }),
  },
  {
    // Q6: the guest side hands the guest contact over to another guest Admin.
    route: 'PUT /api/v1/partnerships/:id/guest-contact',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/guest-contact`, body: { userId: w.people.guestSpareAdmin.userId } }),
    expect: only(404, { ...hostManagers(403), guestAdmin: 200 }),
  },

  // ── Sharing and members (server/src/modules/partnership-access) ──
  {
    // Accounts tab: Partnership Owners and host Admins (§4.3); the guest Admin sees what was shared with their workspace.
    route: 'GET /api/v1/partnerships/:id/accounts',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/accounts` }),
    expect: only(404, { ...hostManagers(200), guestAdmin: 200 }),
  },
  {
    // The share wizard's list: who may share (R-HG-09, Q3). The workspace Owner owns nothing here: an empty list.
    route: 'GET /api/v1/partnerships/:id/shareable-accounts',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/shareable-accounts` }),
    expect: only(404, { ...hostManagers(200), guestAdmin: 403 }),
  },
  {
    // Share: Partnership Owner or host Admin who OWNS the account (R-HG-09, Q3). The shareable account is
    // owned by partnershipOwner, hostAdmin and accountOwner; the workspace Owner holds no grant on it → 404 (ADR 0008);
    // accountOwner is neither Partnership Owner nor Admin → the partnership is invisible → 404.
    route: 'POST /api/v1/partnerships/:id/accounts',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/accounts`, body: { accounts: [{ accountId: w.shareableAccountId, role: 'collaborator' }] } }),
    expect: only(404, { partnershipOwner: 201, hostAdmin: 201, hostOwner: 404, guestAdmin: 403 }),
  },
  {
    // Remove an account from the partnership: Partnership Owners and Admins (R-HG-15, Q3), no ownership needed.
    route: 'DELETE /api/v1/partnerships/:id/accounts/:accountId',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/accounts/${w.sharedAccountId}` }),
    expect: only(404, { ...hostManagers(204), guestAdmin: 403 }),
  },
  {
    // Members tab: host Admins and Partnership Owners (R-HG-16); account Owners only via the account page.
    route: 'GET /api/v1/partnerships/:id/members',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/members` }),
    expect: only(404, { ...hostManagers(200), guestAdmin: 200 }),
  },
  {
    // Only host account Owners change a guest member's role (R-HG-14, R-HG-22).
    route: 'PATCH /api/v1/partnerships/:id/members/:userId/accounts/:accountId',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/members/${w.people.guestCollaborator.userId}/accounts/${w.sharedAccountId}`, body: { role: 'manager' } }),
    expect: only(404, { accountOwner: 200, ...hostManagers(403), guestAdmin: 403 }),
  },
  {
    // Partnership Owner, account Owner or host Admin removes a guest member's access (R-HG-15).
    route: 'DELETE /api/v1/partnerships/:id/members/:userId/accounts/:accountId',
    state: 'active',
    request: (w) => ({ url: `${P(w)}/members/${w.people.guestCollaborator.userId}/accounts/${w.sharedAccountId}` }),
    expect: only(404, { accountOwner: 204, ...hostManagers(204), guestAdmin: 403 }),
  },

  // ── Access requests (§5.4) ──
  // The list is filtered to what each actor may see (host Owners decide, guest requesters sent); never a denial.
  { route: 'GET /api/v1/access-requests', state: 'active', request: () => ({ url: '/api/v1/access-requests' }), expect: only(200) },
  {
    // Only a guest member holding Manager on the account may request (R-HG-11, account.requestAccess);
    // a Collaborator or a host Owner sees the account but may not (403); no grant → 404.
    route: 'GET /api/v1/access-requests/candidates',
    state: 'active',
    request: (w) => ({ url: `/api/v1/access-requests/candidates?accountId=${w.sharedAccountId}` }),
    expect: only(404, { guestManager: 200, guestAdmin: 200, guestCollaborator: 403, accountOwner: 403 }),
  },
  {
    route: 'POST /api/v1/access-requests',
    state: 'active',
    request: (w) => ({
      url: '/api/v1/access-requests',
      body: { accountId: w.sharedAccountId, userIds: [w.people.guestMember.userId], role: 'collaborator' },
    }),
    expect: only(404, { guestManager: 201, guestAdmin: 201, guestCollaborator: 403, accountOwner: 403 }),
  },
  {
    // Any host account Owner decides (§3.7, §5.4). Those who see the request without deciding it — host
    // Admins (partners.viewAll), the guest Admin, the requester — get 403. The Partnership Owner holds no
    // grant on this account (ADR 0008) and the spec gives the decision to account Owners → 404.
    route: 'POST /api/v1/access-requests/:id/accept',
    state: 'active',
    request: (w) => ({ url: `/api/v1/access-requests/${w.accessRequestId}/accept`, body: {} }),
    expect: only(404, { accountOwner: 200, ...hostAdmins(403), guestAdmin: 403, guestManager: 403 }),
  },
  {
    route: 'POST /api/v1/access-requests/:id/decline',
    state: 'active',
    request: (w) => ({ url: `/api/v1/access-requests/${w.accessRequestId}/decline`, body: {} }),
    expect: only(404, { accountOwner: 200, ...hostAdmins(403), guestAdmin: 403, guestManager: 403 }),
  },
  {
    // The requester may cancel while pending (Q8).
    route: 'POST /api/v1/access-requests/:id/cancel',
    state: 'active',
    request: (w) => ({ url: `/api/v1/access-requests/${w.accessRequestId}/cancel`, body: {} }),
    expect: only(404, { guestManager: 200, accountOwner: 403, ...hostAdmins(403), guestAdmin: 403 }),
  },
];

/**
 * The ONE activity event each state-changing route writes (shared/src/activity.ts), with the data
 * that tells the variants apart. A state-changing partnership route without an entry fails the walker.
 */
const EVENTS: Record<string, { type: string; data?: Record<string, unknown>; actor?: PartnerActor }> = {
  'POST /api/v1/partnerships': { type: 'Partnership Requested', data: { autoApproved: false }, actor: 'partnershipOwner' },
  'PATCH /api/v1/partnerships/:id': { type: 'Partnership Updated', data: { change: 'setting_changed' } },
  'POST /api/v1/partnerships/:id/approve': { type: 'Partnership Accepted', data: { side: 'host' } },
  'POST /api/v1/partnerships/:id/decline': { type: 'Partnership Declined', data: { side: 'host' } },
  'POST /api/v1/partnerships/:id/accept': { type: 'Partnership Accepted', data: { side: 'guest' } },
  'POST /api/v1/partnerships/:id/remind': { type: 'Partnership Updated', data: { change: 'reminder_sent' } },
  'POST /api/v1/partnerships/:id/resend': { type: 'Partnership Updated', data: { change: 'request_resent' } },
  'DELETE /api/v1/partnerships/:id': { type: 'Partnership Removed', data: { side: 'host' } },
  'POST /api/v1/partnerships/:id/owners': { type: 'Partnership Updated', data: { change: 'owner_added' } },
  'DELETE /api/v1/partnerships/:id/owners/:userId': { type: 'Partnership Updated', data: { change: 'owner_removed' } },
  'POST /api/v1/partnerships/:id/transfer': { type: 'Partnership Updated', data: { change: 'owners_transferred' } },
  'PUT /api/v1/partnerships/:id/guest-contact': { type: 'Partnership Updated', data: { change: 'guest_contact_changed' } },
  'POST /api/v1/partnerships/:id/accounts': { type: 'Account Shared Via Partnership', data: { role: 'collaborator' } },
  'DELETE /api/v1/partnerships/:id/accounts/:accountId': { type: 'Account Removed From Partnership' },
  'PATCH /api/v1/partnerships/:id/members/:userId/accounts/:accountId': {
    type: 'Account Role Updated',
    data: { fromRole: 'collaborator', toRole: 'manager' },
  },
  'DELETE /api/v1/partnerships/:id/members/:userId/accounts/:accountId': { type: 'Account Access Removed', data: { role: 'collaborator' } },
  'POST /api/v1/access-requests': { type: 'Access Requested', data: { role: 'collaborator' } },
  'POST /api/v1/access-requests/:id/accept': { type: 'Access Request Accepted' },
  'POST /api/v1/access-requests/:id/decline': { type: 'Access Request Declined' },
  'POST /api/v1/access-requests/:id/cancel': { type: 'Access Request Cancelled' },
};

const isSuccess = (s: number) => s >= 200 && s < 300;

describe('partnership authorization table: every partnership route × every partner actor', () => {
  let t: TestApp;
  let p: PartnerPeople;
  beforeAll(async () => {
    t = await createTestApp();
    p = await createPartnerPeople(t.deps);
  });
  afterAll(() => t.close());

  /**
   * Build the case's fresh pair, sign the actor in, and send the request. Reads (GET) change
   * nothing, so all actors of one GET row share one pair (keeps the suite fast); every
   * state-changing case gets its own.
   */
  const readPairs = new Map<string, PartnerPair>();
  async function run(c: Case, actor: PartnerActor) {
    const [method] = c.route.split(' ');
    const state = typeof c.state === 'function' ? c.state(actor) : c.state;
    const key = `${c.route} ${state}`;
    const pair = method === 'GET' ? (readPairs.get(key) ?? (await buildPair(p, state))) : await buildPair(p, state);
    if (method === 'GET') readPairs.set(key, pair);
    const session = await sessionOf(p, pair, actor);
    const { url, body } = await c.request(pair, p);
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(session?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { pair, res };
  }

  const registered = () =>
    t.app.apiRoutes
      .map((r) => `${r.method} ${r.url}`)
      .filter(isPartnershipRoute)
      .sort();

  it('has exactly one row per registered partnership route', () => {
    const inTable = CASES.map((c) => c.route).sort();
    expect(inTable.filter((r) => !registered().includes(r))).toEqual([]); // rows for routes that do not exist
    expect(registered().filter((r) => !inTable.includes(r))).toEqual([]); // routes with no row
    expect(new Set(inTable).size).toBe(inTable.length);
  });

  it('answers every partner actor exactly as the table says', async () => {
    const routes = new Set(registered());
    const mismatches: string[] = [];
    let checked = 0;
    for (const c of CASES.filter((x) => routes.has(x.route))) {
      for (const actor of PARTNER_ACTORS) {
        const { res } = await run(c, actor);
        checked += 1;
        if (res.statusCode !== c.expect[actor]) {
          mismatches.push(`${c.route} as ${actor}: expected ${c.expect[actor]}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.size * PARTNER_ACTORS.length);
  }, 240_000);

  it('every state-changing partnership route writes exactly one activity event, on the host with the guest as partner; a denied call writes none', async () => {
    const changing = registered().filter((r) => !r.startsWith('GET '));
    expect(changing.filter((r) => !EVENTS[r])).toEqual([]); // a state-changing route without a walker entry
    const problems: string[] = [];
    for (const route of changing) {
      const c = CASES.find((x) => x.route === route);
      if (!c) continue; // reported by the coverage test
      const want = EVENTS[route]!;
      const allowed = want.actor ?? PARTNER_ACTORS.find((a) => isSuccess(c.expect[a]));
      const denied = [403, 404, 401].map((s) => PARTNER_ACTORS.find((a) => c.expect[a] === s)).find(Boolean);
      for (const [actor, ok] of [
        [allowed, true],
        [denied, false],
      ] as const) {
        if (!actor) {
          problems.push(`${route}: no ${ok ? 'allowed' : 'denied'} actor in the table`);
          continue;
        }
        const pair = await buildPair(p, typeof c.state === 'function' ? c.state(actor) : c.state);
        const scope = [pair.host.workspaceId, pair.guest.workspaceId];
        const before = (await activityFor(t.deps, scope)).map((e) => e.id);
        const session = await sessionOf(p, pair, actor);
        const { url, body } = await c.request(pair, p);
        // Who hears the 'activity' topic: the other side's Activity view follows without a refresh (item 11).
        const heardActivity = new Set<string>();
        const publish = t.deps.live.publish.bind(t.deps.live);
        t.deps.live.publish = async (tx, change) => {
          if (change.topics.includes('activity')) for (const ws of change.workspaceIds) heardActivity.add(ws);
          return publish(tx, change);
        };
        const res = await t.app
          .inject({
            method: route.split(' ')[0] as 'POST',
            url,
            headers: { ...(session?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
          })
          .finally(() => {
            t.deps.live.publish = publish;
          });
        if (ok !== isSuccess(res.statusCode)) {
          problems.push(`${route} as ${actor}: expected ${ok ? 'success' : 'a denial'}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          continue;
        }
        const partnerId = route === 'POST /api/v1/partnerships' ? (res.json() as { id?: string }).id : pair.partnershipId;
        const after = (await activityFor(t.deps, scope)).filter((e) => !before.includes(e.id));
        if (!ok) {
          if (after.length !== 0) problems.push(`${route} denied as ${actor} (${res.statusCode}) wrote ${after.map((e) => e.type).join(', ')}`);
          continue;
        }
        if (after.length !== 1) {
          problems.push(`${route} as ${actor}: expected exactly one event, got ${after.length}: ${after.map((e) => e.type).join(', ')}`);
          continue;
        }
        const e = after[0]!;
        const hostId = pair.host.workspaceId;
        const data = e.data as Record<string, unknown>;
        if (e.type !== want.type) problems.push(`${route}: event ${e.type}, expected ${want.type}`);
        if (e.workspaceId !== hostId) problems.push(`${route}: event workspace ${e.workspaceId}, expected the host ${hostId}`);
        if (route !== 'POST /api/v1/partnerships' && e.partnerWorkspaceId !== pair.guest.workspaceId) {
          problems.push(`${route}: event partner workspace ${e.partnerWorkspaceId}, expected the guest ${pair.guest.workspaceId}`);
        }
        if (route === 'POST /api/v1/partnerships' && (e.partnerWorkspaceId === null || scope.includes(e.partnerWorkspaceId))) {
          problems.push(`${route}: event partner workspace ${e.partnerWorkspaceId}, expected the requested workspace`);
        }
        for (const ws of [e.workspaceId, e.partnerWorkspaceId]) {
          if (ws && !heardActivity.has(ws)) problems.push(`${route}: workspace ${ws === hostId ? 'host' : 'guest'} did not hear the 'activity' live topic`);
        }
        if (data.partnershipId !== partnerId) problems.push(`${route}: event partnershipId ${String(data.partnershipId)}, expected ${partnerId}`);
        for (const [k, v] of Object.entries(want.data ?? {})) {
          if (data[k] !== v) problems.push(`${route}: event data.${k} = ${JSON.stringify(data[k])}, expected ${JSON.stringify(v)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
