import { sql } from 'drizzle-orm';
import { bigint, boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces';

/**
 * A person's identity. Global: one row per email. Membership in a workspace (and the role there)
 * lives in `memberships`; removing a member disables the membership, never this row.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Always stored lower-cased and trimmed. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** TOTP secret, sealed by the vault under the system data key. Null until enrolment starts. */
    mfaSecretSealed: text('mfa_secret_sealed'),
    /** Set when the user verified a first code; MFA is then required at every sign-in. */
    mfaEnabledAt: timestamp('mfa_enabled_at', { withTimezone: true }),
    /** The last TOTP time step accepted, so a code is never accepted twice (RFC 6238 §5.2). */
    mfaLastStep: bigint('mfa_last_step', { mode: 'number' }),
    /**
     * Set when an Admin forced a password reset (ADR 0012): the current password no longer signs
     * in; the emailed reset link clears it.
     */
    passwordResetRequiredAt: timestamp('password_reset_required_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/**
 * Server-side sessions. The cookie holds a 256-bit random token; only its SHA-256 is stored.
 * A session is bound to one workspace (the one the user is working in).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    /** False between a correct password and a correct MFA code. Such a session can only finish MFA. */
    mfaPassed: boolean('mfa_passed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute expiry, fixed at creation. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_user_live_idx').on(t.userId, t.workspaceId).where(sql`${t.endedAt} is null`),
  ],
);

/**
 * Failed sign-in attempts, for throttling per account and per IP. `key` is "email:<sha256>" or
 * "ip:<address>", so unknown emails are throttled exactly like known ones.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_failures_key_time_idx').on(t.key, t.createdAt)],
);

/**
 * A single-use link to choose a new password, emailed when an Admin forces a reset (ADR 0012).
 * Only the SHA-256 of the 256-bit token is stored; it lives 24 hours and is consumed atomically.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The workspace whose Admin asked for it (the trail and the Dev mailbox scope). */
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    tokenHash: text('token_hash').notNull(),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** A newer link, or a completed reset, makes older links useless. */
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('password_resets_token_hash_key').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);
