import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDto, MembersListResponse, RemoveMemberResponse } from '@shared/members';
import { grants, invites, memberships, sessions, users } from '../../db/schema/index';
import { hashToken } from '../../lib/tokens';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { addAccount, addMember, eventsOf } from './test-helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A workspace with an Owner, an Admin, a User and a Login-Only member, all signed in. */
async function team() {
  const ws = await createWorkspace(t.deps);
  const wsId = ws.workspace.id;
  const owner = { user: ws.owner, session: await sessionFor(t.deps, ws.owner.id, wsId) };
  const admin = await addMember(t.deps, wsId, 'admin');
  const user = await addMember(t.deps, wsId, 'user');
  const loginOnly = await addMember(t.deps, wsId, 'login_only');
  return { wsId, owner, admin, user, loginOnly };
}

const list = (s: TestSession | null) => injectAs(t, s, { method: 'GET', url: '/api/v1/members' });
const patch = (s: TestSession | null, userId: string, payload: unknown) =>
  injectAs(t, s, { method: 'PATCH', url: `/api/v1/members/${userId}`, payload: payload as never });
const del = (s: TestSession | null, userId: string) => injectAs(t, s, { method: 'DELETE', url: `/api/v1/members/${userId}` });

async function membership(wsId: string, userId: string) {
  const [m] = await t.deps.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, wsId), eq(memberships.userId, userId)));
  return m!;
}

async function liveGrants(wsId: string, userId: string) {
  return t.deps.db
    .select()
    .from(grants)
    .where(and(eq(grants.workspaceId, wsId), eq(grants.userId, userId), isNull(grants.revokedAt)));
}

describe('GET /members', () => {
  it('needs a session (401)', async () => {
    expectError(await list(null), 401, 'unauthenticated');
  });

  it('is closed to Login-Only members (403)', async () => {
    const { loginOnly } = await team();
    expectError(await list(loginOnly.session), 403, 'forbidden');
  });

  it('shows Users the members but no invites, and no abilities to change anyone', async () => {
    const { owner, user } = await team();
    await injectAs(t, owner.session, { method: 'POST', url: '/api/v1/invites', payload: { email: 'pending.person@example.test', role: 'user' } });
    const res = await list(user.session);
    expect(res.statusCode).toBe(200);
    const body = res.json() as MembersListResponse;
    expect(body.members).toHaveLength(4);
    expect(body.invites).toEqual([]);
    expect(body.members.every((m) => !m.abilities.changeRole && !m.abilities.remove)).toBe(true);
    expect(body.members.find((m) => m.isYou)?.userId).toBe(user.user.id);
  });

  it('shows Admins every member with abilities, and the pending invites; only this workspace', async () => {
    const { wsId, owner, admin, user } = await team();
    const other = await team(); // another workspace's people must not appear
    await injectAs(t, owner.session, { method: 'POST', url: '/api/v1/invites', payload: { email: 'Pending.Person@Example.test', role: 'user' } });
    const res = await list(admin.session);
    expect(res.statusCode).toBe(200);
    const body = res.json() as MembersListResponse;
    const ids = body.members.map((m) => m.userId);
    expect(ids).toHaveLength(4);
    expect(ids).not.toContain(other.admin.user.id);
    const byId = new Map(body.members.map((m) => [m.userId, m] as const));
    expect(byId.get(owner.user.id)).toMatchObject({ role: 'owner', roleLabel: 'Owner', status: 'active', abilities: { changeRole: false, remove: false } });
    expect(byId.get(admin.user.id)).toMatchObject({ isYou: true, abilities: { changeRole: false, remove: false } });
    expect(byId.get(user.user.id)).toMatchObject({ roleLabel: 'User', abilities: { changeRole: true, remove: true } });
    expect(body.invites).toHaveLength(1);
    expect(body.invites[0]).toMatchObject({ email: 'pending.person@example.test', role: 'user', status: 'pending', abilities: { resend: true, revoke: true } });
    expect(wsId).not.toBe(other.wsId);
  });
});

