import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ActivityListResponseSchema, ActivityQuerySchema } from '@shared/activity-api';
import { ErrorBodySchema } from '@shared/errors';
import type { AppDeps } from '../../deps';
import { actorOf } from '../../plugins/session';
import { createActivityService } from './activity.service';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema };

/**
 * The Activity view: GET /activity (a page of events) and GET /activity/export (the same filters,
 * as CSV). What each person sees is decided in the query (R-C-05); see activity.repository.ts.
 */
export const activityModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = createActivityService(deps);

  app.get(
    '/activity',
    {
      schema: {
        tags: ['activity'],
        summary: 'Activity events I may see, newest first',
        description:
          'Admins and the Owner see every event of the workspace; everyone else sees the events they caused and events on accounts they Own. ' +
          'A guest workspace also sees the events of its host-guest partnerships (Admins: all of them; members: those they caused or that target them), with host people shown as "Host user" (no id, email, IP or client). ' +
          'Filters combine; pass `nextCursor` as `cursor` for the next page.',
        querystring: ActivityQuerySchema,
        response: { 200: ActivityListResponseSchema, ...errors },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.get(
    '/activity/export',
    {
      schema: {
        tags: ['activity'],
        summary: 'Download the filtered activity as CSV',
        description: 'Same filters and visibility as GET /activity; `cursor` and `limit` are ignored. UTF-8 with BOM, CRLF.',
        querystring: ActivityQuerySchema,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV: Time (UTC ISO), Event, Account, App, User, IP, OS, Browser, Device, Details'), ...errors },
      },
    },
    async (request, reply) => {
      const { stream, filename } = service.exportCsv(actorOf(request), { ...request.query, cursor: undefined });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('x-content-type-options', 'nosniff')
        // A stream bypasses the serializer; the 200 schema above documents the CSV for OpenAPI.
        .send(stream as unknown as string);
    },
  );
};
