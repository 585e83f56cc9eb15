import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityListResponse } from '@shared/activity-api';
import type { CreatePairingResponse, DeviceAccountsResponse, PairingDto, RedeemFillTicketResponse, TrustedDeviceListResponse } from '@shared/devices';
import { devicePairings, devices, grants } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { totpCodeAt } from '../auth/totp';
import { createTestApp, expectError, injectAs, sessionFor, TEST_PASSWORD, type TestApp } from '../../../test/harness';
import { buildWorld, insertAccount, type World } from '../../../test/world';
import { asDevice, eventsOf, insertDevices, pairDevice, pollToken, setTotp, startPairing } from './test-helpers';

const clock = manualClock(new Date('2026-12-02T10:00:00Z'));
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp({ clock });
  w = await buildWorld(t.deps);
});
afterAll(async () => t?.close());
beforeEach(() => clock.advance(1000));

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A fresh account owned by `user`, with `collaborator` and `loginOnly` as Collaborators. */
async function account(password = 'S3cret-pass-for-tests') {
  const acc = await insertAccount(t.deps, w.a.workspaceId, w.users.user.userId, [w.users.collaborator.userId, w.users.loginOnly.userId], { password });
  return acc.id;
}

async function ticketFor(token: string, accountId: string) {
  const res = await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { ticketId: string; ticket: string; expiresAt: string };
}
const redeem = (token: string, ticket: string, origin = 'https://www.instagram.com') =>
  asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets/redeem', payload: { ticket, origin } });

