import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, loginFailures, sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { verifyPassword } from '../../lib/passwords';
import { hashToken } from '../../lib/tokens';
import { TEST_PASSWORD, createTestApp, createWorkspace, expectError, type TestApp } from '../../../test/harness';
import { headersOf, login, sessionCookieOf } from './test-helpers';
import { accountKey, mfaKey } from './throttle';
import { totpCodeAt } from './totp';

const clock = manualClock(new Date('2026-03-02T09:00:10Z'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

const NEW_PASSWORD = 'a brand new passphrase 42';
let ipSeq = 0;
const nextIp = () => `10.9.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;

async function signedIn(name?: string) {
  const ws = await createWorkspace(t.deps, name ? { name } : {});
  const res = await login(t, ws.owner.email, TEST_PASSWORD, nextIp());
  expect(res.statusCode).toBe(200);
  return { ...ws, h: headersOf(res) };
}

const post = (url: string, h: Record<string, string> | undefined, payload?: unknown) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: h, payload: payload as never });

async function eventsOf(workspaceId: string, type: string) {
  return t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, workspaceId), eq(activityEvents.type, type)));
}

/** Enrol and confirm MFA for a signed-in user; returns the secret. Leaves the clock on a fresh step. */
async function turnOnMfa(h: Record<string, string>): Promise<string> {
  const enrol = await post('/me/mfa/enrol', h, { password: TEST_PASSWORD });
  expect(enrol.statusCode).toBe(200);
  const { secret } = enrol.json() as { secret: string };
  const confirm = await post('/me/mfa/confirm', h, { code: await totpCodeAt(secret, clock.now()) });
  expect(confirm.statusCode).toBe(200);
  clock.advance(30_000);
  return secret;
}

describe('POST /me/password', () => {
  it('validates (400), needs a session (401) and CSRF (403)', async () => {
    const { h } = await signedIn();
    expectError(await post('/me/password', h, { currentPassword: TEST_PASSWORD }), 400, 'validation_failed');
    expectError(await post('/me/password', undefined, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }), 401, 'unauthenticated');
    expectError(
      await post('/me/password', { cookie: h.cookie }, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }),
      403,
      'csrf_invalid',
    );
  });

  it('refuses a wrong current password (counted toward the account throttle), a weak one and the same one', async () => {
    const { owner, h } = await signedIn();
    expectError(await post('/me/password', h, { currentPassword: 'wrong password here', newPassword: NEW_PASSWORD }), 401, 'invalid_credentials');
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, accountKey(owner.email)))).toHaveLength(1);
    expectError(await post('/me/password', h, { currentPassword: TEST_PASSWORD, newPassword: 'short' }), 422, 'weak_password');
    expectError(await post('/me/password', h, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }), 422, 'weak_password');
    const [u] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(await verifyPassword(u!.passwordHash, TEST_PASSWORD)).toBe(true);
  });

  it('answers 429 once the account is throttled, even with the right current password', async () => {
    const { owner, h } = await signedIn();
    await t.deps.db.insert(loginFailures).values(Array.from({ length: 100 }, () => ({ key: accountKey(owner.email), createdAt: clock.now() })));
    expectError(await post('/me/password', h, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }), 429, 'rate_limited');
  });

  it('changes the password, ends every other session (all workspaces) and keeps this one', async () => {
    const { owner, workspace, h } = await signedIn('Pw Home');
    await createWorkspace(t.deps, { name: 'Pw Other', ownerEmail: owner.email });
    const other = headersOf(await login(t, owner.email, TEST_PASSWORD, nextIp()));
    const switched = await post('/session/workspace', other, {
      workspaceId: (await t.app.inject({ url: '/api/v1/session', headers: other })).json().workspaces.find((w: { name: string }) => w.name === 'Pw Other').id,
    });
    expect(switched.statusCode).toBe(200);

    const res = await post('/me/password', h, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ endedSessions: 1 });
    expectError(await t.app.inject({ url: '/api/v1/session', headers: other }), 401, 'unauthenticated');
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).statusCode).toBe(200);

    const ended = await t.deps.db.select().from(sessions).where(and(eq(sessions.userId, owner.id), eq(sessions.endReason, 'password_changed')));
    expect(ended).toHaveLength(1);
    expectError(await login(t, owner.email, TEST_PASSWORD, nextIp()), 401, 'invalid_credentials');
    expect((await login(t, owner.email, NEW_PASSWORD, nextIp())).statusCode).toBe(200);
    const events = await eventsOf(workspace.id, 'Password Changed');
    expect(events.map((e) => e.data)).toEqual([{ endedSessions: 1 }]);
  });
});

describe('MFA enrolment', () => {
  it('needs the password (re-authentication), and says nothing about the secret on failure', async () => {
    const { owner, h } = await signedIn();
    expectError(await post('/me/mfa/enrol', h, {}), 400, 'validation_failed');
    expectError(await post('/me/mfa/enrol', undefined, { password: TEST_PASSWORD }), 401, 'unauthenticated');
    expectError(await post('/me/mfa/enrol', h, { password: 'not my password!' }), 401, 'invalid_credentials');
    const [u] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(u!.mfaSecretSealed).toBeNull();
  });

  it('confirm refuses a malformed code (400), a code before enrolment (409) and a wrong code (401 mfa_invalid)', async () => {
    const { h } = await signedIn();
    expectError(await post('/me/mfa/confirm', h, { code: '12ab56' }), 400, 'validation_failed');
    expectError(await post('/me/mfa/confirm', h, { code: '123456' }), 409, 'conflict');
    const enrol = await post('/me/mfa/enrol', h, { password: TEST_PASSWORD });
    const good = await totpCodeAt(enrol.json().secret, clock.now());
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    expectError(await post('/me/mfa/confirm', h, { code: wrong }), 401, 'mfa_invalid');
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).json().user.mfaEnabled).toBe(false);
  });

  it('enrol → confirm turns MFA on, seals the secret, ends other sessions; a second enrol is 409', async () => {
    const { owner, workspace, h } = await signedIn();
    const other = headersOf(await login(t, owner.email, TEST_PASSWORD, nextIp()));
    const enrol = await post('/me/mfa/enrol', h, { password: TEST_PASSWORD });
    expect(enrol.statusCode).toBe(200);
    const body = enrol.json() as { secret: string; otpauthUrl: string; qrDataUrl: string };
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Latchkey:/);
    expect(decodeURIComponent(body.otpauthUrl)).toContain(owner.email);
    expect(body.qrDataUrl.startsWith('data:image/png;base64,')).toBe(true);

    const [sealed] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(sealed!.mfaSecretSealed).toBeTruthy();
    expect(sealed!.mfaSecretSealed).not.toContain(body.secret);

    const confirm = await post('/me/mfa/confirm', h, { code: await totpCodeAt(body.secret, clock.now()) });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json()).toEqual({ mfaEnabled: true });
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).json().user.mfaEnabled).toBe(true);
    expectError(await t.app.inject({ url: '/api/v1/session', headers: other }), 401, 'unauthenticated');
    expect(await eventsOf(workspace.id, 'MFA Enabled')).toHaveLength(1);

    expectError(await post('/me/mfa/enrol', h, { password: TEST_PASSWORD }), 409, 'conflict');
    // The secret is never returned again, by any route.
    expect((await t.app.inject({ url: '/api/v1/session', headers: h })).body).not.toContain(body.secret);
  });
});

describe('signing in with MFA', () => {
  it('password → mfa_required (pending session) → code → a NEW full session; the same code is refused after', async () => {
    const { owner, workspace, h } = await signedIn();
    const secret = await turnOnMfa(h);

    const first = await login(t, owner.email, TEST_PASSWORD, nextIp());
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'mfa_required', csrfToken: expect.any(String) });
    const pending = headersOf(first);
    const [pendingRow] = await t.deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(sessionCookieOf(first).token)));
    expect(pendingRow!.mfaPassed).toBe(false);
    expect(pendingRow!.expiresAt.getTime() - clock.now().getTime()).toBe(5 * 60_000);

    // A pending session is not a session.
    expectError(await t.app.inject({ url: '/api/v1/session', headers: pending }), 401, 'mfa_required');
    expectError(await post('/me/password', pending, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }), 401, 'mfa_required');
    // MFA needs the pending session and its CSRF token.
    expectError(await post('/auth/mfa', undefined, { code: '123456' }), 401, 'unauthenticated');
    expectError(await post('/auth/mfa', { cookie: pending.cookie }, { code: '123456' }), 403, 'csrf_invalid');
    expectError(await post('/auth/mfa', pending, { code: 'abc' }), 400, 'validation_failed');

    const code = await totpCodeAt(secret, clock.now());
    const done = await post('/auth/mfa', pending, { code });
    expect(done.statusCode).toBe(200);
    expect(done.json().status).toBe('signed_in');
    expect(done.json().session.user.mfaEnabled).toBe(true);
    const full = headersOf(done);
    expect(sessionCookieOf(done).token).not.toBe(sessionCookieOf(first).token);
    expect((await t.app.inject({ url: '/api/v1/session', headers: full })).statusCode).toBe(200);
    // The pending session is over.
    expectError(await post('/auth/mfa', pending, { code }), 401, 'unauthenticated');

    const logins = await eventsOf(workspace.id, 'Login To Latchkey');
    expect(logins.map((e) => e.data)).toContainEqual({ mfa: true });

    // Replay: the same code on a new pending session, within its validity window.
    const again = headersOf(await login(t, owner.email, TEST_PASSWORD, nextIp()));
    expectError(await post('/auth/mfa', again, { code }), 401, 'mfa_invalid');
    const failed = await eventsOf(workspace.id, 'Login To Latchkey Failed');
    expect(failed.map((e) => e.data)).toContainEqual({ reason: 'mfa_invalid' });
  });

  it('a pending session expires after 5 minutes', async () => {
    const { owner, h } = await signedIn();
    const secret = await turnOnMfa(h);
    const pending = headersOf(await login(t, owner.email, TEST_PASSWORD, nextIp()));
    clock.advance(5 * 60_000 + 1_000);
    expectError(await post('/auth/mfa', pending, { code: await totpCodeAt(secret, clock.now()) }), 401, 'unauthenticated');
  });

  it('answers 429 after 5 wrong codes in 15 minutes, even for the right code', async () => {
    const { owner, h } = await signedIn();
    const secret = await turnOnMfa(h);
    const pending = headersOf(await login(t, owner.email, TEST_PASSWORD, nextIp()));
    const good = await totpCodeAt(secret, clock.now());
    const wrong = String((Number(good) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) expectError(await post('/auth/mfa', pending, { code: wrong }), 401, 'mfa_invalid');
    const sixth = await post('/auth/mfa', pending, { code: wrong });
    expectError(sixth, 429, 'rate_limited');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await post('/auth/mfa', pending, { code: good }), 429, 'rate_limited');
    expect(await t.deps.db.select().from(loginFailures).where(eq(loginFailures.key, mfaKey(owner.id)))).toHaveLength(5);
  });
});

describe('POST /me/mfa/disable', () => {
  it('needs the password and a current code; then sign-in no longer asks for a code', async () => {
    const { owner, workspace, h } = await signedIn();
    expectError(await post('/me/mfa/disable', h, { password: TEST_PASSWORD, code: '123456' }), 409, 'conflict');
    const secret = await turnOnMfa(h);
    const code = await totpCodeAt(secret, clock.now());
    expectError(await post('/me/mfa/disable', h, { password: TEST_PASSWORD }), 400, 'validation_failed');
    expectError(await post('/me/mfa/disable', h, { password: 'not my password!', code }), 401, 'invalid_credentials');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expectError(await post('/me/mfa/disable', h, { password: TEST_PASSWORD, code: wrong }), 401, 'mfa_invalid');

    const res = await post('/me/mfa/disable', h, { password: TEST_PASSWORD, code });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mfaEnabled: false });
    const [u] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(u!.mfaEnabledAt).toBeNull();
    expect(u!.mfaSecretSealed).toBeNull();
    expect(await eventsOf(workspace.id, 'MFA Disabled')).toHaveLength(1);
    expect((await login(t, owner.email, TEST_PASSWORD, nextIp())).json().status).toBe('signed_in');
    const live = await t.deps.db.select().from(sessions).where(and(eq(sessions.userId, owner.id), isNull(sessions.endedAt)));
    expect(live.length).toBe(2);
  });
});
