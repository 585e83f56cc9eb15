import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  AccessRequestCandidatesQuerySchema,
  AccessRequestCandidatesResponseSchema,
  AccessRequestDtoSchema,
  AccessRequestListQuerySchema,
  AccessRequestListResponseSchema,
  ChangeMemberAccessRequestSchema,
  CreateAccessRequestResponseSchema,
  CreateAccessRequestSchema,
  PartnershipAccountsResponseSchema,
  PartnershipMemberDtoSchema,
  PartnershipMembersResponseSchema,
  ShareAccountsRequestSchema,
  ShareableAccountsResponseSchema,
} from '@shared/partnerships';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createAccessRequestsService } from './access-requests.service';
import { createPartnershipAccessService } from './partnership-access.service';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};

const PartnershipParams = z.object({ id: z.uuid() });
const PartnershipAccountParams = z.object({ id: z.uuid(), accountId: z.uuid() });
const MemberAccessParams = z.object({ id: z.uuid(), userId: z.uuid(), accountId: z.uuid() });
const RequestParams = z.object({ id: z.uuid() });

/**
 * Sharing host accounts through a partnership, the guest members' access, and access requests
 * (partners-spec §5.2–5.4). Thin routes: the services decide.
 */
export const partnershipAccessModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createPartnershipAccessService(deps);
  const requests = createAccessRequestsService(deps);
  const tags = ['partnerships'];

  app.get(
    '/partnerships/:id/accounts',
    {
      schema: {
        tags,
        summary: 'Accounts shared into the partnership (Accounts tab)',
        params: PartnershipParams,
        response: { 200: PartnershipAccountsResponseSchema, ...errors },
      },
    },
    async (request) => svc.listAccounts(ctxOf(request), request.params.id),
  );

  app.get(
    '/partnerships/:id/shareable-accounts',
    {
      schema: {
        tags,
        summary: 'Accounts I own that I can share into the partnership (Share accounts wizard)',
        params: PartnershipParams,
        response: { 200: ShareableAccountsResponseSchema, ...errors },
      },
    },
    async (request) => svc.listShareable(ctxOf(request), request.params.id),
  );

  app.post(
    '/partnerships/:id/accounts',
    {
      schema: {
        tags,
        summary: 'Share accounts into an active partnership (the guest contact gets Manager or Collaborator)',
        params: PartnershipParams,
        body: ShareAccountsRequestSchema,
        response: { 201: PartnershipAccountsResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.share(ctxOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/partnerships/:id/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Remove an account from the partnership (every guest grant on it ends)',
        params: PartnershipAccountParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await svc.removeAccount(ctxOf(request), request.params.id, request.params.accountId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/partnerships/:id/members',
    {
      schema: {
        tags,
        summary: 'Guest members with access through the partnership (Members tab)',
        params: PartnershipParams,
        response: { 200: PartnershipMembersResponseSchema, ...errors },
      },
    },
    async (request) => svc.listMembers(ctxOf(request), request.params.id),
  );

  app.patch(
    '/partnerships/:id/members/:userId/accounts/:accountId',
    {
      schema: {
        tags,
        summary: "Change a guest member's role on a shared account (host account Owner)",
        params: MemberAccessParams,
        body: ChangeMemberAccessRequestSchema,
        response: { 200: PartnershipMemberDtoSchema, ...errors },
      },
    },
    async (request) =>
      svc.changeMemberRole(ctxOf(request), request.params.id, request.params.userId, request.params.accountId, request.body.role),
  );

  app.delete(
    '/partnerships/:id/members/:userId/accounts/:accountId',
    {
      schema: {
        tags,
        summary: "Remove a guest member's access to a shared account",
        params: MemberAccessParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await svc.removeMemberAccess(ctxOf(request), request.params.id, request.params.userId, request.params.accountId);
      return reply.status(204).send(null);
    },
  );

  const arTags = ['access-requests'];

  app.get(
    '/access-requests',
    {
      schema: {
        tags: arTags,
        summary: 'Access requests I may see (on accounts I own, that I sent, or about me)',
        querystring: AccessRequestListQuerySchema,
        response: { 200: AccessRequestListResponseSchema, ...errors },
      },
    },
    async (request) => requests.list(ctxOf(request), request.query),
  );

  app.get(
    '/access-requests/candidates',
    {
      schema: {
        tags: arTags,
        summary: 'Members of my workspace I can request access for (guest Manager)',
        querystring: AccessRequestCandidatesQuerySchema,
        response: { 200: AccessRequestCandidatesResponseSchema, ...errors },
      },
    },
    async (request) => requests.candidates(ctxOf(request), request.query),
  );

  app.post(
    '/access-requests',
    {
      schema: {
        tags: arTags,
        summary: "Ask the host's account Owners to give members of my workspace access (guest Manager)",
        body: CreateAccessRequestSchema,
        response: { 201: CreateAccessRequestResponseSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await requests.create(ctxOf(request), request.body)),
  );

  for (const action of ['accept', 'decline', 'cancel'] as const) {
    app.post(
      `/access-requests/:id/${action}`,
      {
        schema: {
          tags: arTags,
          summary:
            action === 'cancel'
              ? 'Withdraw a pending access request (its requester)'
              : `${action === 'accept' ? 'Accept' : 'Decline'} a pending access request (a host Owner of the account)`,
          params: RequestParams,
          response: { 200: AccessRequestDtoSchema, ...errors },
        },
      },
      async (request) => requests[action](ctxOf(request), request.params.id),
    );
  }
};
