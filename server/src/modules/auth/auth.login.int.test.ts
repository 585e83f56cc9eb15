import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, loginFailures, memberships, sessions } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { hashToken } from '../../lib/tokens';
import {
  TEST_PASSWORD,
  createTestApp,
  createWorkspace,
  expectError,
  uniqueEmail,
  type TestApp,
} from '../../../test/harness';
import { LOGIN, headersOf, login, sessionCookieOf } from './test-helpers';
import { accountKey, ipKey } from './throttle';

const clock = manualClock(new Date('2026-03-02T09:00:00Z'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

async function seedFailures(key: string, n: number, at = clock.now()) {
  await t.deps.db.insert(loginFailures).values(Array.from({ length: n }, () => ({ key, createdAt: at })));
}

describe('POST /auth/login: validation', () => {
  it('refuses a missing password, an over-long email and a non-JSON body with 400', async () => {
    expectError(await t.app.inject({ method: 'POST', url: LOGIN, payload: { email: 'a@b.test' } }), 400, 'validation_failed');
    expectError(
      await t.app.inject({ method: 'POST', url: LOGIN, payload: { email: `${'a'.repeat(250)}@b.test`, password: 'x' } }),
      400,
      'validation_failed',
    );
    expectError(
      await t.app.inject({ method: 'POST', url: LOGIN, payload: { email: 'a@b.test', password: 'x'.repeat(1025) } }),
      400,
      'validation_failed',
    );
    const form = await t.app.inject({ method: 'POST', url: LOGIN, payload: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
  });
});

describe('POST /auth/login: one answer for every failure', () => {
  it('answers an unknown email and a wrong password identically, and records the known user’s failure only', async () => {
    const { owner, workspace } = await createWorkspace(t.deps);
    const unknown = await login(t, uniqueEmail('nobody'), TEST_PASSWORD, '10.1.0.1');
    const wrong = await login(t, owner.email, 'not the password at all', '10.1.0.1');
    const a = expectError(unknown, 401, 'invalid_credentials');
    const b = expectError(wrong, 401, 'invalid_credentials');
    expect(a.message).toBe(b.message);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const events = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, workspace.id), eq(activityEvents.type, 'Login To Latchkey Failed')));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorUserId).toBe(owner.id);
    expect(events[0]!.data).toEqual({ reason: 'invalid_credentials' });
    // Both failures were counted, the email under its hash only.
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, accountKey(owner.email)))).toHaveLength(1);
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, ipKey('10.1.0.1')))).toHaveLength(2);
  });

  it('logs a failed sign-in for an unknown email without the email or the password', async () => {
    const email = uniqueEmail('stranger');
    const password = `pw-${Date.now()}-canary`;
    const before = t.logs.length;
    expectError(await login(t, email, password, '10.1.0.9'), 401, 'invalid_credentials');
    const lines = t.logs.slice(before).join('');
    expect(lines).toContain('sign-in failed for an unknown email');
    expect(lines).toContain(accountKey(email).slice(0, 18));
    expect(lines).not.toContain(email);
    expect(lines).not.toContain(password);
    // No activity event names the stranger.
    const events = await t.deps.db.select().from(activityEvents).where(eq(activityEvents.type, 'Login To Latchkey Failed'));
    expect(JSON.stringify(events)).not.toContain(email);
  });

  it('signs in with a differently-cased email (normalised)', async () => {
    const { owner } = await createWorkspace(t.deps);
    const res = await login(t, `  ${owner.email.toUpperCase()} `, TEST_PASSWORD, '10.1.0.2');
    expect(res.statusCode).toBe(200);
  });

  it('answers invalid_credentials for a removed member, and their live session stops working', async () => {
    const { owner, workspace } = await createWorkspace(t.deps);
    const first = await login(t, owner.email, TEST_PASSWORD, '10.1.0.3');
    expect(first.statusCode).toBe(200);
    await t.deps.db
      .update(memberships)
      .set({ status: 'removed', removedAt: clock.now() })
      .where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.userId, owner.id)));
    expectError(await t.app.inject({ url: '/api/v1/session', headers: headersOf(first) }), 401, 'unauthenticated');
    expectError(await login(t, owner.email, TEST_PASSWORD, '10.1.0.3'), 401, 'invalid_credentials');
  });
});

