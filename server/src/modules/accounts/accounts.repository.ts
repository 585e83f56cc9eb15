import { and, asc, count, countDistinct, desc, eq, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ACCOUNT_ROLE_RANK, type AccountRole } from '@shared/permissions';
import { grantRoleRank, liveGrant, reachableGrant } from '../../authz/accounts';
import type { Db } from '../../db/client';
import { accounts, grants, localPartners, memberships, partnerships, users, workspaces } from '../../db/schema/index';

export type AccountRow = typeof accounts.$inferSelect;

/** Escape LIKE wildcards so a search for "50%" finds "50%", not everything. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const grantedByUser = alias(users, 'granted_by_user');
const guestWorkspace = alias(workspaces, 'guest_workspace');

export const accountsRepository = {
  async insert(
    tx: Db,
    v: {
      workspaceId: string;
      label: string;
      application: string;
      loginUrl: string | null;
      username: string;
      notes: string;
      customFields: Array<{ name: string; value: string }>;
      createdBy: string;
      now: Date;
    },
  ): Promise<AccountRow> {
    const [row] = await tx
      .insert(accounts)
      .values({ ...v, createdAt: v.now, updatedAt: v.now })
      .returning();
    return row!;
  },

  /** Lock the account row: serialises every change to the account and its grants. */
  async lock(tx: Db, workspaceId: string, accountId: string): Promise<{ id: string } | null> {
    const [row] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)))
      .for('update');
    return row ?? null;
  },

  async findWithCreator(tx: Db, workspaceId: string, accountId: string) {
    const [row] = await tx
      .select({ account: accounts, creatorName: users.name, creatorEmail: users.email })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.createdBy))
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
    return row ?? null;
  },

  async update(
    tx: Db,
    workspaceId: string,
    accountId: string,
    set: Partial<Pick<AccountRow, 'label' | 'application' | 'loginUrl' | 'username' | 'notes' | 'customFields' | 'status' | 'deletedAt' | 'deletedBy'>> & {
      updatedAt: Date;
    },
  ): Promise<void> {
    await tx
      .update(accounts)
      .set(set)
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
  },

  /**
   * Accounts the user holds a live grant on from this workspace, with their strongest role,
   * filtered in SQL: the workspace's own accounts and hosts' accounts shared with it through an
   * active partnership (those carry the host workspace's name). Keyset pagination on
   * (lower(label), id). `deleted` lists only deleted accounts the user owns.
   */
  async listForUser(
    tx: Db,
    p: {
      workspaceId: string;
      userId: string;
      now: Date;
      status: 'active' | 'deleted';
      q?: string | undefined;
      /** Resume after this account (one the user can reach) in (lower(label), id) order. */
      afterId?: string | undefined;
      limit: number;
    },
  ) {
    const mine = tx
      .select({ accountId: grants.accountId, rank: sql<number>`max(${grantRoleRank})`.as('rank') })
      .from(grants)
      .where(and(eq(grants.subjectWorkspaceId, p.workspaceId), eq(grants.userId, p.userId), liveGrant(p.now), reachableGrant()))
      .groupBy(grants.accountId)
      .as('mine');
    const sortKey = sql<string>`lower(${accounts.label})`;
    const conds: SQL[] = [eq(accounts.status, p.status)];
    if (p.status === 'deleted') conds.push(eq(mine.rank, 3));
    if (p.q) {
      const pattern = `%${escapeLike(p.q)}%`;
      conds.push(
        or(ilike(accounts.label, pattern), ilike(accounts.application, pattern), ilike(accounts.username, pattern))!,
      );
    }
    if (p.afterId) {
      // The cursor's account must be one the user reaches: another tenant's id would otherwise
      // be an oracle for its label (binary search by sort position).
      conds.push(
        sql`(${sortKey}, ${accounts.id}) > (select lower(prev.label), prev.id from accounts prev
              where prev.id = ${p.afterId}::uuid
                and exists (select 1 from grants g where g.account_id = prev.id and g.user_id = ${p.userId}::uuid
                              and g.subject_workspace_id = ${p.workspaceId}::uuid and g.revoked_at is null))`,
      );
    }
    const rows = await tx
      .select({ account: accounts, rank: mine.rank })
      .from(accounts)
      .innerJoin(mine, eq(mine.accountId, accounts.id))
      .where(and(...conds))
      .orderBy(asc(sortKey), asc(accounts.id))
      .limit(p.limit + 1);
    return rows.map((r) => ({ account: r.account, role: rankToRole(Number(r.rank)) }));
  },

  /**
   * Names of the host workspaces of accounts reached through partnerships, by id: read for one
   * page's few foreign workspaces after the page is chosen, not joined into the list query.
   */
  async workspaceNames(tx: Db, workspaceIds: string[]): Promise<Map<string, string>> {
    if (workspaceIds.length === 0) return new Map();
    const rows = await tx.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(inArray(workspaces.id, workspaceIds));
    return new Map(rows.map((r) => [r.id, r.name]));
  },

  /** The host workspace's name when the account belongs to another workspace than the viewer's. */
  async hostWorkspaceName(tx: Db, accountWorkspaceId: string, viewerWorkspaceId: string): Promise<string | null> {
    if (accountWorkspaceId === viewerWorkspaceId) return null;
    return (await accountsRepository.workspaceNames(tx, [accountWorkspaceId])).get(accountWorkspaceId) ?? null;
  },

  /**
   * The target must be an ACTIVE member of this workspace. With `lock`, the membership row is
   * locked FOR SHARE, so a concurrent demotion or removal (which lock it FOR UPDATE) waits for
   * this transaction, or this read waits for theirs and sees the committed role and status.
   * Lock order everywhere: membership rows first, then account rows.
   */
  async findActiveMember(tx: Db, workspaceId: string, userId: string, opts: { lock?: boolean } = {}) {
    const q = tx
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.status, 'active')));
    const [row] = opts.lock ? await q.for('share', { of: memberships }) : await q;
    return row ?? null;
  },

  /** The user's live direct grant on the account, if any. */
  async findLiveDirectGrant(tx: Db, workspaceId: string, accountId: string, userId: string, now: Date) {
    const [row] = await tx
      .select({ id: grants.id, role: grants.role })
      .from(grants)
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.userId, userId),
          eq(grants.sourceKind, 'direct'),
          eq(grants.sourceId, accountId),
          liveGrant(now),
        ),
      );
    return row ?? null;
  },

  async insertDirectGrant(
    tx: Db,
    v: { workspaceId: string; accountId: string; userId: string; role: AccountRole; grantedBy: string; now: Date },
  ) {
    const [row] = await tx
      .insert(grants)
      .values({
        workspaceId: v.workspaceId,
        subjectWorkspaceId: v.workspaceId,
        accountId: v.accountId,
        userId: v.userId,
        role: v.role,
        sourceKind: 'direct',
        sourceId: v.accountId,
        grantedBy: v.grantedBy,
        grantedAt: v.now,
      })
      .returning({ id: grants.id });
    return row!;
  },

  /** Revoking never deletes: the row stays for the trail. */
  async revokeGrant(tx: Db, workspaceId: string, grantId: string, v: { by: string; reason: string; now: Date }) {
    await tx
      .update(grants)
      .set({ revokedAt: v.now, revokedBy: v.by, revokeReason: v.reason })
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.id, grantId)));
  },

  /** How many people hold a live Owner grant on the account, not counting one grant (the one being changed). */
  async countOtherOwners(tx: Db, workspaceId: string, accountId: string, exceptGrantId: string | null, now: Date) {
    const conds = [
      eq(grants.workspaceId, workspaceId),
      eq(grants.accountId, accountId),
      eq(grants.role, 'owner'),
      liveGrant(now),
    ];
    if (exceptGrantId) conds.push(ne(grants.id, exceptGrantId));
    const [row] = await tx.select({ n: countDistinct(grants.userId) }).from(grants).where(and(...conds));
    return Number(row?.n ?? 0);
  },

  /** Mark the user's live grants on the account as used now (shown as "last used" on the members page). */
  async touchGrants(tx: Db, workspaceId: string, accountId: string, userId: string, now: Date) {
    await tx
      .update(grants)
      .set({ lastUsedAt: now })
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.accountId, accountId), eq(grants.userId, userId), liveGrant(now)));
  },

  async countLiveGrants(tx: Db, workspaceId: string, accountId: string, now: Date) {
    const [row] = await tx
      .select({ n: count() })
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.accountId, accountId), liveGrant(now)));
    return Number(row?.n ?? 0);
  },

  /**
   * The guest workspaces that see this account through an active partnership (live partnership
   * grants held from them): who else must hear about a change to it (live updates). One query on
   * grants_account_live_idx.
   */
  /**
   * Guest members who hold a live grant on the account through an ACTIVE partnership and are still
   * active members of their workspace: the people who see it from a partner workspace.
   */
  async guestHoldersOf(tx: Db, workspaceId: string, accountId: string, now: Date) {
    return tx
      .selectDistinct({ userId: users.id, email: users.email, name: users.name, guestWorkspaceId: grants.subjectWorkspaceId })
      .from(grants)
      .innerJoin(
        partnerships,
        and(eq(partnerships.id, grants.sourceId), eq(partnerships.hostWorkspaceId, grants.workspaceId), eq(partnerships.state, 'active')),
      )
      .innerJoin(users, eq(users.id, grants.userId))
      .innerJoin(
        memberships,
        and(eq(memberships.workspaceId, grants.subjectWorkspaceId), eq(memberships.userId, grants.userId), eq(memberships.status, 'active')),
      )
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.sourceKind, 'host_guest_partnership'),
          liveGrant(now),
        ),
      )
      .orderBy(asc(users.email));
  },

  async guestWorkspacesOf(tx: Db, workspaceId: string, accountId: string): Promise<string[]> {
    const rows = await tx
      .selectDistinct({ id: grants.subjectWorkspaceId })
      .from(grants)
      .innerJoin(
        partnerships,
        and(eq(partnerships.id, grants.sourceId), eq(partnerships.hostWorkspaceId, grants.workspaceId), eq(partnerships.state, 'active')),
      )
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.sourceKind, 'host_guest_partnership'),
          isNull(grants.revokedAt),
        ),
      );
    return rows.map((r) => r.id);
  },

  /** Every live grant on the account with the grantee and the granter, strongest first per user. */
  async listLiveGrants(tx: Db, workspaceId: string, accountId: string, now: Date) {
    return tx
      .select({
        grantId: grants.id,
        userId: grants.userId,
        email: users.email,
        name: users.name,
        role: grants.role,
        sourceKind: grants.sourceKind,
        grantedAt: grants.grantedAt,
        lastUsedAt: grants.lastUsedAt,
        grantedByName: grantedByUser.name,
        grantedByEmail: grantedByUser.email,
        partnershipId: partnerships.id,
        partnershipState: partnerships.state,
        guestWorkspaceName: guestWorkspace.name,
        localPartnerId: localPartners.id,
        localPartnerName: localPartners.companyName,
      })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .leftJoin(grantedByUser, eq(grantedByUser.id, grants.grantedBy))
      .leftJoin(
        localPartners,
        and(eq(grants.sourceKind, 'local_partner'), eq(localPartners.id, grants.sourceId), eq(localPartners.workspaceId, grants.workspaceId)),
      )
      .leftJoin(
        partnerships,
        and(eq(grants.sourceKind, 'host_guest_partnership'), eq(partnerships.id, grants.sourceId), eq(partnerships.hostWorkspaceId, grants.workspaceId)),
      )
      .leftJoin(guestWorkspace, eq(guestWorkspace.id, partnerships.guestWorkspaceId))
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.accountId, accountId), liveGrant(now)))
      .orderBy(asc(users.name), asc(users.email), desc(grantRoleRank));
  },
};

/** The role whose ACCOUNT_ROLE_RANK is `rank` (the strongest live grant, from `max(grantRoleRank)`). */
function rankToRole(rank: number): AccountRole {
  const role = (Object.keys(ACCOUNT_ROLE_RANK) as AccountRole[]).find((r) => ACCOUNT_ROLE_RANK[r] === rank);
  if (!role) throw new Error(`No account role has rank ${rank}`);
  return role;
}
