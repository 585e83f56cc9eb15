import { aliasedTable, and, asc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { InviteRole } from '@shared/members';
import type { WorkspaceRole } from '@shared/permissions';
import { liveGrant } from '../../authz/accounts';
import type { Db } from '../../db/client';
import { accounts, grants, invites, localPartners, memberships, users, workspaces } from '../../db/schema/index';

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  status: 'active' | 'removed';
  joinedAt: Date;
  lastActiveAt: Date | null;
  mfaEnabledAt: Date | null;
  /** Guests: their local partner (ADR 0012). */
  localPartnerId: string | null;
  localPartnerName: string | null;
}

export interface InviteRow {
  id: string;
  workspaceId: string;
  email: string;
  role: InviteRole;
  localPartnerId: string | null;
  localPartnerName: string | null;
  status: 'pending' | 'accepted' | 'revoked';
  sentAt: Date;
  expiresAt: Date;
  invitedByName: string;
  invitedByEmail: string;
}

const memberCols = {
  userId: memberships.userId,
  email: users.email,
  name: users.name,
  role: memberships.role,
  status: memberships.status,
  joinedAt: memberships.joinedAt,
  lastActiveAt: memberships.lastActiveAt,
  mfaEnabledAt: users.mfaEnabledAt,
  localPartnerId: memberships.localPartnerId,
  localPartnerName: localPartners.companyName,
};

const inviter = aliasedTable(users, 'inviter');
const inviteCols = {
  id: invites.id,
  workspaceId: invites.workspaceId,
  email: invites.email,
  role: invites.role,
  localPartnerId: invites.localPartnerId,
  localPartnerName: localPartners.companyName,
  status: invites.status,
  sentAt: invites.sentAt,
  expiresAt: invites.expiresAt,
  invitedByName: inviter.name,
  invitedByEmail: inviter.email,
};

/**
 * Members, invites, and the grant bookkeeping that role changes and removals need.
 * Every function takes the workspace id and filters by it, except the invite-token functions:
 * a 256-bit token is itself the key (the invitee has no session and no workspace yet).
 */
