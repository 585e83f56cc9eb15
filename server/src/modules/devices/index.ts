import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateFillTicketRequestSchema,
  CreateFillTicketResponseSchema,
  CreatePairingRequestSchema,
  CreatePairingResponseSchema,
  DeviceAccountsQuerySchema,
  DeviceAccountsResponseSchema,
  DeviceIdParamsSchema,
  DeviceMeResponseSchema,
  PairingDtoSchema,
  PairingIdParamsSchema,
  PairingPendingResponseSchema,
  PairingTokenRequestSchema,
  PairingTokenResponseSchema,
  RedeemFillTicketRequestSchema,
  RedeemFillTicketResponseSchema,
  TrustedDeviceDtoSchema,
  TrustedDeviceListResponseSchema,
  UserCodeParamsSchema,
} from '@shared/devices';
import { ErrorBodySchema } from '@shared/errors';
import type { AppDeps } from '../../deps';
import { ctxOf } from '../../plugins/session';
import { deviceOf } from './device-auth';
import { createDevicesService } from './devices.service';

const e = ErrorBodySchema;
const tags = ['devices'];
const deviceSecurity = [{ deviceToken: [] }];

/**
 * Trusted devices and one-click log in (issue 5, ADR 0013):
 * - pairing (device flow): public start and poll, session approve/deny;
 * - Trusted devices (session): list and revoke;
 * - device routes (`auth: 'device'`, Bearer token): accounts for a page, fill tickets, redemption.
 */
export const devicesModule: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const svc = createDevicesService(deps);

  // ── Pairing ──
  app.post(
    '/devices/pairings',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Start pairing a browser extension (public, rate-limited per IP)',
        security: [],
        body: CreatePairingRequestSchema,
        response: { 201: CreatePairingResponseSchema, 400: e, 429: e },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.startPairing(request.body, request.meta)),
  );

  app.get(
    '/devices/pairings/:userCode',
    {
      schema: {
        tags,
        summary: 'A pending pairing, for the approve page',
        params: UserCodeParamsSchema,
        response: { 200: PairingDtoSchema, 400: e, 401: e, 403: e, 404: e, 410: e },
      },
    },
    async (request) => svc.getPairing(ctxOf(request), request.params.userCode),
  );

  app.post(
    '/devices/pairings/:userCode/approve',
    {
      schema: {
        tags,
        summary: 'Approve a device: it becomes a trusted device of mine in this workspace',
        params: UserCodeParamsSchema,
        response: { 200: TrustedDeviceDtoSchema, 400: e, 401: e, 403: e, 404: e, 409: e, 410: e },
      },
    },
    async (request) => svc.approvePairing(ctxOf(request), request.params.userCode),
  );

  app.post(
    '/devices/pairings/:userCode/deny',
    {
      schema: {
        tags,
        summary: 'Deny a pairing',
        params: UserCodeParamsSchema,
        response: { 204: z.null(), 400: e, 401: e, 403: e, 404: e, 410: e },
      },
    },
    async (request, reply) => {
      await svc.denyPairing(ctxOf(request), request.params.userCode);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/devices/pairings/:pairingId/token',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Collect the device token: 202 while pending, 200 once after approval, then 410',
        security: [],
        params: PairingIdParamsSchema,
        body: PairingTokenRequestSchema,
        response: { 200: PairingTokenResponseSchema, 202: PairingPendingResponseSchema, 400: e, 404: e, 410: e, 429: e },
      },
    },
    async (request, reply) => {
      const out = await svc.collectToken(request.params.pairingId, request.body.pollSecret, request.meta);
      return 'status' in out ? reply.status(202).send(out) : reply.status(200).send(out);
    },
  );

  // ── Trusted devices ──
  app.get(
    '/me/devices',
    { schema: { tags, summary: 'My trusted devices', response: { 200: TrustedDeviceListResponseSchema, 401: e, 403: e } } },
    async (request) => svc.listMine(ctxOf(request)),
  );

  app.delete(
    '/me/devices/:deviceId',
    {
      schema: {
        tags,
        summary: 'Revoke one of my trusted devices (at once)',
        params: DeviceIdParamsSchema,
        response: { 204: z.null(), 400: e, 401: e, 403: e, 404: e },
      },
    },
    async (request, reply) => {
      await svc.revokeMine(ctxOf(request), request.params.deviceId);
      return reply.status(204).send(null);
    },
  );

  // ── Device-authenticated (the extension) ──
  app.get(
    '/device/me',
    {
      config: { auth: 'device' },
      schema: { tags, summary: 'Who this device acts for', security: deviceSecurity, response: { 200: DeviceMeResponseSchema, 401: e, 403: e } },
    },
    async (request) => svc.deviceMe(deviceOf(request)),
  );

  app.delete(
    '/device/me',
    {
      config: { auth: 'device' },
      schema: {
        tags,
        summary: 'Disconnect: this device revokes itself (its token stops working at once)',
        security: deviceSecurity,
        response: { 204: z.null(), 401: e, 403: e },
      },
    },
    async (request, reply) => {
      await svc.revokeSelf(deviceOf(request), request.meta);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/device/accounts',
    {
      config: { auth: 'device' },
      schema: {
        tags,
        summary: 'Accounts I can log in to on this page (same origin), or all without url',
        security: deviceSecurity,
        querystring: DeviceAccountsQuerySchema,
        response: { 200: DeviceAccountsResponseSchema, 400: e, 401: e, 403: e },
      },
    },
    async (request) => svc.accountsFor(deviceOf(request), request.query.url),
  );

  app.post(
    '/device/tickets',
    {
      config: { auth: 'device' },
      schema: {
        tags,
        summary: 'A single-use fill ticket (60 s) for one account',
        security: deviceSecurity,
        body: CreateFillTicketRequestSchema,
        response: { 201: CreateFillTicketResponseSchema, 400: e, 401: e, 403: e, 404: e, 422: e, 429: e },
      },
    },
    async (request, reply) => reply.status(201).send(await svc.issueTicket(deviceOf(request), request.body.accountId)),
  );

  app.post(
    '/device/tickets/redeem',
    {
      config: { auth: 'device', auditDeviceRefusal: true },
      schema: {
        tags,
        summary: 'Redeem a fill ticket on the login page: username, password and the current TOTP code',
        security: deviceSecurity,
        body: RedeemFillTicketRequestSchema,
        response: { 200: RedeemFillTicketResponseSchema, 400: e, 401: e, 403: e, 404: e, 409: e, 410: e, 429: e },
      },
    },
    async (request) => svc.redeem(deviceOf(request), request.body, request.meta),
  );
};
