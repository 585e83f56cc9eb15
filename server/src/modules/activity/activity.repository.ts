import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { unionAll, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { ActivityEventTypeSchema } from '@shared/activity';
import { ACTIVITY_HOST_USER_LABEL } from '@shared/activity-api';
import { liveGrantAsG } from '../../authz/accounts';
import type { Db } from '../../db/client';
import { accounts, activityEvents, grants, memberships, users } from '../../db/schema/index';

/** Who is reading, and what they may see (decided by authz, applied here in SQL). */
export interface ActivityViewer {
  workspaceId: string;
  userId: string;
  /**
   * Workspace action `activity.viewAll`: every event of the workspace, and (as a guest workspace)
   * every event of a host-guest partnership it is the guest of.
   */
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
  /**
   * Seen through a partnership (the event belongs to the host workspace) and the actor is not a
   * member of the viewer's workspace: shown as "Host user". actorUserId/actorEmail/actorName, ip and
   * userAgent are then null: they never leave the database.
   */
  actorMasked: boolean;
  /** Same for the target: targetUserId is null and data.targetEmail reads "Host user". */
  targetMasked: boolean;
}

/** What a masked host person is called (spec Q10). */
export const HOST_USER_LABEL = ACTIVITY_HOST_USER_LABEL;

export const activityRepository = {
  /**
   * One page of the activity trail, newest first, with visibility and masking decided in the same
   * query. Two branches, each walking its own index (created_at DESC, id DESC) and merged:
   *
   * - the viewer's workspace (`workspace_id`): Admins and the Owner (`activity.viewAll`) see every
   *   event; others the events they caused and events on accounts they hold a live Owner grant on
   *   (held from this workspace);
   * - partnerships the workspace is the guest of (`partner_workspace_id`, spec R-HG-20/Q10): Admins
   *   see every event; others the events they caused or that target them. A host person (not a
   *   member, active or removed, of the viewer's workspace) is masked as "Host user": no id, email,
   *   name, IP or user agent, and `data.targetEmail` is replaced.
   *
   * Keyset pagination on (created_at DESC, id DESC).
   */
  async list(db: Db, viewer: ActivityViewer, f: ActivityFilter, limit: number): Promise<ActivityRow[]> {
    const e = activityEvents;
    const w = viewer.workspaceId;
    const common: SQL[] = [
      // Only types this build knows: during a rolling upgrade a newer build may already write
      // types this one cannot present; they appear once every process runs the newer build.
      inArray(e.type, ActivityEventTypeSchema.options),
      sql`${e.createdAt} >= ${f.from.toISOString()}::timestamptz`,
      sql`${e.createdAt} <= ${f.to.toISOString()}::timestamptz`,
    ];
    if (f.accountId) common.push(eq(e.accountId, f.accountId));
    if (f.type) common.push(eq(e.type, f.type));
    if (f.after) common.push(sql`(${e.createdAt}, ${e.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id})`);

    // ── Branch 1: the viewer's own workspace (unchanged rules, nothing masked). ──
    const own: SQL[] = [eq(e.workspaceId, w), ...common];
    if (!viewer.viewAll) {
      own.push(sql`(
        ${e.actorUserId} = ${viewer.userId}
        or (${e.accountId} is not null and exists (
          select 1 from ${grants} g
          where g.workspace_id = ${w}
            and g.subject_workspace_id = ${w}
            and g.account_id = ${e.accountId}
            and g.user_id = ${viewer.userId}
            and g.role = 'owner'
            and ${liveGrantAsG(f.now)}
        ))
      )`);
    }
    if (f.userId) own.push(eq(e.actorUserId, f.userId));

    // ── Branch 2: host workspaces' events of partnerships this workspace is the guest of. ──
    /** The actor is a person of the viewer's workspace (or the system): shown as is. */
    const actorShown = sql`(${e.actorUserId} is null or exists (
      select 1 from ${memberships} m where m.workspace_id = ${w} and m.user_id = ${e.actorUserId}
    ))`;
    /** The target (by id, else by the email in the payload) is a person of the viewer's workspace. */
    const targetShown = sql`(case
      when ${e.targetUserId} is not null then exists (
        select 1 from ${memberships} m where m.workspace_id = ${w} and m.user_id = ${e.targetUserId})
      when (${e.data} ->> 'targetEmail') is not null then exists (
        select 1 from ${memberships} m join ${users} u on u.id = m.user_id
        where m.workspace_id = ${w} and lower(u.email) = lower(${e.data} ->> 'targetEmail'))
      else true end)`;
    const partner: SQL[] = [eq(e.partnerWorkspaceId, w), sql`${e.workspaceId} is distinct from ${w}`, ...common];
    if (!viewer.viewAll) partner.push(sql`(${e.actorUserId} = ${viewer.userId} or ${e.targetUserId} = ${viewer.userId})`);
    // Filtering by a masked person would tell who "Host user" is: the user filter matches shown actors only.
    if (f.userId) partner.push(eq(e.actorUserId, f.userId), actorShown);

    const cursorAt = sql<string>`to_char(${e.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at');
    const base = {
      id: e.id,
      cursorAt,
      createdAt: e.createdAt,
      type: e.type,
      accountId: e.accountId,
      accountLabel: accounts.label,
      accountApplication: accounts.application,
    };
    const ownRows = db
      .select({
        ...base,
        actorUserId: e.actorUserId,
        actorEmail: e.actorEmail,
        actorName: users.name,
        targetUserId: e.targetUserId,
        data: e.data,
        ip: e.ip,
        userAgent: e.userAgent,
        actorMasked: sql<boolean>`false`.as('actor_masked'),
        targetMasked: sql<boolean>`false`.as('target_masked'),
      })
      .from(e)
      .leftJoin(accounts, and(eq(accounts.workspaceId, e.workspaceId), eq(accounts.id, e.accountId)))
      .leftJoin(users, eq(users.id, e.actorUserId))
      .where(and(...own))
      .orderBy(desc(e.createdAt), desc(e.id))
      .limit(limit);
    const shown = <T>(value: SQL | AnyPgColumn, when: SQL) => sql<T>`case when ${when} then ${value} end`;
    const partnerRows = db
      .select({
        ...base,
        actorUserId: shown<string | null>(e.actorUserId, actorShown).as('actor_user_id'),
        actorEmail: shown<string | null>(e.actorEmail, actorShown).as('actor_email'),
        actorName: shown<string | null>(users.name, actorShown).as('name'),
        targetUserId: shown<string | null>(e.targetUserId, targetShown).as('target_user_id'),
        data: sql<unknown>`case when ${targetShown} then ${e.data}
          else jsonb_set(${e.data}, '{targetEmail}', to_jsonb(${HOST_USER_LABEL}::text), false) end`.as('data'),
        ip: shown<string | null>(e.ip, actorShown).as('ip'),
        userAgent: shown<string | null>(e.userAgent, actorShown).as('user_agent'),
        actorMasked: sql<boolean>`not ${actorShown}`.as('actor_masked'),
        targetMasked: sql<boolean>`not ${targetShown}`.as('target_masked'),
      })
      .from(e)
      .leftJoin(accounts, and(eq(accounts.workspaceId, e.workspaceId), eq(accounts.id, e.accountId)))
      .leftJoin(users, eq(users.id, e.actorUserId))
      .where(and(...partner))
      .orderBy(desc(e.createdAt), desc(e.id))
      .limit(limit);

    return unionAll(ownRows, partnerRows).orderBy(desc(e.createdAt), desc(e.id)).limit(limit);
  },
};
