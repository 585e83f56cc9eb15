import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { LocalPartnerAccountRole } from '@shared/local-partners';
import type { AccountRole, GuestRole, WorkspaceRole } from '@shared/permissions';
import { liveGrant, liveGrantAsG } from '../../authz/accounts';
import { queryRows, type Db } from '../../db/client';
import {
  accounts,
  grants,
  invites,
  localPartnerAccounts,
  localPartnerHostAdmins,
  localPartners,
  memberships,
  users,
} from '../../db/schema/index';

/** The source kind of every grant given through a local partner (ADR 0012); `source_id` is the partner id. */
export const LOCAL_PARTNER_SOURCE = 'local_partner';

export type LocalPartnerRow = typeof localPartners.$inferSelect;

export interface PersonRow {
  userId: string;
  name: string;
  email: string;
}

export interface GuestRow extends PersonRow {
  role: GuestRole;
  joinedAt: Date;
  lastActiveAt: Date | null;
  mfaEnabled: boolean;
  accountCount: number;
  /** Their identity is active in another workspace too: resets of their login are theirs (ADR 0012). */
  elsewhere: boolean;
}

const sharedByUser = alias(users, 'shared_by_user');
const creatorUser = alias(users, 'creator_user');

/** Live grants through one partner (the partner's tenant is its workspace; guests hold them from it). */
function partnerGrantConds(workspaceId: string, partnerId: string, now: Date): SQL[] {
  return [
    eq(grants.workspaceId, workspaceId),
    eq(grants.subjectWorkspaceId, workspaceId),
    eq(grants.sourceKind, LOCAL_PARTNER_SOURCE),
    eq(grants.sourceId, partnerId),
    liveGrant(now),
  ];
}

/**
 * Local partners, their Host Admins, guests and shares. Every function takes the workspace id and
 * filters by it (tenant in every WHERE); the partner id alone is never enough.
 */
