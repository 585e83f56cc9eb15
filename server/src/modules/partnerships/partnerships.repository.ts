import { and, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { partnershipOwners, partnerships, workspaces } from '../../db/schema/index';
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
