import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '@shared/errors';
import { LIVE_EVENT_CHANGE, LIVE_EVENT_READY, type LiveChangeMessage } from '@shared/live';
import type { AppDeps } from '../../deps';
import { actorOf } from '../../plugins/session';
import type { LiveStream } from './live.hub';
import { createLiveService } from './live.service';

/** How long the browser waits before reconnecting a dropped stream (SSE `retry:`). */
export const LIVE_RETRY_MS = 5000;

/**
 * GET /live: a server-sent events stream of "what changed" hints for the session's workspace
 * (ADR 0010). The response is written by hand on reply.raw after reply.hijack(): Fastify's
 * serializer and onSend hooks never see it (they would buffer it), so the headers those hooks add
 * (x-request-id, cache-control) are written here; helmet's are already on reply.raw.
 */
export const liveModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = createLiveService(deps);
  const hub = deps.live;

  // Open streams would keep app.close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    await hub.close();
  });

  app.get(
    '/live',
    {
      schema: {
        tags: ['live'],
        summary: 'Live updates for my workspace (server-sent events)',
        description:
          'text/event-stream. Sends `retry: 5000`, then `event: ready`, then `event: change` with `data: {"topics":[...]}` whenever something of those kinds changes in the session\'s workspace (topics only: refetch through the normal endpoints), and a comment heartbeat every 20 s. Closed when the session ends, expires or moves to another workspace, and when the same user opens more than 5 streams (the oldest closes).',
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('An event stream'), 401: ErrorBodySchema, 403: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const sessionToken = request.sessionToken!;
      await hub.ensureListening();

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-request-id': request.id,
        // Reverse proxies (nginx) must not buffer the stream.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      raw.write(`retry: ${LIVE_RETRY_MS}\n\nevent: ${LIVE_EVENT_READY}\ndata: {}\n\n`);

      let open = true;
      let checking = false;
      const end = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unregister();
        raw.end();
      };
      const stream: LiveStream = {
        workspaceId: actor.workspaceId,
        userId: actor.userId,
        send(topics) {
          if (!open) return;
          const message: LiveChangeMessage = { topics };
          raw.write(`event: ${LIVE_EVENT_CHANGE}\ndata: ${JSON.stringify(message)}\n\n`);
        },
        close: () => end(),
      };
      const unregister = hub.attach(stream);
      const heartbeat = setInterval(() => {
        if (!open || checking) return;
        checking = true;
        service
          .sessionStillValid(sessionToken, actor)
          .then((valid) => {
            if (!open) return;
            if (valid) raw.write(': ping\n\n');
            else end();
          })
          .catch((err: unknown) => {
            // A database hiccup is not a reason to drop every stream: check again next beat.
            request.log.warn({ err }, 'live: session re-check failed');
            if (open) raw.write(': ping\n\n');
          })
          .finally(() => {
            checking = false;
          });
      }, hub.heartbeatMs);
      heartbeat.unref();
      raw.on('close', end);
      request.raw.on('close', end);
      raw.on('error', end);
    },
  );
};
