import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  AccountGuestDtoSchema,
  AccountGuestParamsSchema,
  AccountGuestsResponseSchema,
  AddHostAdminsRequestSchema,
  ChangeAccountGuestRoleRequestSchema,
  ChangeGuestRoleRequestSchema,
  CreateLocalPartnerRequestSchema,
  CreateLocalPartnerResponseSchema,
  GuestShareCandidatesResponseSchema,
  InviteGuestRequestSchema,
  LocalPartnerAccountParamsSchema,
  LocalPartnerAccountsResponseSchema,
  LocalPartnerDtoSchema,
  LocalPartnerGuestResponseSchema,
  LocalPartnerInviteParamsSchema,
  LocalPartnerInviteResponseSchema,
  LocalPartnerListResponseSchema,
  LocalPartnerParamsSchema,
  LocalPartnerShareableAccountsResponseSchema,
  LocalPartnerUserParamsSchema,
  LocalPartnerUsersResponseSchema,
  RemoveGuestResponseSchema,
  RemoveLocalPartnerResponseSchema,
  ShareWithGuestsRequestSchema,
  ShareWithGuestsResponseSchema,
  ShareWithLocalPartnerRequestSchema,
  ShareWithLocalPartnerResponseSchema,
} from '@shared/local-partners';
import { AccountParamsSchema } from '@shared/accounts';
import { MemberResetResponseSchema } from '@shared/members';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createLocalPartnerAccessService } from './local-partner-access.service';
import { createLocalPartnersService } from './local-partners.service';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};

/**
 * Local partners (partners-spec §5.5–5.7, ADR 0012): the partner, its Host Admins, guests and
 * invites; accounts shared with it; Guest Admins passing accounts on; an account's Guest users tab.
 * Thin routes: the services decide.
 */
