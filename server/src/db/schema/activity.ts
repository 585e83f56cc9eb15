import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only activity trail (a trigger refuses UPDATE and DELETE). `type` and `data` follow the
 * typed union in shared/src/activity.ts, a stored contract. No secret ever goes in `data`.
 */
export const activityEvents = pgTable(
  'activity_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null only for events with no workspace (e.g. a failed sign-in for an unknown email). */
    workspaceId: uuid('workspace_id'),
    /**
     * The other workspace of a host-guest partnership event (the guest side), so the guest Admin's
     * Activity view can show it (spec Q10). Null for events inside one workspace.
     */
    partnerWorkspaceId: uuid('partner_workspace_id'),
    type: text('type').notNull(),
    actorUserId: uuid('actor_user_id'),
    /** Snapshot of the actor's email at the time, so reports survive renames. */
    actorEmail: text('actor_email'),
    accountId: uuid('account_id'),
    targetUserId: uuid('target_user_id'),
    data: jsonb('data').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('activity_workspace_time_idx').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('activity_account_time_idx').on(t.workspaceId, t.accountId, t.createdAt.desc()),
    index('activity_partner_time_idx')
      .on(t.partnerWorkspaceId, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.partnerWorkspaceId} is not null`),
    index('activity_actor_time_idx').on(t.workspaceId, t.actorUserId, t.createdAt.desc()),
  ],
);
