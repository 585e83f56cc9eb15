import type { FastifyRequest } from 'fastify';
import { DEVICE_TOKEN_PREFIX } from '@shared/devices';
import { ErrorCode } from '@shared/errors';
import { assertDeviceMayAct, type DeviceActor } from '../../authz/devices';
import type { Db } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import type { RequestMeta } from '../../lib/request-context';
import { hashToken } from '../../lib/tokens';
import { inTransaction } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { devicesRepository as repo } from './devices.repository';

/** lastUsedAt is written at most this often (or when the IP changes), so reads stay reads. */
const TOUCH_EVERY_MS = 30_000;
const TOKEN_MAX = 128;

const unknownDevice = () =>
  new AppError(ErrorCode.DEVICE_UNKNOWN, 'This device is not paired with Latchkey. Pair the extension from its menu.');

/**
 * Resolve `Authorization: Bearer lkd_…` to the device's actor, or throw 401 device_unknown /
 * 401 device_revoked / 403 mfa_enrolment_required (authz/devices.ts decides). Called by the
 * session plugin on every 'device' route. With `audit`, a revoked device's attempt is written to
 * the trail in its own transaction (nothing else changes) before the refusal.
 */
export async function authenticateDevice(
  deps: { db: Db; clock: Clock },
  authorization: string | undefined,
  meta: RequestMeta,
  opts: { audit: boolean },
): Promise<DeviceActor> {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (!token || token.length > TOKEN_MAX || !token.startsWith(DEVICE_TOKEN_PREFIX)) throw unknownDevice();
  const resolved = await repo.resolveByTokenHash(deps.db, hashToken(token));
  if (!resolved) throw unknownDevice();
  const { device, user, workspace, membership } = resolved;
  const now = deps.clock.now();
  try {
    assertDeviceMayAct({ revoked: device.revokedAt !== null, membership, mfaEnabled: user.mfaEnabled }, workspace.name);
  } catch (err) {
    if (opts.audit && err instanceof AppError && err.code === ErrorCode.DEVICE_REVOKED) {
      await inTransaction(deps.db, (tx) =>
        recordActivity(
          tx,
          { type: 'Login attempt', data: { deviceId: device.id, browser: device.browser, os: device.os, ip: meta.ip, reason: 'device_revoked' } },
          { workspaceId: workspace.id, actor: { userId: user.id, email: user.email }, meta, at: now },
        ),
      );
    }
    throw err;
  }
  const stale = !device.lastUsedAt || now.getTime() - device.lastUsedAt.getTime() > TOUCH_EVERY_MS || device.lastIp !== meta.ip;
  if (stale) await repo.touchDevice(deps.db, workspace.id, device.id, meta.ip, now);
  return {
    deviceId: device.id,
    browser: device.browser,
    os: device.os,
    userId: user.id,
    email: user.email,
    name: user.name,
    workspaceId: workspace.id,
    workspaceName: workspace.name,
    role: membership!.role,
    localPartnerId: membership!.localPartnerId,
    mfaEnabled: user.mfaEnabled,
  };
}

/** For 'device' routes: the device actor, typed non-null. */
export function deviceOf(request: FastifyRequest): DeviceActor {
  if (!request.device) throw unknownDevice();
  return request.device;
}
