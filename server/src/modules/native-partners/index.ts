import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '@shared/errors';
import {
  CheckForUpdatesResponseSchema,
  ConnectNativeHubRequestSchema,
  NativeCredentialRequestSchema,
  NativeGuestUsersQuerySchema,
  NativeGuestUsersResponseSchema,
  NativeHubDtoSchema,
  NativeHubListResponseSchema,
  NativeHubParamsSchema,
  NativePartnerDetailsSchema,
  NativePartnerDtoSchema,
  NativePartnerListQuerySchema,
  NativePartnerListResponseSchema,
  NativePartnerParamsSchema,
  NativeSyncJobDtoSchema,
  NativeSyncJobListResponseSchema,
  NativeSyncJobParamsSchema,
} from '@shared/native-partners';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { createNativePartnersService } from './native-partners.service';
import { getNativeSyncWorker } from './native-partners.sync';

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};
/** Routes that call the platform may also answer 502 (platform_unavailable). */
const platformErrors = { ...errors, 502: ErrorBodySchema };

/**
 * Native partners (partners-spec §5.8, ADR 0014): business hubs, partner discovery and onboarding,
 * syncs and their Automation log, and the read-only people. Thin routes: the service decides.
 */
export const nativePartnersModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createNativePartnersService(deps);
  const worker = getNativeSyncWorker(deps);
  worker.onError((err, jobId) => app.log.warn({ err, jobId }, 'native partner sync failed'));
  app.addHook('onClose', async () => worker.stop());
  const tags = ['native partners'];

  app.get(
    '/native-hubs',
    { schema: { tags, summary: 'Business hubs (Meta, TikTok, Pinterest) and my abilities', response: { 200: NativeHubListResponseSchema, ...errors } } },
    async (request) => svc.listHubs(ctxOf(request)),
  );

  app.post(
    '/native-hubs',
    {
      schema: {
        tags,
        summary: 'Connect a business hub; the token is checked on the platform first (Admin, Owner: becomes its App Owner)',
        body: ConnectNativeHubRequestSchema,
        response: { 201: NativeHubDtoSchema, ...platformErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.connectHub(ctxOf(request), request.body)),
  );

  app.put(
    '/native-hubs/:id/credential',
    {
      schema: {
        tags,
        summary: "Replace the hub's token (App Owners); reconnects a disconnected hub",
        params: NativeHubParamsSchema,
        body: NativeCredentialRequestSchema,
        response: { 200: NativeHubDtoSchema, ...platformErrors },
      },
    },
    async (request) => svc.replaceHubCredential(ctxOf(request), request.params.id, request.body.token),
  );

  app.post(
    '/native-hubs/:id/disconnect',
    {
      schema: {
        tags,
        summary: 'Disconnect the hub (App Owners): the token is forgotten, synced people stay as stale',
        params: NativeHubParamsSchema,
        response: { 200: NativeHubDtoSchema, ...errors },
      },
    },
    async (request) => svc.disconnectHub(ctxOf(request), request.params.id),
  );

  app.post(
    '/native-hubs/:id/check-for-updates',
    {
      schema: {
        tags,
        summary: 'Check for updates: discover partners with at least one shared asset (Pending onboarding)',
        params: NativeHubParamsSchema,
        response: { 200: CheckForUpdatesResponseSchema, ...platformErrors },
      },
    },
    async (request) => svc.checkForUpdates(ctxOf(request), request.params.id),
  );

  app.get(
    '/native-partners',
    {
      schema: {
        tags,
        summary: 'Native partners by platform and status',
        querystring: NativePartnerListQuerySchema,
        response: { 200: NativePartnerListResponseSchema, ...errors },
      },
    },
    async (request) => svc.listPartners(ctxOf(request), request.query),
  );

  app.get(
    '/native-partners/:id',
    {
      schema: {
        tags,
        summary: 'A native partner: its assets and people with raw platform roles and access levels (read-only)',
        params: NativePartnerParamsSchema,
        response: { 200: NativePartnerDetailsSchema, ...errors },
      },
    },
    async (request) => svc.getPartner(ctxOf(request), request.params.id),
  );

  app.put(
    '/native-partners/:id/credential',
    {
      schema: {
        tags,
        summary: "Connect the partner's token (App Owners): checked on the platform, then Onboarded",
        params: NativePartnerParamsSchema,
        body: NativeCredentialRequestSchema,
        response: { 200: NativePartnerDtoSchema, ...platformErrors },
      },
    },
    async (request) => svc.connectPartner(ctxOf(request), request.params.id, request.body.token),
  );

  app.delete(
    '/native-partners/:id/credential',
    {
      schema: {
        tags,
        summary: "Disconnect the partner's token (App Owners): back to Pending onboarding, people kept as stale",
        params: NativePartnerParamsSchema,
        response: { 200: NativePartnerDtoSchema, ...errors },
      },
    },
    async (request) => svc.disconnectPartner(ctxOf(request), request.params.id),
  );

  app.post(
    '/native-partners/:id/sync',
    {
      schema: {
        tags,
        summary: 'Sync now: queue a job (one at a time per partner); follow it in the Automation log',
        params: NativePartnerParamsSchema,
        response: { 202: NativeSyncJobDtoSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(202).send(await svc.startSync(ctxOf(request), request.params.id)),
  );

  app.get(
    '/native-partners/:id/jobs',
    {
      schema: { tags, summary: 'Recent sync jobs of a partner with their Automation log', params: NativePartnerParamsSchema, response: { 200: NativeSyncJobListResponseSchema, ...errors } },
    },
    async (request) => svc.listJobs(ctxOf(request), request.params.id),
  );

  app.get(
    '/native-sync-jobs/:id',
    { schema: { tags, summary: 'One sync job: progress and Automation log', params: NativeSyncJobParamsSchema, response: { 200: NativeSyncJobDtoSchema, ...errors } } },
    async (request) => svc.getJob(ctxOf(request), request.params.id),
  );

  app.get(
    '/native-people',
    {
      schema: {
        tags,
        summary: 'Members page: "<Platform> Business guest users" (synced, read-only)',
        querystring: NativeGuestUsersQuerySchema,
        response: { 200: NativeGuestUsersResponseSchema, ...errors },
      },
    },
    async (request) => svc.guestUsers(ctxOf(request), request.query.platform),
  );
};
