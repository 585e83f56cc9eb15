import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountDetailDtoSchema,
  AccountMemberDtoSchema,
  AccountMemberParamsSchema,
  AccountMembersResponseSchema,
  AccountParamsSchema,
  AccountsListQuerySchema,
  AccountsListResponseSchema,
  ChangeAccountRoleRequestSchema,
  CreateAccountRequestSchema,
  RevealRequestSchema,
  RevealResponseSchema,
  ShareAccountRequestSchema,
  UpdateAccountRequestSchema,
} from '@shared/accounts';
import { ErrorBodySchema } from '@shared/errors';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createAccountsService } from './accounts.service';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};
const tags = ['accounts'];

/** The accounts vault: accounts, secrets (reveal is Owner-only), delete/restore, and who has access. */
export const accountsModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createAccountsService(deps);

  app.get(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'Accounts I can use (search, deleted ones I own, keyset pagination)',
        querystring: AccountsListQuerySchema,
        response: { 200: AccountsListResponseSchema, ...errors },
      },
    },
    async (request) => svc.list(ctxOf(request), request.query),
  );

  app.post(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'Add an account (the creator becomes its Owner)',
        body: CreateAccountRequestSchema,
        response: { 201: AccountDetailDtoSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.create(ctxOf(request), request.body)),
  );

  app.get(
    '/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Account details (never a secret), my role and abilities',
        params: AccountParamsSchema,
        response: { 200: AccountDetailDtoSchema, ...errors },
      },
    },
    async (request) => svc.get(ctxOf(request), request.params.accountId),
  );

  app.patch(
    '/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Edit an account (Owner). password/totpSecret: a string sets, null clears',
        params: AccountParamsSchema,
        body: UpdateAccountRequestSchema,
        response: { 200: AccountDetailDtoSchema, ...errors },
      },
    },
    async (request) => svc.update(ctxOf(request), request.params.accountId, request.body),
  );

  app.delete(
    '/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Delete an account (Owner; restorable)',
        params: AccountParamsSchema,
        response: { 200: AccountDetailDtoSchema, ...errors },
      },
    },
    async (request) => svc.remove(ctxOf(request), request.params.accountId),
  );

  app.post(
    '/accounts/:accountId/restore',
    {
      schema: {
        tags,
        summary: 'Restore a deleted account (Owner); direct access comes back',
        params: AccountParamsSchema,
        response: { 200: AccountDetailDtoSchema, ...errors },
      },
    },
    async (request) => svc.restore(ctxOf(request), request.params.accountId),
  );

  app.post(
    '/accounts/:accountId/reveal',
    {
      schema: {
        tags,
        summary: 'Reveal a secret (Owner only; recorded as "Password Retrieved")',
        params: AccountParamsSchema,
        body: RevealRequestSchema,
        response: { 200: RevealResponseSchema, ...errors },
      },
    },
    async (request) => svc.reveal(ctxOf(request), request.params.accountId, request.body.field),
  );

  app.get(
    '/accounts/:accountId/members',
    {
      schema: {
        tags,
        summary: 'Who has access to the account and how (Owner)',
        params: AccountParamsSchema,
        response: { 200: AccountMembersResponseSchema, ...errors },
      },
    },
    async (request) => svc.listMembers(ctxOf(request), request.params.accountId),
  );

  app.post(
    '/accounts/:accountId/members',
    {
      schema: {
        tags,
        summary: 'Share the account with a workspace member as Owner or Collaborator (Owner)',
        params: AccountParamsSchema,
        body: ShareAccountRequestSchema,
        response: { 201: AccountMemberDtoSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await svc.share(ctxOf(request), request.params.accountId, request.body)),
  );

  app.patch(
    '/accounts/:accountId/members/:userId',
    {
      schema: {
        tags,
        summary: "Change a member's role on the account (Owner; never demotes the last Owner)",
        params: AccountMemberParamsSchema,
        body: ChangeAccountRoleRequestSchema,
        response: { 200: AccountMemberDtoSchema, ...errors },
      },
    },
    async (request) =>
      svc.changeRole(ctxOf(request), request.params.accountId, request.params.userId, request.body.role),
  );

  app.delete(
    '/accounts/:accountId/members/:userId',
    {
      schema: {
        tags,
        summary: "Remove a member's access (Owner; never the last Owner)",
        params: AccountMemberParamsSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await svc.removeMember(ctxOf(request), request.params.accountId, request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
