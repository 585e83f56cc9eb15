import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailures } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { TEST_PASSWORD, createTestApp, createWorkspace, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { headersOf, login } from './test-helpers';
import { accountKey, mfaKey } from './throttle';
import { totpCodeAt } from './totp';

/**
 * The throttles must hold under concurrency: each attempt reserves its failure row (under an
 * advisory lock per key) before the password or code is checked, so a burst of guesses cannot
 * all pass the count before any failure is recorded. PostgreSQL only: PGlite serves one connection.
 */
describe.runIf(TEST_PG_URL)('throttle races (PostgreSQL)', () => {
  const clock = manualClock(new Date('2026-03-02T09:00:10Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const tally = (codes: number[]) => codes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});

  it('30 concurrent wrong MFA codes on one pending session: at most 5 are evaluated, the rest are refused with 429', async () => {
    const { owner } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.8.0.1'));
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/enrol', headers: h, payload: { password: TEST_PASSWORD } })).json();
    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/mfa/confirm',
      headers: h,
      payload: { code: await totpCodeAt(secret, clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    clock.advance(30_000);
    const pending = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.8.0.2'));
    const good = await totpCodeAt(secret, clock.now());
    const wrong = String((Number(good) + 500_000) % 1_000_000).padStart(6, '0');

    const results = await Promise.all(
      Array.from({ length: 30 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: pending, payload: { code: wrong } })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 401 || c === 429), JSON.stringify(tally(codes))).toBe(true);
    const evaluated = results.filter((r) => r.statusCode === 401);
    expect(evaluated.length, JSON.stringify(tally(codes))).toBeLessThanOrEqual(5);
    expect(evaluated.length).toBeGreaterThan(0);
    for (const r of evaluated) expect(r.json().error.code).toBe('mfa_invalid');
    for (const r of results.filter((x) => x.statusCode === 429)) {
      expect(r.json().error.code).toBe('rate_limited');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, mfaKey(owner.id)))).toHaveLength(evaluated.length);
    // The right code is refused too while the throttle holds.
    const late = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: pending, payload: { code: good } });
    if (evaluated.length === 5) expect(late.statusCode).toBe(429);
  });

  it('60 concurrent wrong passwords for one email from distinct IPs after 95 failures: at most 5 answer 401, the rest 429', async () => {
    const { owner } = await createWorkspace(t.deps);
    const key = accountKey(owner.email);
    await t.deps.db.insert(loginFailures).values(Array.from({ length: 95 }, () => ({ key, createdAt: clock.now() })));

    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => login(t, owner.email, 'not the password at all', `10.8.1.${i + 1}`)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 401 || c === 429), JSON.stringify(tally(codes))).toBe(true);
    const evaluated = results.filter((r) => r.statusCode === 401);
    expect(evaluated.length, JSON.stringify(tally(codes))).toBeLessThanOrEqual(5);
    expect(evaluated.length).toBeGreaterThan(0);
    for (const r of evaluated) expect(r.json().error.code).toBe('invalid_credentials');
    for (const r of results.filter((x) => x.statusCode === 429)) expect(r.json().error.code).toBe('rate_limited');
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, key))).toHaveLength(95 + evaluated.length);
  });
});
