import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { accounts } from './vault';
import { localPartners, workspaces } from './workspaces';

/**
 * Host Admins of a local partner (R-LP-03, ADR 0012): workspace users who manage it. At least one
 * at all times (spec Q19); removing the partner removes the rows (account roles stay, R-LP-14).
 */
export const localPartnerHostAdmins = pgTable(
  'local_partner_host_admins',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    localPartnerId: uuid('local_partner_id')
      .notNull()
      .references(() => localPartners.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    addedBy: uuid('added_by').references(() => users.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.localPartnerId, t.userId] }), index('local_partner_host_admins_user_idx').on(t.workspaceId, t.userId)],
);

/**
 * An account shared with a local partner (spec §5.7 step 1). `role` is what the partner's Guest
 * Admins received. Removing the account from the partner sets `removed_at`; the row stays.
 */
export const localPartnerAccounts = pgTable(
  'local_partner_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    localPartnerId: uuid('local_partner_id')
      .notNull()
      .references(() => localPartners.id),
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
    uniqueIndex('local_partner_accounts_one_live_idx')
      .on(t.localPartnerId, t.accountId)
      .where(sql`${t.removedAt} is null`),
    index('local_partner_accounts_account_idx').on(t.workspaceId, t.accountId).where(sql`${t.removedAt} is null`),
  ],
);
