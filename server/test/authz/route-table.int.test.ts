import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { devicePairings, devices } from '../../src/db/schema/index';
import { hashToken } from '../../src/lib/tokens';
import { enqueueEmail } from '../../src/modules/email/outbox';
import { createTestApp, sessionFor, TEST_PASSWORD, uniqueEmail, type TestApp, type TestSession } from '../harness';
import { ACTORS, buildWorld, type ActorName, type World } from '../world';
import { isLocalPartnerRoute } from './local-partner-routes';
import { isNativePartnerRoute } from './native-partner-routes';
import { isPartnershipRoute } from './partnership-routes';

/**
 * THE authorization specification of the core, as data: every /api/v1 route × every actor →
 * the status it must answer. A route missing from this table (or a table row without a route)
 * fails the suite, so a new route cannot ship without its row.
 *
 * Actors (see server/test/world.ts): workspace A's owner, admin, user, loginOnly, collaborator and
 * a removed member (disabled while their session row stayed live → 401), anonymous, and otherAdmin
 * (an Admin of workspace B, who always uses workspace A's ids → 404, exactly like a missing id).
 * Account routes act on a fresh account per case: its Owner is `user`; `loginOnly` and
 * `collaborator` are its Collaborators; the workspace owner and admin hold no grant on it.
 * Each case gets a fresh session and fresh target objects, so cases never depend on each other.
 */

type Expect = Record<ActorName, number>;
interface Case {
  route: string;
  request(w: World, actor: ActorName): Promise<{ url: string; body?: unknown }>;
  expect: Expect;
}

/** Shorthand: the same status for every signed-in member of A; anonymous and removed get 401. */
function members(status: number, overrides: Partial<Expect> = {}): Expect {
  return {
    anonymous: 401,
    owner: status,
    admin: status,
    user: status,
    loginOnly: status,
    collaborator: status,
    removed: 401,
    otherAdmin: status,
    ...overrides,
  };
}
/** Account-scoped: the account's Owner (user) gets `owner`; its Collaborators get `collab`; no grant → 404. */
function account(owner: number, collab: number): Expect {
  return { anonymous: 401, owner: 404, admin: 404, user: owner, loginOnly: collab, collaborator: collab, removed: 401, otherAdmin: 404 };
}
/** Public routes answer the same whoever calls. */
function everyone(status: number, overrides: Partial<Expect> = {}): Expect {
  return Object.fromEntries(ACTORS.map((a) => [a, overrides[a] ?? status])) as Expect;
}

const emailOf = (w: World, actor: ActorName) => (actor === 'anonymous' ? uniqueEmail('nobody') : w.users[actor].email);

