import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';

/** A tenant. `publicId` is the unguessable Workspace ID people share with partners (128 bits). */
export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    publicId: text('public_id').notNull(),
    name: text('name').notNull(),
    /**
     * The organization's own email domains (lower-case, e.g. "acme.com"). Nobody on them may be
     * invited as a guest: they are provisioned as members (R-LP-05). Edited by Admins in Settings.
     */
    corporateDomains: text('corporate_domains').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspaces_public_id_key').on(t.publicId)],
);

/**
 * A local partner (partners-spec §3.8, ADR 0012): a named group of external people invited into
 * this workspace as guests. Removing it sets `status = 'removed'`; the row stays for the trail.
 */
export const localPartners = pgTable(
  'local_partners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    companyName: text('company_name').notNull(),
    status: text('status', { enum: ['active', 'removed'] }).notNull().default('active'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    removedBy: uuid('removed_by').references(() => users.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('local_partners_workspace_id_id_idx').on(t.workspaceId, t.id),
    // One active partner per company name in a workspace (case-insensitive).
    uniqueIndex('local_partners_one_active_name_idx')
      .on(t.workspaceId, sql`lower(${t.companyName})`)
      .where(sql`${t.status} = 'active'`),
  ],
);

/**
 * A user's membership in a workspace. Role 'owner' is held by exactly one active member
 * (partial unique index). Removed members stay, with status 'removed', for reporting.
 */
export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['owner', 'admin', 'user', 'login_only', 'guest_admin', 'guest_user'] }).notNull(),
    status: text('status', { enum: ['active', 'removed'] }).notNull().default('active'),
    /** Guests only: the local partner they belong to (one per workspace, spec Q22). */
    localPartnerId: uuid('local_partner_id').references(() => localPartners.id),
    /** Guests only: when they accepted the guest Terms of Service, and which version. */
    termsAcceptedAt: timestamp('terms_accepted_at', { withTimezone: true }),
    termsVersion: text('terms_version'),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedBy: uuid('removed_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    uniqueIndex('memberships_one_owner_idx')
      .on(t.workspaceId)
      .where(sql`${t.role} = 'owner' and ${t.status} = 'active'`),
    index('memberships_user_idx').on(t.userId),
    index('memberships_local_partner_idx').on(t.localPartnerId).where(sql`${t.localPartnerId} is not null`),
    // A guest role always names its partner, and only guests have one (ADR 0012).
    check(
      'memberships_guest_partner_check',
      sql`(${t.role} in ('guest_admin', 'guest_user')) = (${t.localPartnerId} is not null)`,
    ),
  ],
);

/**
 * An invitation to join a workspace with a role. The emailed token (256 bits) is stored hashed,
 * is bound to workspace + email + role, lives 3 days, and is consumed atomically.
 */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'user', 'login_only', 'guest_admin', 'guest_user'] }).notNull(),
    /** Guest invites only: the local partner the invitee joins (ADR 0012). */
    localPartnerId: uuid('local_partner_id').references(() => localPartners.id),
    tokenHash: text('token_hash').notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'revoked'] }).notNull().default('pending'),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('invites_token_hash_key').on(t.tokenHash),
    uniqueIndex('invites_one_pending_per_email_idx')
      .on(t.workspaceId, t.email)
      .where(sql`${t.status} = 'pending'`),
    index('invites_local_partner_idx').on(t.localPartnerId, t.status).where(sql`${t.localPartnerId} is not null`),
    check('invites_guest_partner_check', sql`(${t.role} in ('guest_admin', 'guest_user')) = (${t.localPartnerId} is not null)`),
  ],
);
