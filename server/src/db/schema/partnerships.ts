import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { accounts } from './vault';
import { workspaces } from './workspaces';

/**
 * A host-guest partnership: a directed link host → guest (partners-spec §3.5, §5.1). The host owns
 * the row (`host_workspace_id` is the tenant); the guest side reaches it through `guest_workspace_id`.
 * At most one LIVE partnership per (host, guest) pair (R-HG-01); a declined-by-host, expired or
 * removed row releases the pair (Q1).
 */
export const partnerships = pgTable(
  'partnerships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hostWorkspaceId: uuid('host_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    guestWorkspaceId: uuid('guest_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    state: text('state', {
      enum: ['awaiting_host_admin', 'awaiting_guest_admin', 'active', 'declined_by_host', 'declined_by_guest', 'removed', 'expired'],
    }).notNull(),
    /** "Partner's email address": the guest-side contact the request is addressed to. Lower-cased. */
    partnerEmail: text('partner_email').notNull(),
    /** Not asked when the requester is a host Admin (R-HG-05). */
    reason: text('reason'),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    hostDecidedBy: uuid('host_decided_by').references(() => users.id),
    hostDecidedAt: timestamp('host_decided_at', { withTimezone: true }),
    hostDeclineReason: text('host_decline_reason'),
    guestDecidedBy: uuid('guest_decided_by').references(() => users.id),
    guestDecidedAt: timestamp('guest_decided_at', { withTimezone: true }),
    guestDeclineReason: text('guest_decline_reason'),
    /** When the guest Admin ticked the Terms of Service box (R-HG-06). */
    tosAcceptedAt: timestamp('tos_accepted_at', { withTimezone: true }),
    tosVersion: text('tos_version'),
    /** The guest Admin who receives the partnership's default grants (Q6): who accepted, or a successor. */
    guestContactUserId: uuid('guest_contact_user_id').references(() => users.id),
    /** Host setting: may guest Managers request the Manager role for others (Q7). Off by default. */
    allowManagerRequests: boolean('allow_manager_requests').notNull().default(false),
    lastReminderAt: timestamp('last_reminder_at', { withTimezone: true }),
    lastResentAt: timestamp('last_resent_at', { withTimezone: true }),
    /** A pending request expires at this time (Q5); null once it is no longer pending. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    removedBy: uuid('removed_by').references(() => users.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('partnerships_one_live_per_pair_idx')
      .on(t.hostWorkspaceId, t.guestWorkspaceId)
      .where(sql`${t.state} in ('awaiting_host_admin', 'awaiting_guest_admin', 'active', 'declined_by_guest')`),
    index('partnerships_host_idx').on(t.hostWorkspaceId, t.state),
    index('partnerships_guest_idx').on(t.guestWorkspaceId, t.state),
    index('partnerships_pending_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.state} in ('awaiting_host_admin', 'awaiting_guest_admin')`),
  ],
);

/** Partnership Owners (spec Q4): host users who manage the partnership. The requester is the first. */
export const partnershipOwners = pgTable(
  'partnership_owners',
  {
    hostWorkspaceId: uuid('host_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    addedBy: uuid('added_by').references(() => users.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.partnershipId, t.userId] }), index('partnership_owners_user_idx').on(t.hostWorkspaceId, t.userId)],
);

/**
 * An account shared into a partnership (spec §3.6). `role` is what the guest contact receives.
 * Removing the account from the partnership sets `removed_at`; the row stays for the trail.
 */
export const partnershipAccounts = pgTable(
  'partnership_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hostWorkspaceId: uuid('host_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    role: text('role', { enum: ['manager', 'collaborator'] }).notNull(),
    sharedBy: uuid('shared_by')
      .notNull()
      .references(() => users.id),
    sharedAt: timestamp('shared_at', { withTimezone: true }).notNull(),
    removedBy: uuid('removed_by').references(() => users.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('partnership_accounts_one_live_idx')
      .on(t.partnershipId, t.accountId)
      .where(sql`${t.removedAt} is null`),
    index('partnership_accounts_account_idx').on(t.hostWorkspaceId, t.accountId).where(sql`${t.removedAt} is null`),
  ],
);

/**
 * A guest Manager's request that another member of their workspace get access to a host account
 * shared through the partnership (spec §3.7, §5.4). One row per target. Duplicates are refused by
 * the partial unique index on pending rows.
 */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hostWorkspaceId: uuid('host_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    guestWorkspaceId: uuid('guest_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    requesterUserId: uuid('requester_user_id')
      .notNull()
      .references(() => users.id),
    targetUserId: uuid('target_user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['manager', 'collaborator'] }).notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'declined', 'cancelled'] }).notNull().default('pending'),
    /** Why a request was cancelled: by_requester | partnership_removed | account_removed | account_deleted | requester_lost_manager | target_removed. */
    cancelReason: text('cancel_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('access_requests_one_pending_idx')
      .on(t.partnershipId, t.accountId, t.targetUserId)
      .where(sql`${t.status} = 'pending'`),
    index('access_requests_host_account_idx').on(t.hostWorkspaceId, t.accountId, t.status),
    index('access_requests_guest_idx').on(t.guestWorkspaceId, t.status),
  ],
);
