import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { hashToken } from '../../lib/tokens';
import { TEST_PASSWORD, createTestApp, createWorkspace, expectError, type TestApp } from '../../../test/harness';
import { headersOf, login, sessionCookieOf } from './test-helpers';
import { totpCodeAt } from './totp';

/** MFA paths the main suites do not walk: a second live session when MFA is turned off, and confirming twice. */

const clock = manualClock(new Date('2026-03-02T09:00:10Z'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

let ipSeq = 0;
const nextIp = () => `10.88.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;

const post = (url: string, h: Record<string, string> | undefined, payload?: unknown) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: h, payload: payload as never });
const sessionOf = (h: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/session', headers: h });

async function signedIn() {
  const ws = await createWorkspace(t.deps);
  const res = await login(t, ws.owner.email, TEST_PASSWORD, nextIp());
  expect(res.statusCode, res.body).toBe(200);
  return { ...ws, h: headersOf(res), token: sessionCookieOf(res).token };
}

/** Enrol and confirm MFA; returns the secret. Leaves the clock on a fresh time step. */
async function turnOnMfa(h: Record<string, string>): Promise<string> {
  const enrol = await post('/me/mfa/enrol', h, { password: TEST_PASSWORD });
  expect(enrol.statusCode, enrol.body).toBe(200);
  const { secret } = enrol.json() as { secret: string };
  const confirm = await post('/me/mfa/confirm', h, { code: await totpCodeAt(secret, clock.now()) });
  expect(confirm.statusCode, confirm.body).toBe(200);
  clock.advance(30_000);
  return secret;
}

async function eventsOf(workspaceId: string, type: string) {
  return t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, workspaceId), eq(activityEvents.type, type)));
}

async function sessionRow(token: string) {
  const [row] = await t.deps.db.select().from(sessions).where(eq(sessions.tokenHash, hashToken(token)));
  return row!;
}

describe('POST /me/mfa/disable with a second live session', () => {
  it('ends the other session (401 after, reason mfa_changed); the current one stays signed in', async () => {
    const { owner, workspace, h, token } = await signedIn();
    const secret = await turnOnMfa(h);

    // A second full session of the same user, signed in with password + code after MFA was on.
    const pending = await login(t, owner.email, TEST_PASSWORD, nextIp());
    expect(pending.json()).toMatchObject({ status: 'mfa_required' });
    const done = await post('/auth/mfa', headersOf(pending), { code: await totpCodeAt(secret, clock.now()) });
    expect(done.statusCode, done.body).toBe(200);
    const second = headersOf(done);
    const secondToken = sessionCookieOf(done).token;
    expect((await sessionOf(second)).statusCode).toBe(200);
    clock.advance(30_000);

    const off = await post('/me/mfa/disable', h, { password: TEST_PASSWORD, code: await totpCodeAt(secret, clock.now()) });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ mfaEnabled: false });

    expectError(await sessionOf(second), 401, 'unauthenticated');
    expect(await sessionRow(secondToken)).toMatchObject({ endReason: 'mfa_changed', endedAt: expect.any(Date) });
    const current = await sessionOf(h);
    expect(current.statusCode, current.body).toBe(200);
    expect(current.json()).toMatchObject({ user: { id: owner.id, mfaEnabled: false } });
    expect(await sessionRow(token)).toMatchObject({ endedAt: null });
    expect(await eventsOf(workspace.id, 'MFA Disabled')).toHaveLength(1);
  });
});

describe('POST /me/mfa/confirm when MFA is already on', () => {
  it('409 conflict, even with a valid code; MFA, the last step and other sessions unchanged; no second event', async () => {
    const { owner, workspace, h } = await signedIn();
    const secret = await turnOnMfa(h);
    const pending = await login(t, owner.email, TEST_PASSWORD, nextIp());
    const done = await post('/auth/mfa', headersOf(pending), { code: await totpCodeAt(secret, clock.now()) });
    expect(done.statusCode, done.body).toBe(200);
    const second = headersOf(done);
    clock.advance(30_000);
    const [before] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(before!.mfaEnabledAt).toBeInstanceOf(Date);

    const res = await post('/me/mfa/confirm', h, { code: await totpCodeAt(secret, clock.now()) });
    expectError(res, 409, 'conflict');

    const [after] = await t.deps.db.select().from(users).where(eq(users.id, owner.id));
    expect(after).toEqual(before);
    expect((await sessionOf(second)).statusCode).toBe(200);
    expect((await sessionOf(h)).statusCode).toBe(200);
    expect(await eventsOf(workspace.id, 'MFA Enabled')).toHaveLength(1);
  });
});
