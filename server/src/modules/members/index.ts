import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  AcceptInviteRequestSchema,
  AcceptInviteResponseSchema,
  ChangeRoleRequestSchema,
  InviteLookupRequestSchema,
  InviteLookupResponseSchema,
  InviteRequestSchema,
  InviteResponseSchema,
  MemberResetResponseSchema,
  MemberResponseSchema,
  MembersListResponseSchema,
  RemoveMemberResponseSchema,
} from '@shared/members';
import type { AppDeps } from '../../deps';
import { ctxOf, hasValidCsrfToken, setSessionCookie } from '../../plugins/session';
import { presentSession } from '../auth/auth.presenter';
import { createMembersService } from './members.service';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema };
const tags = ['members'];
const UserParams = z.object({ userId: z.uuid() });
const InviteParams = z.object({ inviteId: z.uuid() });

/** Members of the current workspace, invites, and invite acceptance. */
export const membersModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createMembersService(deps);

  app.get(
    '/members',
    { schema: { tags, summary: 'Members (and pending invites for Admins and the Owner)', response: { 200: MembersListResponseSchema, ...errors } } },
    async (request) => svc.list(ctxOf(request)),
  );

  app.patch(
    '/members/:userId',
    {
      schema: {
        tags,
        summary: "Change a member's workspace role (Admin, Owner)",
        params: UserParams,
        body: ChangeRoleRequestSchema,
        response: { 200: MemberResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema, ...errors },
      },
    },
    async (request) => ({ member: await svc.changeRole(ctxOf(request), request.params.userId, request.body.role) }),
  );

  app.delete(
    '/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member: disable, end their sessions and grants (Admin, Owner)',
        params: UserParams,
        response: { 200: RemoveMemberResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.remove(ctxOf(request), request.params.userId),
  );

  app.post(
    '/members/:userId/reset-mfa',
    {
      schema: {
        tags,
        summary: "Reset a member's two-step verification: sessions end, MFA is set up again at the next sign-in (Admin, Owner)",
        params: UserParams,
        response: { 200: MemberResetResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.resetMfa(ctxOf(request), request.params.userId),
  );

  app.post(
    '/members/:userId/force-password-reset',
    {
      schema: {
        tags,
        summary: 'Force a member to choose a new password: sessions end, the old password stops working, a link is emailed (Admin, Owner)',
        params: UserParams,
        response: { 200: MemberResetResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request) => svc.forcePasswordReset(ctxOf(request), request.params.userId),
  );

  app.post(
    '/invites',
    {
      schema: {
        tags,
        summary: 'Invite someone by email with a role (Admin, Owner)',
        body: InviteRequestSchema,
        response: { 201: InviteResponseSchema, 409: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send({ invite: await svc.invite(ctxOf(request), request.body) }),
  );

  app.post(
    '/invites/:inviteId/resend',
    {
      schema: {
        tags,
        summary: 'Send a new invite link (the old one stops working)',
        params: InviteParams,
        response: { 200: InviteResponseSchema, 404: ErrorBodySchema, ...errors },
      },
    },
    async (request) => ({ invite: await svc.resendInvite(ctxOf(request), request.params.inviteId) }),
  );

  app.delete(
    '/invites/:inviteId',
    {
      schema: { tags, summary: 'Revoke a pending invite', params: InviteParams, response: { 204: z.null(), 404: ErrorBodySchema, ...errors } },
    },
    async (request, reply) => {
      await svc.revokeInvite(ctxOf(request), request.params.inviteId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invites/lookup',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'What an invite link is for (workspace, email, role, existing login?)',
        security: [],
        body: InviteLookupRequestSchema,
        response: { 200: InviteLookupResponseSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => svc.lookupInvite(request.body.token),
  );

  app.post(
    '/invites/accept',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Accept an invite: a new person sets a name and password; an existing user accepts while signed in',
        security: [],
        body: AcceptInviteRequestSchema,
        response: { 200: AcceptInviteResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema, ...errors },
      },
    },
    async (request, reply) => {
      // A public route, so the session plugin did not check CSRF: the service demands it
      // whenever it acts on the caller's session.
      const caller = request.actor ? { actor: request.actor, csrfValid: hasValidCsrfToken(request) } : null;
      const r = await svc.acceptInvite(request.body, caller, request.meta);
      if (r.issued) {
        setSessionCookie(reply, deps.config, r.issued.token, r.issued.expiresAt.getTime() - deps.clock.now().getTime());
      }
      return { status: 'signed_in' as const, session: presentSession(r.view, r.sessionToken ?? request.sessionToken!) };
    },
  );
};