export const membersRepository = {
  // ── Members ─────────────────────────────────────────────────────────────────────────────

  async listMembers(tx: Db, workspaceId: string): Promise<MemberRow[]> {
    return tx
      .select(memberCols)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(sql`case when ${memberships.status} = 'active' then 0 else 1 end`, asc(users.name), asc(users.email));
  },

  async findMember(tx: Db, workspaceId: string, userId: string, opts: { forUpdate?: boolean } = {}): Promise<MemberRow | null> {
    const q = tx
      .select(memberCols)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
      .limit(1);
    const [row] = opts.forUpdate ? await q.for('update', { of: memberships }) : await q;
    return row ?? null;
  },

  /**
   * Lock these members' membership rows FOR UPDATE, in user-id order, so two requests that lock
   * the same pair (two Admins removing each other) take the locks in the same order and never
   * deadlock. Membership rows are always locked before account rows.
   */
  async lockMembers(tx: Db, workspaceId: string, userIds: string[]): Promise<MemberRow[]> {
    if (userIds.length === 0) return [];
    return tx
      .select(memberCols)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)))
      .orderBy(asc(memberships.userId))
      .for('update', { of: memberships });
  },

  async findActiveMemberByEmail(tx: Db, workspaceId: string, email: string): Promise<MemberRow | null> {
    const [row] = await tx
      .select(memberCols)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(users.email, email), eq(memberships.status, 'active')))
      .limit(1);
    return row ?? null;
  },

  async setRole(tx: Db, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  },

  async markRemoved(tx: Db, workspaceId: string, userId: string, by: string, now: Date): Promise<void> {
    await tx
      .update(memberships)
      .set({ status: 'removed', removedAt: now, removedBy: by })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
  },

  /** A removed member rejoins through a new invite: active again, with the invite's role (and partner, for a guest). */
  async reactivate(
    tx: Db,
    workspaceId: string,
    userId: string,
    role: WorkspaceRole,
    now: Date,
    guest: { localPartnerId: string; termsVersion: string } | null = null,
  ): Promise<void> {
    await tx
      .update(memberships)
      .set({
        status: 'active',
        role,
        joinedAt: now,
        removedAt: null,
        removedBy: null,
        localPartnerId: guest?.localPartnerId ?? null,
        termsAcceptedAt: guest ? now : null,
        termsVersion: guest?.termsVersion ?? null,
      })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'removed')));
  },

  async touchMember(tx: Db, workspaceId: string, userId: string, now: Date): Promise<void> {
    await tx
      .update(memberships)
      .set({ lastActiveAt: now })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  },

  // ── Invites ─────────────────────────────────────────────────────────────────────────────

  /** Pending invites (expired ones included: they can be re-sent), newest first. */
  async listPendingInvites(tx: Db, workspaceId: string): Promise<InviteRow[]> {
    return tx
      .select(inviteCols)
      .from(invites)
      .innerJoin(inviter, eq(inviter.id, invites.invitedBy))
      .leftJoin(localPartners, eq(localPartners.id, invites.localPartnerId))
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.status, 'pending')))
      .orderBy(sql`${invites.sentAt} desc`, asc(invites.email));
  },

  async findInvite(tx: Db, workspaceId: string, inviteId: string, opts: { forUpdate?: boolean } = {}): Promise<InviteRow | null> {
    const q = tx
      .select(inviteCols)
      .from(invites)
      .innerJoin(inviter, eq(inviter.id, invites.invitedBy))
      .leftJoin(localPartners, eq(localPartners.id, invites.localPartnerId))
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, inviteId)))
      .limit(1);
    const [row] = opts.forUpdate ? await q.for('update', { of: invites }) : await q;
    return row ?? null;
  },

  async findPendingInviteByEmail(tx: Db, workspaceId: string, email: string, opts: { forUpdate?: boolean } = {}) {
    const q = tx
      .select({ id: invites.id, expiresAt: invites.expiresAt })
      .from(invites)
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.email, email), eq(invites.status, 'pending')))
      .limit(1);
    const [row] = opts.forUpdate ? await q.for('update') : await q;
    return row ?? null;
  },

  async insertInvite(
    tx: Db,
    workspaceId: string,
    v: { email: string; role: InviteRole; localPartnerId?: string | null; tokenHash: string; invitedBy: string; now: Date; expiresAt: Date },
  ): Promise<string> {
    const [row] = await tx
      .insert(invites)
      .values({
        workspaceId,
        email: v.email,
        role: v.role,
        localPartnerId: v.localPartnerId ?? null,
        tokenHash: v.tokenHash,
        invitedBy: v.invitedBy,
        createdAt: v.now,
        sentAt: v.now,
        expiresAt: v.expiresAt,
      })
      .returning({ id: invites.id });
    return row!.id;
  },

  /** A fresh link: the new hash replaces the old one, so the old link stops working. */
  async replaceInviteToken(tx: Db, workspaceId: string, inviteId: string, v: { tokenHash: string; now: Date; expiresAt: Date }) {
    await tx
      .update(invites)
      .set({ tokenHash: v.tokenHash, sentAt: v.now, expiresAt: v.expiresAt })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, inviteId), eq(invites.status, 'pending')));
  },

  async revokeInvite(tx: Db, workspaceId: string, inviteId: string, now: Date): Promise<void> {
    await tx
      .update(invites)
      .set({ status: 'revoked', revokedAt: now })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, inviteId), eq(invites.status, 'pending')));
  },

  /** Revoke every pending invite for an email in this workspace. Returns how many. */
  async revokePendingInvitesForEmail(tx: Db, workspaceId: string, email: string, now: Date): Promise<number> {
    const rows = await tx
      .update(invites)
      .set({ status: 'revoked', revokedAt: now })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.email, email), eq(invites.status, 'pending')))
      .returning({ id: invites.id });
    return rows.length;
  },

  /** A usable invite by token hash, with its workspace name; null when unknown, used, revoked or expired. */
  async findUsableInviteByTokenHash(tx: Db, tokenHash: string, now: Date) {
    const [row] = await tx
      .select({
        id: invites.id,
        workspaceId: invites.workspaceId,
        workspaceName: workspaces.name,
        email: invites.email,
        role: invites.role,
        localPartnerId: invites.localPartnerId,
        localPartnerName: localPartners.companyName,
      })
      .from(invites)
      .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
      .leftJoin(localPartners, eq(localPartners.id, invites.localPartnerId))
      .where(and(eq(invites.tokenHash, tokenHash), eq(invites.status, 'pending'), gt(invites.expiresAt, now)))
      .limit(1);
    return row ?? null;
  },

  /**
   * Consume an invite atomically: exactly one caller gets the row back, however many race.
   * Concurrent callers block on the row lock, then re-check `status = 'pending'` and get nothing.
   */
  async consumeInvite(tx: Db, tokenHash: string, now: Date) {
    const [row] = await tx
      .update(invites)
      .set({ status: 'accepted', acceptedAt: now })
      .where(and(eq(invites.tokenHash, tokenHash), eq(invites.status, 'pending'), gt(invites.expiresAt, now)))
      .returning({
        id: invites.id,
        workspaceId: invites.workspaceId,
        email: invites.email,
        role: invites.role,
        localPartnerId: invites.localPartnerId,
        invitedBy: invites.invitedBy,
      });
    return row ?? null;
  },

  async setInviteAcceptedUser(tx: Db, workspaceId: string, inviteId: string, userId: string): Promise<void> {
    await tx
      .update(invites)
      .set({ acceptedUserId: userId })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.id, inviteId)));
  },

  // ── Users (global identities) ───────────────────────────────────────────────────────────

  // ── Grants ──────────────────────────────────────────────────────────────────────────────

  /**
   * Lock the accounts on which the user holds any unrevoked grant, live or not (id order, so two
   * requests lock in the same order): every account a downgrade or a removal may write a grant
   * of. Serialises with account-sharing changes that lock the account row too.
   */
  async lockAccountsOfUser(tx: Db, workspaceId: string, userId: string): Promise<Array<{ id: string; label: string }>> {
    const ids = tx
      .select({ accountId: grants.accountId })
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.userId, userId), isNull(grants.revokedAt)));
    return tx
      .select({ id: accounts.id, label: accounts.label })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, ids)))
      .orderBy(asc(accounts.id))
      .for('update');
  },

  /** Accounts where this user is the only Owner (any source) with a grant live at `now`. */
  async accountsWhereLastOwner(tx: Db, workspaceId: string, userId: string, now: Date): Promise<Array<{ id: string; label: string }>> {
    const others = tx
      .select({ one: sql`1` })
      .from(grants)
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.accountId, accounts.id),
          eq(grants.role, 'owner'),
          liveGrant(now),
          ne(grants.userId, userId),
        ),
      );
    const mine = tx
      .select({ accountId: grants.accountId })
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.userId, userId), eq(grants.role, 'owner'), liveGrant(now)));
    return tx
      .select({ id: accounts.id, label: accounts.label })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, mine), sql`not exists (${others})`))
      .orderBy(asc(accounts.label), asc(accounts.id));
  },

  /**
   * Replace the user's direct Owner grants by Collaborator grants (revoke + insert, so the
   * history keeps both rows). Every unrevoked one, not only those live now: a future-dated Owner
   * grant left in place would make a Login-Only member an Owner later. Returns how many were
   * downgraded.
   */
  async downgradeDirectOwnerGrants(tx: Db, workspaceId: string, userId: string, by: string, now: Date): Promise<number> {
    const ended = await tx
      .update(grants)
      .set({ revokedAt: now, revokedBy: by, revokeReason: 'role_downgraded' })
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.userId, userId),
          eq(grants.role, 'owner'),
          eq(grants.sourceKind, 'direct'),
          isNull(grants.revokedAt),
        ),
      )
      .returning({ accountId: grants.accountId, sourceId: grants.sourceId });
    if (ended.length === 0) return 0;
    await tx.insert(grants).values(
      ended.map((g) => ({
        workspaceId,
        subjectWorkspaceId: workspaceId,
        accountId: g.accountId,
        userId,
        role: 'collaborator' as const,
        sourceKind: 'direct',
        sourceId: g.sourceId,
        grantedBy: by,
        grantedAt: now,
      })),
    );
    return ended.length;
  },

  /**
   * Revoke every unrevoked grant the user holds in this workspace (by subject workspace: the
   * direct grants here AND the grants through host-guest partnerships this workspace is the
   * guest of, R-HG-18), including future-dated and expired ones. Returns the affected account ids.
   */
  async revokeAllGrants(tx: Db, workspaceId: string, userId: string, by: string, reason: string, now: Date): Promise<string[]> {
    const rows = await tx
      .update(grants)
      .set({ revokedAt: now, revokedBy: by, revokeReason: reason })
      .where(and(eq(grants.subjectWorkspaceId, workspaceId), eq(grants.userId, userId), isNull(grants.revokedAt)))
      .returning({ accountId: grants.accountId });
    return rows.map((r) => r.accountId);
  },

  /** Of these accounts, the ones with no Owner grant live at `now` left. */
  async accountsWithoutOwner(tx: Db, workspaceId: string, accountIds: string[], now: Date): Promise<string[]> {
    if (accountIds.length === 0) return [];
    const owners = tx
      .select({ one: sql`1` })
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.accountId, accounts.id), eq(grants.role, 'owner'), liveGrant(now)));
    const rows = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, accountIds), sql`not exists (${owners})`))
      .orderBy(asc(accounts.id));
    return rows.map((r) => r.id);
  },

  /**
   * Make the user a direct Owner of each of these accounts: one UPDATE and one multi-row INSERT,
   * whatever the number of accounts. A live direct grant they already hold on one of them (e.g.
   * Collaborator) is revoked first, since only one live grant per source may exist.
   */
  async grantDirectOwner(tx: Db, workspaceId: string, accountIds: string[], userId: string, now: Date): Promise<void> {
    if (accountIds.length === 0) return;
    await tx
      .update(grants)
      .set({ revokedAt: now, revokedBy: userId, revokeReason: 'upgraded_to_owner' })
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          inArray(grants.accountId, accountIds),
          eq(grants.userId, userId),
          eq(grants.sourceKind, 'direct'),
          isNull(grants.revokedAt),
        ),
      );
    await tx.insert(grants).values(
      accountIds.map((accountId) => ({
        workspaceId,
        subjectWorkspaceId: workspaceId,
        accountId,
        userId,
        role: 'owner' as const,
        sourceKind: 'direct',
        sourceId: accountId,
        grantedBy: userId,
        grantedAt: now,
      })),
    );
  },
};