describe('POST /auth/login: throttling', () => {
  it('answers 429 with Retry-After after 100 failures for an email in the hour, even with the right password', async () => {
    const { owner } = await createWorkspace(t.deps);
    await seedFailures(accountKey(owner.email), 100, new Date(clock.now().getTime() - 10 * 60_000));
    const res = await login(t, owner.email, TEST_PASSWORD, '10.2.0.1');
    const err = expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(50 * 60);
    expect(err.message).toContain('3000 seconds');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('allows 99 failures in the hour, and forgets failures older than an hour', async () => {
    const { owner } = await createWorkspace(t.deps);
    await seedFailures(accountKey(owner.email), 99);
    await seedFailures(accountKey(owner.email), 10, new Date(clock.now().getTime() - 61 * 60_000));
    expect((await login(t, owner.email, TEST_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const email = uniqueEmail('ghost');
    await seedFailures(accountKey(email), 100);
    const res = await login(t, email, TEST_PASSWORD, '10.2.0.3');
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(3600);
  });

  it('throttles a client IP after 50 failures in 15 minutes, for any email', async () => {
    const { owner } = await createWorkspace(t.deps);
    await seedFailures(ipKey('10.2.0.4'), 50, new Date(clock.now().getTime() - 5 * 60_000));
    const res = await login(t, owner.email, TEST_PASSWORD, '10.2.0.4');
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(10 * 60);
    // Another IP is not affected.
    expect((await login(t, owner.email, TEST_PASSWORD, '10.2.0.5')).statusCode).toBe(200);
  });

  it('does not count successes: each attempt is recorded up front and withdrawn when it succeeds', async () => {
    const { owner } = await createWorkspace(t.deps);
    await seedFailures(accountKey(owner.email), 99);
    for (let i = 0; i < 3; i++) expect((await login(t, owner.email, TEST_PASSWORD, '10.2.0.7')).statusCode).toBe(200);
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, accountKey(owner.email)))).toHaveLength(99);
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, ipKey('10.2.0.7')))).toHaveLength(0);
    // The 100th failure is counted, and then even the right password is refused.
    expectError(await login(t, owner.email, 'wrong password!', '10.2.0.7'), 401, 'invalid_credentials');
    expectError(await login(t, owner.email, TEST_PASSWORD, '10.2.0.7'), 429, 'rate_limited');
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, ipKey('10.2.0.7')))).toHaveLength(1);
  });

  it('counts real failures: the 51st attempt from one IP is refused', async () => {
    await seedFailures(ipKey('10.2.0.6'), 49);
    expectError(await login(t, uniqueEmail('x'), 'wrong password!', '10.2.0.6'), 401, 'invalid_credentials');
    expectError(await login(t, uniqueEmail('y'), 'wrong password!', '10.2.0.6'), 429, 'rate_limited');
  });
});

