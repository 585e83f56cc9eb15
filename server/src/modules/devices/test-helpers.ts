import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import type { CreatePairingResponse, PairingTokenResponse } from '@shared/devices';
import { accounts, activityEvents, devices } from '../../db/schema/index';
import { hashToken, newToken } from '../../lib/tokens';
import { injectAs, type TestApp, type TestSession } from '../../../test/harness';

/** A random client IP, so the per-IP pairing limit never couples one test to another. */
export const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export async function startPairing(t: TestApp, body: unknown = { browser: 'Chrome 131', os: 'macOS' }, ip = randomIp()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/devices/pairings', payload: body as object, remoteAddress: ip });
}

export async function pollToken(t: TestApp, pairingId: string, pollSecret: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/v1/devices/pairings/${pairingId}/token`, payload: { pollSecret }, remoteAddress: randomIp() });
}

/** Pair a device for `session` through the real routes; returns its token and id. */
export async function pairDevice(t: TestApp, session: TestSession, browser = 'Chrome 131', os = 'macOS') {
  const start = await startPairing(t, { browser, os });
  if (start.statusCode !== 201) throw new Error(`pairing start: ${start.statusCode} ${start.body}`);
  const p = start.json() as CreatePairingResponse;
  const ok = await injectAs(t, session, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
  if (ok.statusCode !== 200) throw new Error(`approve: ${ok.statusCode} ${ok.body}`);
  const tok = await pollToken(t, p.pairingId, p.pollSecret);
  if (tok.statusCode !== 200) throw new Error(`token: ${tok.statusCode} ${tok.body}`);
  const body = tok.json() as PairingTokenResponse;
  return { token: body.deviceToken, deviceId: body.device.id, body };
}

/** Insert active devices directly (for the 20-device limit), in slots 1..n. */
export async function insertDevices(t: TestApp, userId: string, workspaceId: string, n: number) {
  for (let slot = 1; slot <= n; slot++) {
    await t.deps.db.insert(devices).values({
      workspaceId,
      userId,
      tokenHash: hashToken(newToken()),
      browser: 'Firefox',
      os: 'Linux',
      slot,
      activatedAt: t.deps.clock.now(),
    });
  }
}

/** A request as a device (Bearer token), from a fixed IP. */
export function asDevice(t: TestApp, token: string | null, req: { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object; ip?: string }) {
  return t.app.inject({
    method: req.method,
    url: req.url,
    ...(req.payload ? { payload: req.payload } : {}),
    remoteAddress: req.ip ?? '203.0.113.7',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

export async function setLoginUrl(t: TestApp, accountId: string, loginUrl: string) {
  await t.deps.db.update(accounts).set({ loginUrl }).where(eq(accounts.id, accountId));
}

export async function setTotp(t: TestApp, workspaceId: string, accountId: string, secret: string) {
  await t.deps.db.transaction(async (tx) => t.deps.vault.writeAccountSecret(tx as never, workspaceId, accountId, 'totp', secret));
}

/** Activity rows of one type for a user, oldest first. */
export async function eventsOf(t: TestApp, type: string, userId: string) {
  const rows = await t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.type, type), eq(activityEvents.actorUserId, userId)))
    .orderBy(activityEvents.id);
  return rows;
}
