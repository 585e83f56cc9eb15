import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, partnershipOwners } from '../../src/db/schema/index';
import { buildPartnerWorld } from '../../src/modules/partnership-access/test-helpers';
import { TEST_PG_URL } from '../database';
import { createTestApp, injectAs, type TestApp } from '../harness';

/**
 * PostgreSQL only (PGlite serves one connection). Spec Q4: when the last Partnership Owner leaves,
 * the partnership stays and the host's Admins are alerted. An Admin removing one owner while
 * another owner is removed from the workspace must not leave a partnership with no owner and no
 * alert: the member removal takes the partnership row lock before it drops owner rows.
 */
describe.runIf(TEST_PG_URL)('owner removal vs the last other owner leaving the workspace', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('ends with an owner, or with the orphaned-partnership alert', async () => {
    const w = await buildPartnerWorld(t.deps);
    await t.deps.db.insert(partnershipOwners).values({ hostWorkspaceId: w.host.id, partnershipId: w.partnershipId, userId: w.hostAdmin.user.id });
    let locked!: () => void;
    const lockedP = new Promise<void>((r) => (locked = r));
    // What "remove owner" does: under the partnership row lock, see two owners, drop one, commit later.
    const removeOwner = t.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select id from partnerships where id = ${w.partnershipId}::uuid for update`);
      await tx.execute(sql`delete from partnership_owners where partnership_id = ${w.partnershipId}::uuid and user_id = ${w.partner.user.id}::uuid`);
      locked();
      await new Promise((r) => setTimeout(r, 400));
    });
    await lockedP;
    // Meanwhile the host's Owner removes the other owner from the workspace.
    const removal = injectAs(t, w.host.owner.session, { method: 'DELETE', url: `/api/v1/members/${w.hostAdmin.user.id}` });
    const [, res] = await Promise.all([removeOwner, removal]);
    expect(res.statusCode, res.body).toBe(200);
    const owners = await t.deps.db.select().from(partnershipOwners).where(eq(partnershipOwners.partnershipId, w.partnershipId));
    const alerts = await t.deps.db.select().from(outbox).where(eq(outbox.template, 'partnership.orphaned'));
    expect(owners.length > 0 || alerts.length > 0, 'a partnership with no owner and no alert').toBe(true);
    expect(owners).toEqual([]);
    expect(alerts.length).toBeGreaterThan(0);
  });
});
