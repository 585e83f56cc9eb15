import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { WorkspaceRole } from '@shared/permissions';
import { queryRows, type Db } from '../../db/client';
import { localPartners, loginFailures, memberships, passwordResets, users, workspaces } from '../../db/schema/index';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  mfaEnabledAt: Date | null;
  mfaSecretSealed: string | null;
  mfaLastStep: number | null;
  /** Set while an Admin-forced password reset is outstanding: the password no longer signs in. */
  passwordResetRequiredAt: Date | null;
}

export interface MembershipView {
  workspaceId: string;
  workspacePublicId: string;
  workspaceName: string;
  role: WorkspaceRole;
  /** Guests: the local partner they belong to (ADR 0012). */
  localPartnerId: string | null;
  localPartnerName: string | null;
}

const userCols = {
  id: users.id,
  email: users.email,
  name: users.name,
  passwordHash: users.passwordHash,
  mfaEnabledAt: users.mfaEnabledAt,
  mfaSecretSealed: users.mfaSecretSealed,
  mfaLastStep: users.mfaLastStep,
  passwordResetRequiredAt: users.passwordResetRequiredAt,
};

const membershipCols = {
  workspaceId: workspaces.id,
  workspacePublicId: workspaces.publicId,
  workspaceName: workspaces.name,
  role: memberships.role,
  localPartnerId: memberships.localPartnerId,
  localPartnerName: localPartners.companyName,
};

/**
 * Identity queries for sign-in and self-service. Users are global (not tenant rows); every
 * membership query names the user, and the workspace when it targets one.
 */
