import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, injectAs, type TestApp } from '../harness';
import { buildPair, createPartnerPeople, sessionOf, type PartnerActor, type PartnerPair, type PartnerPeople } from '../partner-world';

const api = '/api/v1';

/**
 * Security review: host people appear to the guest side as "Host user" (spec Q10). Every GET a
 * guest member can make about an active partnership is scanned for any host person's email or
 * name; none may appear (the host workspace's name is fine).
 */
describe('guest responses never carry a host person (spec Q10)', () => {
  let t: TestApp;
  let people: PartnerPeople;
  let pair: PartnerPair;
  const HOST_PEOPLE = ['hostOwner', 'hostAdmin', 'hostUser', 'partnershipOwner', 'accountOwner', 'hostLoginOnly', 'hostSpare', 'ownerSpare'] as const;

  beforeAll(async () => {
    t = await createTestApp();
    people = await createPartnerPeople(t.deps);
    pair = await buildPair(people, 'active');
  });
  afterAll(() => t.close());

  it.each<PartnerActor>(['guestAdmin', 'guestManager', 'guestCollaborator'])('%s sees no host person anywhere', async (actor) => {
    const s = (await sessionOf(people, pair, actor))!;
    const urls = [
      `${api}/accounts`,
      `${api}/accounts/${pair.sharedAccountId}`,
      `${api}/partnerships?view=all`,
      `${api}/partnerships/${pair.partnershipId}`,
      `${api}/partnerships/${pair.partnershipId}/accounts`,
      `${api}/partnerships/${pair.partnershipId}/members`,
      `${api}/access-requests`,
      `${api}/activity?range=today`,
    ];
    const leaks: string[] = [];
    let reached = 0;
    for (const url of urls) {
      const res = await injectAs(t, s, { method: 'GET', url });
      if (res.statusCode === 200) reached += 1;
      for (const who of HOST_PEOPLE) {
        const p = people.people[who];
        if (res.body.includes(p.email) || res.body.includes(`Test ${who}"`)) leaks.push(`${url} → ${who}`);
      }
    }
    // The account detail at least must have been reached (the guest holds a grant on it).
    expect(reached).toBeGreaterThanOrEqual(3);
    expect(leaks).toEqual([]);
  });
});

describe('account detail through a partnership', () => {
  let t: TestApp;
  let people: PartnerPeople;
  let pair: PartnerPair;
  beforeAll(async () => {
    t = await createTestApp();
    people = await createPartnerPeople(t.deps);
    pair = await buildPair(people, 'active');
  });
  afterAll(() => t.close());

  it('shows the creator to the host as a person, to the guest as "Host user"', async () => {
    const host = (await sessionOf(people, pair, 'accountOwner'))!;
    const guest = (await sessionOf(people, pair, 'guestManager'))!;
    const h = await injectAs(t, host, { method: 'GET', url: `${api}/accounts/${pair.sharedAccountId}` });
    expect(h.json().createdBy).toEqual({ name: 'Test accountOwner', email: people.people.accountOwner.email });
    const g = await injectAs(t, guest, { method: 'GET', url: `${api}/accounts/${pair.sharedAccountId}` });
    expect(g.statusCode).toBe(200);
    expect(g.json().createdBy).toEqual({ name: 'Host user', email: '' });
  });
});