const CASES: Case[] = [
  // Health and sign-in
  { route: 'GET /api/v1/health/live', request: async () => ({ url: '/api/v1/health/live' }), expect: everyone(200) },
  { route: 'GET /api/v1/health/ready', request: async () => ({ url: '/api/v1/health/ready' }), expect: everyone(200) },
  {
    // Each actor signs in with their own credentials (no cookie sent: see NO_COOKIE).
    route: 'POST /api/v1/auth/login',
    request: async (w, a) => ({ url: '/api/v1/auth/login', body: { email: emailOf(w, a), password: TEST_PASSWORD } }),
    expect: everyone(200, { anonymous: 401, removed: 401 }),
  },
  {
    // Public: the 256-bit link is the credential. An unknown link is 404 for everyone (the
    // behaviour tests use real links).
    route: 'POST /api/v1/auth/password-reset/lookup',
    request: async () => ({ url: '/api/v1/auth/password-reset/lookup', body: { token: randomBytes(32).toString('base64url') } }),
    expect: everyone(404),
  },
  {
    route: 'POST /api/v1/auth/password-reset',
    request: async () => ({ url: '/api/v1/auth/password-reset', body: { token: randomBytes(32).toString('base64url'), newPassword: 'a brand new password 42' } }),
    expect: everyone(404),
  },
  { route: 'POST /api/v1/auth/mfa', request: async () => ({ url: '/api/v1/auth/mfa', body: { code: '123456' } }), expect: everyone(401) },
  { route: 'POST /api/v1/auth/logout', request: async () => ({ url: '/api/v1/auth/logout', body: {} }), expect: members(204) },
  { route: 'GET /api/v1/session', request: async () => ({ url: '/api/v1/session' }), expect: members(200) },
  {
    route: 'POST /api/v1/session/workspace',
    request: async (w) => ({ url: '/api/v1/session/workspace', body: { workspaceId: w.a.workspaceId } }),
    expect: members(200, { otherAdmin: 404 }),
  },
  {
    // Re-using the current password is refused after authorization: proves the route is reachable without changing state.
    route: 'POST /api/v1/me/password',
    request: async () => ({ url: '/api/v1/me/password', body: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD } }),
    expect: members(422),
  },
  { route: 'POST /api/v1/me/mfa/enrol', request: async () => ({ url: '/api/v1/me/mfa/enrol', body: { password: TEST_PASSWORD } }), expect: members(200) },
  {
    // The enrol row above leaves a pending secret for every actor, so a wrong code is 401 mfa_invalid (not 409).
    route: 'POST /api/v1/me/mfa/confirm',
    request: async () => ({ url: '/api/v1/me/mfa/confirm', body: { code: '000000' } }),
    expect: members(401),
  },
  {
    route: 'POST /api/v1/me/mfa/disable',
    request: async () => ({ url: '/api/v1/me/mfa/disable', body: { password: TEST_PASSWORD, code: '000000' } }),
    expect: members(409),
  },

  // Workspace and members
  { route: 'GET /api/v1/workspace', request: async () => ({ url: '/api/v1/workspace' }), expect: members(200) },
  {
    route: 'PATCH /api/v1/workspace',
    request: async () => ({ url: '/api/v1/workspace', body: { name: `Renamed ${randomBytes(2).toString('hex')}` } }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403 }),
  },
  { route: 'GET /api/v1/members', request: async () => ({ url: '/api/v1/members' }), expect: members(200, { loginOnly: 403 }) },
  {
    route: 'PATCH /api/v1/members/:userId',
    request: async (w) => ({ url: `/api/v1/members/${(await w.newMember('user')).userId}`, body: { role: 'admin' } }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    route: 'DELETE /api/v1/members/:userId',
    request: async (w) => ({ url: `/api/v1/members/${(await w.newMember('user')).userId}` }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    // Resets of a member's sign-in (ADR 0012): Admins and the Owner, like removal.
    route: 'POST /api/v1/members/:userId/reset-mfa',
    request: async (w) => ({ url: `/api/v1/members/${(await w.newMember('user')).userId}/reset-mfa`, body: {} }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    route: 'POST /api/v1/members/:userId/force-password-reset',
    request: async (w) => ({ url: `/api/v1/members/${(await w.newMember('user')).userId}/force-password-reset`, body: {} }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    route: 'POST /api/v1/invites',
    request: async () => ({ url: '/api/v1/invites', body: { email: uniqueEmail('invitee'), role: 'user' } }),
    expect: members(201, { user: 403, loginOnly: 403, collaborator: 403 }),
  },
  {
    route: 'POST /api/v1/invites/:inviteId/resend',
    request: async (w) => ({ url: `/api/v1/invites/${(await w.newInvite()).id}/resend`, body: {} }),
    expect: members(200, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    route: 'DELETE /api/v1/invites/:inviteId',
    request: async (w) => ({ url: `/api/v1/invites/${(await w.newInvite()).id}` }),
    expect: members(204, { user: 403, loginOnly: 403, collaborator: 403, otherAdmin: 404 }),
  },
  {
    route: 'POST /api/v1/invites/lookup',
    request: async (w) => ({ url: '/api/v1/invites/lookup', body: { token: (await w.newInvite()).token } }),
    expect: everyone(200),
  },
  {
    // A new person accepting is a public action (no cookie sent: see NO_COOKIE).
    route: 'POST /api/v1/invites/accept',
    request: async (w) => ({
      url: '/api/v1/invites/accept',
      body: { token: (await w.newInvite()).token, name: 'New Person', password: 'a long new password 123' },
    }),
    expect: everyone(200),
  },

  // Accounts vault
  { route: 'GET /api/v1/accounts', request: async () => ({ url: '/api/v1/accounts' }), expect: members(200) },
  {
    route: 'POST /api/v1/accounts',
    request: async () => ({ url: '/api/v1/accounts', body: { label: 'New account', application: 'Instagram', username: 'x', password: 'p4ssw0rd-x' } }),
    expect: members(201, { loginOnly: 403 }),
  },
  { route: 'GET /api/v1/accounts/:accountId', request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}` }), expect: account(200, 200) },
  {
    route: 'PATCH /api/v1/accounts/:accountId',
    request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}`, body: { notes: 'Edited' } }),
    expect: account(200, 403),
  },
  {
    route: 'POST /api/v1/accounts/:accountId/reveal',
    request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}/reveal`, body: { field: 'password' } }),
    expect: account(200, 403),
  },
  { route: 'DELETE /api/v1/accounts/:accountId', request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}` }), expect: account(200, 403) },
  {
    // A deleted account is invisible to everyone but its Owners.
    route: 'POST /api/v1/accounts/:accountId/restore',
    request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount({ deleted: true })).id}/restore`, body: {} }),
    expect: account(200, 404),
  },
  {
    route: 'GET /api/v1/accounts/:accountId/members',
    request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}/members` }),
    expect: account(200, 403),
  },
  {
    route: 'POST /api/v1/accounts/:accountId/members',
    request: async (w) => ({
      url: `/api/v1/accounts/${(await w.newAccount()).id}/members`,
      body: { userId: (await w.newMember('user')).userId, role: 'collaborator' },
    }),
    expect: account(201, 403),
  },
  {
    route: 'PATCH /api/v1/accounts/:accountId/members/:userId',
    request: async (w) => ({
      url: `/api/v1/accounts/${(await w.newAccount()).id}/members/${w.users.collaborator.userId}`,
      body: { role: 'owner' },
    }),
    expect: account(200, 403),
  },
  {
    route: 'DELETE /api/v1/accounts/:accountId/members/:userId',
    request: async (w) => ({ url: `/api/v1/accounts/${(await w.newAccount()).id}/members/${w.users.collaborator.userId}` }),
    expect: account(204, 403),
  },

  // Activity
  { route: 'GET /api/v1/activity', request: async () => ({ url: '/api/v1/activity' }), expect: members(200) },
  { route: 'GET /api/v1/activity/export', request: async () => ({ url: '/api/v1/activity/export' }), expect: members(200) },

  // Dev mailbox (on in tests: no SMTP configured). Everyone lists the mail addressed to them;
  // Owners and Admins also read their workspace's outgoing mail; nobody reads another workspace's.
  { route: 'GET /api/v1/dev/mailbox', request: async () => ({ url: '/api/v1/dev/mailbox' }), expect: members(200) },
  {
    route: 'GET /api/v1/dev/mailbox/:messageId',
    request: async (w) => ({ url: `/api/v1/dev/mailbox/${await queueMessage(w)}` }),
    expect: members(200, { user: 404, loginOnly: 404, collaborator: 404, otherAdmin: 404 }),
  },

  // Live updates (server-sent events): every member gets a stream of their own workspace.
  { route: 'GET /api/v1/live', request: async () => ({ url: '/api/v1/live' }), expect: members(200) },

  // Trusted devices (issue 5, ADR 0013). Starting and polling a pairing are public (the poll
  // secret is the credential); seeing, approving and denying one need a session: the code is the
  // capability, any signed-in member may approve it for themselves.
  { route: 'POST /api/v1/devices/pairings', request: async () => ({ url: '/api/v1/devices/pairings', body: { browser: 'Chrome', os: 'macOS' } }), expect: everyone(201) },
  { route: 'GET /api/v1/devices/pairings/:userCode', request: async (w) => ({ url: `/api/v1/devices/pairings/${(await newPairing(w)).userCode}` }), expect: members(200) },
  {
    route: 'POST /api/v1/devices/pairings/:userCode/approve',
    request: async (w) => ({ url: `/api/v1/devices/pairings/${(await newPairing(w)).userCode}/approve`, body: {} }),
    expect: members(200),
  },
  {
    route: 'POST /api/v1/devices/pairings/:userCode/deny',
    request: async (w) => ({ url: `/api/v1/devices/pairings/${(await newPairing(w)).userCode}/deny`, body: {} }),
    expect: members(204),
  },
  {
    route: 'POST /api/v1/devices/pairings/:pairingId/token',
    request: async (w) => {
      const p = await newPairing(w);
      return { url: `/api/v1/devices/pairings/${p.id}/token`, body: { pollSecret: p.pollSecret } };
    },
    expect: everyone(202),
  },
  { route: 'GET /api/v1/me/devices', request: async () => ({ url: '/api/v1/me/devices' }), expect: members(200) },
  {
    // Each actor revokes a device of their own.
    route: 'DELETE /api/v1/me/devices/:deviceId',
    request: async (w, a) => ({ url: `/api/v1/me/devices/${await newDevice(w, a)}` }),
    expect: members(204),
  },
  // Device routes take only a device token (Authorization: Bearer): a session cookie opens none of them.
  { route: 'GET /api/v1/device/me', request: async () => ({ url: '/api/v1/device/me' }), expect: everyone(401) },
  { route: 'DELETE /api/v1/device/me', request: async () => ({ url: '/api/v1/device/me' }), expect: everyone(401) },
  { route: 'GET /api/v1/device/accounts', request: async () => ({ url: '/api/v1/device/accounts' }), expect: everyone(401) },
  {
    route: 'POST /api/v1/device/tickets',
    request: async (w) => ({ url: '/api/v1/device/tickets', body: { accountId: (await w.newAccount()).id } }),
    expect: everyone(401),
  },
  {
    route: 'POST /api/v1/device/tickets/redeem',
    request: async () => ({ url: '/api/v1/device/tickets/redeem', body: { ticket: `lkt_${randomBytes(32).toString('base64url')}`, origin: 'https://www.instagram.com' } }),
    expect: everyone(401),
  },
];

