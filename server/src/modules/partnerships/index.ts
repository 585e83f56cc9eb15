import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  AcceptPartnershipRequestSchema,
  CreatePartnershipRequestSchema,
  DeclinePartnershipRequestSchema,
  GuestContactRequestSchema,
  PartnershipDtoSchema,
  PartnershipListQuerySchema,
  PartnershipListResponseSchema,
  PartnershipOwnerRequestSchema,
  TransferPartnershipRequestSchema,
  UpdatePartnershipRequestSchema,
} from '@shared/partnerships';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createPartnershipsService } from './partnerships.service';

const tags = ['partnerships'];
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };
const changeErrors = { ...errors, 409: ErrorBodySchema, 422: ErrorBodySchema, 429: ErrorBodySchema };
const IdParams = z.object({ id: z.uuid() });
const OwnerParams = z.object({ id: z.uuid(), userId: z.uuid() });

/** Host-guest partnership lifecycle (partners-spec §5.1, ADR 0011). Thin: parse, call one service method. */
export const partnershipsModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createPartnershipsService(deps);

  app.get(
    '/partnerships',
    {
      schema: {
        tags,
        summary: "This workspace's host-guest partnerships, as host and as guest",
        querystring: PartnershipListQuerySchema,
        response: { 200: PartnershipListResponseSchema, ...errors },
      },
    },
    async (request) => svc.list(ctxOf(request), request.query.view),
  );

  app.post(
    '/partnerships',
    {
      schema: {
        tags,
        summary: 'Request a partnership with another workspace by its Workspace ID (auto-approved for Admins)',
        body: CreatePartnershipRequestSchema,
        response: { 201: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.create(ctxOf(request), request.body)),
  );

  app.get(
    '/partnerships/:id',
    { schema: { tags, summary: 'One partnership', params: IdParams, response: { 200: PartnershipDtoSchema, ...errors } } },
    async (request) => svc.get(ctxOf(request), request.params.id),
  );

  app.patch(
    '/partnerships/:id',
    {
      schema: {
        tags,
        summary: "Edit a pending request's details, or the partnership's settings",
        params: IdParams,
        body: UpdatePartnershipRequestSchema,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.update(ctxOf(request), request.params.id, request.body),
  );

  const transition = (path: string, summary: string, run: (ctx: ReturnType<typeof ctxOf>, id: string) => Promise<unknown>) =>
    app.post(
      `/partnerships/:id/${path}`,
      { schema: { tags, summary, params: IdParams, response: { 200: PartnershipDtoSchema, ...changeErrors } } },
      async (request) => run(ctxOf(request), request.params.id) as never,
    );

  transition('approve', 'Host Admin approves a pending request', (ctx, id) => svc.approve(ctx, id));
  transition('remind', 'Partnership Owner reminds the host Admins (once per 24 h)', (ctx, id) => svc.remind(ctx, id));
  transition('resend', 'Partnership Owner resends a request the guest declined (once per 24 h)', (ctx, id) => svc.resend(ctx, id));

  app.post(
    '/partnerships/:id/decline',
    {
      schema: {
        tags,
        summary: 'Decline a request (host Admin while awaiting the host, guest Admin while awaiting the guest)',
        params: IdParams,
        body: DeclinePartnershipRequestSchema.optional(),
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.decline(ctxOf(request), request.params.id, request.body?.reason),
  );

  app.post(
    '/partnerships/:id/accept',
    {
      schema: {
        tags,
        summary: 'Guest Admin accepts the request and the Terms of Service',
        params: IdParams,
        body: AcceptPartnershipRequestSchema,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.accept(ctxOf(request), request.params.id),
  );

  app.delete(
    '/partnerships/:id',
    {
      schema: {
        tags,
        summary: 'Remove the partnership: every access through it ends',
        params: IdParams,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.remove(ctxOf(request), request.params.id),
  );

  app.post(
    '/partnerships/:id/owners',
    {
      schema: {
        tags,
        summary: 'Add a Partnership Owner (host Admin)',
        params: IdParams,
        body: PartnershipOwnerRequestSchema,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.addOwner(ctxOf(request), request.params.id, request.body.userId),
  );

  app.delete(
    '/partnerships/:id/owners/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a Partnership Owner (host Admin; never the last one)',
        params: OwnerParams,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.removeOwner(ctxOf(request), request.params.id, request.params.userId),
  );

  app.post(
    '/partnerships/:id/transfer',
    {
      schema: {
        tags,
        summary: "Move one owner's Partnership Ownership to another host member",
        params: IdParams,
        body: TransferPartnershipRequestSchema,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.transfer(ctxOf(request), request.params.id, request.body.fromUserId, request.body.toUserId),
  );

  app.put(
    '/partnerships/:id/guest-contact',
    {
      schema: {
        tags,
        summary: 'Hand the guest contact (who receives shares) to another guest Admin',
        params: IdParams,
        body: GuestContactRequestSchema,
        response: { 200: PartnershipDtoSchema, ...changeErrors },
      },
    },
    async (request) => svc.changeGuestContact(ctxOf(request), request.params.id, request.body.userId),
  );
};