export const authRepository = {
  async findUserByEmail(tx: Db, email: string): Promise<AuthUser | null> {
    const [u] = await tx.select(userCols).from(users).where(eq(users.email, email)).limit(1);
    return u ?? null;
  },

  async findUserById(tx: Db, userId: string, opts: { forUpdate?: boolean } = {}): Promise<AuthUser | null> {
    const q = tx.select(userCols).from(users).where(eq(users.id, userId)).limit(1);
    const [u] = opts.forUpdate ? await q.for('update') : await q;
    return u ?? null;
  },

  /** The active membership to sign in to: the most recently active, then the most recently joined. */
  async findSignInMembership(tx: Db, userId: string): Promise<MembershipView | null> {
    const [m] = await tx
      .select(membershipCols)
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
      .orderBy(sql`${memberships.lastActiveAt} desc nulls last`, desc(memberships.joinedAt))
      .limit(1);
    return m ?? null;
  },

  /** Where a failed sign-in of a known user is recorded: their last workspace, active or not. */
  async findLastWorkspaceId(tx: Db, userId: string): Promise<string | null> {
    const [m] = await tx
      .select({ workspaceId: memberships.workspaceId })
      .from(memberships)
      .where(eq(memberships.userId, userId))
      .orderBy(
        sql`case when ${memberships.status} = 'active' then 0 else 1 end`,
        sql`${memberships.lastActiveAt} desc nulls last`,
        desc(memberships.joinedAt),
      )
      .limit(1);
    return m?.workspaceId ?? null;
  },

  /** An ACTIVE membership of the user in one workspace, locked for the caller's transaction. */
  async findActiveMembershipForUpdate(tx: Db, userId: string, workspaceId: string): Promise<MembershipView | null> {
    const [m] = await tx
      .select(membershipCols)
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')))
      .limit(1)
      .for('update', { of: memberships });
    return m ?? null;
  },

  async listActiveMemberships(tx: Db, userId: string): Promise<MembershipView[]> {
    return tx
      .select(membershipCols)
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
      .orderBy(workspaces.name, workspaces.id);
  },

  async touchMembership(tx: Db, userId: string, workspaceId: string, now: Date): Promise<void> {
    await tx
      .update(memberships)
      .set({ lastActiveAt: now })
      .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')));
  },

  /** Failures for one throttle key inside the window, newest first, at most `limit`. */
  async recentFailures(tx: Db, key: string, since: Date, limit: number): Promise<Date[]> {
    const rows = await tx
      .select({ at: loginFailures.createdAt })
      .from(loginFailures)
      .where(and(eq(loginFailures.key, key), gt(loginFailures.createdAt, since)))
      .orderBy(desc(loginFailures.createdAt))
      .limit(limit);
    return rows.map((r) => r.at);
  },

  /**
   * Serialize attempts on the same throttle keys until the caller's transaction ends:
   * `pg_advisory_xact_lock(hashtext(key))` per key, taken in ascending lock-id order (distinct
   * keys may share a hash, so ordering by the key text alone could still deadlock).
   */
  async lockThrottleKeys(tx: Db, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const list = sql.join(
      keys.map((k) => sql`${k}`),
      sql`, `,
    );
    const rows = await queryRows<{ h: number }>(tx, sql`select distinct hashtext(k) as h from unnest(array[${list}]::text[]) as k order by h`);
    for (const { h } of rows) await tx.execute(sql`select pg_advisory_xact_lock(${Number(h)}::int4)`);
  },

  /** Record one failure (or a provisional one) per key; returns the new rows' ids. */
  async insertFailures(tx: Db, keys: readonly string[], now: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await tx
      .insert(loginFailures)
      .values(keys.map((key) => ({ key, createdAt: now })))
      .returning({ id: loginFailures.id });
    return rows.map((r) => r.id);
  },

  /** Withdraw provisional failures by id (the attempt succeeded, or was never evaluated). */
  async deleteFailures(tx: Db, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.delete(loginFailures).where(inArray(loginFailures.id, [...ids]));
  },

  /**
   * Record an accepted TOTP step, only if it is newer than the last one. Returns false when
   * another request already used this step or a later one (replay, or a concurrent twin).
   */
  async advanceMfaStep(tx: Db, userId: string, step: number, now: Date): Promise<boolean> {
    const rows = await tx
      .update(users)
      .set({ mfaLastStep: step, updatedAt: now })
      .where(and(eq(users.id, userId), or(isNull(users.mfaLastStep), lt(users.mfaLastStep, step))))
      .returning({ id: users.id });
    return rows.length === 1;
  },

  async startMfaEnrolment(tx: Db, userId: string, sealedSecret: string, now: Date): Promise<void> {
    await tx
      .update(users)
      .set({ mfaSecretSealed: sealedSecret, mfaEnabledAt: null, mfaLastStep: null, updatedAt: now })
      .where(eq(users.id, userId));
  },

  async enableMfa(tx: Db, userId: string, now: Date): Promise<void> {
    await tx.update(users).set({ mfaEnabledAt: now, updatedAt: now }).where(eq(users.id, userId));
  },

  async disableMfa(tx: Db, userId: string, now: Date): Promise<void> {
    await tx
      .update(users)
      .set({ mfaEnabledAt: null, mfaSecretSealed: null, updatedAt: now })
      .where(eq(users.id, userId));
  },

  async setPassword(tx: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, userId));
  },

  // ── Forced password resets (ADR 0012) ───────────────────────────────────────────────────

  /** From now on the user's password no longer signs in, until they choose a new one with the link. */
  async requirePasswordReset(tx: Db, userId: string, now: Date): Promise<void> {
    await tx.update(users).set({ passwordResetRequiredAt: now, updatedAt: now }).where(eq(users.id, userId));
  },

  /** A new reset link makes the user's older unused links useless. */
  async insertPasswordReset(
    tx: Db,
    v: { userId: string; workspaceId: string; tokenHash: string; requestedBy: string; now: Date; expiresAt: Date },
  ): Promise<void> {
    await tx
      .update(passwordResets)
      .set({ supersededAt: v.now })
      .where(and(eq(passwordResets.userId, v.userId), isNull(passwordResets.usedAt), isNull(passwordResets.supersededAt)));
    await tx.insert(passwordResets).values({
      userId: v.userId,
      workspaceId: v.workspaceId,
      tokenHash: v.tokenHash,
      requestedBy: v.requestedBy,
      createdAt: v.now,
      expiresAt: v.expiresAt,
    });
  },

  /** A usable reset link by token hash (unused, not superseded, not expired), with its user's email. */
  async findUsablePasswordReset(tx: Db, tokenHash: string, now: Date) {
    const [row] = await tx
      .select({ id: passwordResets.id, userId: passwordResets.userId, workspaceId: passwordResets.workspaceId, email: users.email })
      .from(passwordResets)
      .innerJoin(users, eq(users.id, passwordResets.userId))
      .where(
        and(
          eq(passwordResets.tokenHash, tokenHash),
          isNull(passwordResets.usedAt),
          isNull(passwordResets.supersededAt),
          gt(passwordResets.expiresAt, now),
        ),
      )
      .limit(1);
    return row ?? null;
  },

  /** Use a reset link atomically: exactly one caller gets the row back, however many race. */
  async consumePasswordReset(tx: Db, tokenHash: string, now: Date) {
    const [row] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tokenHash, tokenHash),
          isNull(passwordResets.usedAt),
          isNull(passwordResets.supersededAt),
          gt(passwordResets.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResets.userId, workspaceId: passwordResets.workspaceId });
    return row ?? null;
  },

  /** The new password is set: the reset is no longer required and every other link of the user is void. */
  async completePasswordReset(tx: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, passwordResetRequiredAt: null, updatedAt: now })
      .where(eq(users.id, userId));
    await tx
      .update(passwordResets)
      .set({ supersededAt: now })
      .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt), isNull(passwordResets.supersededAt)));
  },
};