export const localPartnersRepository = {
  // ── Partners ─────────────────────────────────────────────────────────────────────────────

  async insert(tx: Db, v: { workspaceId: string; companyName: string; createdBy: string; now: Date }): Promise<LocalPartnerRow> {
    const [row] = await tx
      .insert(localPartners)
      .values({ workspaceId: v.workspaceId, companyName: v.companyName, createdBy: v.createdBy, createdAt: v.now, updatedAt: v.now })
      .returning();
    return row!;
  },

  /**
   * One partner of the workspace. `lock: 'update'` for changes to the partner or its people
   * (serialises the "last Guest Admin / last Host Admin" checks); `'share'` for changes that only
   * need it to stay active (a join, a share).
   */
  async find(tx: Db, workspaceId: string, partnerId: string, opts: { lock?: 'update' | 'share' } = {}): Promise<LocalPartnerRow | null> {
    const q = tx
      .select()
      .from(localPartners)
      .where(and(eq(localPartners.workspaceId, workspaceId), eq(localPartners.id, partnerId)))
      .limit(1);
    const [row] = opts.lock ? await q.for(opts.lock) : await q;
    return row ?? null;
  },

  /** Active partners of the workspace, optionally only these ids. */
  async listActive(tx: Db, workspaceId: string, onlyIds?: string[]): Promise<LocalPartnerRow[]> {
    const conds: SQL[] = [eq(localPartners.workspaceId, workspaceId), eq(localPartners.status, 'active')];
    if (onlyIds) {
      if (onlyIds.length === 0) return [];
      conds.push(inArray(localPartners.id, onlyIds));
    }
    return tx
      .select()
      .from(localPartners)
      .where(and(...conds))
      .orderBy(asc(sql`lower(${localPartners.companyName})`), asc(localPartners.id));
  },

  async markRemoved(tx: Db, workspaceId: string, partnerId: string, by: string, now: Date): Promise<void> {
    await tx
      .update(localPartners)
      .set({ status: 'removed', removedBy: by, removedAt: now, updatedAt: now })
      .where(and(eq(localPartners.workspaceId, workspaceId), eq(localPartners.id, partnerId), eq(localPartners.status, 'active')));
  },

  async touch(tx: Db, workspaceId: string, partnerId: string, now: Date): Promise<void> {
    await tx.update(localPartners).set({ updatedAt: now }).where(and(eq(localPartners.workspaceId, workspaceId), eq(localPartners.id, partnerId)));
  },

  /** Who created each partner (for the DTO). */
  async creators(tx: Db, workspaceId: string, partnerIds: string[]): Promise<Map<string, PersonRow>> {
    if (partnerIds.length === 0) return new Map();
    const rows = await tx
      .select({ partnerId: localPartners.id, userId: creatorUser.id, name: creatorUser.name, email: creatorUser.email })
      .from(localPartners)
      .innerJoin(creatorUser, eq(creatorUser.id, localPartners.createdBy))
      .where(and(eq(localPartners.workspaceId, workspaceId), inArray(localPartners.id, partnerIds)));
    return new Map(rows.map((r) => [r.partnerId, { userId: r.userId, name: r.name, email: r.email }]));
  },

  /**
   * Per partner: Guest Admins, Guest Users, unaccepted invites and live shares, in one query.
   * The outer row is named `lp` explicitly: in a one-table select Drizzle writes columns without
   * their table, which a correlated subquery would read as its own table's column.
   */
  async counts(tx: Db, workspaceId: string, partnerIds: string[]) {
    type Counts = { guestAdmins: number; guestUsers: number; invites: number; accounts: number };
    if (partnerIds.length === 0) return new Map<string, Counts>();
    const rows = await queryRows<Counts & { id: string }>(
      tx,
      sql`select lp.id,
          (select count(*)::int from ${memberships} m
            where m.workspace_id = lp.workspace_id and m.local_partner_id = lp.id and m.status = 'active' and m.role = 'guest_admin') as "guestAdmins",
          (select count(*)::int from ${memberships} m
            where m.workspace_id = lp.workspace_id and m.local_partner_id = lp.id and m.status = 'active' and m.role = 'guest_user') as "guestUsers",
          (select count(*)::int from ${invites} i
            where i.workspace_id = lp.workspace_id and i.local_partner_id = lp.id and i.status = 'pending') as "invites",
          (select count(*)::int from ${localPartnerAccounts} s
            where s.workspace_id = lp.workspace_id and s.local_partner_id = lp.id and s.removed_at is null) as "accounts"
        from ${localPartners} lp
        where lp.workspace_id = ${workspaceId}::uuid and lp.id in (${sql.join(
          partnerIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
    );
    return new Map(rows.map((r) => [r.id, { guestAdmins: r.guestAdmins, guestUsers: r.guestUsers, invites: r.invites, accounts: r.accounts }]));
  },

  // ── Host Admins ──────────────────────────────────────────────────────────────────────────

  async hostAdmins(tx: Db, workspaceId: string, partnerIds: string[]) {
    if (partnerIds.length === 0) return [];
    return tx
      .select({
        partnerId: localPartnerHostAdmins.localPartnerId,
        userId: users.id,
        name: users.name,
        email: users.email,
        addedAt: localPartnerHostAdmins.addedAt,
      })
      .from(localPartnerHostAdmins)
      .innerJoin(users, eq(users.id, localPartnerHostAdmins.userId))
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), inArray(localPartnerHostAdmins.localPartnerId, partnerIds)))
      .orderBy(asc(users.name), asc(users.email));
  },

  /** The partners (ids) the user is a Host Admin of. */
  async partnersHostedBy(tx: Db, workspaceId: string, userId: string): Promise<string[]> {
    const rows = await tx
      .select({ id: localPartnerHostAdmins.localPartnerId })
      .from(localPartnerHostAdmins)
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.userId, userId)));
    return rows.map((r) => r.id);
  },

  async isHostAdmin(tx: Db, workspaceId: string, partnerId: string, userId: string): Promise<boolean> {
    const [row] = await tx
      .select({ one: sql`1` })
      .from(localPartnerHostAdmins)
      .where(
        and(
          eq(localPartnerHostAdmins.workspaceId, workspaceId),
          eq(localPartnerHostAdmins.localPartnerId, partnerId),
          eq(localPartnerHostAdmins.userId, userId),
        ),
      )
      .limit(1);
    return Boolean(row);
  },

  /** Add Host Admins; people already Host Admins are skipped. Returns the user ids really added. */
  async addHostAdmins(tx: Db, workspaceId: string, partnerId: string, userIds: string[], by: string, now: Date): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await tx
      .insert(localPartnerHostAdmins)
      .values(userIds.map((userId) => ({ workspaceId, localPartnerId: partnerId, userId, addedBy: by, addedAt: now })))
      .onConflictDoNothing()
      .returning({ userId: localPartnerHostAdmins.userId });
    return rows.map((r) => r.userId);
  },

  async removeHostAdmin(tx: Db, workspaceId: string, partnerId: string, userId: string): Promise<boolean> {
    const rows = await tx
      .delete(localPartnerHostAdmins)
      .where(
        and(
          eq(localPartnerHostAdmins.workspaceId, workspaceId),
          eq(localPartnerHostAdmins.localPartnerId, partnerId),
          eq(localPartnerHostAdmins.userId, userId),
        ),
      )
      .returning({ userId: localPartnerHostAdmins.userId });
    return rows.length === 1;
  },

  /** Every Host Admin row of the partner goes (the partner is removed, R-LP-14). Returns who they were. */
  async removeAllHostAdmins(tx: Db, workspaceId: string, partnerId: string): Promise<string[]> {
    const rows = await tx
      .delete(localPartnerHostAdmins)
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.localPartnerId, partnerId)))
      .returning({ userId: localPartnerHostAdmins.userId });
    return rows.map((r) => r.userId);
  },

  /** The user stops being Host Admin anywhere in the workspace (they left it, or became Login-Only). Returns the partner ids. */
  async removeHostAdminEverywhere(tx: Db, workspaceId: string, userId: string): Promise<string[]> {
    const rows = await tx
      .delete(localPartnerHostAdmins)
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.userId, userId)))
      .returning({ partnerId: localPartnerHostAdmins.localPartnerId });
    return rows.map((r) => r.partnerId);
  },

  async countHostAdmins(tx: Db, workspaceId: string, partnerId: string): Promise<number> {
    const [r] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(localPartnerHostAdmins)
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.localPartnerId, partnerId)));
    return r?.n ?? 0;
  },

  /** Lock the partners (FOR UPDATE, id order) the user is a Host Admin of, before their rows change. */
  async lockPartnersHostedBy(tx: Db, workspaceId: string, userId: string): Promise<string[]> {
    const hosted = tx
      .select({ id: localPartnerHostAdmins.localPartnerId })
      .from(localPartnerHostAdmins)
      .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.userId, userId)));
    const rows = await tx
      .select({ id: localPartners.id })
      .from(localPartners)
      .where(and(eq(localPartners.workspaceId, workspaceId), inArray(localPartners.id, hosted)))
      .orderBy(asc(localPartners.id))
      .for('update');
    return rows.map((r) => r.id);
  },

  // ── Workspace people (candidates, checks) ────────────────────────────────────────────────

  /**
   * Active members of the workspace among these ids, with their role. With `lock`, their
   * membership rows are held FOR SHARE (user-id order) so none is removed or demoted meanwhile.
   */
  async activeMembers(tx: Db, workspaceId: string, userIds: string[], opts: { lock?: boolean } = {}) {
    if (userIds.length === 0) return [];
    const q = tx
      .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, localPartnerId: memberships.localPartnerId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds), eq(memberships.status, 'active')))
      .orderBy(asc(memberships.userId));
    return opts.lock ? q.for('share', { of: memberships }) : q;
  },

  /** A member of the workspace by email, active or removed (guest checks). */
  async memberByEmail(tx: Db, workspaceId: string, email: string) {
    const [row] = await tx
      .select({ userId: users.id, role: memberships.role, status: memberships.status, localPartnerId: memberships.localPartnerId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(users.email, email)))
      .limit(1);
    return row ?? null;
  },

  /** Emails of the workspace's active Admins and Owner (for "no Host Admin left" alerts). */
  async workspaceAdmins(tx: Db, workspaceId: string): Promise<PersonRow[]> {
    return tx
      .select({ userId: users.id, name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active'), inArray(memberships.role, ['owner', 'admin'])))
      .orderBy(asc(users.email));
  },

  async people(tx: Db, userIds: string[]): Promise<Map<string, PersonRow>> {
    if (userIds.length === 0) return new Map();
    const rows = await tx.select({ userId: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, userIds));
    return new Map(rows.map((r) => [r.userId, r]));
  },

  // ── Guests ───────────────────────────────────────────────────────────────────────────────

  /** The partner's active guests, with how many accounts each holds live access to in the workspace. */
  async guests(tx: Db, workspaceId: string, partnerId: string, now: Date): Promise<GuestRow[]> {
    const rows = await tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        joinedAt: memberships.joinedAt,
        lastActiveAt: memberships.lastActiveAt,
        mfaEnabledAt: users.mfaEnabledAt,
        accountCount: sql<number>`(select count(distinct g.account_id)::int from ${grants} g
          where g.workspace_id = ${workspaceId}::uuid and g.subject_workspace_id = ${workspaceId}::uuid
            and g.user_id = ${users.id} and ${liveGrantAsG(now)})`,
        elsewhere: sql<boolean>`exists (select 1 from ${memberships} m2
          where m2.user_id = ${users.id} and m2.status = 'active' and m2.workspace_id <> ${workspaceId}::uuid)`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.localPartnerId, partnerId), eq(memberships.status, 'active')))
      .orderBy(sql`case when ${memberships.role} = 'guest_admin' then 0 else 1 end`, asc(users.name), asc(users.email));
    return rows.map(({ mfaEnabledAt, role, ...r }) => ({ ...r, role: role as GuestRole, mfaEnabled: mfaEnabledAt !== null }));
  },

  /** Lock guests' membership rows (user-id order) and return them; only guests of this partner. */
  async lockGuests(tx: Db, workspaceId: string, partnerId: string, userIds: string[]) {
    if (userIds.length === 0) return [];
    return tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        status: memberships.status,
        mfaEnabledAt: users.mfaEnabledAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.localPartnerId, partnerId), inArray(memberships.userId, userIds)))
      .orderBy(asc(memberships.userId))
      .for('update', { of: memberships });
  },

  /** Active guests of the partner (ids), locked FOR UPDATE in id order: removing the partner removes them all. */
  async lockActiveGuestIds(tx: Db, workspaceId: string, partnerId: string): Promise<string[]> {
    const rows = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.localPartnerId, partnerId), eq(memberships.status, 'active')))
      .orderBy(asc(memberships.userId))
      .for('update');
    return rows.map((r) => r.userId);
  },

  async countActiveGuestAdmins(tx: Db, workspaceId: string, partnerId: string): Promise<number> {
    const [r] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(
        and(
          eq(memberships.workspaceId, workspaceId),
          eq(memberships.localPartnerId, partnerId),
          eq(memberships.status, 'active'),
          eq(memberships.role, 'guest_admin'),
        ),
      );
    return r?.n ?? 0;
  },

  async setGuestRole(tx: Db, workspaceId: string, partnerId: string, userId: string, role: GuestRole): Promise<void> {
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.localPartnerId, partnerId), eq(memberships.userId, userId)));
  },

  /** The user's identity is used in another workspace too (active there): resets of their login are theirs to make. */
  async belongsElsewhere(tx: Db, workspaceId: string, userId: string): Promise<boolean> {
    const [row] = await tx
      .select({ one: sql`1` })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active'), sql`${memberships.workspaceId} <> ${workspaceId}::uuid`))
      .limit(1);
    return Boolean(row);
  },

  // ── Invites ──────────────────────────────────────────────────────────────────────────────

  /** Revoke every pending invite of the partner. Returns how many. */
  async revokePartnerInvites(tx: Db, workspaceId: string, partnerId: string, now: Date): Promise<number> {
    const rows = await tx
      .update(invites)
      .set({ status: 'revoked', revokedAt: now })
      .where(and(eq(invites.workspaceId, workspaceId), eq(invites.localPartnerId, partnerId), eq(invites.status, 'pending')))
      .returning({ id: invites.id });
    return rows.length;
  },

  // ── Shares ───────────────────────────────────────────────────────────────────────────────

  /** Accounts shared with the partner (live share rows), who shared them, and how many guests hold them through it. */
  async listShares(tx: Db, workspaceId: string, partnerId: string, now: Date, onlyAccountIds?: string[]) {
    const conds: SQL[] = [
      eq(localPartnerAccounts.workspaceId, workspaceId),
      eq(localPartnerAccounts.localPartnerId, partnerId),
      isNull(localPartnerAccounts.removedAt),
    ];
    if (onlyAccountIds) {
      if (onlyAccountIds.length === 0) return [];
      conds.push(inArray(localPartnerAccounts.accountId, onlyAccountIds));
    }
    return tx
      .select({
        accountId: localPartnerAccounts.accountId,
        role: localPartnerAccounts.role,
        sharedAt: localPartnerAccounts.sharedAt,
        label: accounts.label,
        application: accounts.application,
        accountStatus: accounts.status,
        sharedById: sharedByUser.id,
        sharedByName: sharedByUser.name,
        sharedByEmail: sharedByUser.email,
        guestCount: sql<number>`(select count(distinct g.user_id)::int from ${grants} g
          where g.workspace_id = ${workspaceId}::uuid and g.account_id = ${localPartnerAccounts.accountId}
            and g.source_kind = ${LOCAL_PARTNER_SOURCE} and g.source_id = ${partnerId}::uuid and ${liveGrantAsG(now)})`,
      })
      .from(localPartnerAccounts)
      .innerJoin(accounts, and(eq(accounts.id, localPartnerAccounts.accountId), eq(accounts.workspaceId, workspaceId)))
      .leftJoin(sharedByUser, eq(sharedByUser.id, localPartnerAccounts.sharedBy))
      .where(and(...conds))
      .orderBy(asc(sql`lower(${accounts.label})`), asc(accounts.id));
  },

  async findLiveShare(tx: Db, workspaceId: string, partnerId: string, accountId: string) {
    const [row] = await tx
      .select({ id: localPartnerAccounts.id, role: localPartnerAccounts.role })
      .from(localPartnerAccounts)
      .where(
        and(
          eq(localPartnerAccounts.workspaceId, workspaceId),
          eq(localPartnerAccounts.localPartnerId, partnerId),
          eq(localPartnerAccounts.accountId, accountId),
          isNull(localPartnerAccounts.removedAt),
        ),
      );
    return row ?? null;
  },

  async insertShare(tx: Db, v: { workspaceId: string; partnerId: string; accountId: string; role: LocalPartnerAccountRole; by: string; now: Date }) {
    await tx.insert(localPartnerAccounts).values({
      workspaceId: v.workspaceId,
      localPartnerId: v.partnerId,
      accountId: v.accountId,
      role: v.role,
      sharedBy: v.by,
      sharedAt: v.now,
    });
  },

  async setShareRole(tx: Db, workspaceId: string, shareId: string, role: LocalPartnerAccountRole, by: string, now: Date) {
    await tx
      .update(localPartnerAccounts)
      .set({ role, sharedBy: by, sharedAt: now })
      .where(and(eq(localPartnerAccounts.workspaceId, workspaceId), eq(localPartnerAccounts.id, shareId)));
  },

  /** End the partner's live shares (all, or of one account). Returns the account ids. */
  async endShares(tx: Db, workspaceId: string, partnerId: string, by: string, now: Date, accountId?: string): Promise<string[]> {
    const conds: SQL[] = [
      eq(localPartnerAccounts.workspaceId, workspaceId),
      eq(localPartnerAccounts.localPartnerId, partnerId),
      isNull(localPartnerAccounts.removedAt),
    ];
    if (accountId) conds.push(eq(localPartnerAccounts.accountId, accountId));
    const rows = await tx
      .update(localPartnerAccounts)
      .set({ removedAt: now, removedBy: by })
      .where(and(...conds))
      .returning({ accountId: localPartnerAccounts.accountId });
    return rows.map((r) => r.accountId);
  },

  /** Active local partners an account is shared with (live share rows), with names. */
  async partnersOfAccount(tx: Db, workspaceId: string, accountId: string) {
    return tx
      .select({ id: localPartners.id, companyName: localPartners.companyName, role: localPartnerAccounts.role })
      .from(localPartnerAccounts)
      .innerJoin(localPartners, and(eq(localPartners.id, localPartnerAccounts.localPartnerId), eq(localPartners.status, 'active')))
      .where(
        and(
          eq(localPartnerAccounts.workspaceId, workspaceId),
          eq(localPartnerAccounts.accountId, accountId),
          isNull(localPartnerAccounts.removedAt),
        ),
      )
      .orderBy(asc(sql`lower(${localPartners.companyName})`));
  },

  /** Active accounts the user owns (live Owner grant held in its own workspace), with the role already shared with the partner. */
  async listShareable(tx: Db, workspaceId: string, userId: string, partnerId: string, now: Date) {
    const share = alias(localPartnerAccounts, 'share');
    return tx
      .selectDistinct({
        accountId: accounts.id,
        label: accounts.label,
        application: accounts.application,
        username: accounts.username,
        sharedRole: share.role,
        sortKey: sql<string>`lower(${accounts.label})`,
      })
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
      .leftJoin(
        share,
        and(eq(share.workspaceId, workspaceId), eq(share.localPartnerId, partnerId), eq(share.accountId, accounts.id), isNull(share.removedAt)),
      )
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.status, 'active')))
      .orderBy(sql`lower(${accounts.label})`, accounts.id);
  },

  // ── Grants through the partner ───────────────────────────────────────────────────────────

  /** Live grants through the partner, optionally for one account and/or some users, with the grantee. */
  async livePartnerGrants(tx: Db, workspaceId: string, partnerId: string, now: Date, f: { accountId?: string; userIds?: string[] } = {}) {
    const conds = partnerGrantConds(workspaceId, partnerId, now);
    if (f.accountId) conds.push(eq(grants.accountId, f.accountId));
    if (f.userIds) {
      if (f.userIds.length === 0) return [];
      conds.push(inArray(grants.userId, f.userIds));
    }
    return tx
      .select({ id: grants.id, accountId: grants.accountId, userId: grants.userId, role: grants.role, email: users.email, name: users.name })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .where(and(...conds));
  },

  async insertPartnerGrant(
    tx: Db,
    v: { workspaceId: string; partnerId: string; accountId: string; userId: string; role: Exclude<AccountRole, 'owner'>; by: string; now: Date },
  ): Promise<void> {
    await tx.insert(grants).values({
      workspaceId: v.workspaceId,
      subjectWorkspaceId: v.workspaceId,
      accountId: v.accountId,
      userId: v.userId,
      role: v.role,
      sourceKind: LOCAL_PARTNER_SOURCE,
      sourceId: v.partnerId,
      grantedBy: v.by,
      grantedAt: v.now,
    });
  },

  /** Revoke unrevoked grants by id (rows stay for the trail). Returns how many. */
  async revokeGrants(tx: Db, workspaceId: string, grantIds: string[], v: { by: string; reason: string; now: Date }): Promise<number> {
    if (grantIds.length === 0) return 0;
    const rows = await tx
      .update(grants)
      .set({ revokedAt: v.now, revokedBy: v.by, revokeReason: v.reason })
      .where(and(eq(grants.workspaceId, workspaceId), inArray(grants.id, grantIds), isNull(grants.revokedAt)))
      .returning({ id: grants.id });
    return rows.length;
  },

  /** Revoke every unrevoked grant through the partner (optionally on one account). Returns (account, user) pairs. */
  async revokePartnerGrants(tx: Db, workspaceId: string, partnerId: string, v: { by: string; reason: string; now: Date; accountId?: string }) {
    const conds: SQL[] = [
      eq(grants.workspaceId, workspaceId),
      eq(grants.sourceKind, LOCAL_PARTNER_SOURCE),
      eq(grants.sourceId, partnerId),
      isNull(grants.revokedAt),
    ];
    if (v.accountId) conds.push(eq(grants.accountId, v.accountId));
    return tx
      .update(grants)
      .set({ revokedAt: v.now, revokedBy: v.by, revokeReason: v.reason })
      .where(and(...conds))
      .returning({ accountId: grants.accountId, userId: grants.userId });
  },

  /** Every live grant (any source) guests of the workspace hold on one account, with the guest's partner. */
  async guestGrantsOnAccount(tx: Db, workspaceId: string, accountId: string, now: Date, onlyPartnerIds: string[], onlyUserId?: string) {
    if (onlyPartnerIds.length === 0) return [];
    const conds: SQL[] = [
      eq(grants.workspaceId, workspaceId),
      eq(grants.subjectWorkspaceId, workspaceId),
      eq(grants.accountId, accountId),
      liveGrant(now),
      eq(memberships.status, 'active'),
      isNotNull(memberships.localPartnerId),
      inArray(memberships.localPartnerId, onlyPartnerIds),
    ];
    if (onlyUserId) conds.push(eq(grants.userId, onlyUserId));
    return tx
      .select({
        grantId: grants.id,
        userId: grants.userId,
        role: grants.role,
        sourceKind: grants.sourceKind,
        sourceId: grants.sourceId,
        grantedAt: grants.grantedAt,
        lastUsedAt: grants.lastUsedAt,
        name: users.name,
        email: users.email,
        partnerRole: memberships.role,
        partnerId: memberships.localPartnerId,
        companyName: localPartners.companyName,
        mfaEnabledAt: users.mfaEnabledAt,
      })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .innerJoin(memberships, and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, grants.userId)))
      .innerJoin(localPartners, eq(localPartners.id, memberships.localPartnerId))
      .where(and(...conds))
      .orderBy(asc(users.name), asc(users.email), asc(grants.grantedAt));
  },

  /** The partner's active Guest Users, with whether they hold any live access to the account. */
  async guestShareCandidates(tx: Db, workspaceId: string, partnerId: string, accountId: string, now: Date) {
    return tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        hasAccess: sql<boolean>`exists (select 1 from ${grants} g
          where g.workspace_id = ${workspaceId}::uuid and g.subject_workspace_id = ${workspaceId}::uuid
            and g.account_id = ${accountId}::uuid and g.user_id = ${users.id} and ${liveGrantAsG(now)})`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.workspaceId, workspaceId),
          eq(memberships.localPartnerId, partnerId),
          eq(memberships.status, 'active'),
          eq(memberships.role, 'guest_user'),
        ),
      )
      .orderBy(asc(users.name), asc(users.email));
  },

  /** The user's strongest live role (any source, held in the workspace itself) on each of these accounts. */
  async strongestRoles(tx: Db, workspaceId: string, userId: string, accountIds: string[], now: Date): Promise<Map<string, AccountRole>> {
    if (accountIds.length === 0) return new Map();
    const rows = await tx
      .select({ accountId: grants.accountId, role: grants.role })
      .from(grants)
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.userId, userId),
          inArray(grants.accountId, accountIds),
          liveGrant(now),
        ),
      );
    const out = new Map<string, AccountRole>();
    const rank = { owner: 3, manager: 2, collaborator: 1 } as const;
    for (const r of rows) {
      const cur = out.get(r.accountId);
      if (!cur || rank[r.role] > rank[cur]) out.set(r.accountId, r.role);
    }
    return out;
  },

  /** Does the user hold any live grant (any source) on the account, in its own workspace? */
  async holdsLiveGrant(tx: Db, workspaceId: string, accountId: string, userId: string, now: Date): Promise<boolean> {
    const [row] = await tx
      .select({ one: sql`1` })
      .from(grants)
      .where(
        and(
          eq(grants.workspaceId, workspaceId),
          eq(grants.subjectWorkspaceId, workspaceId),
          eq(grants.accountId, accountId),
          eq(grants.userId, userId),
          liveGrant(now),
        ),
      )
      .limit(1);
    return Boolean(row);
  },

  /** Roles of members by id (to tell a guest of this partner from anyone else). */
  async rolesOf(tx: Db, workspaceId: string, userIds: string[]): Promise<Map<string, { role: WorkspaceRole; localPartnerId: string | null; status: string }>> {
    if (userIds.length === 0) return new Map();
    const rows = await tx
      .select({ userId: memberships.userId, role: memberships.role, localPartnerId: memberships.localPartnerId, status: memberships.status })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)));
    return new Map(rows.map((r) => [r.userId, r]));
  },
};
