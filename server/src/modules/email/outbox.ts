import type { Db } from '../../db/client';
import { outbox } from '../../db/schema/index';
import type { Vault } from '../vault/vault.types';

export interface OutgoingEmail {
  /** A stable template name, e.g. 'member.invite'. */
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  workspaceId?: string | null;
}

export const OUTBOX_BODY_PURPOSE = 'outbox.body';

/**
 * Queue an email inside the caller's transaction. Nothing is sent here: the outbox worker
 * delivers after commit, with retries, so a rolled-back change sends nothing and a mail-server
 * outage loses nothing. The body is sealed because it may carry a one-time link.
 */
export async function enqueueEmail(tx: Db, vault: Pick<Vault, 'sealSystem'>, email: OutgoingEmail, now: Date): Promise<void> {
  const bodySealed = await vault.sealSystem(tx, OUTBOX_BODY_PURPOSE, JSON.stringify({ text: email.text, html: email.html }));
  await tx.insert(outbox).values({
    workspaceId: email.workspaceId ?? null,
    template: email.template,
    toEmail: email.to,
    subject: email.subject,
    bodySealed,
    createdAt: now,
    nextAttemptAt: now,
  });
}
