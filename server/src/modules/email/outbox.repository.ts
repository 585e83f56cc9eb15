import { and, desc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { outbox } from '../../db/schema/index';

/** Whose mail a Dev mailbox reader may see (see listVisible). */
export interface MailboxScope {
  workspaceId: string;
  email: string;
  wholeWorkspace: boolean;
}

function visibleTo(v: MailboxScope): SQL {
  const own = eq(outbox.toEmail, v.email);
  return v.wholeWorkspace ? or(own, eq(outbox.workspaceId, v.workspaceId))! : own;
}

export interface ClaimedRow {
  id: string;
  template: string;
  toEmail: string;
  subject: string;
  bodySealed: string;
  attempts: number;
}

export const outboxRepository = {
  /**
   * Claim up to `limit` due messages: lock them (skipping rows another worker holds), count the
   * attempt and push `next_attempt_at` to the lease end, so no other worker takes them while this
   * one sends. A worker that dies mid-send loses only its lease: the message is retried after it.
   */
  async claimDue(tx: Db, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedRow[]> {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: leaseUntil })
      .where(inArray(
        outbox.id,
        due.map((r) => r.id),
      ))
      .returning({
        id: outbox.id,
        template: outbox.template,
        toEmail: outbox.toEmail,
        subject: outbox.subject,
        bodySealed: outbox.bodySealed,
        attempts: outbox.attempts,
      });
  },

  async markSent(db: Db, id: string, transport: 'smtp' | 'dev_mailbox', now: Date): Promise<void> {
    await db
      .update(outbox)
      .set({ status: 'sent', transport, sentAt: now, lastError: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
  },

  async markFailed(db: Db, id: string, p: { error: string; nextAttemptAt: Date; dead: boolean }): Promise<void> {
    await db
      .update(outbox)
      .set({ status: p.dead ? 'dead' : 'pending', lastError: p.error, nextAttemptAt: p.nextAttemptAt })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
  },

  /** The latest messages for the Dev mailbox page (no bodies). */
  /**
   * The Dev mailbox's view: messages addressed to `email`, plus every message of `workspaceId`
   * when `wholeWorkspace` (Owners and Admins). Never another workspace's mail.
   */
  async listVisible(db: Db, v: MailboxScope, limit: number) {
    return db
      .select({
        id: outbox.id,
        toEmail: outbox.toEmail,
        subject: outbox.subject,
        template: outbox.template,
        createdAt: outbox.createdAt,
        status: outbox.status,
        transport: outbox.transport,
      })
      .from(outbox)
      .where(visibleTo(v))
      .orderBy(desc(outbox.createdAt), desc(outbox.id))
      .limit(limit);
  },

  async findVisible(db: Db, v: MailboxScope, id: string) {
    const [row] = await db
      .select({
        id: outbox.id,
        toEmail: outbox.toEmail,
        subject: outbox.subject,
        template: outbox.template,
        createdAt: outbox.createdAt,
        status: outbox.status,
        transport: outbox.transport,
        bodySealed: outbox.bodySealed,
      })
      .from(outbox)
      .where(and(eq(outbox.id, id), visibleTo(v)));
    return row ?? null;
  },
};
