import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteDto } from '@shared/members';
import { activityEvents, invites, memberships, outbox, sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { hashToken } from '../../lib/tokens';
import { TEST_PASSWORD, createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { headersOf, login, sessionCookieOf } from '../auth/test-helpers';
import { totpCodeAt } from '../auth/totp';
import { addMember, eventsOf } from './test-helpers';

/**
 * User paths of the members module that the main suites do not walk: accepting an invite from a
 * half-finished (MFA pending) sign-in or over another person's session, acting on members and
 * invites whose state already moved on, and parallel invites of one email.
 */

const clock = manualClock(new Date('2026-03-02T09:00:10Z'));
const NEW_PASSWORD = 'a long and lovely passphrase';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

let n = 0;
const freshEmail = () => `paths.${++n}.${Math.random().toString(36).slice(2, 8)}@example.test`;
let ipSeq = 0;
const nextIp = () => `10.77.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;

const api = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as never }) });
const accept = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/invites/accept', payload: payload as never, headers });
const sessionOf = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/session', headers });

async function team() {
  const ws = await createWorkspace(t.deps);
  const wsId = ws.workspace.id;
  const owner = { user: ws.owner, session: await sessionFor(t.deps, ws.owner.id, wsId) };
  const admin = await addMember(t.deps, wsId, 'admin');
  const user = await addMember(t.deps, wsId, 'user');
  return { wsId, owner, admin, user };
}

async function outboxTo(email: string) {
  return t.deps.db.select().from(outbox).where(eq(outbox.toEmail, email));
}

/** The raw token of the newest invite email to this address (opened through the vault, as the worker would). */
async function tokenFromEmail(to: string): Promise<string> {
  const rows = await outboxTo(to);
  const row = rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).at(0);
  expect(row, `an invite email to ${to}`).toBeDefined();
  const body = JSON.parse(await t.deps.vault.openSystem(t.deps.db, 'outbox.body', row!.bodySealed)) as { text: string };
  const m = /http:\/\/latchkey\.test\/invite#token=([A-Za-z0-9_-]+)/.exec(body.text);
  expect(m, 'the invite link in the email text').not.toBeNull();
  return m![1]!;
}

async function sendInvite(s: TestSession, email: string, role: 'admin' | 'user' | 'login_only' = 'user') {
  const res = await api(s, 'POST', '/invites', { email, role });
  expect(res.statusCode, res.body).toBe(201);
  const dto = (res.json() as { invite: InviteDto }).invite;
  clock.advance(1000);
  return { dto, token: await tokenFromEmail(email) };
}

async function inviteRow(id: string) {
  const [row] = await t.deps.db.select().from(invites).where(eq(invites.id, id));
  return row!;
}

async function membershipsOf(wsId: string, userId: string) {
  return t.deps.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, userId)));
}

async function sessionRow(token: string) {
  const [row] = await t.deps.db.select().from(sessions).where(eq(sessions.tokenHash, hashToken(token)));
  return row!;
}

describe('POST /invites/accept from a sign-in that still owes its MFA code', () => {
  it('409 conflict with signInRequired; no membership, the invite stays pending, the pending session is untouched', async () => {
    const { wsId, owner } = await team();
    // The invitee has a login of their own (Owner of another workspace) with MFA on.
    const home = await createWorkspace(t.deps);
    const person = home.owner;
    const full = await sessionFor(t.deps, person.id, home.workspace.id);
    const enrol = await api(full, 'POST', '/me/mfa/enrol', { password: TEST_PASSWORD });
    expect(enrol.statusCode, enrol.body).toBe(200);
    const { secret } = enrol.json() as { secret: string };
    const confirm = await api(full, 'POST', '/me/mfa/confirm', { code: await totpCodeAt(secret, clock.now()) });
    expect(confirm.statusCode, confirm.body).toBe(200);
    clock.advance(30_000);

    // Password step only.
    const first = await login(t, person.email, TEST_PASSWORD, nextIp());
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ status: 'mfa_required', csrfToken: expect.any(String) });
    const pending = headersOf(first);
    const pendingToken = sessionCookieOf(first).token;
    const before = await sessionRow(pendingToken);
    expect(before.mfaPassed).toBe(false);

    const { dto, token } = await sendInvite(owner.session, person.email, 'admin');
    const res = await accept({ token }, pending);
    const err = expectError(res, 409, 'conflict') as { details?: { signInRequired?: boolean }; message: string };
    expect(err.details?.signInRequired).toBe(true);
    expect(err.message).toContain(person.email);
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).filter((c) => c.includes('latchkey_session='))).toEqual([]);

    expect(await membershipsOf(wsId, person.id)).toEqual([]);
    expect(await inviteRow(dto.id)).toMatchObject({ status: 'pending', acceptedAt: null, acceptedUserId: null });
    expect(await eventsOf(t.deps, wsId, 'User Created')).toEqual([]);
    // The pending session neither moved to the inviting workspace nor became a full session.
    expect(await sessionRow(pendingToken)).toEqual(before);
    expectError(await sessionOf(pending), 401, 'mfa_required');
  });
});

describe("POST /invites/accept as a NEW person while the browser carries another user's session", () => {
  it("with that session's CSRF token: the old session ends (401 after) and the new login's cookie is set", async () => {
    const { wsId, owner, user: other } = await team();
    const email = freshEmail();
    const { dto, token } = await sendInvite(owner.session, email);

    const res = await accept({ token, name: 'Nina New', password: NEW_PASSWORD }, other.session.headers);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { status: string; session: { user: { email: string }; csrfToken: string } };
    expect(body).toMatchObject({ status: 'signed_in', session: { user: { email } } });
    const cookie = sessionCookieOf(res);
    expect(cookie.token).not.toBe(other.session.token);

    const old = await sessionRow(other.session.token);
    expect(old.endedAt).toBeInstanceOf(Date);
    expect(old.endReason).toBe('replaced');
    expectError(await sessionOf(other.session.headers), 401, 'unauthenticated');
    const me = await sessionOf({ cookie: cookie.pair });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { email }, workspace: { id: wsId } });

    const [created] = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(await inviteRow(dto.id)).toMatchObject({ status: 'accepted', acceptedUserId: created!.id });
  });

  it('without a valid CSRF token: the new login is still created and its cookie set, but the old session is NOT ended', async () => {
    // members.service acceptInvite: `if (caller?.csrfValid) end(caller's session)`. A request that
    // cannot prove it is same-site (no or a forged X-CSRF-Token) must not be able to end a session.
    const { owner, user: other, admin: third } = await team();
    for (const [who, headers] of [
      [other, { cookie: other.session.headers.cookie }],
      [third, { cookie: third.session.headers.cookie, 'x-csrf-token': 'forged' }],
    ] as const) {
      const email = freshEmail();
      const { dto, token } = await sendInvite(owner.session, email);
      const res = await accept({ token, name: 'Nina New', password: NEW_PASSWORD }, headers);
      expect(res.statusCode, res.body).toBe(200);
      const cookie = sessionCookieOf(res);
      expect(cookie.token).not.toBe(who.session.token);
      const me = await sessionOf({ cookie: cookie.pair });
      expect(me.json()).toMatchObject({ user: { email } });

      const old = await sessionRow(who.session.token);
      expect(old).toMatchObject({ endedAt: null, endReason: null });
      const still = await sessionOf(who.session.headers);
      expect(still.statusCode, still.body).toBe(200);
      expect(still.json()).toMatchObject({ user: { id: who.user.id } });
      expect((await inviteRow(dto.id)).status).toBe('accepted');
    }
  });
});