export const localPartnersModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createLocalPartnersService(deps);
  const access = createLocalPartnerAccessService(deps);
  const tags = ['local partners'];

  app.get(
    '/local-partners',
    { schema: { tags, summary: 'Local partners I may see', response: { 200: LocalPartnerListResponseSchema, ...errors } } },
    async (request) => svc.list(ctxOf(request)),
  );

  app.post(
    '/local-partners',
    {
      schema: {
        tags,
        summary: 'Add a local partner: company, Host Admins, and the invite to its first Guest Admin (Admin, Owner)',
        body: CreateLocalPartnerRequestSchema,
        response: { 201: CreateLocalPartnerResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.create(ctxOf(request), request.body)),
  );

  app.get(
    '/local-partners/:id',
    { schema: { tags, summary: 'A local partner, with my abilities', params: LocalPartnerParamsSchema, response: { 200: LocalPartnerDtoSchema, ...errors } } },
    async (request) => svc.get(ctxOf(request), request.params.id),
  );

  app.delete(
    '/local-partners/:id',
    {
      schema: {
        tags,
        summary: 'Remove the partner: its guests leave the workspace, its shares end, Host Admins lose the role',
        params: LocalPartnerParamsSchema,
        response: { 200: RemoveLocalPartnerResponseSchema, ...errors },
      },
    },
    async (request) => svc.remove(ctxOf(request), request.params.id),
  );

  app.get(
    '/local-partners/:id/users',
    {
      schema: {
        tags,
        summary: 'Host Admins, guests and pending guest invites (Users tab)',
        params: LocalPartnerParamsSchema,
        response: { 200: LocalPartnerUsersResponseSchema, ...errors },
      },
    },
    async (request) => svc.users(ctxOf(request), request.params.id),
  );

  app.post(
    '/local-partners/:id/host-admins',
    {
      schema: {
        tags,
        summary: 'Assign Host Admins (Users, Admins or the Owner)',
        params: LocalPartnerParamsSchema,
        body: AddHostAdminsRequestSchema,
        response: { 200: LocalPartnerDtoSchema, ...errors },
      },
    },
    async (request) => svc.addHostAdmins(ctxOf(request), request.params.id, request.body.userIds),
  );

  app.delete(
    '/local-partners/:id/host-admins/:userId',
    {
      schema: { tags, summary: 'Remove a Host Admin (never the last)', params: LocalPartnerUserParamsSchema, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await svc.removeHostAdmin(ctxOf(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/local-partners/:id/invites',
    {
      schema: {
        tags,
        summary: 'Invite a guest (Guest Admins invite Guest Users)',
        params: LocalPartnerParamsSchema,
        body: InviteGuestRequestSchema,
        response: { 201: LocalPartnerInviteResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send({ invite: await svc.invite(ctxOf(request), request.params.id, request.body) }),
  );

  app.post(
    '/local-partners/:id/invites/:inviteId/resend',
    {
      schema: {
        tags,
        summary: 'Send a guest invite again with a fresh link',
        params: LocalPartnerInviteParamsSchema,
        response: { 200: LocalPartnerInviteResponseSchema, ...errors },
      },
    },
    async (request) => ({ invite: await svc.resendInvite(ctxOf(request), request.params.id, request.params.inviteId) }),
  );

  app.delete(
    '/local-partners/:id/invites/:inviteId',
    { schema: { tags, summary: 'Revoke a pending guest invite', params: LocalPartnerInviteParamsSchema, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await svc.revokeInvite(ctxOf(request), request.params.id, request.params.inviteId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/local-partners/:id/guests/:userId',
    {
      schema: {
        tags,
        summary: 'Guest User ↔ Guest Admin (never leaving the partner without a Guest Admin)',
        params: LocalPartnerUserParamsSchema,
        body: ChangeGuestRoleRequestSchema,
        response: { 200: LocalPartnerGuestResponseSchema, ...errors },
      },
    },
    async (request) => ({ guest: await svc.changeGuestRole(ctxOf(request), request.params.id, request.params.userId, request.body.role) }),
  );

  app.delete(
    '/local-partners/:id/guests/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a guest from the partner (and the workspace)',
        params: LocalPartnerUserParamsSchema,
        response: { 200: RemoveGuestResponseSchema, ...errors },
      },
    },
    async (request) => svc.removeGuest(ctxOf(request), request.params.id, request.params.userId),
  );

  app.post(
    '/local-partners/:id/guests/:userId/reset-mfa',
    {
      schema: {
        tags,
        summary: "Reset a guest's two-step verification (they set it up again at the next sign-in)",
        params: LocalPartnerUserParamsSchema,
        response: { 200: MemberResetResponseSchema, ...errors },
      },
    },
    async (request) => svc.resetGuestMfa(ctxOf(request), request.params.id, request.params.userId),
  );

  app.post(
    '/local-partners/:id/guests/:userId/force-password-reset',
    {
      schema: {
        tags,
        summary: 'Force a guest to choose a new password (emailed link; the old one stops working)',
        params: LocalPartnerUserParamsSchema,
        response: { 200: MemberResetResponseSchema, ...errors },
      },
    },
    async (request) => svc.forceGuestPasswordReset(ctxOf(request), request.params.id, request.params.userId),
  );

  app.get(
    '/local-partners/:id/accounts',
    {
      schema: {
        tags,
        summary: 'Accounts shared with the partner (Accounts tab)',
        params: LocalPartnerParamsSchema,
        response: { 200: LocalPartnerAccountsResponseSchema, ...errors },
      },
    },
    async (request) => access.accounts(ctxOf(request), request.params.id),
  );

  app.get(
    '/local-partners/:id/shareable-accounts',
    {
      schema: {
        tags,
        summary: 'Accounts I own that I may share with the partner (the wizard)',
        params: LocalPartnerParamsSchema,
        response: { 200: LocalPartnerShareableAccountsResponseSchema, ...errors },
      },
    },
    async (request) => access.shareable(ctxOf(request), request.params.id),
  );

  app.post(
    '/local-partners/:id/accounts',
    {
      schema: {
        tags,
        summary: "Share accounts I own with the partner (its Guest Admins receive the role)",
        params: LocalPartnerParamsSchema,
        body: ShareWithLocalPartnerRequestSchema,
        response: { 200: ShareWithLocalPartnerResponseSchema, ...errors },
      },
    },
    async (request) => access.share(ctxOf(request), request.params.id, request.body.accounts),
  );

  app.delete(
    '/local-partners/:id/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Remove an account from the partner (every access through it ends)',
        params: LocalPartnerAccountParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await access.removeAccount(ctxOf(request), request.params.id, request.params.accountId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/local-partners/:id/accounts/:accountId/share-candidates',
    {
      schema: {
        tags,
        summary: "The partner's Guest Users a Guest Admin may share the account with",
        params: LocalPartnerAccountParamsSchema,
        response: { 200: GuestShareCandidatesResponseSchema, ...errors },
      },
    },
    async (request) => access.shareCandidates(ctxOf(request), request.params.id, request.params.accountId),
  );

  app.post(
    '/local-partners/:id/accounts/:accountId/guests',
    {
      schema: {
        tags,
        summary: 'Share the account with Guest Users as Collaborator (a Guest Admin who is Manager)',
        params: LocalPartnerAccountParamsSchema,
        body: ShareWithGuestsRequestSchema,
        response: { 200: ShareWithGuestsResponseSchema, ...errors },
      },
    },
    async (request) => access.shareWithGuests(ctxOf(request), request.params.id, request.params.accountId, request.body.userIds),
  );

  app.get(
    '/accounts/:accountId/guests',
    {
      schema: {
        tags,
        summary: "The account's guest users (its Host Admins)",
        params: AccountParamsSchema,
        response: { 200: AccountGuestsResponseSchema, ...errors },
      },
    },
    async (request) => access.accountGuests(ctxOf(request), request.params.accountId),
  );

  app.patch(
    '/accounts/:accountId/guests/:userId',
    {
      schema: {
        tags,
        summary: "Change a guest's role on the account through their partner (Manager ↔ Collaborator)",
        params: AccountGuestParamsSchema,
        body: ChangeAccountGuestRoleRequestSchema,
        response: { 200: AccountGuestDtoSchema, ...errors },
      },
    },
    async (request) => access.changeAccountGuestRole(ctxOf(request), request.params.accountId, request.params.userId, request.body.role),
  );

  app.delete(
    '/accounts/:accountId/guests/:userId',
    {
      schema: {
        tags,
        summary: "Remove a guest's access to the account (their partner role stays)",
        params: AccountGuestParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await access.removeAccountGuest(ctxOf(request), request.params.accountId, request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
