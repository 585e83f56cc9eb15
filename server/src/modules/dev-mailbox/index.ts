import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  MailboxListResponseSchema,
  MailboxMessageParamsSchema,
  MailboxMessageSchema,
  type MailboxMessageSummary,
} from '@shared/mailbox';
import { workspaceCan } from '../../authz/workspace';
import type { AppDeps } from '../../deps';
import type { Actor } from '../../lib/request-context';
import { actorOf } from '../../plugins/session';
import { notFound } from '../../lib/errors';
import { OUTBOX_BODY_PURPOSE } from '../email/outbox';
import { outboxRepository, type MailboxScope } from '../email/outbox.repository';

/** Owners and Admins read their workspace's outgoing mail; everyone reads mail addressed to them. */
function scopeOf(actor: Actor): MailboxScope {
  return { workspaceId: actor.workspaceId, email: actor.email, wholeWorkspace: workspaceCan(actor, 'devMailbox.view') };
}

const LIST_LIMIT = 200;

type SummaryRow = Awaited<ReturnType<typeof outboxRepository.listVisible>>[number];

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
 * here instead. It needs a session and stays inside the tenant: Owners and Admins see their
 * workspace's outgoing mail (so the Admin who invited someone can hand them the link), everyone
 * sees mail addressed to them, and nobody sees another workspace's mail. When the Dev mailbox is
 * off, both routes answer exactly like a route that does not exist.
 */
export const devMailboxModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  // Off (SMTP configured): register nothing, so both paths answer like any unknown route.
  if (!deps.config.devMailbox) return;

  app.get(
    '/dev/mailbox',
    {
      schema: {
        tags: ['dev mailbox'],
        summary: 'Latest 200 kept messages you may read, newest first (only when no SMTP server is configured)',
        response: { 200: MailboxListResponseSchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => ({
      messages: (await outboxRepository.listVisible(deps.db, scopeOf(actorOf(request)), LIST_LIMIT)).map(presentSummary),
    }),
  );

  app.get(
    '/dev/mailbox/:messageId',
    {
      schema: {
        tags: ['dev mailbox'],
        summary: 'One kept message with its text and HTML (only when no SMTP server is configured)',
        params: MailboxMessageParamsSchema,
        response: { 200: MailboxMessageSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const { messageId } = request.params;
      const row = await outboxRepository.findVisible(deps.db, scopeOf(actorOf(request)), messageId);
      if (!row) throw notFound(`Message "${messageId}"`);
      const body = JSON.parse(await deps.vault.openSystem(deps.db, OUTBOX_BODY_PURPOSE, row.bodySealed)) as { text: string; html: string };
      return { ...presentSummary(row), text: body.text, html: body.html };
    },
  );
};
