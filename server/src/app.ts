import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { ErrorCode, type ErrorBody } from '@shared/errors';
import type { AppDeps } from './deps';
import { AppError } from './lib/errors';
import { loggerOptions } from './lib/logger';
import { requestPath } from './lib/request-path';
import { apiModules } from './modules/index';
import { registerErrorHandler } from './plugins/error-handler';
import { sessionPlugin } from './plugins/session';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** One registered route, as the authorization table and the fuzz test see it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  auth: 'public' | 'mfa_pending' | 'session' | 'device';
  /** Reachable by a guest who has not turned on MFA yet (ADR 0012). */
  beforeGuestMfa: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api/v1 route, collected as it is registered. */
    apiRoutes: RegisteredRoute[];
  }
}

export interface BuildAppOptions {
  /** Pino options or a destination; tests pass a stream to capture logs for the canary scan. */
  logger?: Parameters<typeof loggerOptions>[1];
  /** Serve the built web app from web/dist (default: when it exists). */
  serveWeb?: boolean;
  /** Where the built web app is (default web/dist; tests use a temporary directory). */
  webRoot?: string;
}

/** A path that names a file rather than a client-side route: under /assets/, or ending in an extension. */
function looksLikeFile(urlPath: string): boolean {
  return urlPath.startsWith('/assets/') || /\.[A-Za-z0-9]{1,10}$/.test(urlPath);
}

/**
 * The path (relative to `root`) of the regular file `urlPath` names, or null: nothing outside
 * `root`, no dotfiles, no directories.
 */
async function findWebFile(root: string, urlPath: string): Promise<string | null> {
  if (urlPath.includes('\0') || urlPath.includes('\\')) return null;
  const rel = path.posix.normalize(`/${urlPath}`).replace(/^\/+/, '');
  if (rel === '' || rel.split('/').some((seg) => seg.startsWith('.'))) return null;
  const full = path.resolve(root, rel);
  if (!full.startsWith(root + path.sep)) return null;
  const st = await stat(full).catch(() => null);
  return st?.isFile() ? rel : null;
}

/** Build the whole HTTP app from its dependencies. Used by main.ts and by every HTTP test. */
export async function buildApp(deps: AppDeps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config, opts.logger),
    bodyLimit: 256 * 1024,
    trustProxy: deps.config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 },
    // The router refuses a malformed URL or an over-long path parameter before any route runs;
    // answer those with the same error body as every other failure.
    frameworkErrors: (error, request, reply) => {
      const body: ErrorBody = {
        error: {
          code: ErrorCode.MALFORMED_REQUEST,
          message:
            error.code === 'FST_ERR_MAX_PARAM_LENGTH'
              ? 'A value in the request path is too long.'
              : 'The request URL could not be read.',
          requestId: request.id,
        },
      };
      void (reply as unknown as FastifyReply).code(400).type('application/json').send(body);
    },
  }).withTypeProvider<ZodTypeProvider>();

  const apiRoutes: RegisteredRoute[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      apiRoutes.push({ method, url: route.url, auth: route.config?.auth ?? 'session', beforeGuestMfa: route.config?.beforeGuestMfa === true });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (requestPath(request).startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: deps.config.secureCookies,
  });
  await app.register(fastifyCookie);
  await app.register(sessionPlugin, { db: deps.db, config: deps.config, clock: deps.clock });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version: '1',
        description:
          'Share access to shared logins without handing over the password. Authenticate with the session cookie from POST /api/v1/auth/login; send X-CSRF-Token (from GET /api/v1/session) on every state-changing request.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'latchkey_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
          deviceToken: { type: 'http', scheme: 'bearer', description: 'A trusted device token (lkd_…), for /device routes' },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      for (const mod of apiModules) await api.register(mod, { deps });
    },
    { prefix: '/api/v1' },
  );

  const webRoot = path.resolve(opts.webRoot ?? WEB_DIST);
  const serveWeb = opts.serveWeb ?? existsSync(path.join(webRoot, 'index.html'));
  if (serveWeb) {
    // `serve: false`: @fastify/static only lends reply.sendFile (types, ETag, ranges). Files are
    // looked up per request below, never globbed once at start, so a web/dist rebuilt while the
    // server runs (new hashed asset names, index.html rewritten) is served as it is now.
    await app.register(fastifyStatic, { root: webRoot, serve: false });
    // Client-side routes: any other GET outside /api gets the app shell. A catch-all route, not a
    // not-found handler: registerErrorHandler owns that one, and Fastify allows only one.
    app.get('/*', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const urlPath = requestPath(request);
      if (urlPath.startsWith('/api')) {
        throw new AppError(ErrorCode.ROUTE_NOT_FOUND, `No route ${request.method} ${urlPath}.`);
      }
      const file = await findWebFile(webRoot, urlPath);
      if (file) return reply.sendFile(file);
      // A file that is not there (an old hashed chunk after a rebuild, a typo): 404, never the app
      // shell, which a stale tab would otherwise try to run as JavaScript or CSS.
      if (looksLikeFile(urlPath)) throw new AppError(ErrorCode.ROUTE_NOT_FOUND, `No file ${urlPath}.`);
      // Read per request (it is small): a rebuild replaces it, and a missing one is a 503, not a 500.
      const html = await readFile(path.join(webRoot, 'index.html'), 'utf8').catch(() => null);
      if (html === null) {
        throw new AppError(ErrorCode.UNAVAILABLE, 'The web app is being rebuilt or is not installed. Reload in a moment.');
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  }

  return app;
}
