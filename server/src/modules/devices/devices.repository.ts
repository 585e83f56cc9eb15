import { and, asc, desc, eq, exists, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { WorkspaceRole } from '@shared/permissions';
import { liveGrant, reachableGrant } from '../../authz/accounts';
import type { Db } from '../../db/client';
import { accounts, devicePairings, devices, fillTickets, grants, memberships, users, workspaces } from '../../db/schema/index';

export type DeviceRow = typeof devices.$inferSelect;
export type PairingRow = typeof devicePairings.$inferSelect;
export type FillTicketRow = typeof fillTickets.$inferSelect;

/** A device token resolved: the device, its user and the membership it acts through (null when that ended). */
export interface ResolvedDevice {
  device: DeviceRow;
  user: { id: string; email: string; name: string; mfaEnabled: boolean };
  workspace: { id: string; publicId: string; name: string };
  membership: { role: WorkspaceRole; localPartnerId: string | null; status: 'active' | 'removed' } | null;
}

/**
 * The only place with Drizzle queries for devices, pairings and fill tickets. Devices belong to a
 * user: trusted-device queries are scoped by user id (and the device's workspace where one acts);
 * ticket queries by the device's workspace.
 */
export const devicesRepository = {
  // ── Pairings ──
  async insertPairing(
    tx: Db,
    v: { userCode: string; pollSecretHash: string; browser: string; os: string; ip: string | null; now: Date; expiresAt: Date },
  ): Promise<PairingRow> {
    const [row] = await tx
      .insert(devicePairings)
      .values({
        userCode: v.userCode,
        pollSecretHash: v.pollSecretHash,
        browser: v.browser,
        os: v.os,
        createdIp: v.ip,
        createdAt: v.now,
        expiresAt: v.expiresAt,
      })
      .returning();
    return row!;
  },

  async findPairingByCode(tx: Db, userCode: string): Promise<PairingRow | null> {
    const [row] = await tx.select().from(devicePairings).where(eq(devicePairings.userCode, userCode));
    return row ?? null;
  },

  async lockPairingByCode(tx: Db, userCode: string): Promise<PairingRow | null> {
    const [row] = await tx.select().from(devicePairings).where(eq(devicePairings.userCode, userCode)).for('update');
    return row ?? null;
  },

  async lockPairingById(tx: Db, pairingId: string): Promise<PairingRow | null> {
    const [row] = await tx.select().from(devicePairings).where(eq(devicePairings.id, pairingId)).for('update');
    return row ?? null;
  },

  async updatePairing(
    tx: Db,
    pairingId: string,
    v: Partial<Pick<PairingRow, 'state' | 'userId' | 'workspaceId' | 'deviceId' | 'decidedAt' | 'deliveredAt'>>,
  ): Promise<void> {
    await tx.update(devicePairings).set(v).where(eq(devicePairings.id, pairingId));
  },

  // ── Devices ──
  /** Lock the user row: serialises device creation for one user (the 20-device limit). */
  async lockUser(tx: Db, userId: string): Promise<boolean> {
    const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    return !!row;
  },

  /**
   * Devices approved but never collected, whose pairing ran out: revoked so they free their slot.
   * Called under the user lock before counting.
   */
  async revokeUncollected(tx: Db, userId: string, now: Date): Promise<number> {
    const stale = await tx
      .update(devices)
      .set({ revokedAt: now, revokeReason: 'pairing_expired' })
      .where(
        and(
          eq(devices.userId, userId),
          isNull(devices.revokedAt),
          isNull(devices.activatedAt),
          exists(
            tx
              .select({ one: sql`1` })
              .from(devicePairings)
              .where(and(eq(devicePairings.deviceId, devices.id), eq(devicePairings.state, 'approved'), lte(devicePairings.expiresAt, now))),
          ),
        ),
      )
      .returning({ id: devices.id });
    return stale.length;
  },

  async activeSlots(tx: Db, userId: string): Promise<number[]> {
    const rows = await tx
      .select({ slot: devices.slot })
      .from(devices)
      .where(and(eq(devices.userId, userId), isNull(devices.revokedAt)))
      .orderBy(asc(devices.slot));
    return rows.map((r) => r.slot);
  },

  async insertDevice(
    tx: Db,
    v: { workspaceId: string; userId: string; tokenHash: string; browser: string; os: string; slot: number; now: Date },
  ): Promise<DeviceRow> {
    const [row] = await tx
      .insert(devices)
      .values({ workspaceId: v.workspaceId, userId: v.userId, tokenHash: v.tokenHash, browser: v.browser, os: v.os, slot: v.slot, createdAt: v.now })
      .returning();
    return row!;
  },

  /** Hand the device its real token (the pairing's single delivery). */
  async activateDevice(tx: Db, workspaceId: string, deviceId: string, tokenHash: string, now: Date): Promise<DeviceRow | null> {
    const [row] = await tx
      .update(devices)
      .set({ tokenHash, activatedAt: now })
      .where(and(eq(devices.workspaceId, workspaceId), eq(devices.id, deviceId), isNull(devices.revokedAt), isNull(devices.activatedAt)))
      .returning();
    return row ?? null;
  },

  /** A user's active, collected devices in every workspace, newest first, with the workspace name. */
  async listForUser(tx: Db, userId: string) {
    return tx
      .select({ device: devices, workspaceName: workspaces.name })
      .from(devices)
      .innerJoin(workspaces, eq(workspaces.id, devices.workspaceId))
      .where(and(eq(devices.userId, userId), isNull(devices.revokedAt), isNotNull(devices.activatedAt)))
      .orderBy(desc(devices.createdAt), desc(devices.id));
  },

  async lockDeviceOfUser(tx: Db, userId: string, deviceId: string): Promise<DeviceRow | null> {
    const [row] = await tx
      .select()
      .from(devices)
      .where(and(eq(devices.userId, userId), eq(devices.id, deviceId)))
      .for('update');
    return row ?? null;
  },

  async revokeDevice(tx: Db, userId: string, deviceId: string, reason: string, now: Date): Promise<boolean> {
    const rows = await tx
      .update(devices)
      .set({ revokedAt: now, revokeReason: reason })
      .where(and(eq(devices.userId, userId), eq(devices.id, deviceId), isNull(devices.revokedAt)))
      .returning({ id: devices.id });
    return rows.length === 1;
  },

  /** Resolve a device token hash (revoked devices too, so the caller can say "revoked"). */
  async resolveByTokenHash(tx: Db, tokenHash: string): Promise<ResolvedDevice | null> {
    const [r] = await tx
      .select({
        device: devices,
        userId: users.id,
        email: users.email,
        name: users.name,
        mfaEnabledAt: users.mfaEnabledAt,
        workspaceId: workspaces.id,
        workspacePublicId: workspaces.publicId,
        workspaceName: workspaces.name,
        role: memberships.role,
        localPartnerId: memberships.localPartnerId,
        membershipStatus: memberships.status,
      })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.userId))
      .innerJoin(workspaces, eq(workspaces.id, devices.workspaceId))
      .leftJoin(memberships, and(eq(memberships.workspaceId, devices.workspaceId), eq(memberships.userId, devices.userId)))
      .where(eq(devices.tokenHash, tokenHash))
      .limit(1);
    if (!r) return null;
    return {
      device: r.device,
      user: { id: r.userId, email: r.email, name: r.name, mfaEnabled: r.mfaEnabledAt !== null },
      workspace: { id: r.workspaceId, publicId: r.workspacePublicId, name: r.workspaceName },
      membership: r.role && r.membershipStatus ? { role: r.role, localPartnerId: r.localPartnerId, status: r.membershipStatus } : null,
    };
  },

  async touchDevice(tx: Db, workspaceId: string, deviceId: string, ip: string | null, now: Date): Promise<void> {
    await tx
      .update(devices)
      .set({ lastUsedAt: now, lastIp: ip })
      .where(and(eq(devices.workspaceId, workspaceId), eq(devices.id, deviceId)));
  },

  // ── Accounts a device may fill ──
  /**
   * Active accounts with a login URL on which the user holds a live, reachable grant from this
   * workspace (any role: every account role allows `account.login`). Never a secret.
   */
  async loginableAccounts(tx: Db, workspaceId: string, userId: string, now: Date) {
    return tx
      .selectDistinct({ id: accounts.id, label: accounts.label, application: accounts.application, loginUrl: accounts.loginUrl })
      .from(grants)
      .innerJoin(accounts, and(eq(accounts.id, grants.accountId), eq(accounts.workspaceId, grants.workspaceId)))
      .where(
        and(
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.userId, userId),
          eq(accounts.status, 'active'),
          isNotNull(accounts.loginUrl),
          liveGrant(now),
          reachableGrant(),
        ),
      )
      .orderBy(asc(accounts.label), asc(accounts.id));
  },

  /** The account's label, login URL and username (for a fill). `accountWorkspaceId` is the account's own workspace. */
  async findAccount(tx: Db, accountWorkspaceId: string, accountId: string) {
    const [row] = await tx
      .select({ id: accounts.id, workspaceId: accounts.workspaceId, label: accounts.label, loginUrl: accounts.loginUrl, username: accounts.username, status: accounts.status })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, accountWorkspaceId), eq(accounts.id, accountId)));
    return row ?? null;
  },

  /** Label and workspace of accounts named by this workspace's own ticket rows (the account may be a partner host's). */
  async findAccountRefs(tx: Db, accountIds: string[]): Promise<Map<string, { label: string; workspaceId: string }>> {
    if (accountIds.length === 0) return new Map();
    const rows = await tx
      .select({ id: accounts.id, label: accounts.label, workspaceId: accounts.workspaceId })
      .from(accounts)
      .where(inArray(accounts.id, accountIds));
    return new Map(rows.map((r) => [r.id, { label: r.label, workspaceId: r.workspaceId }]));
  },

  // ── Fill tickets ──
  async insertTicket(
    tx: Db,
    v: { ticketHash: string; workspaceId: string; userId: string; deviceId: string; accountId: string; now: Date; expiresAt: Date },
  ): Promise<FillTicketRow> {
    const [row] = await tx
      .insert(fillTickets)
      .values({ ticketHash: v.ticketHash, workspaceId: v.workspaceId, userId: v.userId, deviceId: v.deviceId, accountId: v.accountId, createdAt: v.now, expiresAt: v.expiresAt })
      .returning();
    return row!;
  },

  /** Lock a ticket of this workspace by its hash (FOR UPDATE): concurrent redemptions queue here. */
  async lockTicket(tx: Db, workspaceId: string, ticketHash: string): Promise<FillTicketRow | null> {
    const [row] = await tx
      .select()
      .from(fillTickets)
      .where(and(eq(fillTickets.workspaceId, workspaceId), eq(fillTickets.ticketHash, ticketHash)))
      .for('update');
    return row ?? null;
  },

  async markTicketUsed(tx: Db, workspaceId: string, ticketId: string, now: Date): Promise<boolean> {
    const rows = await tx
      .update(fillTickets)
      .set({ usedAt: now })
      .where(and(eq(fillTickets.workspaceId, workspaceId), eq(fillTickets.id, ticketId), isNull(fillTickets.usedAt)))
      .returning({ id: fillTickets.id });
    return rows.length === 1;
  },
};
