import { ActivityEventSchemas, type ActivityEventInput } from '@shared/activity';
import type { Db } from '../../db/client';
import { activityEvents } from '../../db/schema/index';
import type { RequestMeta } from '../../lib/request-context';

export interface ActivityRefs {
  workspaceId: string | null;
  /** The guest workspace of a host-guest partnership event, so its Admins see it too (spec Q10). */
  partnerWorkspaceId?: string | null;
  actor: { userId: string; email: string } | null;
  accountId?: string | null;
  targetUserId?: string | null;
  meta: RequestMeta;
  at: Date;
}

/**
 * Write one activity event inside the caller's transaction. If the transaction rolls back, the
 * event goes with it; if this insert fails, the change fails (audit fails closed).
 * The payload is validated against the stored contract before it is written.
 */
export async function recordActivity(tx: Db, event: ActivityEventInput, refs: ActivityRefs): Promise<void> {
  const data = ActivityEventSchemas[event.type].parse(event.data);
  await tx.insert(activityEvents).values({
    workspaceId: refs.workspaceId,
    partnerWorkspaceId: refs.partnerWorkspaceId ?? null,
    type: event.type,
    actorUserId: refs.actor?.userId ?? null,
    actorEmail: refs.actor?.email ?? null,
    accountId: refs.accountId ?? null,
    targetUserId: refs.targetUserId ?? null,
    data,
    ip: refs.meta.ip,
    userAgent: refs.meta.userAgent?.slice(0, 512) ?? null,
    requestId: refs.meta.requestId,
    createdAt: refs.at,
  });
}