describe('OpenAPI', () => {
  it('documents the device routes, with the device token as their security', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/devices/pairings',
        '/api/v1/devices/pairings/{userCode}/approve',
        '/api/v1/devices/pairings/{pairingId}/token',
        '/api/v1/me/devices/{deviceId}',
        '/api/v1/device/tickets/redeem',
      ]),
    );
    expect(doc.paths['/api/v1/device/tickets/redeem']!.post!.security).toEqual([{ deviceToken: [] }]);
    expect(doc.components.securitySchemes.deviceToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('pairing (device flow)', () => {
  it('refuses a bad body with 400 and an unknown code with 404', async () => {
    expectError(await startPairing(t, { browser: '', os: 'macOS' }), 400, 'validation_failed');
    expectError(await startPairing(t, { browser: 'x'.repeat(101), os: 'macOS' }), 400, 'validation_failed');
    expectError(await startPairing(t, { browser: 'Chrome', os: 'macOS', extra: 1 }), 400, 'validation_failed');
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'GET', url: '/api/v1/devices/pairings/not-a-code' }), 400, 'validation_failed');
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'GET', url: '/api/v1/devices/pairings/BCDF-GHJK' }), 404, 'not_found');
    expectError(
      await t.app.inject({ method: 'POST', url: '/api/v1/devices/pairings/00000000-0000-4000-8000-000000000000/token', payload: { pollSecret: 'x'.repeat(43) } }),
      404,
      'not_found',
    );
  });

  it('needs a session to see, approve or deny a pairing (401), and CSRF to approve (403)', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    expectError(await injectAs(t, null, { method: 'GET', url: `/api/v1/devices/pairings/${p.userCode}` }), 401, 'unauthenticated');
    expectError(await injectAs(t, null, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` }), 401, 'unauthenticated');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/pairings/${p.userCode}/approve`,
      headers: { cookie: w.sessions.collaborator.headers.cookie },
    });
    expectError(noCsrf, 403, 'csrf_invalid');
    expect((await pollToken(t, p.pairingId, p.pollSecret)).statusCode).toBe(202);
  });

  it('a wrong poll secret answers like an unknown pairing (404)', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    expectError(await pollToken(t, p.pairingId, 'y'.repeat(43)), 404, 'not_found');
  });

  it('pending → approved → the token exactly once → 410', async () => {
    const start = await startPairing(t, { browser: 'Chrome 131', os: 'Windows 11' });
    expect(start.statusCode).toBe(201);
    const p = start.json() as CreatePairingResponse;
    expect(p.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(p.approveUrl).toBe(`http://latchkey.test/devices/approve?code=${p.userCode}`);
    expect(new Date(p.expiresAt).getTime() - clock.now().getTime()).toBe(10 * 60_000);
    expect(p.intervalSeconds).toBe(5);

    expect((await pollToken(t, p.pairingId, p.pollSecret)).json()).toEqual({ status: 'pending' });

    // The approve page reads it, lower-case and without the dash too.
    const seen = await injectAs(t, w.sessions.collaborator, { method: 'GET', url: `/api/v1/devices/pairings/${p.userCode.toLowerCase().replace('-', '')}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json() as PairingDto).toMatchObject({ userCode: p.userCode, browser: 'Chrome 131', os: 'Windows 11', state: 'pending', workspaceName: 'Acme (A)' });

    const ok = await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
    expect(ok.statusCode, ok.body).toBe(200);
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` }), 409, 'conflict');

    const tok = await pollToken(t, p.pairingId, p.pollSecret);
    expect(tok.statusCode).toBe(200);
    const body = tok.json() as { deviceToken: string; device: { id: string }; user: { email: string }; workspace: { id: string; name: string } };
    expect(body.deviceToken).toMatch(/^lkd_[A-Za-z0-9_-]{43}$/);
    expect(body.user.email).toBe(w.users.collaborator.email);
    expect(body.workspace).toEqual({ id: w.a.workspaceId, name: 'Acme (A)' });

    expectError(await pollToken(t, p.pairingId, p.pollSecret), 410, 'pairing_expired');
    // Stored hashed only.
    const [row] = await t.deps.db.select().from(devices).where(eq(devices.id, body.device.id));
    expect(row!.tokenHash).not.toContain(body.deviceToken.slice(4));
    expect(JSON.stringify(row)).not.toContain(body.deviceToken);
    const events = await eventsOf(t, 'Device Paired', w.users.collaborator.userId);
    expect(events.at(-1)!.data).toEqual({ deviceId: body.device.id, browser: 'Chrome 131', os: 'Windows 11' });
  });

  it('a denied pairing never gives a token (410), nor does an expired one', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    const deny = await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/deny` });
    expect(deny.statusCode).toBe(204);
    expectError(await pollToken(t, p.pairingId, p.pollSecret), 410, 'pairing_expired');
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` }), 410, 'pairing_expired');

    const q = (await startPairing(t)).json() as CreatePairingResponse;
    clock.advance(10 * 60_000);
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'GET', url: `/api/v1/devices/pairings/${q.userCode}` }), 410, 'pairing_expired');
    expectError(await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/devices/pairings/${q.userCode}/approve` }), 410, 'pairing_expired');
    expectError(await pollToken(t, q.pairingId, q.pollSecret), 410, 'pairing_expired');
  });

  it('an approved pairing not collected in time gives no token, and frees its slot', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    const ok = await injectAs(t, w.sessions.loginOnly, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
    expect(ok.statusCode).toBe(200);
    clock.advance(10 * 60_000 + 1);
    expectError(await pollToken(t, p.pairingId, p.pollSecret), 410, 'pairing_expired');
    await pairDevice(t, w.sessions.loginOnly); // approving again sweeps the uncollected device
    const [pairing] = await t.deps.db.select().from(devicePairings).where(eq(devicePairings.id, p.pairingId));
    const [stale] = await t.deps.db.select().from(devices).where(eq(devices.id, pairing!.deviceId!));
    expect(stale!.revokedAt).not.toBeNull();
    expect(stale!.revokeReason).toBe('pairing_expired');
  });

  it('rate-limits starting pairings per IP (429)', async () => {
    for (let i = 0; i < 20; i++) expect((await startPairing(t, undefined, '198.51.100.9')).statusCode).toBe(201);
    const res = await startPairing(t, undefined, '198.51.100.9');
    expectError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBeDefined();
    expect((await startPairing(t, undefined, '198.51.100.10')).statusCode).toBe(201);
  });

  it('refuses the 21st active device (409 device_limit_reached); revoking one makes room', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    await insertDevices(t, m.userId, w.a.workspaceId, 20);
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    const res = await injectAs(t, s, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
    expect(expectError(res, 409, 'device_limit_reached').message).toContain('20 trusted devices');
    expect((await pollToken(t, p.pairingId, p.pollSecret)).statusCode).toBe(202); // nothing changed

    const list = (await injectAs(t, s, { method: 'GET', url: '/api/v1/me/devices' })).json() as TrustedDeviceListResponse;
    expect(list.devices).toHaveLength(20);
    const del = await injectAs(t, s, { method: 'DELETE', url: `/api/v1/me/devices/${list.devices[0]!.id}` });
    expect(del.statusCode).toBe(204);
    const again = await injectAs(t, s, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
    expect(again.statusCode, again.body).toBe(200);
    const active = await t.deps.db.select().from(devices).where(and(eq(devices.userId, m.userId), isNull(devices.revokedAt)));
    expect(active).toHaveLength(20);
  });
});

describe('device authentication', () => {
  it('refuses no token, a malformed or unknown token (401 device_unknown), and ignores the session cookie', async () => {
    expectError(await asDevice(t, null, { method: 'GET', url: '/api/v1/device/accounts' }), 401, 'device_unknown');
    expectError(await asDevice(t, 'lkd_nope', { method: 'GET', url: '/api/v1/device/accounts' }), 401, 'device_unknown');
    expectError(await asDevice(t, `lkd_${'a'.repeat(43)}`, { method: 'GET', url: '/api/v1/device/accounts' }), 401, 'device_unknown');
    expectError(await injectAs(t, w.sessions.user, { method: 'GET', url: '/api/v1/device/accounts' }), 401, 'device_unknown');
  });

  it('refuses a removed member’s device (401 device_revoked)', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const { token } = await pairDevice(t, s);
    expect((await asDevice(t, token, { method: 'GET', url: '/api/v1/device/me' })).statusCode).toBe(200);
    const del = await injectAs(t, w.sessions.admin, { method: 'DELETE', url: `/api/v1/members/${m.userId}` });
    expect(del.statusCode, del.body).toBe(200);
    expectError(await asDevice(t, token, { method: 'GET', url: '/api/v1/device/accounts' }), 401, 'device_revoked');
    const [row] = await t.deps.db.select().from(devices).where(eq(devices.userId, m.userId));
    expect(row).toMatchObject({ revokeReason: 'member_removed' });
    expect(row!.revokedAt).not.toBeNull();
  });

  it('a password change revokes every device of the user, even while this session stays signed in', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const first = await pairDevice(t, s);
    const second = await pairDevice(t, s, 'Firefox 133', 'Linux');
    const changed = await injectAs(t, s, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'plum-harbour-sextant-42' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    for (const d of [first, second]) {
      expectError(await asDevice(t, d.token, { method: 'GET', url: '/api/v1/device/me' }), 401, 'device_revoked');
    }
    const rows = await t.deps.db.select().from(devices).where(eq(devices.userId, m.userId));
    expect(rows.map((r) => r.revokeReason)).toEqual(['password_changed', 'password_changed']);
    // The session that changed the password still works, and its Trusted devices list is empty.
    const list = await injectAs(t, s, { method: 'GET', url: '/api/v1/me/devices' });
    expect(list.statusCode).toBe(200);
    expect((list.json() as TrustedDeviceListResponse).devices).toEqual([]);
  });

  it('an Admin resetting a member’s MFA revokes their devices; another member’s device keeps working', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const theirs = await pairDevice(t, s);
    const bystander = await pairDevice(t, w.sessions.collaborator);
    const reset = await injectAs(t, w.sessions.admin, { method: 'POST', url: `/api/v1/members/${m.userId}/reset-mfa` });
    expect(reset.statusCode, reset.body).toBeLessThan(300);
    expectError(await asDevice(t, theirs.token, { method: 'GET', url: '/api/v1/device/me' }), 401, 'device_revoked');
    expect((await asDevice(t, bystander.token, { method: 'GET', url: '/api/v1/device/me' })).statusCode).toBe(200);
  });

  it('records last use and IP', async () => {
    const { token, deviceId } = await pairDevice(t, w.sessions.collaborator);
    await asDevice(t, token, { method: 'GET', url: '/api/v1/device/me', ip: '192.0.2.44' });
    const [row] = await t.deps.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(row!.lastIp).toBe('192.0.2.44');
    expect(row!.lastUsedAt!.getTime()).toBe(clock.now().getTime());
  });
});

describe('Trusted devices', () => {
  it('lists my devices only, and another user’s device is 404 to revoke', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const mine = await pairDevice(t, s, 'Firefox 133', 'Linux');
    const theirs = await pairDevice(t, w.sessions.user);
    const res = await injectAs(t, s, { method: 'GET', url: '/api/v1/me/devices' });
    expect(res.statusCode).toBe(200);
    const { devices: list } = res.json() as TrustedDeviceListResponse;
    expect(list).toEqual([
      expect.objectContaining({ id: mine.deviceId, browser: 'Firefox 133', os: 'Linux', workspaceName: 'Acme (A)', current: false }),
    ]);
    expect(res.body).not.toContain('lkd_');
    expectError(await injectAs(t, s, { method: 'DELETE', url: `/api/v1/me/devices/${theirs.deviceId}` }), 404, 'not_found');
    expectError(await injectAs(t, w.sessions.otherAdmin, { method: 'DELETE', url: `/api/v1/me/devices/${mine.deviceId}` }), 404, 'not_found');
    expectError(await injectAs(t, null, { method: 'GET', url: '/api/v1/me/devices' }), 401, 'unauthenticated');
  });

  it('revoking a device stops its next redemption (401 device_revoked, recorded as a Login attempt)', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const acc = await insertAccount(t.deps, w.a.workspaceId, w.users.user.userId, [m.userId]);
    const { token, deviceId } = await pairDevice(t, s);
    const { ticket } = await ticketFor(token, acc.id);
    const del = await injectAs(t, s, { method: 'DELETE', url: `/api/v1/me/devices/${deviceId}` });
    expect(del.statusCode).toBe(204);
    expectError(await redeem(token, ticket), 401, 'device_revoked');
    expectError(await injectAs(t, s, { method: 'DELETE', url: `/api/v1/me/devices/${deviceId}` }), 404, 'not_found');
    const attempts = await eventsOf(t, 'Login attempt', m.userId);
    expect(attempts.map((e) => (e.data as { reason: string }).reason)).toEqual(['device_revoked']);
    expect((await eventsOf(t, 'Device Revoked', m.userId)).map((e) => (e.data as { deviceId: string }).deviceId)).toEqual([deviceId]);
    expect(await eventsOf(t, 'Log in', m.userId)).toHaveLength(0);
  });
});

describe('Disconnect (the device revokes itself)', () => {
  it('needs the device token; revokes only this device, records "Device Revoked", and the token then answers 401', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    const leaving = await pairDevice(t, s);
    const staying = await pairDevice(t, s, 'Firefox 133', 'Linux');
    expectError(await asDevice(t, null, { method: 'DELETE', url: '/api/v1/device/me' }), 401, 'device_unknown');
    expectError(await injectAs(t, s, { method: 'DELETE', url: '/api/v1/device/me' }), 401, 'device_unknown');

    const res = await asDevice(t, leaving.token, { method: 'DELETE', url: '/api/v1/device/me' });
    expect(res.statusCode, res.body).toBe(204);
    expectError(await asDevice(t, leaving.token, { method: 'GET', url: '/api/v1/device/me' }), 401, 'device_revoked');
    expect((await asDevice(t, staying.token, { method: 'GET', url: '/api/v1/device/me' })).statusCode).toBe(200);
    const [row] = await t.deps.db.select().from(devices).where(eq(devices.id, leaving.deviceId));
    expect(row).toMatchObject({ revokeReason: 'disconnected' });
    expect((await eventsOf(t, 'Device Revoked', m.userId)).map((e) => (e.data as { deviceId: string }).deviceId)).toEqual([leaving.deviceId]);
    const list = (await injectAs(t, s, { method: 'GET', url: '/api/v1/me/devices' })).json() as TrustedDeviceListResponse;
    expect(list.devices.map((d) => d.id)).toEqual([staying.deviceId]);
  });
});

describe('accounts for a page', () => {
  it('lists accounts whose login URL has the page’s origin (all without url), never a secret', async () => {
    const id = await account();
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const all = (await asDevice(t, token, { method: 'GET', url: '/api/v1/device/accounts' })).json() as DeviceAccountsResponse;
    expect(all.accounts.map((a) => a.id)).toContain(id);
    const onPage = await asDevice(t, token, { method: 'GET', url: `/api/v1/device/accounts?url=${encodeURIComponent('https://www.instagram.com/some/page?x=1')}` });
    expect((onPage.json() as DeviceAccountsResponse).accounts.map((a) => a.id)).toContain(id);
    expect(Object.keys((onPage.json() as DeviceAccountsResponse).accounts[0]!).sort()).toEqual(['appName', 'id', 'loginUrl', 'name']);
    const elsewhere = await asDevice(t, token, { method: 'GET', url: `/api/v1/device/accounts?url=${encodeURIComponent('https://instagram.com.evil.test/')}` });
    expect((elsewhere.json() as DeviceAccountsResponse).accounts).toEqual([]);
    expect(all.accounts.some((a) => a.id === w.b.accountId)).toBe(false);
  });
});

describe('fill tickets and redemption', () => {
  it('refuses a ticket for an account the user cannot log in to (404), or a bad id (400)', async () => {
    const { token } = await pairDevice(t, w.sessions.collaborator);
    expectError(await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: 'nope' } }), 400, 'validation_failed');
    expectError(await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: w.b.accountId } }), 404, 'not_found');
    const notMine = await insertAccount(t.deps, w.a.workspaceId, w.users.user.userId, []);
    expectError(await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: notMine.id } }), 404, 'not_found');
    expectError(await redeem(token, 'lkt_unknown-ticket-value'), 404, 'ticket_unknown');
    expect((await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!.data).toMatchObject({ reason: 'ticket_unknown' });
  });

  it('a Collaborator logs in: username, password and the current TOTP code; Activity shows "Log in" with the device', async () => {
    const id = await account('Pa55word-of-the-account');
    await setTotp(t, w.a.workspaceId, id, TOTP_SECRET);
    const { token, deviceId } = await pairDevice(t, w.sessions.collaborator, 'Edge 131', 'Windows 11');
    const ticket = await ticketFor(token, id);
    expect(new Date(ticket.expiresAt).getTime() - clock.now().getTime()).toBe(60_000);
    expect(ticket.ticket).toMatch(/^lkt_/);
    const res = await redeem(token, ticket.ticket);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as RedeemFillTicketResponse;
    expect(body).toEqual({
      username: 'brand.social',
      password: 'Pa55word-of-the-account',
      totp: { code: await totpCodeAt(TOTP_SECRET, clock.now()), expiresInSeconds: 30 - (Math.floor(clock.now().getTime() / 1000) % 30) },
      loginUrl: 'https://www.instagram.com/accounts/login/',
    });
    expect(res.body).not.toContain(TOTP_SECRET);

    const act = await injectAs(t, w.sessions.collaborator, { method: 'GET', url: `/api/v1/activity?type=${encodeURIComponent('Log in')}` });
    expect(act.statusCode, act.body).toBe(200);
    const item = (act.json() as ActivityListResponse).items.find((i) => i.account?.id === id);
    expect(item).toBeDefined();
    expect(item!.data).toMatchObject({ deviceId, browser: 'Edge 131', os: 'Windows 11', ip: '203.0.113.7', totp: true });
    expect(item!.ip).toBe('203.0.113.7');
    expect(item!.summary).toContain('logged in to');
    expect(JSON.stringify(item)).not.toContain('Pa55word');
  });

  it('a ticket used twice → 409 ticket_used, with a "Login attempt"', async () => {
    const id = await account();
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const { ticket } = await ticketFor(token, id);
    expect((await redeem(token, ticket)).statusCode).toBe(200);
    expectError(await redeem(token, ticket), 409, 'ticket_used');
    expect((await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!.data).toMatchObject({ reason: 'ticket_used' });
  });

  it('a ticket past 60 s → 410 ticket_expired, and it stays unused', async () => {
    const id = await account();
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const { ticket } = await ticketFor(token, id);
    clock.advance(60_000);
    expectError(await redeem(token, ticket), 410, 'ticket_expired');
    const last = (await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!;
    expect(last.data).toMatchObject({ reason: 'ticket_expired' });
    expect(last.accountId).toBe(id);
  });

  it('a ticket redeemed from another device → 403 ticket_wrong_device; the right device can still use it', async () => {
    const id = await account();
    const one = await pairDevice(t, w.sessions.collaborator);
    const two = await pairDevice(t, w.sessions.collaborator, 'Safari 18', 'macOS');
    const { ticket } = await ticketFor(one.token, id);
    expectError(await redeem(two.token, ticket), 403, 'ticket_wrong_device');
    expect((await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!.data).toMatchObject({
      reason: 'ticket_wrong_device',
      deviceId: two.deviceId,
    });
    expect((await redeem(one.token, ticket)).statusCode).toBe(200);
  });

  it('a ticket for a non-matching origin → 403 ticket_origin_mismatch', async () => {
    const id = await account();
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const { ticket } = await ticketFor(token, id);
    for (const origin of ['https://instagram.com.evil.test', 'http://www.instagram.com', 'https://www.instagram.com:8443', 'javascript:alert(1)']) {
      expectError(await redeem(token, ticket, origin), 403, 'ticket_origin_mismatch');
    }
    expect((await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!.data).toMatchObject({ reason: 'ticket_origin_mismatch' });
    expect((await redeem(token, ticket, 'https://www.instagram.com')).statusCode).toBe(200);
  });

  it('a ticket whose grant was revoked after issue → 403 ticket_access_revoked', async () => {
    const id = await account();
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const { ticket } = await ticketFor(token, id);
    await t.deps.db
      .update(grants)
      .set({ revokedAt: clock.now() })
      .where(and(eq(grants.accountId, id), eq(grants.userId, w.users.collaborator.userId)));
    expectError(await redeem(token, ticket), 403, 'ticket_access_revoked');
    expect((await eventsOf(t, 'Login attempt', w.users.collaborator.userId)).at(-1)!.data).toMatchObject({ reason: 'ticket_access_revoked' });
    expect(await eventsOf(t, 'Log in', w.users.collaborator.userId).then((xs) => xs.filter((x) => x.accountId === id))).toHaveLength(0);
  });

  it('rate-limits redemptions per device (429)', async () => {
    const { token } = await pairDevice(t, w.sessions.loginOnly);
    for (let i = 0; i < 30; i++) expect((await redeem(token, `lkt_${i}-unknown-ticket`)).statusCode).toBe(404);
    expectError(await redeem(token, 'lkt_31-unknown-ticket'), 429, 'rate_limited');
  });
});

describe('secrets never reach the web app', () => {
  it('no web route answers a Collaborator the password or TOTP secret; reveal stays Owner-only', async () => {
    const id = await account('Never-In-A-Web-Response-1');
    await setTotp(t, w.a.workspaceId, id, TOTP_SECRET);
    for (const url of ['/api/v1/accounts', `/api/v1/accounts/${id}`, '/api/v1/me/devices', '/api/v1/activity']) {
      const res = await injectAs(t, w.sessions.collaborator, { method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).not.toContain('Never-In-A-Web-Response-1');
      expect(res.body).not.toContain(TOTP_SECRET);
    }
    for (const field of ['password', 'totp']) {
      const res = await injectAs(t, w.sessions.collaborator, { method: 'POST', url: `/api/v1/accounts/${id}/reveal`, payload: { field } });
      expectError(res, 403, 'forbidden');
    }
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const list = await asDevice(t, token, { method: 'GET', url: '/api/v1/device/accounts' });
    expect(list.body).not.toContain('Never-In-A-Web-Response-1');
    expect(list.body).not.toContain('brand.social');
  });
});