/** A fresh pending pairing, inserted directly (the per-IP limit of the public route stays out of the table). */
async function newPairing(w: World) {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  const code = Array.from(randomBytes(8), (b) => letters[b % letters.length]).join('');
  const pollSecret = randomBytes(32).toString('base64url');
  const now = new Date();
  const [row] = await w.deps.db
    .insert(devicePairings)
    .values({ userCode: `${code.slice(0, 4)}-${code.slice(4)}`, pollSecretHash: hashToken(pollSecret), browser: 'Chrome', os: 'macOS', createdAt: now, expiresAt: new Date(now.getTime() + 600_000) })
    .returning();
  return { ...row!, pollSecret };
}

/** A fresh active device of the actor (in their workspace); a random id for anonymous. */
async function newDevice(w: World, actor: ActorName): Promise<string> {
  if (actor === 'anonymous') return crypto.randomUUID();
  const workspaceId = actor === 'otherAdmin' ? w.b.workspaceId : w.a.workspaceId;
  const userId = w.users[actor].userId;
  const taken = await w.deps.db.select({ slot: devices.slot }).from(devices).where(and(eq(devices.userId, userId), isNull(devices.revokedAt)));
  const slot = [...Array(20).keys()].map((i) => i + 1).find((n) => !taken.some((r) => r.slot === n))!;
  const [row] = await w.deps.db
    .insert(devices)
    .values({ workspaceId, userId, tokenHash: hashToken(randomBytes(32).toString('base64url')), browser: 'Chrome', os: 'macOS', slot, activatedAt: new Date() })
    .returning({ id: devices.id });
  return row!.id;
}

