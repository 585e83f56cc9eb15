import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { workspaces } from './workspaces';

/**
 * Data-encryption keys. One per workspace (scope 'workspace') plus one for the system
 * (scope 'system': MFA secrets, outbox bodies). Each is stored wrapped (AES-256-GCM) by the
 * key-encryption key of version `kekVersion`, which never enters the database.
 */
export const dataKeys = pgTable(
  'data_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    scope: text('scope', { enum: ['workspace', 'system'] }).notNull(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id),
    /** Version of this data key within its scope; part of every ciphertext's associated data. */
    version: integer('version').notNull(),
    kekVersion: integer('kek_version').notNull(),
    wrappedKey: text('wrapped_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    rewrappedAt: timestamp('rewrapped_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('data_keys_workspace_version_idx')
      .on(t.workspaceId, t.version)
      .where(sql`${t.scope} = 'workspace'`),
    uniqueIndex('data_keys_system_version_idx')
      .on(t.version)
      .where(sql`${t.scope} = 'system'`),
    index('data_keys_kek_version_idx').on(t.kekVersion),
  ],
);

/** A shared login in the vault. Secrets are NOT here: see `accountSecrets`. */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    label: text('label').notNull(),
    application: text('application').notNull(),
    loginUrl: text('login_url'),
    username: text('username').notNull().default(''),
    notes: text('notes').notNull().default(''),
    customFields: jsonb('custom_fields').$type<Array<{ name: string; value: string }>>().notNull().default([]),
    status: text('status', { enum: ['active', 'deleted'] }).notNull().default('active'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by').references(() => users.id),
  },
  (t) => [
    index('accounts_workspace_idx').on(t.workspaceId, t.status, t.label),
    uniqueIndex('accounts_workspace_id_id_idx').on(t.workspaceId, t.id),
  ],
);

/**
 * Encrypted account secrets, one row per (account, field). AES-256-GCM under the workspace data
 * key of `keyVersion`; the associated data binds (workspace, account, field, keyVersion), so a
 * ciphertext copied to another row fails to decrypt. Only the vault module reads or writes this.
 */
export const accountSecrets = pgTable(
  'account_secrets',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    field: text('field', { enum: ['password', 'totp'] }).notNull(),
    keyVersion: integer('key_version').notNull(),
    /** base64url(nonce ‖ ciphertext ‖ tag) */
    sealed: text('sealed').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.accountId, t.field] })],
);

/**
 * Every right a person holds on an account is one row, with its source (design-notes: "one grant
 * table"). Revoking sets `revokedAt`; rows are never deleted. Effective role = strongest live row.
 */
export const grants = pgTable(
  'grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /**
     * The workspace in which the grantee holds this right: the account's own workspace for direct
     * grants, the guest workspace for grants through a host-guest partnership. "Accounts I can use"
     * filters on it, so a guest sees host accounts only from their guest workspace session.
     */
    subjectWorkspaceId: uuid('subject_workspace_id')
      .notNull()
      .references(() => workspaces.id),
    role: text('role', { enum: ['owner', 'manager', 'collaborator'] }).notNull(),
    /** direct | host_guest_partnership | local_partner | access_request (later issues add kinds). */
    sourceKind: text('source_kind').notNull().default('direct'),
    /** The source row's id; for direct grants, the account id. */
    sourceId: uuid('source_id').notNull(),
    grantedBy: uuid('granted_by').references(() => users.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id),
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    uniqueIndex('grants_one_live_per_source_idx')
      .on(t.accountId, t.userId, t.sourceKind, t.sourceId)
      .where(sql`${t.revokedAt} is null`),
    index('grants_user_live_idx').on(t.userId, t.subjectWorkspaceId, t.accountId).where(sql`${t.revokedAt} is null`),
    index('grants_source_live_idx').on(t.sourceKind, t.sourceId).where(sql`${t.revokedAt} is null`),
    index('grants_account_live_idx').on(t.workspaceId, t.accountId).where(sql`${t.revokedAt} is null`),
  ],
);
