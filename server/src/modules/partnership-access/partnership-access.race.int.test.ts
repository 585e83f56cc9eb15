import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRequests, grants, partnerships } from '../../db/schema/index';
import { createTestApp, injectAs, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { buildPartnerWorld } from './test-helpers';

const api = '/api/v1';

/** PostgreSQL only: PGlite serves one connection, so requests cannot truly overlap there. */
describe.runIf(TEST_PG_URL)('partnership access races (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function sharedWorld() {
    const w = await buildPartnerWorld(t.deps);
    const res = await injectAs(t, w.partner.session, {
      method: 'POST',
      url: `${api}/partnerships/${w.partnershipId}/accounts`,
      payload: { accounts: [{ accountId: w.acc1.id, role: 'manager' }] },
    });
    expect(res.statusCode).toBe(201);
    return w;
  }

  it('20 identical access requests at once: exactly one pending row, 19 × 409 already_exists', async () => {
    const w = await sharedWorld();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        injectAs(t, w.guestAdmin.session, {
          method: 'POST',
          url: `${api}/access-requests`,
          payload: { accountId: w.acc1.id, userIds: [w.guestUser.user.id] },
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, ...Array(19).fill(409)]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().error.code).toBe('already_exists');
    const rows = await t.deps.db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.partnershipId, w.partnershipId), eq(accessRequests.status, 'pending')));
    expect(rows).toHaveLength(1);
  });

  // Accepting an access request races the removal of the whole partnership (DELETE /partnerships/:id,
  // the lifecycle module's route). Both take the partnership row lock, so whichever runs second sees
  // the other's result: no live grant through the partnership may survive, in any interleaving.
  it.each(Array.from({ length: 10 }, (_, i) => i))('accept vs partnership removal leaves no live grant (round %i)', async (round) => {
    const w = await sharedWorld();
    const created = await injectAs(t, w.guestAdmin.session, {
      method: 'POST',
      url: `${api}/access-requests`,
      payload: { accountId: w.acc1.id, userIds: [w.guestUser.user.id] },
    });
    expect(created.statusCode).toBe(201);
    const requestId = created.json().items[0].id as string;
    const accept = () => injectAs(t, w.partner.session, { method: 'POST', url: `${api}/access-requests/${requestId}/accept` });
    const remove = () => injectAs(t, w.partner.session, { method: 'DELETE', url: `${api}/partnerships/${w.partnershipId}` });
    const [a, r] = round % 2 === 0 ? await Promise.all([accept(), remove()]) : (await Promise.all([remove(), accept()])).reverse();
    expect(r!.statusCode).toBeLessThan(300);
    expect([200, 409]).toContain(a!.statusCode);
    const [p] = await t.deps.db.select().from(partnerships).where(eq(partnerships.id, w.partnershipId));
    expect(p!.state).toBe('removed');
    const live = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.sourceKind, 'host_guest_partnership'), eq(grants.sourceId, w.partnershipId), isNull(grants.revokedAt)));
    expect(live).toHaveLength(0);
    const [req] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, requestId));
    expect(req!.status).toBe(a!.statusCode === 200 ? 'accepted' : 'cancelled');
  });
});
