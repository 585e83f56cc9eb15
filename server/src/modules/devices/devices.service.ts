import { randomInt } from 'node:crypto';
import {
  DEVICES_PER_USER_MAX,
  DEVICE_TOKEN_PREFIX,
  FILL_TICKET_PREFIX,
  FILL_TICKET_TTL_SECONDS,
  PAIRING_POLL_INTERVAL_SECONDS,
  PAIRING_TTL_SECONDS,
  USER_CODE_ALPHABET,
  originOf,
  type CreatePairingRequest,
  type CreatePairingResponse,
  type CreateFillTicketResponse,
  type DeviceAccountsResponse,
  type DeviceMeResponse,
  type LoginAttemptReason,
  type PairingDto,
  type PairingPendingResponse,
  type PairingTokenResponse,
  type RedeemFillTicketResponse,
  type TrustedDeviceDto,
  type TrustedDeviceListResponse,
} from '@shared/devices';
import { ErrorCode } from '@shared/errors';
import { accountNotFound } from '../../authz/accounts';
import { loadLoginAccess, type DeviceActor } from '../../authz/devices';
import type { AppDeps } from '../../deps';
import { AppError, conflict, notFound, ruleViolation } from '../../lib/errors';
import type { Ctx, RequestMeta } from '../../lib/request-context';
import { hashToken, newToken, safeEqual } from '../../lib/tokens';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { TOTP_PERIOD_SECONDS, totpCodeAt } from '../auth/totp';
import { presentDeviceAccount, presentPairing, presentTrustedDevice } from './devices.presenter';
import { devicesRepository as repo, type PairingRow } from './devices.repository';
import {
  PAIRING_POLL_RULE,
  PAIRING_START_RULE,
  REDEEM_DEVICE_RULE,
  REDEEM_IP_RULE,
  TICKET_RULE,
  createWindowLimiter,
} from './rate-limit';

const REFUSAL_MESSAGES: Record<LoginAttemptReason, string> = {
  ticket_unknown: 'This log-in request is not known. Start the log in again from Latchkey.',
  ticket_used: 'This log-in request was already used. Start the log in again from Latchkey.',
  ticket_expired: 'This log-in request expired (it lasts 60 seconds). Start the log in again from Latchkey.',
  ticket_wrong_device: 'This log-in request was made for another device.',
  ticket_origin_mismatch: "This page is not the account's login page, so Latchkey will not fill it.",
  ticket_access_revoked: 'You no longer have access to this account.',
  device_revoked: 'This device is no longer trusted. Pair the extension again from Latchkey.',
};

const pairingExpired = () =>
  new AppError(ErrorCode.PAIRING_EXPIRED, 'This pairing code has expired or was already used. Start pairing again from the extension.');

/** "BCDF-GHJK" from the CSPRNG: 20^8 ≈ 2.6·10^10 codes, and a pairing lives 10 minutes. */
function newUserCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** True while a pairing can still be approved, denied or collected. */
function pairingLive(p: PairingRow, now: Date): boolean {
  return (p.state === 'pending' || p.state === 'approved') && p.expiresAt.getTime() > now.getTime();
}

type Refusal = {
  ok: false;
  reason: LoginAttemptReason;
  accountId: string | null;
  accountLabel: string | null;
  /** The account's workspace: a partner host's for an account shared through a partnership. */
  accountWorkspaceId: string | null;
  origin?: string;
};

/**
 * Trusted devices and fill tickets (issue 5, ADR 0013). Pairing follows RFC 8628; a device acts
 * for one user in one workspace; a fill ticket is single use, 60 s, bound to user, device and
 * account; redemption re-checks everything under the ticket's row lock and only then asks the
 * vault for the secrets. The TOTP secret never leaves this function: only the current code does.
 */
