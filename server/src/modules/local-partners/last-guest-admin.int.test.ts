import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, memberships, sessions } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';

/**
 * Spec Q19, ADR 0012: the last Guest Admin of an active partner can be neither demoted nor removed,
 * whoever asks and by whichever route. local-partners.int.test.ts covers the Host Admin (partner
 * routes), the Guest Admin stepping down and a workspace Admin on the Members page; the races are in
 * local-partners.race.int.test.ts. This file covers the rest: the workspace Admin and Owner on the
 * partner routes, the Owner on the Members page, a role change on the Members page, the Guest Admin
 * removing themselves, a pending Guest Admin invite not counting — each refusal changing nothing.
 */
let t: TestApp;
let w: LocalPartnerWorld;

const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });

/** What a refusal must leave as it was: the last Guest Admin's membership, their sessions, the workspace's trail. */
async function state() {
  const g = w.people.guestAdmin.userId;
  const [m] = await t.deps.db
    .select({ role: memberships.role, status: memberships.status, localPartnerId: memberships.localPartnerId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, w.workspaceId), eq(memberships.userId, g)));
  const [s] = await t.deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.userId, g), sql`${sessions.endedAt} is null`));
  const [e] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(activityEvents).where(eq(activityEvents.workspaceId, w.workspaceId));
  return { membership: m, liveSessions: s!.n, events: e!.n };
}

beforeAll(async () => {
  t = await createTestApp();
  w = await buildLocalPartnerWorld(t.deps);
  // guestBeforeMfa is P's second Guest Admin: remove it, so guestAdmin is the last one.
  expect((await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${w.people.guestBeforeMfa.userId}`)).statusCode).toBe(200);
  // A pending invite to a Guest Admin is not a Guest Admin yet: it does not count.
  await w.newInvite('guest_admin');
});
afterAll(async () => {
  await t?.close();
});

describe('the last Guest Admin (Q19)', () => {
  it('starts as the only active Guest Admin of P, with a live session', async () => {
    const s = await state();
    expect(s.membership).toEqual({ role: 'guest_admin', status: 'active', localPartnerId: w.partnerId });
    expect(s.liveSessions).toBeGreaterThan(0);
  });

  it('the workspace Admin and Owner cannot demote or remove them on the partner routes: 409 last_guest_admin, nothing changes', async () => {
    const g = w.people.guestAdmin.userId;
    const before = await state();
    for (const who of ['admin', 'owner'] as const) {
      expectError(await as(w.sessions[who], 'PATCH', `/local-partners/${w.partnerId}/guests/${g}`, { role: 'guest_user' }), 409, 'last_guest_admin');
      expectError(await as(w.sessions[who], 'DELETE', `/local-partners/${w.partnerId}/guests/${g}`), 409, 'last_guest_admin');
    }
    expect(await state()).toEqual(before);
  });

  it('the Owner cannot remove them on the Members page (409), nor anyone change their role there (422: partner roles change in the partner)', async () => {
    const g = w.people.guestAdmin.userId;
    const before = await state();
    expectError(await as(w.sessions.owner, 'DELETE', `/members/${g}`), 409, 'last_guest_admin');
    for (const role of ['user', 'admin', 'login_only']) {
      expectError(await as(w.sessions.owner, 'PATCH', `/members/${g}`, { role }), 422, 'rule_violation');
      expectError(await as(w.sessions.admin, 'PATCH', `/members/${g}`, { role }), 422, 'rule_violation');
    }
    expect(await state()).toEqual(before);
  });

  it('they cannot remove themselves, on the partner page (403) nor on the Members page (guests have none: 403)', async () => {
    const g = w.people.guestAdmin.userId;
    const before = await state();
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${g}`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `/members/${g}`), 403, 'forbidden');
    expect(await state()).toEqual(before);
  });

  it('removing the partner itself still removes them (the rule protects an active partner, not a removed one)', async () => {
    const res = await as(w.sessions.admin, 'DELETE', `/local-partners/${w.partnerId}`);
    expect(res.statusCode).toBe(200);
    const after = await state();
    expect(after.membership).toMatchObject({ status: 'removed' });
    expect(after.liveSessions).toBe(0);
  });
});