describe('PATCH /members/:userId', () => {
  it('validates the body and the id (400)', async () => {
    const { owner, user } = await team();
    expectError(await patch(owner.session, user.user.id, { role: 'owner' }), 400, 'validation_failed');
    expectError(await patch(owner.session, user.user.id, {}), 400, 'validation_failed');
    expectError(await patch(owner.session, 'not-a-uuid', { role: 'user' }), 400, 'validation_failed');
  });

  it('needs a session (401)', async () => {
    const { user } = await team();
    expectError(await patch(null, user.user.id, { role: 'admin' }), 401, 'unauthenticated');
  });

  it("answers 404 for another workspace's member and an unknown id", async () => {
    const { owner } = await team();
    const other = await team();
    expectError(await patch(owner.session, other.user.user.id, { role: 'admin' }), 404, 'not_found');
    expectError(await patch(owner.session, '00000000-0000-4000-8000-000000000000', { role: 'admin' }), 404, 'not_found');
    expect((await membership(other.wsId, other.user.user.id)).role).toBe('user');
  });

  it('refuses Users and Login-Only members (403)', async () => {
    const { user, loginOnly, admin } = await team();
    expectError(await patch(user.session, loginOnly.user.id, { role: 'user' }), 403, 'forbidden');
    expectError(await patch(loginOnly.session, user.user.id, { role: 'admin' }), 403, 'forbidden');
    expectError(await patch(user.session, admin.user.id, { role: 'user' }), 403, 'forbidden');
  });

  it('never changes the Owner or yourself (403)', async () => {
    const { wsId, owner, admin } = await team();
    expectError(await patch(admin.session, owner.user.id, { role: 'user' }), 403, 'forbidden');
    expectError(await patch(admin.session, admin.user.id, { role: 'user' }), 403, 'forbidden');
    expect((await membership(wsId, owner.user.id)).role).toBe('owner');
    expect((await membership(wsId, admin.user.id)).role).toBe('admin');
  });

  it('refuses to demote the last Owner of an account to Login-Only (409 last_owner, accounts listed)', async () => {
    const { wsId, owner, user, admin } = await team();
    const solo = await addAccount(t.deps, wsId, 'Brand Instagram', [{ userId: user.user.id, role: 'owner' }]);
    await addAccount(t.deps, wsId, 'Shared TikTok', [
      { userId: user.user.id, role: 'owner' },
      { userId: admin.user.id, role: 'owner' },
    ]);
    const err = expectError(await patch(owner.session, user.user.id, { role: 'login_only' }), 409, 'last_owner') as { details?: unknown; message: string };
    expect(err.details).toEqual({ accounts: [{ id: solo.id, label: 'Brand Instagram' }] });
    expect(err.message).toContain('Brand Instagram');
    expect((await membership(wsId, user.user.id)).role).toBe('user');
    expect((await liveGrants(wsId, user.user.id)).every((g) => g.role === 'owner')).toBe(true);
    expect(await eventsOf(t.deps, wsId, 'User Updated')).toHaveLength(0);
  });

  it('demotes to Login-Only, downgrading direct Owner grants to Collaborator in the same change', async () => {
    const { wsId, owner, user, admin } = await team();
    const acc = await addAccount(t.deps, wsId, 'Shared TikTok', [
      { userId: user.user.id, role: 'owner' },
      { userId: admin.user.id, role: 'owner' },
    ]);
    const res = await patch(admin.session, user.user.id, { role: 'login_only' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { member: MemberDto }).member).toMatchObject({ userId: user.user.id, role: 'login_only', roleLabel: 'Login-Only' });
    expect((await membership(wsId, user.user.id)).role).toBe('login_only');
    const live = await liveGrants(wsId, user.user.id);
    expect(live.map((g) => [g.accountId, g.role])).toEqual([[acc.id, 'collaborator']]);
    const [ev] = await eventsOf(t.deps, wsId, 'User Updated');
    expect(ev).toMatchObject({
      actorUserId: admin.user.id,
      targetUserId: user.user.id,
      data: { targetEmail: user.user.email, fromRole: 'user', toRole: 'login_only', downgradedGrants: 1 },
    });
    expect(owner).toBeDefined();
  });

  it('promotes a User to Admin and records it; the same role again changes nothing', async () => {
    const { wsId, owner, user } = await team();
    const res = await patch(owner.session, user.user.id, { role: 'admin' });
    expect(res.statusCode).toBe(200);
    expect((await membership(wsId, user.user.id)).role).toBe('admin');
    expect((await patch(owner.session, user.user.id, { role: 'admin' })).statusCode).toBe(200);
    const evs = await eventsOf(t.deps, wsId, 'User Updated');
    expect(evs).toHaveLength(1);
    expect(evs[0]!.data).toEqual({ targetEmail: user.user.email, fromRole: 'user', toRole: 'admin' });
    // The new role applies to their very next request.
    expect((await injectAs(t, user.session, { method: 'GET', url: '/api/v1/session' })).json()).toMatchObject({ role: 'admin' });
  });
});

