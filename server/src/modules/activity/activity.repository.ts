import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { ActivityEventTypeSchema } from '@shared/activity';
import type { Db } from '../../db/client';
import { accounts, activityEvents, grants, users } from '../../db/schema/index';

/** Who is reading, and what they may see (decided by authz, applied here in SQL). */
export interface ActivityViewer {
  workspaceId: string;
  userId: string;
  /** Workspace action `activity.viewAll`: every event of the workspace. */
  viewAll: boolean;
}

export interface ActivityFilter {
  from: Date;
  to: Date;
  accountId?: string | undefined;
  userId?: string | undefined;
  type?: string | undefined;
  /** Keyset position: strictly older than (createdAt, id). `createdAt` is a timestamptz literal with microseconds. */
  after?: { createdAt: string; id: number } | undefined;
  /** Time used to decide whether a grant is live. */
  now: Date;
}

export interface ActivityRow {
  id: number;
  /** created_at as UTC text with microseconds, for an exact keyset cursor. */
  cursorAt: string;
  createdAt: Date;
  type: string;
  actorUserId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  accountId: string | null;
  accountLabel: string | null;
  accountApplication: string | null;
  targetUserId: string | null;
  data: unknown;
  ip: string | null;
  userAgent: string | null;
}

export const activityRepository = {
  /**
   * One page of the activity trail, newest first, with visibility decided in the same query:
   * tenant first, then (for people without `activity.viewAll`) events they caused or events on an
   * account they hold a live Owner grant on. Keyset pagination on (created_at DESC, id DESC).
   */
  async list(db: Db, viewer: ActivityViewer, f: ActivityFilter, limit: number): Promise<ActivityRow[]> {
    const e = activityEvents;
    const conds: SQL[] = [
      eq(e.workspaceId, viewer.workspaceId),
      // Only types this build knows: during a rolling upgrade a newer build may already write
      // types this one cannot present; they appear once every process runs the newer build.
      inArray(e.type, ActivityEventTypeSchema.options),
      sql`${e.createdAt} >= ${f.from.toISOString()}::timestamptz`,
      sql`${e.createdAt} <= ${f.to.toISOString()}::timestamptz`,
    ];
    if (!viewer.viewAll) {
      const now = f.now.toISOString();
      conds.push(sql`(
        ${e.actorUserId} = ${viewer.userId}
        or (${e.accountId} is not null and exists (
          select 1 from ${grants} g
          where g.workspace_id = ${viewer.workspaceId}
            and g.account_id = ${e.accountId}
            and g.user_id = ${viewer.userId}
            and g.role = 'owner'
            and g.revoked_at is null
            and (g.valid_from is null or g.valid_from <= ${now}::timestamptz)
            and (g.valid_until is null or g.valid_until > ${now}::timestamptz)
        ))
      )`);
    }
    if (f.accountId) conds.push(eq(e.accountId, f.accountId));
    if (f.userId) conds.push(eq(e.actorUserId, f.userId));
    if (f.type) conds.push(eq(e.type, f.type));
    if (f.after) conds.push(sql`(${e.createdAt}, ${e.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id})`);

    return db
      .select({
        id: e.id,
        cursorAt: sql<string>`to_char(${e.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        createdAt: e.createdAt,
        type: e.type,
        actorUserId: e.actorUserId,
        actorEmail: e.actorEmail,
        actorName: users.name,
        accountId: e.accountId,
        accountLabel: accounts.label,
        accountApplication: accounts.application,
        targetUserId: e.targetUserId,
        data: e.data,
        ip: e.ip,
        userAgent: e.userAgent,
      })
      .from(e)
      .leftJoin(accounts, and(eq(accounts.workspaceId, e.workspaceId), eq(accounts.id, e.accountId)))
      .leftJoin(users, eq(users.id, e.actorUserId))
      .where(and(...conds))
      .orderBy(desc(e.createdAt), desc(e.id))
      .limit(limit);
  },
};
