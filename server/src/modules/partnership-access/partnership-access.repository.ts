import { and, asc, eq, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { AccessRequestStatus, PartnershipAccountRole } from '@shared/partnerships';
import { liveGrant, liveGrantAsG } from '../../authz/accounts';
import type { Db } from '../../db/client';
import {
  accessRequests,
  accounts,
  grants,
  memberships,
  partnershipAccounts,
  users,
  workspaces,
} from '../../db/schema/index';

/** The source kind of every grant given through a host-guest partnership. */
export const PARTNERSHIP_SOURCE = 'host_guest_partnership';

export type AccessRequestRow = typeof accessRequests.$inferSelect;

/** Escape LIKE wildcards so a search for "50%" finds "50%", not everything. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const sharedByUser = alias(users, 'shared_by_user');
const requesterUser = alias(users, 'requester_user');
const targetUser = alias(users, 'target_user');
const deciderUser = alias(users, 'decider_user');
const hostWs = alias(workspaces, 'host_ws');
const guestWs = alias(workspaces, 'guest_ws');

/** Live grants through one partnership (tenant = host workspace). */
function partnershipGrantConds(hostWorkspaceId: string, partnershipId: string, now: Date): SQL[] {
  return [
    eq(grants.workspaceId, hostWorkspaceId),
    eq(grants.sourceKind, PARTNERSHIP_SOURCE),
    eq(grants.sourceId, partnershipId),
    liveGrant(now),
  ];
}

export const partnershipAccessRepository = {
  /** Accounts shared into the partnership (live share rows), with who shared and how many guest members hold access. */
  async listShares(tx: Db, hostWorkspaceId: string, partnershipId: string, now: Date, onlyAccountIds?: string[]) {
    const conds: SQL[] = [
      eq(partnershipAccounts.hostWorkspaceId, hostWorkspaceId),
      eq(partnershipAccounts.partnershipId, partnershipId),
      isNull(partnershipAccounts.removedAt),
    ];
    if (onlyAccountIds) {
      if (onlyAccountIds.length === 0) return [];
      conds.push(inArray(partnershipAccounts.accountId, onlyAccountIds));
    }
    return tx
      .select({
        accountId: partnershipAccounts.accountId,
        role: partnershipAccounts.role,
        sharedAt: partnershipAccounts.sharedAt,
        label: accounts.label,
        application: accounts.application,
        sharedById: sharedByUser.id,
        sharedByName: sharedByUser.name,
        sharedByEmail: sharedByUser.email,
        memberCount: sql<number>`(select count(distinct g.user_id)::int from ${grants} g
          where g.workspace_id = ${hostWorkspaceId}::uuid and g.account_id = ${partnershipAccounts.accountId}
            and g.source_kind = ${PARTNERSHIP_SOURCE} and g.source_id = ${partnershipId}::uuid
            and ${liveGrantAsG(now)})`,
      })
      .from(partnershipAccounts)
      .innerJoin(accounts, and(eq(accounts.id, partnershipAccounts.accountId), eq(accounts.workspaceId, hostWorkspaceId)))
      .leftJoin(sharedByUser, eq(sharedByUser.id, partnershipAccounts.sharedBy))
      .where(and(...conds))
      .orderBy(asc(sql`lower(${accounts.label})`), asc(accounts.id));
  },

  /** The live share row of one account in the partnership, if any. */
  async findLiveShare(tx: Db, hostWorkspaceId: string, partnershipId: string, accountId: string) {
    const [row] = await tx
      .select({ id: partnershipAccounts.id, role: partnershipAccounts.role })
      .from(partnershipAccounts)
      .where(
        and(
          eq(partnershipAccounts.hostWorkspaceId, hostWorkspaceId),
          eq(partnershipAccounts.partnershipId, partnershipId),
          eq(partnershipAccounts.accountId, accountId),
          isNull(partnershipAccounts.removedAt),
        ),
      );
    return row ?? null;
  },

  /** Account ids (of `accountIds`, or all) on which the user holds any live DIRECT grant in the host workspace. */
  async accessibleAccountIds(tx: Db, workspaceId: string, userId: string, now: Date, role?: 'owner'): Promise<Set<string>> {
    const conds: SQL[] = [
      eq(grants.workspaceId, workspaceId),
      eq(grants.subjectWorkspaceId, workspaceId),
      eq(grants.userId, userId),
      liveGrant(now),
    ];
    if (role) conds.push(eq(grants.role, role));
    const rows = await tx.selectDistinct({ accountId: grants.accountId }).from(grants).where(and(...conds));
    return new Set(rows.map((r) => r.accountId));
  },

  /** Does the user hold a live Owner grant on the account (in its own workspace)? */
  async isLiveOwner(tx: Db, workspaceId: string, accountId: string, userId: string, now: Date): Promise<boolean> {
    const [row] = await tx
      .select({ id: grants.id })
      .from(grants)
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.userId, userId),
          eq(grants.role, 'owner'),
          liveGrant(now),
        ),
      )
      .limit(1);
    return Boolean(row);
  },

  /** Active accounts the user owns (live Owner grant), not shared into this partnership yet. */
  async listShareable(tx: Db, workspaceId: string, userId: string, partnershipId: string, now: Date) {
    return tx
      .selectDistinct({ accountId: accounts.id, label: accounts.label, application: accounts.application, username: accounts.username, sortKey: sql<string>`lower(${accounts.label})` })
      .from(accounts)
      .innerJoin(
        grants,
        and(
          eq(grants.accountId, accounts.id),
          eq(grants.workspaceId, workspaceId),
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.userId, userId),
          eq(grants.role, 'owner'),
          liveGrant(now),
        ),
      )
      .where(
        and(
          eq(accounts.workspaceId, workspaceId),
          eq(accounts.status, 'active'),
          sql`not exists (select 1 from ${partnershipAccounts} pa where pa.partnership_id = ${partnershipId}::uuid
                and pa.account_id = ${accounts.id} and pa.removed_at is null)`,
        ),
      )
      .orderBy(sql`lower(${accounts.label})`, accounts.id);
  },

  /** Accounts of the workspace by id (to tell "not yours" from "no such account"). */
  async findAccounts(tx: Db, workspaceId: string, accountIds: string[]) {
    if (accountIds.length === 0) return [];
    return tx
      .select({ id: accounts.id, label: accounts.label, status: accounts.status })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, accountIds)));
  },

  async insertShare(
    tx: Db,
    v: { hostWorkspaceId: string; partnershipId: string; accountId: string; role: PartnershipAccountRole; sharedBy: string; now: Date },
  ) {
    await tx.insert(partnershipAccounts).values({
      hostWorkspaceId: v.hostWorkspaceId,
      partnershipId: v.partnershipId,
      accountId: v.accountId,
      role: v.role,
      sharedBy: v.sharedBy,
      sharedAt: v.now,
    });
  },

  async markShareRemoved(tx: Db, hostWorkspaceId: string, shareId: string, by: string, now: Date) {
    await tx
      .update(partnershipAccounts)
      .set({ removedAt: now, removedBy: by })
      .where(and(eq(partnershipAccounts.hostWorkspaceId, hostWorkspaceId), eq(partnershipAccounts.id, shareId)));
  },

  /** A grant through the partnership: host tenant, guest subject, never Owner (R-HG-21). */
  async insertPartnershipGrant(
    tx: Db,
    v: {
      hostWorkspaceId: string;
      guestWorkspaceId: string;
      partnershipId: string;
      accountId: string;
      userId: string;
      role: PartnershipAccountRole;
      grantedBy: string;
      now: Date;
    },
  ) {
    const [row] = await tx
      .insert(grants)
      .values({
        workspaceId: v.hostWorkspaceId,
        subjectWorkspaceId: v.guestWorkspaceId,
        accountId: v.accountId,
        userId: v.userId,
        role: v.role,
        sourceKind: PARTNERSHIP_SOURCE,
        sourceId: v.partnershipId,
        grantedBy: v.grantedBy,
        grantedAt: v.now,
      })
      .returning({ id: grants.id });
    return row!;
  },

  /** Live grants through the partnership, optionally for one account and/or one user, with the grantee. */
  async livePartnershipGrants(
    tx: Db,
    hostWorkspaceId: string,
    partnershipId: string,
    now: Date,
    filter: { accountId?: string; userId?: string } = {},
  ) {
    const conds = partnershipGrantConds(hostWorkspaceId, partnershipId, now);
    if (filter.accountId) conds.push(eq(grants.accountId, filter.accountId));
    if (filter.userId) conds.push(eq(grants.userId, filter.userId));
    return tx
      .select({
        grantId: grants.id,
        accountId: grants.accountId,
        accountLabel: accounts.label,
        userId: grants.userId,
        name: users.name,
        email: users.email,
        role: grants.role,
        grantedAt: grants.grantedAt,
        lastUsedAt: grants.lastUsedAt,
      })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .innerJoin(accounts, eq(accounts.id, grants.accountId))
      .where(and(...conds))
      .orderBy(asc(users.name), asc(users.email), asc(sql`lower(${accounts.label})`), asc(grants.accountId));
  },

  /** Revoking never deletes: the rows stay for the trail. Returns how many were revoked. */
  async revokeGrants(tx: Db, hostWorkspaceId: string, grantIds: string[], v: { by: string; reason: string; now: Date }) {
    if (grantIds.length === 0) return 0;
    const rows = await tx
      .update(grants)
      .set({ revokedAt: v.now, revokedBy: v.by, revokeReason: v.reason })
      .where(and(eq(grants.workspaceId, hostWorkspaceId), inArray(grants.id, grantIds), isNull(grants.revokedAt)))
      .returning({ id: grants.id });
    return rows.length;
  },

  /** Cancel pending access requests matching the filter; returns how many. */
  async cancelPendingRequests(
    tx: Db,
    hostWorkspaceId: string,
    filter: { accountId: string; partnershipId?: string; requesterUserId?: string; targetUserId?: string },
    v: { reason: string; by: string | null; now: Date },
  ): Promise<number> {
    return (await partnershipAccessRepository.cancelPendingRequestRows(tx, hostWorkspaceId, filter, v)).length;
  },

  /** Like cancelPendingRequests, returning who asked for whom (for the emails). */
  async cancelPendingRequestRows(
    tx: Db,
    hostWorkspaceId: string,
    filter: { accountId: string; partnershipId?: string; requesterUserId?: string; targetUserId?: string },
    v: { reason: string; by: string | null; now: Date },
  ) {
    const conds: SQL[] = [
      eq(accessRequests.hostWorkspaceId, hostWorkspaceId),
      eq(accessRequests.accountId, filter.accountId),
      eq(accessRequests.status, 'pending'),
    ];
    if (filter.partnershipId) conds.push(eq(accessRequests.partnershipId, filter.partnershipId));
    if (filter.requesterUserId) conds.push(eq(accessRequests.requesterUserId, filter.requesterUserId));
    if (filter.targetUserId) conds.push(eq(accessRequests.targetUserId, filter.targetUserId));
    const rows = await tx
      .update(accessRequests)
      .set({ status: 'cancelled', cancelReason: v.reason, decidedBy: v.by, decidedAt: v.now })
      .where(and(...conds))
      .returning({
        id: accessRequests.id,
        requesterUserId: accessRequests.requesterUserId,
        targetUserId: accessRequests.targetUserId,
        guestWorkspaceId: accessRequests.guestWorkspaceId,
      });
    return rows;
  },

  async findActiveMembers(tx: Db, workspaceId: string, userIds: string[]) {
    if (userIds.length === 0) return [];
    return tx
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds), eq(memberships.status, 'active')));
  },

  /** Every person holding a live Owner grant on the account, who is still an active member of its workspace. */
  async liveOwners(tx: Db, workspaceId: string, accountId: string, now: Date) {
    return tx
      .selectDistinct({ userId: users.id, email: users.email, name: users.name })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .innerJoin(
        memberships,
        and(eq(memberships.userId, grants.userId), eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')),
      )
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.role, 'owner'),
          liveGrant(now),
        ),
      );
  },

  /** Members of the guest workspace the requester may pick, with what stands in the way of each. */
  async candidates(
    tx: Db,
    p: { guestWorkspaceId: string; hostWorkspaceId: string; partnershipId: string; accountId: string; excludeUserId: string; q?: string | undefined; now: Date },
  ) {
    const conds: SQL[] = [
      eq(memberships.workspaceId, p.guestWorkspaceId),
      eq(memberships.status, 'active'),
      ne(memberships.userId, p.excludeUserId),
    ];
    if (p.q) {
      const pattern = `%${escapeLike(p.q)}%`;
      conds.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
    }
    return tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        hasAccess: sql<boolean>`exists (select 1 from ${grants} g where g.workspace_id = ${p.hostWorkspaceId}::uuid
          and g.account_id = ${p.accountId}::uuid and g.user_id = ${users.id} and g.source_kind = ${PARTNERSHIP_SOURCE}
          and g.source_id = ${p.partnershipId}::uuid and ${liveGrantAsG(p.now)})`,
        pending: sql<boolean>`exists (select 1 from ${accessRequests} ar where ar.partnership_id = ${p.partnershipId}::uuid
          and ar.account_id = ${p.accountId}::uuid and ar.target_user_id = ${users.id} and ar.status = 'pending')`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(...conds))
      .orderBy(asc(users.name), asc(users.email))
      .limit(200);
  },

  async insertAccessRequest(
    tx: Db,
    v: {
      hostWorkspaceId: string;
      guestWorkspaceId: string;
      partnershipId: string;
      accountId: string;
      requesterUserId: string;
      targetUserId: string;
      role: PartnershipAccountRole;
      now: Date;
    },
  ): Promise<AccessRequestRow> {
    const [row] = await tx
      .insert(accessRequests)
      .values({ ...v, status: 'pending', createdAt: v.now })
      .returning();
    return row!;
  },

  /** A pending request for this (partnership, account, target), if any. */
  async findPending(tx: Db, partnershipId: string, accountId: string, targetUserId: string) {
    const [row] = await tx
      .select({ id: accessRequests.id })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.partnershipId, partnershipId),
          eq(accessRequests.accountId, accountId),
          eq(accessRequests.targetUserId, targetUserId),
          eq(accessRequests.status, 'pending'),
        ),
      );
    return row ?? null;
  },

  /** A request the actor's workspace takes part in (host or guest); null otherwise. With lock: FOR UPDATE. */
  async findRequest(tx: Db, workspaceId: string, id: string, opts: { lock?: boolean } = {}): Promise<AccessRequestRow | null> {
    const q = tx
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.id, id), or(eq(accessRequests.hostWorkspaceId, workspaceId), eq(accessRequests.guestWorkspaceId, workspaceId))));
    const [row] = opts.lock ? await q.for('update') : await q;
    return row ?? null;
  },

  async decideRequest(
    tx: Db,
    hostWorkspaceId: string,
    id: string,
    v: { status: Exclude<AccessRequestStatus, 'pending'>; by: string; now: Date; cancelReason?: string },
  ) {
    await tx
      .update(accessRequests)
      .set({ status: v.status, decidedBy: v.by, decidedAt: v.now, cancelReason: v.cancelReason ?? null })
      .where(and(eq(accessRequests.hostWorkspaceId, hostWorkspaceId), eq(accessRequests.id, id)));
  },

  /**
   * Access requests the viewer may see, filtered in SQL (tenant first):
   * host side: requests on accounts the viewer owns (live Owner grant), or all of the workspace's for Admins;
   * guest side: requests the viewer sent or is the target of, or all of the workspace's for Admins.
   */
  async listRequests(
    tx: Db,
    p: {
      workspaceId: string;
      userId: string;
      hostAdmin: boolean;
      guestAdmin: boolean;
      now: Date;
      accountId?: string | undefined;
      status?: AccessRequestStatus | undefined;
      ids?: string[];
    },
  ) {
    const ownsAccount = sql<boolean>`exists (select 1 from ${grants} g where g.workspace_id = ${accessRequests.hostWorkspaceId}
      and g.subject_workspace_id = ${accessRequests.hostWorkspaceId} and g.account_id = ${accessRequests.accountId}
      and g.user_id = ${p.userId}::uuid and g.role = 'owner' and ${liveGrantAsG(p.now)})`;
    const hostSide = and(eq(accessRequests.hostWorkspaceId, p.workspaceId), p.hostAdmin ? sql`true` : ownsAccount)!;
    const guestSide = and(
      eq(accessRequests.guestWorkspaceId, p.workspaceId),
      p.guestAdmin
        ? sql`true`
        : or(eq(accessRequests.requesterUserId, p.userId), eq(accessRequests.targetUserId, p.userId))!,
    )!;
    const conds: SQL[] = [or(hostSide, guestSide)!];
    if (p.accountId) conds.push(eq(accessRequests.accountId, p.accountId));
    if (p.status) conds.push(eq(accessRequests.status, p.status));
    if (p.ids) conds.push(inArray(accessRequests.id, p.ids));
    return tx
      .select({
        request: accessRequests,
        accountLabel: accounts.label,
        hostName: hostWs.name,
        guestName: guestWs.name,
        requesterName: requesterUser.name,
        requesterEmail: requesterUser.email,
        targetName: targetUser.name,
        targetEmail: targetUser.email,
        deciderName: deciderUser.name,
        deciderEmail: deciderUser.email,
        ownsAccount,
      })
      .from(accessRequests)
      .innerJoin(accounts, eq(accounts.id, accessRequests.accountId))
      .innerJoin(hostWs, eq(hostWs.id, accessRequests.hostWorkspaceId))
      .innerJoin(guestWs, eq(guestWs.id, accessRequests.guestWorkspaceId))
      .innerJoin(requesterUser, eq(requesterUser.id, accessRequests.requesterUserId))
      .innerJoin(targetUser, eq(targetUser.id, accessRequests.targetUserId))
      .leftJoin(deciderUser, eq(deciderUser.id, accessRequests.decidedBy))
      .where(and(...conds))
      .orderBy(sql`${accessRequests.createdAt} desc`, accessRequests.id)
      .limit(500);
  },
};
