import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBodySchema, ErrorCode } from '@shared/errors';
import {
  MailboxListResponseSchema,
  MailboxMessageParamsSchema,
  MailboxMessageSchema,
  type MailboxMessageSummary,
} from '@shared/mailbox';
import type { AppDeps } from '../../deps';
import { AppError, notFound } from '../../lib/errors';
import { inTransaction } from '../../lib/tx';
import { OUTBOX_BODY_PURPOSE } from '../email/outbox';
import { outboxRepository } from '../email/outbox.repository';

const LIST_LIMIT = 200;

type SummaryRow = Awaited<ReturnType<typeof outboxRepository.listRecent>>[number];

function presentSummary(row: SummaryRow): MailboxMessageSummary {
  return {
    id: row.id,
    to: row.toEmail,
    subject: row.subject,
    template: row.template,
    createdAt: row.createdAt.toISOString(),
    status: row.status,
    transport: row.transport === 'smtp' || row.transport === 'dev_mailbox' ? row.transport : null,
  };
}

/**
 * The Dev mailbox: with no SMTP server configured, outgoing email is kept in the outbox and shown
 * here, so an invitee can open their invite on a quick-start install. Public on purpose (the
 * invitee has no session yet) and therefore only when the Dev mailbox is on: otherwise both routes
 * answer exactly like a route that does not exist.
 */
export const devMailboxModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', async (request) => {
    if (!deps.config.devMailbox) {
      throw new AppError(ErrorCode.ROUTE_NOT_FOUND, `No route ${request.method} ${request.url.split('?')[0]}.`);
    }
  });

  app.get(
    '/dev/mailbox',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['dev mailbox'],
        summary: 'Latest 200 kept messages, newest first (only when no SMTP server is configured)',
        response: { 200: MailboxListResponseSchema, 404: ErrorBodySchema },
      },
    },
    async () => ({ messages: (await outboxRepository.listRecent(deps.db, LIST_LIMIT)).map(presentSummary) }),
  );

  app.get(
    '/dev/mailbox/:messageId',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['dev mailbox'],
        summary: 'One kept message with its text and HTML (only when no SMTP server is configured)',
        params: MailboxMessageParamsSchema,
        response: { 200: MailboxMessageSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const { messageId } = request.params;
      const row = await outboxRepository.findById(deps.db, messageId);
      if (!row) throw notFound(`Message "${messageId}"`);
      const body = await inTransaction(deps.db, async (tx) =>
        JSON.parse(await deps.vault.openSystem(tx, OUTBOX_BODY_PURPOSE, row.bodySealed)) as { text: string; html: string },
      );
      return { ...presentSummary(row), text: body.text, html: body.html };
    },
  );
};
