import { createHmac } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@shared/errors';
import { isGuestRole } from '@shared/permissions';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { Actor, Ctx, RequestMeta } from '../lib/request-context';
import { requestPath } from '../lib/request-path';
import { hashToken, safeEqual } from '../lib/tokens';
import { sessionsRepository, type LiveSession } from '../modules/auth/sessions.repository';
import type { DeviceActor } from '../authz/devices';
import { authenticateDevice } from '../modules/devices/device-auth';

/**
 * Who may call a route. Deny by default: every /api/v1 route needs a full session unless its
 * config says otherwise.
 * - 'public': no session needed (sign-in, invite acceptance, health).
 * - 'mfa_pending': a session that passed the password but not yet MFA (finishing sign-in).
 * - 'session': a full session (the default).
 * - 'device': a trusted device (the browser extension, ADR 0013): `Authorization: Bearer lkd_…`;
 *   cookies are ignored and no CSRF token is needed (the token is not ambient).
 */
export type RouteAuth = 'public' | 'mfa_pending' | 'session' | 'device';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /**
     * A guest of a local partner who has not turned on MFA reaches only routes marked true: what
     * it takes to turn MFA on (R-GU-04, ADR 0012). Everything else answers 403 mfa_enrolment_required.
     */
    beforeGuestMfa?: boolean;
    /** Device routes only: a refused revoked device is also written to the trail as a "Login attempt". */
    auditDeviceRefusal?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in actor; set on every 'session' route (never null there). */
    actor: Actor | null;
    /** A session that still owes an MFA code. */
    pendingSession: LiveSession | null;
    /** The raw session token from the cookie, when it resolved to a live session. */
    sessionToken: string | null;
    /** The trusted device; set on every 'device' route (never null there). */
    device: DeviceActor | null;
    meta: RequestMeta;
  }
}

/** Session touches are written at most this often, so reads stay reads. */
const TOUCH_EVERY_MS = 30_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-latchkey_session' : 'latchkey_session';
}

/**
 * The CSRF token is an HMAC of the session token: nothing to store, and useless without the
 * HttpOnly cookie. The web app reads it from GET /api/v1/session and sends it as X-CSRF-Token.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('latchkey-csrf-v1').digest('base64url');
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, maxAgeMs: number): void {
  reply.setCookie(sessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
}

export interface SessionPluginOptions {
  db: Db;
  config: Config;
  clock: Clock;
}

export const sessionPlugin = fp<SessionPluginOptions>(
  async (app, { db, config, clock }) => {
    const cookieName = sessionCookieName(config);
    app.decorateRequest('actor', null);
    app.decorateRequest('pendingSession', null);
    app.decorateRequest('sessionToken', null);
    app.decorateRequest('device', null);
    app.decorateRequest('meta', null as never);

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      request.meta = {
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      };
      const isApi = requestPath(request).startsWith('/api/v1/');
      const auth: RouteAuth = request.routeOptions.config?.auth ?? (isApi ? 'session' : 'public');
      if (auth === 'device') {
        request.device = await authenticateDevice({ db, clock }, request.headers.authorization, request.meta, {
          audit: request.routeOptions.config?.auditDeviceRefusal === true,
        });
        return;
      }

      const token = request.cookies[cookieName];
      if (token && token.length <= 128) {
        const live = await resolveSession(token);
        if (live) {
          request.sessionToken = token;
          if (live.mfaPassed) request.actor = toActor(live);
          else request.pendingSession = live;
        } else if (isApi) {
          clearSessionCookie(reply, config);
        }
      }

      if (auth === 'public') return;
      if (auth === 'session' && !request.actor) {
        if (request.pendingSession) throw new AppError(ErrorCode.MFA_REQUIRED, 'Enter your authentication code to finish signing in.');
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
      }
      if (auth === 'mfa_pending' && !request.pendingSession) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your sign-in expired. Start again.');
      }
      if (auth === 'session' && request.actor && mustEnrolMfa(request.actor) && request.routeOptions.config?.beforeGuestMfa !== true) {
        throw new AppError(
          ErrorCode.MFA_ENROLMENT_REQUIRED,
          `Turn on two-step verification to use ${request.actor.workspaceName}: guests must protect their sign-in with an authenticator app.`,
        );
      }
      if (!SAFE_METHODS.has(request.method)) {
        if (!hasValidCsrfToken(request)) {
          throw new AppError(ErrorCode.CSRF_INVALID, 'This request is missing a valid CSRF token. Reload the page and try again.');
        }
      }
    });

    async function resolveSession(token: string): Promise<LiveSession | null> {
      const now = clock.now();
      const live = await sessionsRepository.findLiveByTokenHash(db, hashToken(token));
      if (!live) return null;
      if (live.expiresAt.getTime() <= now.getTime()) {
        await sessionsRepository.end(db, live.sessionId, 'absolute_timeout', now);
        return null;
      }
      if (now.getTime() - live.lastSeenAt.getTime() > config.sessionIdleMs) {
        await sessionsRepository.end(db, live.sessionId, 'idle_timeout', now);
        return null;
      }
      if (now.getTime() - live.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await sessionsRepository.touch(db, live.sessionId, now);
      }
      return live;
    }
  },
  { name: 'latchkey-session', dependencies: ['@fastify/cookie'] },
);

/** A guest without MFA (R-GU-04): until they turn it on, they may only turn it on. */
export function mustEnrolMfa(actor: Pick<Actor, 'role' | 'mfaEnabled'>): boolean {
  return isGuestRole(actor.role) && !actor.mfaEnabled;
}

function toActor(s: LiveSession): Actor {
  return {
    userId: s.userId,
    email: s.email,
    name: s.name,
    workspaceId: s.workspaceId,
    workspacePublicId: s.workspacePublicId,
    workspaceName: s.workspaceName,
    role: s.role,
    localPartnerId: s.localPartnerId,
    sessionId: s.sessionId,
    mfaEnabled: s.mfaEnabled,
  };
}

/**
 * True when the request carries the X-CSRF-Token of its own live session. The plugin enforces it
 * on every state-changing 'session' route; a public route that acts on the caller's session when
 * there is one (accepting an invite) asks here.
 */
export function hasValidCsrfToken(request: FastifyRequest): boolean {
  const sent = request.headers['x-csrf-token'];
  return typeof sent === 'string' && !!request.sessionToken && safeEqual(sent, csrfTokenFor(request.sessionToken));
}

/** For routes that require a session: what a service method needs about the caller. */
export function ctxOf(request: FastifyRequest): Ctx {
  return { actor: actorOf(request), meta: request.meta };
}

/** For routes that require a session: the actor, typed non-null. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
  return request.actor;
}
