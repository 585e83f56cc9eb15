import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Outgoing email, written in the same transaction as the change that causes it and delivered by
 * a background worker with retries. Bodies are sealed by the vault (they can carry invite links).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id'),
    template: text('template').notNull(),
    toEmail: text('to_email').notNull(),
    subject: text('subject').notNull(),
    /** Sealed JSON { text, html } (vault system key). */
    bodySealed: text('body_sealed').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'dead'] }).notNull().default('pending'),
    /** 'smtp' or 'dev_mailbox', set on delivery. */
    transport: text('transport'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_to_idx').on(t.toEmail, t.createdAt),
  ],
);
