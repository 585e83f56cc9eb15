import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteDto, InviteLookupResponse } from '@shared/members';
import { invites, memberships, outbox, sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { hashToken } from '../../lib/tokens';
import { verifyPassword } from '../../lib/passwords';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { sessionCookieOf } from '../auth/test-helpers';
import { addMember, eventsOf } from './test-helpers';

const clock = manualClock(new Date('2026-03-02T09:00:00Z'));
const DAY = 86_400_000;
const NEW_PASSWORD = 'a long and lovely passphrase';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

async function team() {
  const ws = await createWorkspace(t.deps);
  const wsId = ws.workspace.id;
  const owner = { user: ws.owner, session: await sessionFor(t.deps, ws.owner.id, wsId) };
  const admin = await addMember(t.deps, wsId, 'admin');
  const user = await addMember(t.deps, wsId, 'user');
  const loginOnly = await addMember(t.deps, wsId, 'login_only');
  return { wsId, name: ws.workspace.name, owner, admin, user, loginOnly };
}

let n = 0;
const freshEmail = () => `invitee.${++n}.${Math.random().toString(36).slice(2, 8)}@example.test`;

const invite = (s: TestSession | null, payload: unknown) => injectAs(t, s, { method: 'POST', url: '/api/v1/invites', payload: payload as never });
const resend = (s: TestSession | null, id: string) => injectAs(t, s, { method: 'POST', url: `/api/v1/invites/${id}/resend` });
const revoke = (s: TestSession | null, id: string) => injectAs(t, s, { method: 'DELETE', url: `/api/v1/invites/${id}` });
const lookup = (token: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/invites/lookup', payload: { token } as never });
const accept = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/invites/accept', payload: payload as never, headers });

/** The token from the newest invite email sent to this address (opened through the vault, as the worker would). */
async function tokenFromEmail(to: string): Promise<{ token: string; text: string; html: string; subject: string }> {
  const rows = await t.deps.db.select().from(outbox).where(eq(outbox.toEmail, to));
  const row = rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || 0).at(0)!;
  const body = JSON.parse(await t.deps.vault.openSystem(t.deps.db, 'outbox.body', row.bodySealed)) as { text: string; html: string };
  const m = /http:\/\/latchkey\.test\/invite#token=([A-Za-z0-9_-]+)/.exec(body.text);
  expect(m, 'the invite link in the email text').not.toBeNull();
  return { token: m![1]!, text: body.text, html: body.html, subject: row.subject };
}

/** Moving the clock by days idles every session out: sign in again (a new session) afterwards. */
async function later(ms: number, s: TestSession): Promise<TestSession> {
  clock.advance(ms);
  return sessionFor(t.deps, s.userId, s.workspaceId);
}

async function sendInvite(s: TestSession, role = 'user', email = freshEmail()) {
  const res = await invite(s, { email, role });
  expect(res.statusCode).toBe(201);
  const dto = (res.json() as { invite: InviteDto }).invite;
  // Resends happen in the same millisecond in tests: the newest outbox row is the latest link.
  clock.advance(1000);
  return { dto, email, token: (await tokenFromEmail(email)).token };
}

describe('POST /invites', () => {
  it('validates (400), needs a session (401) and refuses Users and Login-Only members (403)', async () => {
    const { owner, user, loginOnly } = await team();
    expectError(await invite(owner.session, { email: 'not an email', role: 'user' }), 400, 'validation_failed');
    expectError(await invite(owner.session, { email: freshEmail(), role: 'owner' }), 400, 'validation_failed');
    expectError(await invite(owner.session, { email: freshEmail() }), 400, 'validation_failed');
    expectError(await invite(null, { email: freshEmail(), role: 'user' }), 401, 'unauthenticated');
    expectError(await invite(user.session, { email: freshEmail(), role: 'user' }), 403, 'forbidden');
    expectError(await invite(loginOnly.session, { email: freshEmail(), role: 'user' }), 403, 'forbidden');
  });

  it('refuses an active member and a pending invite (409 already_exists, suggesting Resend)', async () => {
    const { admin, user } = await team();
    expectError(await invite(admin.session, { email: user.user.email.toUpperCase(), role: 'admin' }), 409, 'already_exists');
    const email = freshEmail();
    await sendInvite(admin.session, 'user', email);
    const err = expectError(await invite(admin.session, { email: ` ${email.toUpperCase()} `, role: 'admin' }), 409, 'already_exists');
    expect(err.message).toMatch(/Resend/);
  });

  it('stores only the token hash, binds email and role, expires in 3 days, queues the email and records the event', async () => {
    const { wsId, owner, name } = await team();
    const email = freshEmail();
    const res = await invite(owner.session, { email: `  ${email.toUpperCase()}`, role: 'login_only' });
    expect(res.statusCode).toBe(201);
    const dto = (res.json() as { invite: InviteDto }).invite;
    expect(dto).toMatchObject({ email, role: 'login_only', status: 'pending', invitedBy: { email: owner.user.email } });
    expect(new Date(dto.expiresAt).getTime() - clock.now().getTime()).toBe(3 * DAY);

    const [row] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    const mail = await tokenFromEmail(email);
    expect(row).toMatchObject({ workspaceId: wsId, email, role: 'login_only', status: 'pending', tokenHash: hashToken(mail.token) });
    expect(row!.tokenHash).not.toContain(mail.token);
    expect(JSON.stringify(row)).not.toContain(mail.token);
    expect(mail.subject).toContain(name);
    expect(mail.html).toContain(`href="http://latchkey.test/invite#token=${mail.token}"`);

    const [ev] = await eventsOf(t.deps, wsId, 'User Invited');
    expect(ev).toMatchObject({ actorUserId: owner.user.id, data: { targetEmail: email, role: 'login_only' } });
  });

  it('escapes the workspace and inviter names in the HTML email', async () => {
    const ws = await createWorkspace(t.deps, { name: '<script>alert(1)</script> & Co' });
    const s = await sessionFor(t.deps, ws.owner.id, ws.workspace.id);
    const email = freshEmail();
    expect((await invite(s, { email, role: 'user' })).statusCode).toBe(201);
    const mail = await tokenFromEmail(email);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });
});

describe('POST /invites/:inviteId/resend and DELETE /invites/:inviteId', () => {
  it('validate the id (400), need a session (401), refuse Users (403)', async () => {
    const { owner, user } = await team();
    const { dto } = await sendInvite(owner.session);
    expectError(await resend(owner.session, 'x'), 400, 'validation_failed');
    expectError(await revoke(owner.session, 'x'), 400, 'validation_failed');
    expectError(await resend(null, dto.id), 401, 'unauthenticated');
    expectError(await revoke(null, dto.id), 401, 'unauthenticated');
    expectError(await resend(user.session, dto.id), 403, 'forbidden');
    expectError(await revoke(user.session, dto.id), 403, 'forbidden');
  });

  it("answer 404 for another workspace's invite", async () => {
    const { owner } = await team();
    const other = await team();
    const { dto } = await sendInvite(other.owner.session);
    expectError(await resend(owner.session, dto.id), 404, 'not_found');
    expectError(await revoke(owner.session, dto.id), 404, 'not_found');
    const [row] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    expect(row!.status).toBe('pending');
  });

  it('an expired invite shows as expired, and Resend gives a new link and expiry; the old link dies', async () => {
    const { wsId, admin: a } = await team();
    const { dto, email, token: oldToken } = await sendInvite(a.session, 'admin');
    const admin = { ...a, session: await later(3 * DAY, a.session) };
    expectError(await lookup(oldToken), 404, 'invite_invalid');
    const listed = (await injectAs(t, admin.session, { method: 'GET', url: '/api/v1/members' })).json() as { invites: InviteDto[] };
    expect(listed.invites.find((i) => i.id === dto.id)?.status).toBe('expired');

    const res = await resend(admin.session, dto.id);
    expect(res.statusCode).toBe(200);
    const again = (res.json() as { invite: InviteDto }).invite;
    expect(again).toMatchObject({ id: dto.id, status: 'pending' });
    expect(new Date(again.expiresAt).getTime()).toBe(clock.now().getTime() + 3 * DAY);
    clock.advance(1000);
    const { token: newToken } = await tokenFromEmail(email);
    expect(newToken).not.toBe(oldToken);
    expectError(await lookup(oldToken), 404, 'invite_invalid');
    expect((await lookup(newToken)).statusCode).toBe(200);
    const [ev] = await eventsOf(t.deps, wsId, 'User Invite Resent');
    expect(ev).toMatchObject({ actorUserId: admin.user.id, data: { targetEmail: email } });
  });

  it('a new invite to an email whose invite expired replaces it', async () => {
    const { admin } = await team();
    const { dto, email } = await sendInvite(admin.session);
    const res = await invite(await later(3 * DAY + 1, admin.session), { email, role: 'admin' });
    expect(res.statusCode).toBe(201);
    const [old] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    expect(old!.status).toBe('revoked');
  });

  it('revoke: status revoked, event recorded, link dead, second revoke 404', async () => {
    const { wsId, owner } = await team();
    const { dto, email, token } = await sendInvite(owner.session);
    const res = await revoke(owner.session, dto.id);
    expect(res.statusCode).toBe(204);
    const [row] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    expect(row!.status).toBe('revoked');
    expect(row!.revokedAt).toBeInstanceOf(Date);
    expect(await eventsOf(t.deps, wsId, 'User Invite Revoked')).toMatchObject([{ data: { targetEmail: email } }]);
    expectError(await lookup(token), 404, 'invite_invalid');
    expectError(await revoke(owner.session, dto.id), 404, 'not_found');
    expectError(await resend(owner.session, dto.id), 404, 'not_found');
  });
});

describe('POST /invites/lookup', () => {
  it('validates (400) and answers one 404 for unknown tokens', async () => {
    expectError(await lookup(''), 400, 'validation_failed');
    expectError(await lookup('x'.repeat(500)), 400, 'validation_failed');
    expectError(await lookup('an-unknown-token'), 404, 'invite_invalid');
  });

  it('tells the workspace, email, role and whether a login exists', async () => {
    const { owner, name } = await team();
    const other = await team();
    const { token, email } = await sendInvite(owner.session, 'admin');
    expect((await lookup(token)).json()).toEqual({ workspaceName: name, email, role: 'admin', existingUser: false, localPartner: null, termsVersion: null } satisfies InviteLookupResponse);
    const { token: t2 } = await sendInvite(owner.session, 'user', other.user.user.email);
    expect((await lookup(t2)).json()).toMatchObject({ existingUser: true, email: other.user.user.email });
  });
});

describe('POST /invites/accept (new person)', () => {
  it('validates (400) and needs name and password for a new person (400)', async () => {
    const { owner } = await team();
    const { token } = await sendInvite(owner.session);
    expectError(await accept({}), 400, 'validation_failed');
    expectError(await accept({ token, name: 'x'.repeat(101), password: NEW_PASSWORD }), 400, 'validation_failed');
    expectError(await accept({ token }), 400, 'validation_failed');
    expectError(await accept({ token, name: 'Nina' }), 400, 'validation_failed');
  });

  it('refuses a weak password (422) and leaves the invite usable', async () => {
    const { owner } = await team();
    const { token } = await sendInvite(owner.session);
    expectError(await accept({ token, name: 'Nina', password: 'short' }), 422, 'weak_password');
    expect((await lookup(token)).statusCode).toBe(200);
  });

  it('refuses unknown, expired and revoked tokens with one answer (404 invite_invalid)', async () => {
    const { owner: o } = await team();
    expectError(await accept({ token: 'nope', name: 'Nina', password: NEW_PASSWORD }), 404, 'invite_invalid');
    const expired = await sendInvite(o.session);
    const owner = { ...o, session: await later(3 * DAY, o.session) };
    expectError(await accept({ token: expired.token, name: 'Nina', password: NEW_PASSWORD }), 404, 'invite_invalid');
    const revoked = await sendInvite(owner.session);
    await revoke(owner.session, revoked.dto.id);
    expectError(await accept({ token: revoked.token, name: 'Nina', password: NEW_PASSWORD }), 404, 'invite_invalid');
    expect(await t.deps.db.select().from(users).where(eq(users.email, expired.email))).toEqual([]);
  });

  it('creates the login and membership, signs in, records the event; the token is dead afterwards', async () => {
    const { wsId, owner, name } = await team();
    const { token, email, dto } = await sendInvite(owner.session, 'login_only');
    const res = await accept({ token, name: '  Nina New  ', password: NEW_PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { status: string; session: { user: { email: string; name: string }; role: string; workspace: { id: string; name: string }; csrfToken: string } };
    expect(body).toMatchObject({ status: 'signed_in', session: { user: { email, name: 'Nina New' }, role: 'login_only', workspace: { id: wsId, name } } });

    const [user] = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(await verifyPassword(user!.passwordHash, NEW_PASSWORD)).toBe(true);
    const [m] = await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, user!.id)));
    expect(m).toMatchObject({ role: 'login_only', status: 'active' });
    const [inv] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    expect(inv).toMatchObject({ status: 'accepted', acceptedUserId: user!.id });

    const cookie = sessionCookieOf(res);
    expect(cookie.raw).toMatch(/HttpOnly/i);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: cookie.pair } });
    expect(me.json()).toMatchObject({ user: { email }, role: 'login_only' });

    expect(await eventsOf(t.deps, wsId, 'User Created')).toMatchObject([{ actorUserId: user!.id, targetUserId: user!.id, data: { targetEmail: email, role: 'login_only' } }]);

    expectError(await accept({ token, name: 'Nina', password: NEW_PASSWORD }), 404, 'invite_invalid');
    expectError(await lookup(token), 404, 'invite_invalid');
  });
});

