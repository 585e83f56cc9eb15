import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grants } from '../../src/db/schema/index';
import { buildPartnerWorld } from '../../src/modules/partnership-access/test-helpers';
import { TEST_PG_URL } from '../database';
import { createTestApp, injectAs, type TestApp } from '../harness';

const api = '/api/v1';

/**
 * Security review, PostgreSQL only (PGlite serves one connection). A grant through a partnership
 * is created under the partnership row lock (accept an access request, share, change a role). A
 * guest member removed while such a grant is being created must not keep it: the removal waits
 * for the lock and revokes what the other transaction committed.
 */
describe.runIf(TEST_PG_URL)('guest member removal vs a grant being created through the partnership', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the removed member holds no live grant afterwards', async () => {
    const w = await buildPartnerWorld(t.deps);
    const target = w.guestUser2.user.id;
    let locked!: () => void;
    const lockedP = new Promise<void>((r) => (locked = r));
    // What accept/share do: under the partnership row lock, check the member (still active) and insert the grant.
    const creator = t.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select id from partnerships where id = ${w.partnershipId}::uuid for update`);
      await tx.insert(grants).values({
        workspaceId: w.host.id,
        subjectWorkspaceId: w.guest.id,
        accountId: w.acc1.id,
        userId: target,
        role: 'collaborator',
        sourceKind: 'host_guest_partnership',
        sourceId: w.partnershipId,
        grantedBy: w.partner.user.id,
      });
      locked();
      await new Promise((r) => setTimeout(r, 400));
    });
    await lockedP;
    const removal = injectAs(t, w.guestAdmin.session, { method: 'DELETE', url: `${api}/members/${target}` });
    const [, res] = await Promise.all([creator, removal]);
    expect(res.statusCode).toBe(200);
    const live = await t.deps.db
      .select({ id: grants.id })
      .from(grants)
      .where(and(eq(grants.userId, target), eq(grants.subjectWorkspaceId, w.guest.id), isNull(grants.revokedAt)));
    expect(live).toEqual([]);
  });
});
