import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, outbox, partnerships } from '../../db/schema/index';
import { createTestApp, createWorkspace, injectAs, sessionFor, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { insertMember } from '../../../test/world';

/** PostgreSQL only: PGlite serves one connection, so requests cannot truly overlap there. */
describe.runIf(TEST_PG_URL)('partnership races (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function pair() {
    const { workspace: host, owner } = await createWorkspace(t.deps);
    const { workspace: guest } = await createWorkspace(t.deps);
    const [a1, a2, user] = [await insertMember(t.deps, host.id, 'admin'), await insertMember(t.deps, host.id, 'admin'), await insertMember(t.deps, host.id, 'user')];
    const [g1, g2] = [await insertMember(t.deps, guest.id, 'admin'), await insertMember(t.deps, guest.id, 'admin')];
    const s = {
      owner: await sessionFor(t.deps, owner.id, host.id),
      a1: await sessionFor(t.deps, a1.userId, host.id),
      a2: await sessionFor(t.deps, a2.userId, host.id),
      user: await sessionFor(t.deps, user.userId, host.id),
      g1: await sessionFor(t.deps, g1.userId, guest.id),
      g2: await sessionFor(t.deps, g2.userId, guest.id),
    };
    return { host, guest, s, user };
  }
  const post = (s: Parameters<typeof injectAs>[1], url: string, payload?: object) =>
    injectAs(t, s, { method: 'POST', url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const outboxCount = async (template: string) => (await t.deps.db.select().from(outbox).where(eq(outbox.template, template))).length;
  const eventsOf = (pid: string, type: string) =>
    t.deps.db
      .select()
      .from(activityEvents)
      .where(sql`${activityEvents.type} = ${type} and ${activityEvents.data}->>'partnershipId' = ${pid}`)
      .orderBy(asc(activityEvents.createdAt));

  it.each([0, 1, 2])('two host Admins approving and declining at once: exactly one outcome, the other 409 (round %i)', async () => {
    const p = await pair();
    const created = await post(p.s.user, '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test', reason: 'r' });
    expect(created.statusCode, created.body).toBe(201);
    const pid = (created.json() as { id: string }).id;
    const guestMailsBefore = await outboxCount('partnership.request_guest');
    const declinedMailsBefore = await outboxCount('partnership.declined');
    const [approve, decline] = await Promise.all([post(p.s.a1, `/partnerships/${pid}/approve`), post(p.s.a2, `/partnerships/${pid}/decline`, { reason: 'no' })]);
    const codes = [approve.statusCode, decline.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const [row] = await t.deps.db.select().from(partnerships).where(eq(partnerships.id, pid));
    const accepted = await eventsOf(pid, 'Partnership Accepted');
    const declined = await eventsOf(pid, 'Partnership Declined');
    const guestMails = (await outboxCount('partnership.request_guest')) - guestMailsBefore;
    const declinedMails = (await outboxCount('partnership.declined')) - declinedMailsBefore;
    if (approve.statusCode === 200) {
      expect(row!.state).toBe('awaiting_guest_admin');
      expect([accepted.length, declined.length]).toEqual([1, 0]);
      // The guest workspace has its Owner and two Admins: one transition, one email each, none for the loser.
      expect([guestMails, declinedMails]).toEqual([3, 0]);
    } else {
      expect(row!.state).toBe('declined_by_host');
      expect([accepted.length, declined.length]).toEqual([0, 1]);
      expect([guestMails, declinedMails]).toEqual([0, 1]);
    }
  });

  it.each([0, 1, 2])('two guest Admins accepting at once: one active, one 409, one Partnership Accepted event (round %i)', async () => {
    const p = await pair();
    const created = await post(p.s.a1, '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' });
    const pid = (created.json() as { id: string }).id;
    const results = await Promise.all([
      post(p.s.g1, `/partnerships/${pid}/accept`, { acceptTerms: true }),
      post(p.s.g2, `/partnerships/${pid}/accept`, { acceptTerms: true }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const [row] = await t.deps.db.select().from(partnerships).where(eq(partnerships.id, pid));
    expect(row!.state).toBe('active');
    const winner = results.find((r) => r.statusCode === 200)!.json() as { guestContact: { userId: string } };
    expect(row!.guestContactUserId).toBe(winner.guestContact.userId);
    expect((await eventsOf(pid, 'Partnership Accepted')).filter((e) => (e.data as { side: string }).side === 'guest')).toHaveLength(1);
  });

  it('two requests for the same pair at once: one 201, one generic 404', async () => {
    const p = await pair();
    const results = await Promise.all([
      post(p.s.a1, '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }),
      post(p.s.a2, '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 404]);
    const live = await t.deps.db.select().from(partnerships).where(eq(partnerships.guestWorkspaceId, p.guest.id));
    expect(live).toHaveLength(1);
  });
});