export function createDevicesService(deps: Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>) {
  const limits = {
    pairingStart: createWindowLimiter(deps.clock, PAIRING_START_RULE),
    pairingPoll: createWindowLimiter(deps.clock, PAIRING_POLL_RULE),
    ticket: createWindowLimiter(deps.clock, TICKET_RULE),
    redeemDevice: createWindowLimiter(deps.clock, REDEEM_DEVICE_RULE),
    redeemIp: createWindowLimiter(deps.clock, REDEEM_IP_RULE),
  };

  /** A refused redemption: written to the trail in its own transaction, nothing else changes. */
  async function recordAttempt(device: DeviceActor, meta: RequestMeta, r: Refusal): Promise<never> {
    const now = deps.clock.now();
    const owner = r.accountWorkspaceId ?? device.workspaceId;
    await inTransaction(deps.db, async (tx) => {
      await recordActivity(
        tx,
        {
          type: 'Login attempt',
          data: {
            ...(r.accountLabel !== null ? { accountLabel: r.accountLabel } : {}),
            deviceId: device.deviceId,
            browser: device.browser,
            os: device.os,
            ip: meta.ip,
            reason: r.reason,
            ...(r.origin !== undefined ? { origin: r.origin.slice(0, 200) } : {}),
          },
        },
        {
          // Like "Log in": the account's workspace keeps the trail, so a host sees refused attempts on
          // the accounts it shared; the guest workspace sees them as the partner workspace.
          workspaceId: owner,
          partnerWorkspaceId: owner === device.workspaceId ? null : device.workspaceId,
          actor: { userId: device.userId, email: device.email },
          accountId: r.accountId,
          meta,
          at: now,
        },
      );
      await deps.live.publish(tx, { workspaceIds: [...new Set([owner, device.workspaceId])], topics: ['activity'] });
    });
    throw new AppError(r.reason as ErrorCode, REFUSAL_MESSAGES[r.reason]);
  }

  return {
    // ── Pairing ──
    async startPairing(input: CreatePairingRequest, meta: RequestMeta): Promise<CreatePairingResponse> {
      limits.pairingStart.hit(`ip:${meta.ip ?? 'unknown'}`);
      const pollSecret = newToken();
      for (let attempt = 0; ; attempt++) {
        const now = deps.clock.now();
        const userCode = newUserCode();
        try {
          const p = await inTransaction(deps.db, (tx) =>
            repo.insertPairing(tx, {
              userCode,
              pollSecretHash: hashToken(pollSecret),
              browser: input.browser,
              os: input.os,
              ip: meta.ip,
              now,
              expiresAt: new Date(now.getTime() + PAIRING_TTL_SECONDS * 1000),
            }),
          );
          return {
            pairingId: p.id,
            userCode: p.userCode,
            pollSecret,
            approveUrl: `${deps.config.publicUrl}/devices/approve?code=${encodeURIComponent(p.userCode)}`,
            expiresAt: p.expiresAt.toISOString(),
            intervalSeconds: PAIRING_POLL_INTERVAL_SECONDS,
          };
        } catch (err) {
          if (attempt < 3 && isUniqueViolation(err, 'device_pairings_user_code_key')) continue;
          throw err;
        }
      }
    },

    /** What the approve page shows. Unknown → 404; past its time or already decided → 410. */
    async getPairing(ctx: Ctx, userCode: string): Promise<PairingDto> {
      const p = await repo.findPairingByCode(deps.db, userCode);
      if (!p) throw notFound(`Pairing code ${userCode}`);
      const now = deps.clock.now();
      const mine = p.userId === null || p.userId === ctx.actor.userId;
      if (!mine || !pairingLive(p, now)) throw pairingExpired();
      return presentPairing(p, ctx.actor.workspaceName);
    },

    /**
     * Approve: the device is created now, bound to the user and the session's workspace. Under the
     * pairing's row lock and the user's (20-device limit, re-counted under the lock; the slot
     * index refuses a 21st even if this check were skipped).
     */
    async approvePairing(ctx: Ctx, userCode: string): Promise<TrustedDeviceDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const p = await repo.lockPairingByCode(tx, userCode);
        if (!p) throw notFound(`Pairing code ${userCode}`);
        if (p.state === 'approved' && p.userId === ctx.actor.userId && p.expiresAt > now) {
          throw conflict('You already approved this device. Go back to the extension: it finishes pairing by itself.');
        }
        if (!pairingLive(p, now) || p.state !== 'pending') throw pairingExpired();
        await repo.lockUser(tx, ctx.actor.userId);
        await repo.revokeUncollected(tx, ctx.actor.userId, now);
        const used = new Set(await repo.activeSlots(tx, ctx.actor.userId));
        let slot = 0;
        for (let i = 1; i <= DEVICES_PER_USER_MAX; i++) {
          if (!used.has(i)) {
            slot = i;
            break;
          }
        }
        if (slot === 0) {
          throw new AppError(
            ErrorCode.DEVICE_LIMIT_REACHED,
            `You already have ${DEVICES_PER_USER_MAX} trusted devices. Revoke one under Trusted devices, then approve this one.`,
            { limit: DEVICES_PER_USER_MAX },
          );
        }
        // A placeholder token hash nobody knows; the real token is made at its single delivery.
        const device = await repo.insertDevice(tx, {
          workspaceId: ctx.actor.workspaceId,
          userId: ctx.actor.userId,
          tokenHash: hashToken(newToken()),
          browser: p.browser,
          os: p.os,
          slot,
          now,
        });
        await repo.updatePairing(tx, p.id, { state: 'approved', userId: ctx.actor.userId, workspaceId: ctx.actor.workspaceId, deviceId: device.id, decidedAt: now });
        await recordActivity(
          tx,
          { type: 'Device Paired', data: { deviceId: device.id, browser: device.browser, os: device.os } },
          { workspaceId: ctx.actor.workspaceId, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, meta: ctx.meta, at: now },
        );
        await deps.live.publish(tx, { workspaceIds: [ctx.actor.workspaceId], topics: ['activity'] });
        return presentTrustedDevice(device, ctx.actor.workspaceName);
      });
    },

    async denyPairing(ctx: Ctx, userCode: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const p = await repo.lockPairingByCode(tx, userCode);
        if (!p) throw notFound(`Pairing code ${userCode}`);
        if (!pairingLive(p, now) || p.state !== 'pending') throw pairingExpired();
        await repo.updatePairing(tx, p.id, { state: 'denied', userId: ctx.actor.userId, decidedAt: now });
      });
    },

    /**
     * The extension polls with its poll secret: 202 pending, then 200 with the device token exactly
     * once, then 410. A wrong secret answers like an unknown pairing (404).
     */
    async collectToken(pairingId: string, pollSecret: string, meta: RequestMeta): Promise<PairingTokenResponse | PairingPendingResponse> {
      limits.pairingPoll.hit(`ip:${meta.ip ?? 'unknown'}`);
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const p = await repo.lockPairingById(tx, pairingId);
        if (!p || !safeEqual(p.pollSecretHash, hashToken(pollSecret))) throw notFound('Pairing');
        if (!pairingLive(p, now)) throw pairingExpired();
        if (p.state === 'pending') return { status: 'pending' as const };
        const token = `${DEVICE_TOKEN_PREFIX}${newToken()}`;
        const device = await repo.activateDevice(tx, p.workspaceId!, p.deviceId!, hashToken(token), now);
        if (!device) throw pairingExpired();
        await repo.updatePairing(tx, p.id, { state: 'delivered', deliveredAt: now });
        const owner = await repo.resolveByTokenHash(tx, hashToken(token));
        if (!owner) throw pairingExpired();
        return {
          deviceToken: token,
          device: { id: device.id, browser: device.browser, os: device.os, createdAt: device.createdAt.toISOString() },
          user: { email: owner.user.email, name: owner.user.name },
          workspace: { id: owner.workspace.id, name: owner.workspace.name },
        };
      });
    },

    // ── Trusted devices ──
    async listMine(ctx: Ctx): Promise<TrustedDeviceListResponse> {
      const rows = await repo.listForUser(deps.db, ctx.actor.userId);
      return { devices: rows.map((r) => presentTrustedDevice(r.device, r.workspaceName)) };
    },

    /** Revoke one of the caller's devices (any workspace): its very next request is refused. */
    async revokeMine(ctx: Ctx, deviceId: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const d = await repo.lockDeviceOfUser(tx, ctx.actor.userId, deviceId);
        if (!d || d.revokedAt) throw notFound(`Device "${deviceId}"`);
        await repo.revokeDevice(tx, ctx.actor.userId, deviceId, 'user', now);
        await recordActivity(
          tx,
          { type: 'Device Revoked', data: { deviceId: d.id, browser: d.browser, os: d.os } },
          { workspaceId: d.workspaceId, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, meta: ctx.meta, at: now },
        );
        await deps.live.publish(tx, { workspaceIds: [d.workspaceId], topics: ['activity'] });
      });
    },

    // ── Device routes ──
    /** The extension's Disconnect: the device revokes itself, so its token is dead on the server too. */
    async revokeSelf(device: DeviceActor, meta: RequestMeta): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const d = await repo.lockDeviceOfUser(tx, device.userId, device.deviceId);
        if (!d || d.revokedAt) return; // revoked meanwhile: nothing left to do
        await repo.revokeDevice(tx, device.userId, device.deviceId, 'disconnected', now);
        await recordActivity(
          tx,
          { type: 'Device Revoked', data: { deviceId: d.id, browser: d.browser, os: d.os } },
          { workspaceId: d.workspaceId, actor: { userId: device.userId, email: device.email }, meta, at: now },
        );
        await deps.live.publish(tx, { workspaceIds: [d.workspaceId], topics: ['activity'] });
      });
    },

    async deviceMe(device: DeviceActor): Promise<DeviceMeResponse> {
      const rows = await repo.listForUser(deps.db, device.userId);
      const d = rows.find((r) => r.device.id === device.deviceId);
      return {
        device: { id: device.deviceId, browser: device.browser, os: device.os, createdAt: d?.device.createdAt.toISOString() ?? new Date(0).toISOString() },
        user: { email: device.email, name: device.name },
        workspace: { id: device.workspaceId, name: device.workspaceName },
      };
    },

    /** Accounts to offer on a page: same origin as their login URL; no url → all (the popup's list). */
    async accountsFor(device: DeviceActor, url: string | undefined): Promise<DeviceAccountsResponse> {
      const rows = await repo.loginableAccounts(deps.db, device.workspaceId, device.userId, deps.clock.now());
      if (url === undefined) return { accounts: rows.map(presentDeviceAccount) };
      const origin = originOf(url);
      if (!origin) return { accounts: [] };
      return { accounts: rows.filter((a) => a.loginUrl && originOf(a.loginUrl) === origin).map(presentDeviceAccount) };
    },

    async issueTicket(device: DeviceActor, accountId: string): Promise<CreateFillTicketResponse> {
      limits.ticket.hit(`device:${device.deviceId}`);
      const now = deps.clock.now();
      const access = await loadLoginAccess(deps.db, device, accountId, now);
      if (!access) throw accountNotFound(accountId);
      const account = await repo.findAccount(deps.db, access.workspaceId, accountId);
      if (!account?.loginUrl || !originOf(account.loginUrl)) {
        throw ruleViolation(`"${access.label}" has no login address, so the extension cannot open it. Ask one of its Owners to add one.`);
      }
      const ticket = `${FILL_TICKET_PREFIX}${newToken()}`;
      const row = await inTransaction(deps.db, (tx) =>
        repo.insertTicket(tx, {
          ticketHash: hashToken(ticket),
          workspaceId: device.workspaceId,
          userId: device.userId,
          deviceId: device.deviceId,
          accountId,
          now,
          expiresAt: new Date(now.getTime() + FILL_TICKET_TTL_SECONDS * 1000),
        }),
      );
      return { ticketId: row.id, ticket, expiresAt: row.expiresAt.toISOString() };
    },

    /**
     * Redeem a ticket: under its row lock (FOR UPDATE), refuse a used, expired, other device's,
     * wrong-origin or no-longer-granted ticket (each refusal also written to the trail, in its own
     * transaction); otherwise mark it used, decrypt through the vault, compute the TOTP code and
     * record "Log in", all in one transaction.
     */
    async redeem(device: DeviceActor, input: { ticket: string; origin: string }, meta: RequestMeta): Promise<RedeemFillTicketResponse> {
      limits.redeemDevice.hit(`device:${device.deviceId}`);
      limits.redeemIp.hit(`ip:${meta.ip ?? 'unknown'}`);
      const result = await inTransaction(deps.db, async (tx): Promise<Refusal | { ok: true; value: RedeemFillTicketResponse }> => {
        const now = deps.clock.now();
        const t = await repo.lockTicket(tx, device.workspaceId, hashToken(input.ticket));
        if (!t) return { ok: false, reason: 'ticket_unknown', accountId: null, accountLabel: null, accountWorkspaceId: null };
        const ref = (await repo.findAccountRefs(tx, [t.accountId])).get(t.accountId);
        const refuse = (reason: LoginAttemptReason, extra: { origin?: string } = {}): Refusal => ({
          ok: false,
          reason,
          accountId: t.accountId,
          accountLabel: ref?.label ?? null,
          accountWorkspaceId: ref?.workspaceId ?? null,
          ...extra,
        });
        if (t.usedAt) return refuse('ticket_used');
        if (t.expiresAt.getTime() <= now.getTime()) return refuse('ticket_expired');
        if (t.deviceId !== device.deviceId || t.userId !== device.userId) return refuse('ticket_wrong_device');
        const access = await loadLoginAccess(tx, device, t.accountId, now);
        if (!access) return refuse('ticket_access_revoked');
        const account = await repo.findAccount(tx, access.workspaceId, t.accountId);
        if (!account || account.status !== 'active' || !account.loginUrl) return refuse('ticket_access_revoked');
        const expected = originOf(account.loginUrl);
        const given = originOf(input.origin);
        if (!expected || given !== expected) return refuse('ticket_origin_mismatch', { origin: input.origin });
        if (!(await repo.markTicketUsed(tx, device.workspaceId, t.id, now))) return refuse('ticket_used');

        const password = (await deps.vault.readAccountSecret(tx, account.workspaceId, account.id, 'password')) ?? '';
        const totpSecret = await deps.vault.readAccountSecret(tx, account.workspaceId, account.id, 'totp');
        let totp: RedeemFillTicketResponse['totp'] = null;
        if (totpSecret) {
          const epoch = Math.floor(now.getTime() / 1000);
          totp = { code: await totpCodeAt(totpSecret, now), expiresInSeconds: TOTP_PERIOD_SECONDS - (epoch % TOTP_PERIOD_SECONDS) };
        }
        await recordActivity(
          tx,
          {
            type: 'Log in',
            data: { accountLabel: account.label, deviceId: device.deviceId, browser: device.browser, os: device.os, ip: meta.ip, totp: totp !== null },
          },
          {
            // The account's workspace (the host's, for a partnership share); the guest side sees it as the partner workspace.
            workspaceId: account.workspaceId,
            partnerWorkspaceId: account.workspaceId === device.workspaceId ? null : device.workspaceId,
            actor: { userId: device.userId, email: device.email },
            accountId: account.id,
            meta,
            at: now,
          },
        );
        await deps.live.publish(tx, { workspaceIds: [...new Set([account.workspaceId, device.workspaceId])], topics: ['activity'] });
        return { ok: true, value: { username: account.username, password, totp, loginUrl: account.loginUrl } };
      });
      if (!result.ok) return recordAttempt(device, meta, result);
      return result.value;
    },
  };
}
