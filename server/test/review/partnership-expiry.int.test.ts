import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerships } from '../../src/db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp } from '../harness';
import { buildPair, createPartnerPeople, sessionOf, type PartnerPeople } from '../partner-world';

const api = '/api/v1';

/**
 * Security review (spec Q5): a pending request past `expires_at` is expired even before the expiry
 * job (every 10 minutes) marks it: it can be neither approved nor accepted.
 */
describe('a pending partnership request past its expiry', () => {
  let t: TestApp;
  let people: PartnerPeople;
  beforeAll(async () => {
    t = await createTestApp();
    people = await createPartnerPeople(t.deps);
  });
  afterAll(() => t.close());

  const expire = (id: string) => t.deps.db.update(partnerships).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(partnerships.id, id));
  const stateOf = async (id: string) => (await t.deps.db.select().from(partnerships).where(eq(partnerships.id, id)))[0]!.state;

  it('cannot be accepted by the guest', async () => {
    const pair = await buildPair(people, 'awaiting_guest_admin');
    await expire(pair.partnershipId);
    const s = (await sessionOf(people, pair, 'guestAdmin'))!;
    const res = await injectAs(t, s, { method: 'POST', url: `${api}/partnerships/${pair.partnershipId}/accept`, payload: { acceptTerms: true } });
    expectError(res, 409, 'conflict');
    expect(await stateOf(pair.partnershipId)).toBe('awaiting_guest_admin');
  });

  it('cannot be approved by a host Admin', async () => {
    const pair = await buildPair(people, 'awaiting_host_admin');
    await expire(pair.partnershipId);
    const s = (await sessionOf(people, pair, 'hostAdmin'))!;
    expectError(await injectAs(t, s, { method: 'POST', url: `${api}/partnerships/${pair.partnershipId}/approve` }), 409, 'conflict');
    expect(await stateOf(pair.partnershipId)).toBe('awaiting_host_admin');
  });
});
