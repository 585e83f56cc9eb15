import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { LIVE_PARTNERSHIP_STATES } from '@shared/partnerships';
import { queryRows, type Db } from '../../db/client';
import {
  accessRequests,
  grants,
  memberships,
  partnershipAccounts,
  partnershipOwners,
  partnerships,
  users,
  workspaces,
} from '../../db/schema/index';
import type { Actor } from '../../lib/request-context';
import type { PartnershipFacts } from './partnerships.policy';

export type PartnershipRow = typeof partnerships.$inferSelect;

const hostWs = alias(workspaces, 'host_ws');
const guestWs = alias(workspaces, 'guest_ws');

/** A partnership as one actor sees it: the row, both names, and the facts the policy decides on. */
export interface PartnershipForActor {
  row: PartnershipRow;
  hostName: string;
  guestName: string;
  /** The guest's public Workspace ID (shown to the host side only). */
  guestPublicId: string;
  facts: PartnershipFacts;
}

export const partnershipsRepository = {
  /**
   * Load a partnership the actor's workspace takes part in (as host or guest), with the facts the
   * policy needs, in ONE query. Tenant first: a partnership between two other workspaces is null
   * (the caller answers 404). With `lock`, the partnership row is locked FOR UPDATE: every state
   * change of the partnership, and every grant created through it, runs under this lock, so a
   * removal and an acceptance can never interleave.
   */
  async loadForActor(
    tx: Db,
    actor: Pick<Actor, 'userId' | 'workspaceId' | 'role'>,
    partnershipId: string,
    opts: { lock?: boolean } = {},
  ): Promise<PartnershipForActor | null> {
    const q = tx
      .select({
        row: partnerships,
        hostName: hostWs.name,
        guestName: guestWs.name,
        guestPublicId: guestWs.publicId,
        isOwner: sql<boolean>`exists (select 1 from ${partnershipOwners} po where po.partnership_id = ${partnerships.id} and po.user_id = ${actor.userId}::uuid and ${partnerships.hostWorkspaceId} = ${actor.workspaceId}::uuid)`,
      })
      .from(partnerships)
      .innerJoin(hostWs, eq(hostWs.id, partnerships.hostWorkspaceId))
      .innerJoin(guestWs, eq(guestWs.id, partnerships.guestWorkspaceId))
      .where(
        and(
          eq(partnerships.id, partnershipId),
          or(eq(partnerships.hostWorkspaceId, actor.workspaceId), eq(partnerships.guestWorkspaceId, actor.workspaceId)),
        ),
      );
    const [r] = opts.lock ? await q.for('update', { of: partnerships }) : await q;
    if (!r) return null;
    const side = r.row.hostWorkspaceId === actor.workspaceId ? 'host' : 'guest';
    return {
      row: r.row,
      hostName: r.hostName,
      guestName: r.guestName,
      guestPublicId: r.guestPublicId,
      facts: {
        state: r.row.state,
        side,
        actorRole: actor.role,
        isPartnershipOwner: Boolean(r.isOwner),
        hostApproved: r.row.hostDecidedAt !== null && r.row.state !== 'declined_by_host',
      },
    };
  },
};

// ── Lifecycle queries (partnerships.service.ts). Every one takes `tx`; the partnership id is always
//    one the caller loaded through `loadForActor` (tenant-checked), or the host/guest ids off its row.

export interface PersonRow {
  userId: string;
  name: string;
  email: string;
}

export interface PartnershipCounts {
  sharedAccountCount: number;
  memberCount: number;
  pendingAccessRequestCount: number;
}

const LIVE_STATES_SQL = sql.raw(`('awaiting_host_admin', 'awaiting_guest_admin', 'active', 'declined_by_guest')`);