describe('PATCH and DELETE /members/:userId on a member already removed', () => {
  it('409 conflict quoting their email; the row stays removed with its role; no User Updated event; a second DELETE is 409 too', async () => {
    const { wsId, admin, user } = await team();
    const first = await api(admin.session, 'DELETE', `/members/${user.user.id}`);
    expect(first.statusCode, first.body).toBe(200);
    const [removed] = await membershipsOf(wsId, user.user.id);
    expect(removed).toMatchObject({ status: 'removed', role: 'user', removedBy: admin.user.id });

    const changed = expectError(await api(admin.session, 'PATCH', `/members/${user.user.id}`, { role: 'admin' }), 409, 'conflict');
    expect(changed.message).toContain(user.user.email);
    const again = expectError(await api(admin.session, 'DELETE', `/members/${user.user.id}`), 409, 'conflict');
    expect(again.message).toContain(user.user.email);

    expect(await membershipsOf(wsId, user.user.id)).toEqual([removed]);
    expect(await eventsOf(t.deps, wsId, 'User Updated')).toEqual([]);
    expect(await eventsOf(t.deps, wsId, 'User Deactivated')).toHaveLength(1);
  });
});

describe('POST /invites/:id/resend and DELETE /invites/:id on an accepted invite', () => {
  it('404 not_found; the row stays accepted with the same token hash; no new email, no event', async () => {
    const { wsId, admin } = await team();
    const email = freshEmail();
    const { dto, token } = await sendInvite(admin.session, email);
    expect((await accept({ token, name: 'Ada Accepted', password: NEW_PASSWORD })).statusCode).toBe(200);
    const accepted = await inviteRow(dto.id);
    expect(accepted).toMatchObject({ status: 'accepted', tokenHash: hashToken(token) });
    const mails = await outboxTo(email);
    expect(mails).toHaveLength(1);

    const r1 = expectError(await api(admin.session, 'POST', `/invites/${dto.id}/resend`), 404, 'not_found');
    expect(r1.message).toContain(dto.id);
    const r2 = expectError(await api(admin.session, 'DELETE', `/invites/${dto.id}`), 404, 'not_found');
    expect(r2.message).toContain(dto.id);

    expect(await inviteRow(dto.id)).toEqual(accepted);
    expect(await outboxTo(email)).toEqual(mails);
    expect(await eventsOf(t.deps, wsId, 'User Invite Resent')).toEqual([]);
    expect(await eventsOf(t.deps, wsId, 'User Invite Revoked')).toEqual([]);
  });
});

describe.runIf(TEST_PG_URL)('POST /invites race (PostgreSQL)', () => {
  it('10 parallel invites of one email: one 201, nine 409 already_exists, one pending row, one email, one event', async () => {
    const { wsId, admin } = await team();
    const email = freshEmail();
    const results = await Promise.all(Array.from({ length: 10 }, () => api(admin.session, 'POST', '/invites', { email, role: 'user' })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused).toHaveLength(9);
    for (const r of refused) expectError(r, 409, 'already_exists');

    const rows = await t.deps.db.select().from(invites).where(and(eq(invites.workspaceId, wsId), eq(invites.email, email)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('pending');
    expect(await outboxTo(email)).toHaveLength(1);
    const invited = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, wsId), eq(activityEvents.type, 'User Invited')));
    expect(invited).toHaveLength(1);
  });
});
