import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectError, injectAs, type TestApp } from '../harness';
import { buildPair, createPartnerPeople, sessionOf, type PartnerPeople } from '../partner-world';

const api = '/api/v1';

/**
 * PostgreSQL refuses a NUL character in text (22021). Text that reaches the database with one is
 * bad input: 400 validation_failed, never a 500 (found by the route fuzzer on PostgreSQL).
 */
describe('text with a NUL character', () => {
  let t: TestApp;
  let people: PartnerPeople;
  beforeAll(async () => {
    t = await createTestApp();
    people = await createPartnerPeople(t.deps);
  });
  afterAll(() => t.close());

  it('is 400 in a search (accounts, access-request candidates) and in a partnership request reason', async () => {
    const pair = await buildPair(people, 'active');
    const hostUser = (await sessionOf(people, pair, 'hostUser'))!;
    const manager = (await sessionOf(people, pair, 'guestManager'))!;
    expectError(await injectAs(t, hostUser, { method: 'GET', url: `${api}/accounts?q=%00%01` }), 400, 'validation_failed');
    expectError(
      await injectAs(t, manager, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${pair.sharedAccountId}&q=a%00` }),
      400,
      'validation_failed',
    );
    const other = await buildPair(people, 'active');
    const res = await injectAs(t, hostUser, {
      method: 'POST',
      url: `${api}/partnerships`,
      payload: { workspaceId: other.guest.publicId, partnerEmail: 'p@example.test', reason: 'we work\u0000together' },
    });
    expectError(res, 400, 'validation_failed');
    // A clean search still works.
    expect((await injectAs(t, hostUser, { method: 'GET', url: `${api}/accounts?q=a` })).statusCode).toBe(200);
  });
});