describe('DELETE /members/:userId', () => {
  it('validates the id (400) and needs a session (401)', async () => {
    const { owner, user } = await team();
    expectError(await del(owner.session, 'nope'), 400, 'validation_failed');
    expectError(await del(null, user.user.id), 401, 'unauthenticated');
  });

  it("answers 404 for another workspace's member", async () => {
    const { owner } = await team();
    const other = await team();
    expectError(await del(owner.session, other.user.user.id), 404, 'not_found');
    expect((await membership(other.wsId, other.user.user.id)).status).toBe('active');
  });

  it('refuses Users and Login-Only members (403), the Owner and yourself (403)', async () => {
    const { wsId, owner, admin, user, loginOnly } = await team();
    expectError(await del(user.session, loginOnly.user.id), 403, 'forbidden');
    expectError(await del(loginOnly.session, user.user.id), 403, 'forbidden');
    expectError(await del(admin.session, owner.user.id), 403, 'forbidden');
    expectError(await del(admin.session, admin.user.id), 403, 'forbidden');
    for (const id of [owner.user.id, admin.user.id, user.user.id, loginOnly.user.id]) {
      expect((await membership(wsId, id)).status).toBe('active');
    }
  });

  it('removes: membership disabled, sessions here ended (401 next), grants revoked, orphaned accounts handed to the Admin, invites revoked', async () => {
    const { wsId, admin, user } = await team();
    const colleague = await addMember(t.deps, wsId, 'user');
    const solo = await addAccount(t.deps, wsId, 'Solo account', [{ userId: user.user.id, role: 'owner' }]);
    const shared = await addAccount(t.deps, wsId, 'Shared account', [
      { userId: user.user.id, role: 'owner' },
      { userId: colleague.user.id, role: 'owner' },
    ]);
    const collab = await addAccount(t.deps, wsId, 'Collab account', [
      { userId: colleague.user.id, role: 'owner' },
      { userId: user.user.id, role: 'collaborator' },
    ]);
    // The admin already collaborates on the solo account: that grant is upgraded, not duplicated.
    await t.deps.db.insert(grants).values({ workspaceId: wsId, subjectWorkspaceId: wsId, accountId: solo.id, userId: admin.user.id, role: 'collaborator', sourceKind: 'direct', sourceId: solo.id });
    // The same person also belongs to another workspace: that session must survive.
    const elsewhere = await createWorkspace(t.deps);
    await t.deps.db.insert(memberships).values({ workspaceId: elsewhere.workspace.id, userId: user.user.id, role: 'user' });
    const otherSession = await sessionFor(t.deps, user.user.id, elsewhere.workspace.id);

    const res = await del(admin.session, user.user.id);
    expect(res.statusCode).toBe(200);
    const body = res.json() as RemoveMemberResponse;
    expect(body).toMatchObject({ endedSessions: 1, endedGrants: 3, ownershipsTransferred: 1, member: { status: 'removed', userId: user.user.id } });

    const m = await membership(wsId, user.user.id);
    expect(m).toMatchObject({ status: 'removed', removedBy: admin.user.id });
    expect(m.removedAt).toBeInstanceOf(Date);
    expect(await t.deps.db.select().from(users).where(eq(users.id, user.user.id))).toHaveLength(1);

    expectError(await list(user.session), 401, 'unauthenticated');
    const [s] = await t.deps.db.select().from(sessions).where(eq(sessions.tokenHash, hashToken(user.session.token)));
    expect(s).toMatchObject({ endReason: 'member_removed' });
    expect((await injectAs(t, otherSession, { method: 'GET', url: '/api/v1/session' })).statusCode).toBe(200);

    expect(await liveGrants(wsId, user.user.id)).toEqual([]);
    const revoked = await t.deps.db.select().from(grants).where(and(eq(grants.workspaceId, wsId), eq(grants.userId, user.user.id)));
    expect(revoked.every((g) => g.revokeReason === 'member_removed' && g.revokedBy === admin.user.id)).toBe(true);

    const adminGrants = await liveGrants(wsId, admin.user.id);
    expect(adminGrants.map((g) => [g.accountId, g.role])).toEqual([[solo.id, 'owner']]);
    expect((await liveGrants(wsId, colleague.user.id)).map((g) => g.accountId).sort()).toEqual([shared.id, collab.id].sort());

    const [ev] = await eventsOf(t.deps, wsId, 'User Deactivated');
    expect(ev).toMatchObject({
      actorUserId: admin.user.id,
      targetUserId: user.user.id,
      data: { targetEmail: user.user.email, endedGrants: 3, endedSessions: 1, ownershipsTransferred: 1 },
    });

    // Shown as removed, and a second removal is a conflict.
    const listed = (await list(admin.session)).json() as MembersListResponse;
    expect(listed.members.find((x) => x.userId === user.user.id)).toMatchObject({ status: 'removed', abilities: { changeRole: false, remove: false } });
    expectError(await del(admin.session, user.user.id), 409, 'conflict');
    expectError(await patch(admin.session, user.user.id, { role: 'admin' }), 409, 'conflict');
  });

  it('revokes the removed email’s pending invites in this workspace', async () => {
    const { wsId, owner, user } = await team();
    // An invite pending for the same email (e.g. sent before they joined through another path).
    await t.deps.db.insert(invites).values({
      workspaceId: wsId,
      email: user.user.email,
      role: 'admin',
      tokenHash: `x${Math.random()}`,
      invitedBy: owner.user.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect((await del(owner.session, user.user.id)).statusCode).toBe(200);
    const rows = await t.deps.db.select().from(invites).where(and(eq(invites.workspaceId, wsId), eq(invites.email, user.user.email)));
    expect(rows.map((r) => r.status)).toEqual(['revoked']);
  });
});

describe.runIf(TEST_PG_URL)('DELETE /members/:userId race (PostgreSQL)', () => {
  it('10 parallel removals of one member: one 200, nine 409, one event, grants revoked once', async () => {
    const { wsId, admin, owner, user } = await team();
    await addAccount(t.deps, wsId, 'Solo', [{ userId: user.user.id, role: 'owner' }]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => del(i % 2 ? admin.session : owner.session, user.user.id)),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(9);
    expect(await eventsOf(t.deps, wsId, 'User Deactivated')).toHaveLength(1);
    const all = await t.deps.db.select().from(grants).where(eq(grants.workspaceId, wsId));
    // The member's one grant revoked, and exactly one Owner grant handed to whoever removed them.
    expect(all.filter((g) => g.revokedAt === null && g.role === 'owner')).toHaveLength(1);
  });
});

describe.runIf(TEST_PG_URL)('two Admins removing each other at once (PostgreSQL)', () => {
  it('two Admins removing each other: exactly one succeeds and one Admin stays active', async () => {
    for (let round = 0; round < 8; round++) {
      const { wsId, admin: a } = await team();
      const b = await addMember(t.deps, wsId, 'admin');
      const [ra, rb] = await Promise.all([del(a.session, b.user.id), del(b.session, a.user.id)]);
      const codes = [ra.statusCode, rb.statusCode].sort();
      expect(codes[0]).toBe(200);
      // The loser was removed first: its session ended (401) or, already past the session check,
      // it found itself no longer an active member on the locked row (403).
      expect([401, 403]).toContain(codes[1]);
      const states = [(await membership(wsId, a.user.id)).status, (await membership(wsId, b.user.id)).status].sort();
      expect(states).toEqual(['active', 'removed']);
      expect(await eventsOf(t.deps, wsId, 'User Deactivated')).toHaveLength(1);
    }
  });
});