/** Routes sent without the actor's cookie: signing in and accepting an invite as a new person. */
const NO_COOKIE = new Set(['POST /api/v1/auth/login', 'POST /api/v1/invites/accept']);
/** Routes that answer with an endless stream: read the first chunk, then let go (app.close() ends them). */
const STREAMS = new Set(['GET /api/v1/live']);

async function firstChunk(stream: NodeJS.ReadableStream): Promise<string> {
  for await (const chunk of stream) return String(chunk);
  return '';
}

async function queueMessage(w: World): Promise<string> {
  const { outbox } = await import('../../src/db/schema/index');
  const { desc } = await import('drizzle-orm');
  await w.deps.db.transaction(async (tx) =>
    enqueueEmail(
      tx as unknown as Db,
      w.deps.vault,
      { template: 'test', to: uniqueEmail('mail'), subject: 'Hello', text: 'Hi', html: '<p>Hi</p>', workspaceId: w.a.workspaceId },
      new Date(),
    ),
  );
  const [row] = await w.deps.db.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.createdAt)).limit(1);
  return row!.id;
}

describe('authorization table: every route × every actor', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await createTestApp();
    w = await buildWorld(t.deps);
  });
  afterAll(() => t.close());

  it('has exactly one row per registered route', () => {
    // Host-guest partnership and local partner routes have their own tables with partner actors
    // (partnership-route-table.int.test.ts, local-partner-route-table.int.test.ts).
    const registered = t.app.apiRoutes
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !isPartnershipRoute(r) && !isLocalPartnerRoute(r) && !isNativePartnerRoute(r))
      .sort();
    const inTable = CASES.map((c) => c.route).sort();
    expect(inTable.filter((r) => !registered.includes(r))).toEqual([]); // rows for routes that do not exist
    expect(registered.filter((r) => !inTable.includes(r))).toEqual([]); // routes with no row
    expect(new Set(inTable).size).toBe(inTable.length);
  });

  it('answers every actor exactly as the table says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const c of CASES) {
      const [method] = c.route.split(' ');
      for (const actor of ACTORS) {
        const session: TestSession | null =
          actor === 'anonymous' || NO_COOKIE.has(c.route)
            ? null
            : await sessionFor(t.deps, w.users[actor].userId, actor === 'otherAdmin' ? w.b.workspaceId : w.a.workspaceId);
        const { url, body } = await c.request(w, actor);
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: { ...(session?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
          ...(STREAMS.has(c.route) ? { payloadAsStream: true } : {}),
        });
        checked += 1;
        const text = STREAMS.has(c.route) ? await firstChunk(res.stream()) : res.body;
        if (res.statusCode !== c.expect[actor]) {
          mismatches.push(`${c.route} as ${actor}: expected ${c.expect[actor]}, got ${res.statusCode} ${text.slice(0, 160)}`);
        } else if (STREAMS.has(c.route) && res.statusCode === 200 && !text.startsWith('retry: ')) {
          mismatches.push(`${c.route} as ${actor}: expected an event stream, got ${text.slice(0, 160)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(CASES.length * ACTORS.length);
  }, 240_000);
});
