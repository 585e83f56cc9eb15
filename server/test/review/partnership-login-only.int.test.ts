import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRequests, grants, memberships } from '../../src/db/schema/index';
import { buildPartnerWorld } from '../../src/modules/partnership-access/test-helpers';
import { createTestApp, expectError, injectAs, type TestApp } from '../harness';

const api = '/api/v1';

/**
 * Security review: Login-Only guest members hold Collaborator at most on hosts' accounts
 * (R-C-01, R-HG-23), also when they become Login-Only after receiving access.
 */
describe('Login-Only guest members hold Collaborator at most through a partnership', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const liveRoles = (userId: string, accountId: string) =>
    t.deps.db
      .select({ role: grants.role })
      .from(grants)
      .where(and(eq(grants.userId, userId), eq(grants.accountId, accountId), isNull(grants.revokedAt)))
      .then((rows) => rows.map((r) => r.role));

  it('a guest Manager demoted to Login-Only becomes Collaborator, and their pending requests are cancelled', async () => {
    const w = await buildPartnerWorld(t.deps);
    const shared = await injectAs(t, w.partner.session, {
      method: 'POST',
      url: `${api}/partnerships/${w.partnershipId}/accounts`,
      payload: { accounts: [{ accountId: w.acc1.id, role: 'manager' }] },
    });
    expect(shared.statusCode).toBe(201);
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.guest.id,
      accountId: w.acc1.id,
      userId: w.guestUser.user.id,
      role: 'manager',
      sourceKind: 'host_guest_partnership',
      sourceId: w.partnershipId,
    });
    const asked = await injectAs(t, w.guestUser.session, {
      method: 'POST',
      url: `${api}/access-requests`,
      payload: { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] },
    });
    expect(asked.statusCode).toBe(201);

    const demoted = await injectAs(t, w.guestAdmin.session, { method: 'PATCH', url: `${api}/members/${w.guestUser.user.id}`, payload: { role: 'login_only' } });
    expect(demoted.statusCode, demoted.body).toBe(200);

    expect(await liveRoles(w.guestUser.user.id, w.acc1.id)).toEqual(['collaborator']);
    const [req] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, asked.json().items[0].id));
    expect(req).toMatchObject({ status: 'cancelled', cancelReason: 'requester_lost_manager' });
    const detail = await injectAs(t, w.guestUser.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}` });
    expect(detail.json()).toMatchObject({ myRole: 'collaborator', abilities: { requestAccess: false } });
    expectError(
      await injectAs(t, w.guestUser.session, { method: 'POST', url: `${api}/access-requests`, payload: { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] } }),
      403,
      'forbidden',
    );
    // The guest contact (not demoted) keeps Manager.
    expect(await liveRoles(w.guestAdmin.user.id, w.acc1.id)).toEqual(['manager']);
  });

  it('sharing to a guest contact who became Login-Only gives Collaborator', async () => {
    const w = await buildPartnerWorld(t.deps);
    await t.deps.db
      .update(memberships)
      .set({ role: 'login_only' })
      .where(and(eq(memberships.workspaceId, w.guest.id), eq(memberships.userId, w.guestAdmin.user.id)));
    const shared = await injectAs(t, w.partner.session, {
      method: 'POST',
      url: `${api}/partnerships/${w.partnershipId}/accounts`,
      payload: { accounts: [{ accountId: w.acc2.id, role: 'manager' }] },
    });
    expect(shared.statusCode).toBe(201);
    expect(await liveRoles(w.guestAdmin.user.id, w.acc2.id)).toEqual(['collaborator']);
  });
});
