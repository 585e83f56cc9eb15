import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, grants, memberships, users } from '../../db/schema/index';
import { createTestApp, injectAs, sessionFor, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { buildLocalPartnerWorld } from '../../../test/local-partner-world';

/** PostgreSQL only: PGlite serves one connection, so requests cannot truly overlap there. */
describe.runIf(TEST_PG_URL)('local partner races (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const NEW_PASSWORD = 'a racing guest password 42';
  const accept = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/invites/accept', payload });

  it('50 parallel joins with one guest invite make one person: one user, one guest membership, one event, 49 × 404', async () => {
    const w = await buildLocalPartnerWorld(t.deps);
    const inv = await w.newInvite('guest_user');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => accept({ token: inv.token, name: 'Racing', familyName: 'Guest', password: NEW_PASSWORD, acceptTerms: true })),
    );
    const odd = results.filter((r) => r.statusCode !== 200 && r.statusCode !== 404).map((r) => `${r.statusCode} ${r.body}`);
    expect(odd, 'answers other than 200 and 404').toEqual([]);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 404).every((r) => r.json().error.code === 'invite_invalid')).toBe(true);
    const people = await t.deps.db.select().from(users).where(eq(users.email, inv.email));
    expect(people).toHaveLength(1);
    const ms = await t.deps.db.select().from(memberships).where(eq(memberships.userId, people[0]!.id));
    expect(ms).toEqual([expect.objectContaining({ workspaceId: w.workspaceId, role: 'guest_user', localPartnerId: w.partnerId, status: 'active' })]);
    const created = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.type, 'User Created'), eq(activityEvents.targetUserId, people[0]!.id)));
    expect(created).toHaveLength(1);
  });

  it('two Host Admins demoting the last two Guest Admins at once: one wins, one gets 409 last_guest_admin', async () => {
    for (let round = 0; round < 5; round++) {
      const w = await buildLocalPartnerWorld(t.deps);
      const admin2 = await sessionFor(t.deps, w.people.admin.userId, w.workspaceId);
      const [a, b] = await Promise.all([
        injectAs(t, w.sessions.hostAdmin, {
          method: 'PATCH',
          url: `/api/v1/local-partners/${w.partnerId}/guests/${w.people.guestAdmin.userId}`,
          payload: { role: 'guest_user' },
        }),
        injectAs(t, admin2, {
          method: 'PATCH',
          url: `/api/v1/local-partners/${w.partnerId}/guests/${w.people.guestBeforeMfa.userId}`,
          payload: { role: 'guest_user' },
        }),
      ]);
      expect([a.statusCode, b.statusCode].sort(), `round ${round}: ${a.body} / ${b.body}`).toEqual([200, 409]);
      expect([a, b].find((r) => r.statusCode === 409)!.json().error.code).toBe('last_guest_admin');
      const admins = await t.deps.db
        .select()
        .from(memberships)
        .where(and(eq(memberships.localPartnerId, w.partnerId), eq(memberships.role, 'guest_admin'), eq(memberships.status, 'active')));
      expect(admins).toHaveLength(1);
    }
  });

  it('a removal racing a demotion (the Members page and the partner page) never leaves the partner without a Guest Admin', async () => {
    for (let round = 0; round < 5; round++) {
      const w = await buildLocalPartnerWorld(t.deps);
      const [removed, demoted] = await Promise.all([
        injectAs(t, w.sessions.admin, { method: 'DELETE', url: `/api/v1/members/${w.people.guestAdmin.userId}` }),
        injectAs(t, w.sessions.hostAdmin, {
          method: 'PATCH',
          url: `/api/v1/local-partners/${w.partnerId}/guests/${w.people.guestBeforeMfa.userId}`,
          payload: { role: 'guest_user' },
        }),
      ]);
      expect([removed.statusCode, demoted.statusCode].sort(), `round ${round}: ${removed.body} / ${demoted.body}`).toEqual([200, 409]);
      const admins = await t.deps.db
        .select()
        .from(memberships)
        .where(and(eq(memberships.localPartnerId, w.partnerId), eq(memberships.role, 'guest_admin'), eq(memberships.status, 'active')));
      expect(admins).toHaveLength(1);
    }
  });

  it('a join racing the removal of its partner: the new guest never outlives the partner', async ({ annotate }) => {
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const w = await buildLocalPartnerWorld(t.deps);
      const inv = await w.newInvite('guest_admin');
      // The join hashes the password first (argon2, slow by design): stagger the removal so that
      // some rounds let the join reach its transaction first.
      const delay = round * 60;
      const [joined, removed] = await Promise.all([
        accept({ token: inv.token, name: 'Late', familyName: 'Joiner', password: NEW_PASSWORD, acceptTerms: true }),
        new Promise((r) => setTimeout(r, delay)).then(() =>
          injectAs(t, w.sessions.hostAdmin, { method: 'DELETE', url: `/api/v1/local-partners/${w.partnerId}` }),
        ),
      ]);
      expect(removed.statusCode, removed.body).toBe(200);
      expect([200, 404], joined.body).toContain(joined.statusCode);
      outcomes.push(joined.statusCode === 200 ? 'joined first' : 'removed first');
      const [person] = await t.deps.db.select().from(users).where(eq(users.email, inv.email));
      if (person) {
        const [m] = await t.deps.db.select().from(memberships).where(and(eq(memberships.userId, person.id), eq(memberships.workspaceId, w.workspaceId)));
        expect(m!.status, `round ${round}`).toBe('removed');
        const live = await t.deps.db.select().from(grants).where(and(eq(grants.userId, person.id), isNull(grants.revokedAt)));
        expect(live).toEqual([]);
      }
    }
    // Not an assertion on timing: the report records which orders happened.
    await annotate(`join vs partner removal: ${outcomes.join(', ')}`);
  });
});
