import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  MfaConfirmRequestSchema,
  MfaDisableRequestSchema,
  MfaEnrolRequestSchema,
  MfaEnrolResponseSchema,
  MfaRequestSchema,
  MfaResponseSchema,
  MfaStatusResponseSchema,
  PasswordResetCompleteRequestSchema,
  PasswordResetLookupRequestSchema,
  PasswordResetLookupResponseSchema,
  SessionDtoSchema,
  SwitchWorkspaceRequestSchema,
} from '@shared/auth';
import { ErrorBodySchema } from '@shared/errors';
import type { AppDeps } from '../../deps';
import { clearSessionCookie, csrfTokenFor, ctxOf, setSessionCookie } from '../../plugins/session';
import { presentSession } from './auth.presenter';
import { createAuthService } from './auth.service';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  429: ErrorBodySchema,
};
const tags = ['auth'];

/** Sign-in, MFA, the current session, workspace switching, and password/MFA self-service. */
export const authModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createAuthService(deps, app.log);
  const cookieFor = (reply: Parameters<typeof setSessionCookie>[0], token: string, expiresAt: Date) =>
    setSessionCookie(reply, deps.config, token, expiresAt.getTime() - deps.clock.now().getTime());

  app.post(
    '/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        security: [],
        body: LoginRequestSchema,
        response: { 200: LoginResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const previous = request.actor?.sessionId ?? request.pendingSession?.sessionId ?? null;
      const r = await svc.login(request.body, request.meta, previous);
      cookieFor(reply, r.session.token, r.session.expiresAt);
      if (r.status === 'mfa_required') return { status: 'mfa_required' as const, csrfToken: csrfTokenFor(r.session.token) };
      return { status: 'signed_in' as const, session: presentSession(r.view, r.session.token) };
    },
  );

  app.post(
    '/auth/mfa',
    {
      config: { auth: 'mfa_pending' },
      schema: { tags, summary: 'Finish signing in with a TOTP code', body: MfaRequestSchema, response: { 200: MfaResponseSchema, ...errors } },
    },
    async (request, reply) => {
      const r = await svc.completeMfa(request.pendingSession!, request.body.code, request.meta);
      cookieFor(reply, r.session.token, r.session.expiresAt);
      return { status: 'signed_in' as const, session: presentSession(r.view, r.session.token) };
    },
  );

  app.post(
    '/auth/logout',
    { config: { beforeGuestMfa: true }, schema: { tags, summary: 'Sign out (ends this session)', response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await svc.logout(ctxOf(request));
      clearSessionCookie(reply, deps.config);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/session',
    { config: { beforeGuestMfa: true }, schema: { tags, summary: 'The current session, workspace, abilities and CSRF token', response: { 200: SessionDtoSchema, ...errors } } },
    async (request) => presentSession(await svc.currentSession(ctxOf(request)), request.sessionToken!),
  );

  app.post(
    '/session/workspace',
    {
      config: { beforeGuestMfa: true },
      schema: {
        tags,
        summary: 'Switch to another workspace I belong to',
        body: SwitchWorkspaceRequestSchema,
        response: { 200: SessionDtoSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => presentSession(await svc.switchWorkspace(ctxOf(request), request.body.workspaceId), request.sessionToken!),
  );

  app.post(
    '/me/password',
    {
      config: { beforeGuestMfa: true },
      schema: {
        tags,
        summary: 'Change my password (ends my other sessions)',
        body: ChangePasswordRequestSchema,
        response: { 200: ChangePasswordResponseSchema, 409: ErrorBodySchema, 422: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.changePassword(ctxOf(request), request.body),
  );

  app.post(
    '/me/mfa/enrol',
    {
      config: { beforeGuestMfa: true },
      schema: {
        tags,
        summary: 'Start MFA set-up: secret, otpauth URL and QR code (shown once)',
        body: MfaEnrolRequestSchema,
        response: { 200: MfaEnrolResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.enrolMfa(ctxOf(request), request.body.password),
  );

  app.post(
    '/me/mfa/confirm',
    {
      config: { beforeGuestMfa: true },
      schema: {
        tags,
        summary: 'Confirm the first code: MFA on',
        body: MfaConfirmRequestSchema,
        response: { 200: MfaStatusResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      await svc.confirmMfa(ctxOf(request), request.body.code);
      return { mfaEnabled: true };
    },
  );

  app.post(
    '/me/mfa/disable',
    {
      schema: {
        tags,
        summary: 'Turn MFA off (password and a current code)',
        body: MfaDisableRequestSchema,
        response: { 200: MfaStatusResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => {
      await svc.disableMfa(ctxOf(request), request.body.password, request.body.code);
      return { mfaEnabled: false };
    },
  );

  // Forced password resets (ADR 0012): public, JSON only, like invite acceptance (ADR 0005). The
  // 256-bit single-use token is the credential; failures are 404 reset_link_invalid.
  app.post(
    '/auth/password-reset/lookup',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Who a password reset link is for',
        security: [],
        body: PasswordResetLookupRequestSchema,
        response: { 200: PasswordResetLookupResponseSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.lookupPasswordReset(request.body.token),
  );

  app.post(
    '/auth/password-reset',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Choose a new password with a reset link (then sign in)',
        security: [],
        body: PasswordResetCompleteRequestSchema,
        response: { 204: z.null(), 404: ErrorBodySchema, 422: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      await svc.completePasswordReset(request.body.token, request.body.newPassword, request.meta);
      return reply.status(204).send(null);
    },
  );
};