export const partnershipsLifecycleRepository = {
  /** Every partnership the workspace takes part in (host or guest), with the same facts as `loadForActor`. */
  async listForWorkspace(tx: Db, actor: Pick<Actor, 'userId' | 'workspaceId' | 'role'>): Promise<PartnershipForActor[]> {
    const rows = await tx
      .select({
        row: partnerships,
        hostName: hostWs.name,
        guestName: guestWs.name,
        guestPublicId: guestWs.publicId,
        isOwner: sql<boolean>`exists (select 1 from ${partnershipOwners} po where po.partnership_id = ${partnerships.id} and po.user_id = ${actor.userId}::uuid and ${partnerships.hostWorkspaceId} = ${actor.workspaceId}::uuid)`,
      })
      .from(partnerships)
      .innerJoin(hostWs, eq(hostWs.id, partnerships.hostWorkspaceId))
      .innerJoin(guestWs, eq(guestWs.id, partnerships.guestWorkspaceId))
      .where(or(eq(partnerships.hostWorkspaceId, actor.workspaceId), eq(partnerships.guestWorkspaceId, actor.workspaceId)));
    return rows.map((r) => ({
      row: r.row,
      hostName: r.hostName,
      guestName: r.guestName,
      guestPublicId: r.guestPublicId,
      facts: {
        state: r.row.state,
        side: r.row.hostWorkspaceId === actor.workspaceId ? 'host' : 'guest',
        actorRole: actor.role,
        isPartnershipOwner: Boolean(r.isOwner),
        hostApproved: r.row.hostDecidedAt !== null && r.row.state !== 'declined_by_host',
      },
    }));
  },

  /** A workspace by its public Workspace ID (what partners type). */
  async findWorkspaceByPublicId(tx: Db, publicId: string): Promise<{ id: string; name: string } | null> {
    const [r] = await tx.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.publicId, publicId));
    return r ?? null;
  },

  async hasLivePair(tx: Db, hostWorkspaceId: string, guestWorkspaceId: string): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      tx,
      sql`select 1 as one from partnerships where host_workspace_id = ${hostWorkspaceId}::uuid and guest_workspace_id = ${guestWorkspaceId}::uuid and state in ${LIVE_STATES_SQL} limit 1`,
    );
    return rows.length > 0;
  },

  async insert(tx: Db, values: typeof partnerships.$inferInsert): Promise<string> {
    const [r] = await tx.insert(partnerships).values(values).returning({ id: partnerships.id });
    return r!.id;
  },

  /** Update the partnership the caller holds locked. Tenant: the id came from `loadForActor`. */
  async update(tx: Db, hostWorkspaceId: string, id: string, patch: Partial<typeof partnerships.$inferInsert>): Promise<void> {
    await tx
      .update(partnerships)
      .set(patch)
      .where(and(eq(partnerships.hostWorkspaceId, hostWorkspaceId), eq(partnerships.id, id)));
  },

  async insertOwner(tx: Db, hostWorkspaceId: string, partnershipId: string, userId: string, addedBy: string | null, now: Date): Promise<boolean> {
    const rows = await tx
      .insert(partnershipOwners)
      .values({ hostWorkspaceId, partnershipId, userId, addedBy, addedAt: now })
      .onConflictDoNothing()
      .returning({ userId: partnershipOwners.userId });
    return rows.length > 0;
  },

  async deleteOwner(tx: Db, hostWorkspaceId: string, partnershipId: string, userId: string): Promise<boolean> {
    const rows = await tx
      .delete(partnershipOwners)
      .where(
        and(
          eq(partnershipOwners.hostWorkspaceId, hostWorkspaceId),
          eq(partnershipOwners.partnershipId, partnershipId),
          eq(partnershipOwners.userId, userId),
        ),
      )
      .returning({ userId: partnershipOwners.userId });
    return rows.length > 0;
  },

  /** Partnership Owners of these partnerships (host workspace), by partnership id, ordered by when they were added. */
  async owners(tx: Db, hostWorkspaceId: string, partnershipIds: string[]): Promise<Map<string, PersonRow[]>> {
    const out = new Map<string, PersonRow[]>();
    if (partnershipIds.length === 0) return out;
    const rows = await tx
      .select({ pid: partnershipOwners.partnershipId, userId: users.id, name: users.name, email: users.email })
      .from(partnershipOwners)
      .innerJoin(users, eq(users.id, partnershipOwners.userId))
      .where(and(eq(partnershipOwners.hostWorkspaceId, hostWorkspaceId), inArray(partnershipOwners.partnershipId, partnershipIds)))
      .orderBy(asc(partnershipOwners.addedAt), asc(users.email));
    for (const r of rows) {
      const list = out.get(r.pid) ?? [];
      list.push({ userId: r.userId, name: r.name, email: r.email });
      out.set(r.pid, list);
    }
    return out;
  },

  async people(tx: Db, userIds: Array<string | null>): Promise<Map<string, PersonRow>> {
    const ids = [...new Set(userIds.filter((x): x is string => !!x))];
    if (ids.length === 0) return new Map();
    const rows = await tx.select({ userId: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, ids));
    return new Map(rows.map((r) => [r.userId, r]));
  },

  /** The active Admins and the Owner of a workspace: who decides on partnerships there. */
  async admins(tx: Db, workspaceId: string): Promise<PersonRow[]> {
    return tx
      .select({ userId: users.id, name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active'), inArray(memberships.role, ['owner', 'admin'])))
      .orderBy(asc(users.email));
  },

  async counts(tx: Db, partnershipIds: string[]): Promise<Map<string, PartnershipCounts>> {
    const out = new Map<string, PartnershipCounts>();
    if (partnershipIds.length === 0) return out;
    const ids = sql.join(
      partnershipIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const rows = await queryRows<{ id: string; shared: number; members: number; pending: number }>(
      tx,
      sql`select p.id,
            (select count(*)::int from partnership_accounts pa where pa.partnership_id = p.id and pa.removed_at is null) as shared,
            (select count(distinct g.user_id)::int from grants g where g.source_kind = 'host_guest_partnership' and g.source_id = p.id and g.revoked_at is null) as members,
            (select count(*)::int from access_requests ar where ar.partnership_id = p.id and ar.status = 'pending') as pending
          from partnerships p where p.id in (${ids})`,
    );
    for (const r of rows) out.set(r.id, { sharedAccountCount: r.shared, memberCount: r.members, pendingAccessRequestCount: r.pending });
    return out;
  },

  /** Revoke every live grant through the partnership. Returns who lost what. */
  async revokeAllGrantsOf(tx: Db, partnershipId: string, by: string | null, reason: string, now: Date): Promise<Array<{ userId: string; accountId: string }>> {
    return tx
      .update(grants)
      .set({ revokedAt: now, revokedBy: by, revokeReason: reason })
      .where(and(eq(grants.sourceKind, PARTNERSHIP_SOURCE), eq(grants.sourceId, partnershipId), isNull(grants.revokedAt)))
      .returning({ userId: grants.userId, accountId: grants.accountId });
  },

  async endShares(tx: Db, hostWorkspaceId: string, partnershipId: string, by: string | null, now: Date): Promise<number> {
    const rows = await tx
      .update(partnershipAccounts)
      .set({ removedAt: now, removedBy: by })
      .where(
        and(
          eq(partnershipAccounts.hostWorkspaceId, hostWorkspaceId),
          eq(partnershipAccounts.partnershipId, partnershipId),
          isNull(partnershipAccounts.removedAt),
        ),
      )
      .returning({ id: partnershipAccounts.id });
    return rows.length;
  },

  async cancelPendingRequests(tx: Db, hostWorkspaceId: string, partnershipId: string, reason: string, by: string | null, now: Date): Promise<number> {
    const rows = await tx
      .update(accessRequests)
      .set({ status: 'cancelled', cancelReason: reason, decidedBy: by, decidedAt: now })
      .where(
        and(
          eq(accessRequests.hostWorkspaceId, hostWorkspaceId),
          eq(accessRequests.partnershipId, partnershipId),
          eq(accessRequests.status, 'pending'),
        ),
      )
      .returning({ id: accessRequests.id });
    return rows.length;
  },

  /** The partnership's live shares (accounts shared into it), oldest first. */
  async liveShares(tx: Db, hostWorkspaceId: string, partnershipId: string) {
    return tx
      .select({ accountId: partnershipAccounts.accountId, role: partnershipAccounts.role, sharedBy: partnershipAccounts.sharedBy })
      .from(partnershipAccounts)
      .where(
        and(
          eq(partnershipAccounts.hostWorkspaceId, hostWorkspaceId),
          eq(partnershipAccounts.partnershipId, partnershipId),
          isNull(partnershipAccounts.removedAt),
        ),
      )
      .orderBy(asc(partnershipAccounts.sharedAt));
  },

  /** One user's live grants through the partnership. */
  async liveGrantsOfUser(tx: Db, partnershipId: string, userId: string) {
    return tx
      .select({ id: grants.id, accountId: grants.accountId, role: grants.role })
      .from(grants)
      .where(and(eq(grants.sourceKind, PARTNERSHIP_SOURCE), eq(grants.sourceId, partnershipId), eq(grants.userId, userId), isNull(grants.revokedAt)));
  },

  async revokeGrants(tx: Db, grantIds: string[], by: string | null, reason: string, now: Date): Promise<void> {
    if (grantIds.length === 0) return;
    await tx
      .update(grants)
      .set({ revokedAt: now, revokedBy: by, revokeReason: reason })
      .where(and(inArray(grants.id, grantIds), isNull(grants.revokedAt)));
  },

  /** A grant through the partnership: host account, held in the guest workspace, never Owner (R-HG-21). */
  async insertPartnershipGrant(
    tx: Db,
    v: { hostWorkspaceId: string; guestWorkspaceId: string; partnershipId: string; accountId: string; userId: string; role: 'manager' | 'collaborator'; grantedBy: string | null; now: Date },
  ): Promise<void> {
    await tx.insert(grants).values({
      workspaceId: v.hostWorkspaceId,
      subjectWorkspaceId: v.guestWorkspaceId,
      accountId: v.accountId,
      userId: v.userId,
      role: v.role,
      sourceKind: PARTNERSHIP_SOURCE,
      sourceId: v.partnershipId,
      grantedBy: v.grantedBy,
      grantedAt: v.now,
    });
  },

  /**
   * Claim up to `limit` pending partnerships past their expiry, locked FOR UPDATE SKIP LOCKED so
   * two job runs (or two processes) never take the same row, and a row a user is changing is left
   * for the next run.
   */
  async claimExpired(tx: Db, now: Date, limit: number): Promise<PartnershipRow[]> {
    return tx
      .select()
      .from(partnerships)
      .where(and(inArray(partnerships.state, ['awaiting_host_admin', 'awaiting_guest_admin']), lte(partnerships.expiresAt, now)))
      .orderBy(asc(partnerships.expiresAt))
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  // ── Member removal (R-HG-18, Q4) ──

  /** Cancel pending access requests in a guest workspace where the user is the requester or the target. */
  async cancelRequestsOfMember(tx: Db, guestWorkspaceId: string, userId: string, by: string | null, now: Date): Promise<number> {
    const asRequester = await tx
      .update(accessRequests)
      .set({ status: 'cancelled', cancelReason: 'requester_removed', decidedBy: by, decidedAt: now })
      .where(and(eq(accessRequests.guestWorkspaceId, guestWorkspaceId), eq(accessRequests.requesterUserId, userId), eq(accessRequests.status, 'pending')))
      .returning({ id: accessRequests.id });
    const asTarget = await tx
      .update(accessRequests)
      .set({ status: 'cancelled', cancelReason: 'target_removed', decidedBy: by, decidedAt: now })
      .where(and(eq(accessRequests.guestWorkspaceId, guestWorkspaceId), eq(accessRequests.targetUserId, userId), eq(accessRequests.status, 'pending')))
      .returning({ id: accessRequests.id });
    return asRequester.length + asTarget.length;
  },

  /** Partnerships where the user is the guest contact in this guest workspace: the contact is cleared. Returns their ids. */
  async clearGuestContact(tx: Db, guestWorkspaceId: string, userId: string, now: Date): Promise<string[]> {
    const rows = await tx
      .update(partnerships)
      .set({ guestContactUserId: null, updatedAt: now })
      .where(and(eq(partnerships.guestWorkspaceId, guestWorkspaceId), eq(partnerships.guestContactUserId, userId)))
      .returning({ id: partnerships.id });
    return rows.map((r) => r.id);
  },

  /**
   * Remove the user from every Partnership Owner list of the host workspace. Returns the live
   * partnerships that have no owner left (orphaned, spec Q4), with the guest's name.
   */
  async dropOwnerEverywhere(tx: Db, hostWorkspaceId: string, userId: string): Promise<Array<{ id: string; guestName: string }>> {
    const dropped = await tx
      .delete(partnershipOwners)
      .where(and(eq(partnershipOwners.hostWorkspaceId, hostWorkspaceId), eq(partnershipOwners.userId, userId)))
      .returning({ pid: partnershipOwners.partnershipId });
    if (dropped.length === 0) return [];
    const ids = dropped.map((d) => d.pid);
    return tx
      .select({ id: partnerships.id, guestName: guestWs.name })
      .from(partnerships)
      .innerJoin(guestWs, eq(guestWs.id, partnerships.guestWorkspaceId))
      .where(
        and(
          eq(partnerships.hostWorkspaceId, hostWorkspaceId),
          inArray(partnerships.id, ids),
          inArray(partnerships.state, [...LIVE_PARTNERSHIP_STATES]),
          sql`not exists (select 1 from ${partnershipOwners} po where po.partnership_id = ${partnerships.id})`,
        ),
      );
  },
};

export const PARTNERSHIP_SOURCE = 'host_guest_partnership';
