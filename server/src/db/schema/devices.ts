import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { accounts } from './vault';
import { workspaces } from './workspaces';

/**
 * A trusted device: a browser extension a user approved (issue 5, ADR 0013). It acts for that user
 * in that workspace only. The 256-bit token (`lkd_…`) is stored as its SHA-256 only.
 *
 * At most 20 active devices per user: each active device holds a `slot` 1..20, unique per user
 * among active rows (partial unique index + check), chosen under a lock on the user row. So the
 * database itself refuses a 21st, even if two approvals race.
 */
export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    browser: text('browser').notNull(),
    os: text('os').notNull(),
    slot: integer('slot').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the extension collected its token (the pairing's single delivery). */
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastIp: text('last_ip'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** 'user' (Trusted devices), 'pairing_expired' (approved but never collected). */
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    uniqueIndex('devices_token_hash_key').on(t.tokenHash),
    uniqueIndex('devices_user_active_slot_idx').on(t.userId, t.slot).where(sql`${t.revokedAt} is null`),
    uniqueIndex('devices_workspace_id_id_idx').on(t.workspaceId, t.id),
    index('devices_user_idx').on(t.userId, t.createdAt.desc()),
    check('devices_slot_check', sql`${t.slot} between 1 and 20`),
  ],
);

/**
 * A device-flow pairing (after RFC 8628). The extension holds `pollSecret` (stored hashed); the
 * user types or follows `userCode` and approves it while signed in. Lives 10 minutes; the token
 * is delivered exactly once (state `delivered`).
 */
export const devicePairings = pgTable(
  'device_pairings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** "BCDF-GHJK" (8 letters, no vowels or look-alikes). */
    userCode: text('user_code').notNull(),
    pollSecretHash: text('poll_secret_hash').notNull(),
    browser: text('browser').notNull(),
    os: text('os').notNull(),
    state: text('state', { enum: ['pending', 'approved', 'denied', 'delivered'] })
      .notNull()
      .default('pending'),
    createdIp: text('created_ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set on approve/deny: who decided, in which workspace, and the device created on approval. */
    userId: uuid('user_id').references(() => users.id),
    workspaceId: uuid('workspace_id').references(() => workspaces.id),
    deviceId: uuid('device_id').references(() => devices.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('device_pairings_user_code_key').on(t.userCode),
    index('device_pairings_expires_idx').on(t.expiresAt),
    check('device_pairings_approved_check', sql`(${t.state} in ('approved', 'delivered')) = (${t.deviceId} is not null)`),
  ],
);

/**
 * A single-use fill ticket (60 s) for one account, bound to the user, the device and the account.
 * Only the SHA-256 of the ticket is stored. Redemption locks the row and sets `usedAt` once.
 */
export const fillTickets = pgTable(
  'fill_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketHash: text('ticket_hash').notNull(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('fill_tickets_ticket_hash_key').on(t.ticketHash),
    index('fill_tickets_expires_idx').on(t.expiresAt),
    check('fill_tickets_used_check', sql`${t.usedAt} is null or ${t.usedAt} >= ${t.createdAt}`),
  ],
);
