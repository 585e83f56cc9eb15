import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { TEST_PASSWORD, createTestApp, createWorkspace, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { headersOf, login } from './test-helpers';
import { totpCodeAt, totpStepAt } from './totp';

/** PostgreSQL only: PGlite serves one connection, so requests cannot truly overlap there. */
describe.runIf(TEST_PG_URL)('MFA races (PostgreSQL)', () => {
  const clock = manualClock(new Date('2026-03-02T09:00:10Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  async function userWithMfa(round: number) {
    const { owner } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, `10.7.0.${round}`));
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/enrol', headers: h, payload: { password: TEST_PASSWORD } })).json();
    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/mfa/confirm',
      headers: h,
      payload: { code: await totpCodeAt(secret, clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    return { owner, secret: secret as string };
  }

  // Several rounds, each with its own user (the losing twins count as failed codes toward the MFA throttle).
  it.each([0, 1, 2])('one TOTP code submitted by concurrent MFA requests signs in exactly once (round %i)', async (round) => {
    const { owner, secret } = await userWithMfa(round);
    clock.advance(30_000);
    const pendings = [];
    for (let i = 0; i < 4; i++) pendings.push(headersOf(await login(t, owner.email, TEST_PASSWORD, `10.7.1.${round * 10 + i}`)));
    const code = await totpCodeAt(secret, clock.now());
    const results = await Promise.all(
      pendings.map((p) => t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: p, payload: { code } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401, 401, 401]);
    for (const r of results.filter((x) => x.statusCode === 401)) expect(r.json().error.code).toBe('mfa_invalid');
    const [u] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(u!.mfaLastStep).toBe(totpStepAt(clock.now()));
    // Exactly one pending session became a full one: the enrolling session plus the winner are live.
    const live = (await t.deps.db.select().from(sessions).where(eq(sessions.userId, owner.id))).filter((s) => s.mfaPassed && s.endedAt === null);
    expect(live).toHaveLength(2);
  });
});