describe('POST /auth/login: success and the session cookie', () => {
  it('signs in: HttpOnly, SameSite=Lax cookie, a hashed token in the database, the session DTO and a login event', async () => {
    const { owner, workspace } = await createWorkspace(t.deps, { name: 'Acme Social' });
    const res = await login(t, owner.email, TEST_PASSWORD, '10.3.0.1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('signed_in');
    expect(body.session.user).toEqual({ id: owner.id, email: owner.email, name: 'Olive Owner', mfaEnabled: false });
    expect(body.session.workspace).toEqual({ id: workspace.id, publicId: workspace.publicId, name: 'Acme Social' });
    expect(body.session.role).toBe('owner');
    expect(body.session.roleLabel).toBe('Owner');
    expect(body.session.abilities['members.invite']).toBe(true);
    expect(body.session.workspaces).toEqual([{ id: workspace.id, name: 'Acme Social', role: 'owner' }]);

    const cookie = sessionCookieOf(res);
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Lax/i);
    expect(cookie.raw).not.toMatch(/Secure/i);
    expect(cookie.pair.startsWith('latchkey_session=')).toBe(true);

    const rows = await t.deps.db.select().from(sessions).where(eq(sessions.userId, owner.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashToken(cookie.token));
    expect(JSON.stringify(rows)).not.toContain(cookie.token);
    expect(rows[0]!.mfaPassed).toBe(true);

    const [m] = await t.deps.db.select().from(memberships).where(eq(memberships.userId, owner.id));
    expect(m!.lastActiveAt?.getTime()).toBe(clock.now().getTime());
    const events = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, workspace.id), eq(activityEvents.type, 'Login To Latchkey')));
    expect(events.map((e) => e.data)).toEqual([{ mfa: false }]);
  });

  it('always issues a fresh token, and ends the session the browser had', async () => {
    const { owner } = await createWorkspace(t.deps);
    const a = await login(t, owner.email, TEST_PASSWORD, '10.3.0.2');
    const b = await t.app.inject({
      method: 'POST',
      url: LOGIN,
      payload: { email: owner.email, password: TEST_PASSWORD },
      headers: { cookie: sessionCookieOf(a).pair },
      remoteAddress: '10.3.0.2',
    });
    expect(sessionCookieOf(b).token).not.toBe(sessionCookieOf(a).token);
    expectError(await t.app.inject({ url: '/api/v1/session', headers: headersOf(a) }), 401, 'unauthenticated');
    expect((await t.app.inject({ url: '/api/v1/session', headers: headersOf(b) })).statusCode).toBe(200);
  });

  it('signs in to the most recently active workspace', async () => {
    const { owner, workspace: first } = await createWorkspace(t.deps, { name: 'First' });
    const { workspace: second } = await createWorkspace(t.deps, { name: 'Second', ownerEmail: owner.email });
    await t.deps.db
      .update(memberships)
      .set({ lastActiveAt: new Date(clock.now().getTime() - 60_000) })
      .where(and(eq(memberships.workspaceId, first.id), eq(memberships.userId, owner.id)));
    await t.deps.db
      .update(memberships)
      .set({ lastActiveAt: new Date(clock.now().getTime() - 120_000) })
      .where(and(eq(memberships.workspaceId, second.id), eq(memberships.userId, owner.id)));
    const res = await login(t, owner.email, TEST_PASSWORD, '10.3.0.3');
    expect(res.json().session.workspace.id).toBe(first.id);
    expect(res.json().session.workspaces.map((w: { name: string }) => w.name)).toEqual(['First', 'Second']);
  });

  it('uses the __Host- prefix and Secure when the public URL is https', async () => {
    const tls = await createTestApp({ config: { publicUrl: 'https://latchkey.example', secureCookies: true } });
    try {
      const { owner } = await createWorkspace(tls.deps);
      const res = await login(tls, owner.email, TEST_PASSWORD);
      const cookie = sessionCookieOf(res);
      expect(cookie.pair.startsWith('__Host-latchkey_session=')).toBe(true);
      expect(cookie.raw).toMatch(/; Secure/i);
      expect(cookie.raw).toMatch(/HttpOnly/i);
      expect(cookie.raw).toMatch(/Path=\//);
      expect(cookie.raw).not.toMatch(/Domain=/i);
    } finally {
      await tls.close();
    }
  });
});

