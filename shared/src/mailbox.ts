import { z } from 'zod';

/**
 * Dev mailbox contracts (GET /dev/mailbox, GET /dev/mailbox/:messageId). The Dev mailbox exists only
 * when no SMTP server is configured: outgoing email is kept and shown here, so a quick start needs
 * no mail server. When it is off, both routes answer 404 route_not_found.
 */

export const MailboxStatusSchema = z.enum(['pending', 'sent', 'dead']);
export type MailboxStatus = z.infer<typeof MailboxStatusSchema>;

export const MailboxMessageSummarySchema = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    /** Stable template name, e.g. 'member.invite'. */
    template: z.string(),
    createdAt: z.iso.datetime(),
    status: MailboxStatusSchema,
    /** 'dev_mailbox' or 'smtp' once delivered; null while pending. */
    transport: z.enum(['dev_mailbox', 'smtp']).nullable(),
  })
  .meta({ id: 'MailboxMessageSummary' });
export type MailboxMessageSummary = z.infer<typeof MailboxMessageSummarySchema>;

export const MailboxMessageSchema = MailboxMessageSummarySchema.extend({
  text: z.string(),
  /** A complete HTML document; render it in a sandboxed iframe (srcdoc, no scripts). */
  html: z.string(),
}).meta({ id: 'MailboxMessage' });
export type MailboxMessageDto = z.infer<typeof MailboxMessageSchema>;

export const MailboxListResponseSchema = z
  .object({
    /** The latest 200 messages, newest first. */
    messages: z.array(MailboxMessageSummarySchema),
  })
  .meta({ id: 'MailboxListResponse' });
export type MailboxListResponse = z.infer<typeof MailboxListResponseSchema>;

export const MailboxMessageParamsSchema = z.object({ messageId: z.uuid() });
