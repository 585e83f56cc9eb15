import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { WorkspaceRole } from '@shared/permissions';
import type { Db } from '../../db/client';
import { devices, memberships, sessions, users, workspaces } from '../../db/schema/index';

export interface LiveSession {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  mfaEnabled: boolean;
  workspaceId: string;
  workspacePublicId: string;
  workspaceName: string;
  role: WorkspaceRole;
  localPartnerId: string | null;
  mfaPassed: boolean;
  lastSeenAt: Date;
  expiresAt: Date;
}

export type SessionEndReason =
  | 'logout'
  | 'idle_timeout'
  | 'absolute_timeout'
  | 'password_changed'
  | 'member_removed'
  | 'mfa_changed'
  | 'replaced';

/** Sessions are tenant-bound to the user; every function names the user or the token hash. */
export const sessionsRepository = {
  async insert(
    tx: Db,
    v: { tokenHash: string; userId: string; workspaceId: string; mfaPassed: boolean; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
  ): Promise<string> {
    const [row] = await tx
      .insert(sessions)
      .values({
        tokenHash: v.tokenHash,
        userId: v.userId,
        workspaceId: v.workspaceId,
        mfaPassed: v.mfaPassed,
        createdAt: v.now,
        lastSeenAt: v.now,
        expiresAt: v.expiresAt,
        ip: v.ip,
        userAgent: v.userAgent?.slice(0, 512) ?? null,
      })
      .returning({ id: sessions.id });
    return row!.id;
  },

  /**
   * The live session for a token hash, joined with the user and an ACTIVE membership in the
   * session's workspace. A removed member's session never resolves.
   */
  async findLiveByTokenHash(tx: Db, tokenHash: string): Promise<LiveSession | null> {
    const rows = await tx
      .select({
        sessionId: sessions.id,
        userId: users.id,
        email: users.email,
        name: users.name,
        mfaEnabledAt: users.mfaEnabledAt,
        workspaceId: workspaces.id,
        workspacePublicId: workspaces.publicId,
        workspaceName: workspaces.name,
        role: memberships.role,
        localPartnerId: memberships.localPartnerId,
        mfaPassed: sessions.mfaPassed,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
      .innerJoin(
        memberships,
        and(
          eq(memberships.workspaceId, sessions.workspaceId),
          eq(memberships.userId, sessions.userId),
          eq(memberships.status, 'active'),
        ),
      )
      .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.endedAt)))
      .limit(1);
    const r = rows[0];
    if (!r) return null;
    const { mfaEnabledAt, ...rest } = r;
    return { ...rest, mfaEnabled: mfaEnabledAt !== null };
  },

  async touch(tx: Db, sessionId: string, now: Date): Promise<void> {
    await tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
  },

  /** End one live session. Returns false when it had already ended (e.g. by a concurrent request). */
  async end(tx: Db, sessionId: string, reason: SessionEndReason, now: Date): Promise<boolean> {
    const ended = await tx
      .update(sessions)
      .set({ endedAt: now, endReason: reason })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.endedAt)))
      .returning({ id: sessions.id });
    return ended.length === 1;
  },

  /** Move a live session of this user to another workspace (the caller checked the membership). */
  async setWorkspace(tx: Db, sessionId: string, userId: string, workspaceId: string, now: Date): Promise<boolean> {
    const rows = await tx
      .update(sessions)
      .set({ workspaceId, lastSeenAt: now })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.endedAt)))
      .returning({ id: sessions.id });
    return rows.length === 1;
  },

  /**
   * End every live session of a user (optionally keeping one, optionally in one workspace). Returns
   * how many ended. A trusted device (the browser extension, ADR 0013) is a long-lived sign-in too:
   * when the password or MFA changes or the member leaves, the user's devices (in that workspace)
   * are revoked with the same reason and must be paired again; keeping "this session" never keeps a device.
   */
  async endAllForUser(
    tx: Db,
    userId: string,
    reason: SessionEndReason,
    now: Date,
    opts: { exceptSessionId?: string; workspaceId?: string } = {},
  ): Promise<number> {
    const conds = [eq(sessions.userId, userId), isNull(sessions.endedAt)];
    if (opts.exceptSessionId) conds.push(ne(sessions.id, opts.exceptSessionId));
    if (opts.workspaceId) conds.push(eq(sessions.workspaceId, opts.workspaceId));
    const ended = await tx
      .update(sessions)
      .set({ endedAt: now, endReason: reason })
      .where(and(...conds))
      .returning({ id: sessions.id });
    if (reason === 'password_changed' || reason === 'mfa_changed' || reason === 'member_removed') {
      const deviceConds = [eq(devices.userId, userId), isNull(devices.revokedAt)];
      if (opts.workspaceId) deviceConds.push(eq(devices.workspaceId, opts.workspaceId));
      await tx.update(devices).set({ revokedAt: now, revokeReason: reason }).where(and(...deviceConds));
    }
    return ended.length;
  },

  async markPassedMfa(tx: Db, sessionId: string, now: Date): Promise<void> {
    await tx.update(sessions).set({ mfaPassed: true, lastSeenAt: now }).where(eq(sessions.id, sessionId));
  },

  /** Housekeeping: count of live sessions (for tests and metrics). */
  async countLive(tx: Db, userId: string): Promise<number> {
    const [r] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)));
    return r?.n ?? 0;
  },
};