describe('sessions: CSRF, timeouts, logout', () => {
  it('refuses a state-changing request without a valid X-CSRF-Token (403 csrf_invalid)', async () => {
    const { owner } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.4.0.1'));
    expectError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: h.cookie } }), 403, 'csrf_invalid');
    expectError(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: h.cookie, 'x-csrf-token': 'forged' } }),
      403,
      'csrf_invalid',
    );
    // The session is still live.
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).statusCode).toBe(200);
  });

  it('GET /session without a cookie is 401', async () => {
    expectError(await t.app.inject({ url: '/api/v1/session' }), 401, 'unauthenticated');
  });

  it('ends a session idle for 31 minutes', async () => {
    const { owner } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.4.0.2'));
    clock.advance(29 * 60_000);
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expectError(await t.app.inject({ url: '/api/v1/session', headers: h }), 401, 'unauthenticated');
    const [row] = await t.deps.db.select().from(sessions).where(eq(sessions.userId, owner.id));
    expect(row!.endReason).toBe('idle_timeout');
  });

  it('ends a session after 12 hours even when it was active all along', async () => {
    const { owner } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.4.0.3'));
    for (let i = 0; i < 35; i++) {
      clock.advance(20 * 60_000);
      expect((await t.app.inject({ url: '/api/v1/session', headers: h })).statusCode).toBe(200);
    }
    clock.advance(20 * 60_000); // 12 h since sign-in
    expectError(await t.app.inject({ url: '/api/v1/session', headers: h }), 401, 'unauthenticated');
    const [row] = await t.deps.db.select().from(sessions).where(eq(sessions.userId, owner.id));
    expect(row!.endReason).toBe('absolute_timeout');
  });

  it('logout ends the session server-side, clears the cookie, and the old cookie no longer works', async () => {
    const { owner, workspace } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.4.0.4'));
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: h });
    expect(out.statusCode).toBe(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).join('\n');
    expect(cleared).toMatch(/latchkey_session=;/);
    expectError(await t.app.inject({ url: '/api/v1/session', headers: h }), 401, 'unauthenticated');
    const [row] = await t.deps.db.select().from(sessions).where(eq(sessions.userId, owner.id));
    expect(row!.endReason).toBe('logout');
    const events = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, workspace.id), eq(activityEvents.type, 'Logout From Latchkey')));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorUserId).toBe(owner.id);
  });
});

describe('GET /session and POST /session/workspace', () => {
  it('returns the session with the CSRF token that the session accepts', async () => {
    const { owner } = await createWorkspace(t.deps);
    const res = await login(t, owner.email, TEST_PASSWORD, '10.5.0.1');
    const cookie = sessionCookieOf(res).pair;
    const s = await t.app.inject({ url: '/api/v1/session', headers: { cookie } });
    expect(s.statusCode).toBe(200);
    expect(s.json()).toEqual(res.json().session);
  });

  it('validates the workspace id (400), needs a session (401), and refuses a workspace I do not belong to (404)', async () => {
    const { owner } = await createWorkspace(t.deps);
    const { workspace: other } = await createWorkspace(t.deps);
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.5.0.2'));
    const url = '/api/v1/session/workspace';
    expectError(await t.app.inject({ method: 'POST', url, headers: h, payload: { workspaceId: 'nope' } }), 400, 'validation_failed');
    expectError(await t.app.inject({ method: 'POST', url, payload: { workspaceId: other.id } }), 401, 'unauthenticated');
    const err = expectError(await t.app.inject({ method: 'POST', url, headers: h, payload: { workspaceId: other.id } }), 404, 'not_found');
    expect(err.message).toContain(other.id);
  });

  it('refuses a workspace where my membership was removed (404), and switches to an active one', async () => {
    const { owner, workspace: home } = await createWorkspace(t.deps, { name: 'Home' });
    const { workspace: second } = await createWorkspace(t.deps, { name: 'Second', ownerEmail: owner.email });
    const { workspace: third } = await createWorkspace(t.deps, { name: 'Third', ownerEmail: owner.email });
    await t.deps.db
      .update(memberships)
      .set({ lastActiveAt: clock.now() })
      .where(and(eq(memberships.workspaceId, home.id), eq(memberships.userId, owner.id)));
    await t.deps.db
      .update(memberships)
      .set({ status: 'removed', removedAt: clock.now() })
      .where(and(eq(memberships.workspaceId, third.id), eq(memberships.userId, owner.id)));
    const h = headersOf(await login(t, owner.email, TEST_PASSWORD, '10.5.0.3'));
    const url = '/api/v1/session/workspace';
    expectError(await t.app.inject({ method: 'POST', url, headers: h, payload: { workspaceId: third.id } }), 404, 'not_found');

    clock.advance(1_000);
    const res = await t.app.inject({ method: 'POST', url, headers: h, payload: { workspaceId: second.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json().workspace).toEqual({ id: second.id, publicId: second.publicId, name: 'Second' });
    expect(res.json().workspaces.map((w: { id: string }) => w.id).sort()).toEqual([home.id, second.id].sort());
    const now = await t.app.inject({ url: '/api/v1/session', headers: h });
    expect(now.json().workspace.id).toBe(second.id);
    const [m] = await t.deps.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, second.id), eq(memberships.userId, owner.id)));
    expect(m!.lastActiveAt?.getTime()).toBe(clock.now().getTime());
  });
});