describe('POST /invites/accept (existing login)', () => {
  it('asks an existing user to sign in first (409 signInRequired), never taking a password', async () => {
    const { owner } = await team();
    const other = await team();
    const { token } = await sendInvite(owner.session, 'admin', other.user.user.email);
    const anon = expectError(await accept({ token, name: 'X', password: NEW_PASSWORD }), 409, 'conflict') as { details?: unknown };
    expect(anon.details).toEqual({ signInRequired: true });
    // Signed in as somebody else: same answer.
    expectError(await accept({ token }, other.admin.session.headers), 409, 'conflict');
    expect((await lookup(token)).statusCode).toBe(200);
  });

  it('needs the CSRF token when it uses the session (403)', async () => {
    const { owner } = await team();
    const other = await team();
    const { token } = await sendInvite(owner.session, 'admin', other.user.user.email);
    expectError(await accept({ token }, { cookie: other.user.session.headers.cookie }), 403, 'csrf_invalid');
    expectError(await accept({ token }, { cookie: other.user.session.headers.cookie, 'x-csrf-token': 'forged' }), 403, 'csrf_invalid');
    expect((await lookup(token)).statusCode).toBe(200);
  });

  it('adds the membership and switches the session to the new workspace', async () => {
    const { wsId, owner, name } = await team();
    const other = await team();
    const person = other.user;
    const { token, dto } = await sendInvite(owner.session, 'admin', person.user.email);
    const res = await accept({ token }, person.session.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'signed_in', session: { workspace: { id: wsId, name }, role: 'admin' } });
    const [s] = await t.deps.db.select().from(sessions).where(eq(sessions.tokenHash, hashToken(person.session.token)));
    expect(s!.workspaceId).toBe(wsId);
    const [m] = await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, person.user.id)));
    expect(m).toMatchObject({ role: 'admin', status: 'active' });
    const [inv] = await t.deps.db.select().from(invites).where(eq(invites.id, dto.id));
    expect(inv).toMatchObject({ status: 'accepted', acceptedUserId: person.user.id });
    expect(await eventsOf(t.deps, wsId, 'User Created')).toMatchObject([{ data: { targetEmail: person.user.email, role: 'admin' } }]);
    expectError(await accept({ token }, person.session.headers), 404, 'invite_invalid');
  });

  it('a removed member rejoins only through a NEW invite, with its role', async () => {
    const { wsId, owner, user } = await team();
    expect((await injectAs(t, owner.session, { method: 'DELETE', url: `/api/v1/members/${user.user.id}` })).statusCode).toBe(200);
    // Their session here ended; they sign in to another workspace of theirs to accept.
    const home = await createWorkspace(t.deps);
    await t.deps.db.insert(memberships).values({ workspaceId: home.workspace.id, userId: user.user.id, role: 'user' });
    const s = await sessionFor(t.deps, user.user.id, home.workspace.id);
    const { token } = await sendInvite(owner.session, 'login_only', user.user.email);
    expect((await accept({ token }, s.headers)).statusCode).toBe(200);
    const [m] = await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, user.user.id)));
    expect(m).toMatchObject({ status: 'active', role: 'login_only', removedAt: null });
  });
});

describe.runIf(TEST_PG_URL)('POST /invites/accept race (PostgreSQL)', () => {
  it('50 parallel accepts of one token: exactly one user and membership, 49 × 404', async () => {
    const { wsId, owner } = await team();
    const { token, email } = await sendInvite(owner.session);
    const results = await Promise.all(Array.from({ length: 50 }, () => accept({ token, name: 'Racer', password: NEW_PASSWORD })));
    const codes = results.map((r) => r.statusCode).sort();
    const odd = results.filter((r) => r.statusCode !== 200 && r.statusCode !== 404).map((r) => `${r.statusCode} ${r.body}`);
    expect(odd, 'answers other than 200 and 404').toEqual([]);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 404)).toHaveLength(49);
    for (const r of results.filter((x) => x.statusCode === 404)) expectError(r, 404, 'invite_invalid');
    const created = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(created).toHaveLength(1);
    const ms = await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, created[0]!.id)));
    expect(ms).toHaveLength(1);
    expect(await eventsOf(t.deps, wsId, 'User Created')).toHaveLength(1);
  });
});
