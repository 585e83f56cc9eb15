import {
  CreateFillTicketResponseSchema,
  CreatePairingResponseSchema,
  DeviceAccountsResponseSchema,
  DeviceMeResponseSchema,
  PairingTokenResponseSchema,
  RedeemFillTicketResponseSchema,
  type CreateFillTicketResponse,
  type CreatePairingResponse,
  type DeviceAccountDto,
  type DeviceMeResponse,
  type PairingTokenResponse,
  type RedeemFillTicketResponse,
} from '@shared/devices';
import { z } from 'zod';
import { ExtensionErrorCode } from './messages';

/** A refusal from the server (its stable `error.code` and message), or the server unreachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TIMEOUT_MS = 15_000;

/**
 * The Latchkey API as the extension uses it. Device routes send `Authorization: Bearer <token>`
 * and never cookies (`credentials: 'omit'`), so the extension acts as the paired device, not as
 * whoever is signed in to the web app in this browser. Responses are checked against the shared
 * Zod contracts. Error messages never include a request or response body.
 */
export function createApi(serverUrl: string, deviceToken: string | null = null) {
  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts: { body?: unknown; auth: boolean; schema: S; accept?: number[] },
  ): Promise<{ status: number; data: z.infer<S> | null }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth) {
      if (!deviceToken) throw new ApiError(401, ExtensionErrorCode.NOT_PAIRED, 'Connect the extension to Latchkey first.');
      headers.authorization = `Bearer ${deviceToken}`;
    }
    let res: Response;
    try {
      res = await fetch(`${serverUrl}/api/v1${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new ApiError(0, ExtensionErrorCode.SERVER_UNREACHABLE, `Latchkey at ${serverUrl} cannot be reached.`);
    }
    if ((opts.accept ?? []).includes(res.status)) return { status: res.status, data: null };
    if (!res.ok) throw await errorFrom(res);
    const parsed = opts.schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new ApiError(res.status, 'unexpected_response', 'Latchkey answered in a way this extension does not understand. Update the extension.');
    return { status: res.status, data: parsed.data };
  }

  return {
    /** POST /devices/pairings (public). */
    async createPairing(body: { browser: string; os: string }): Promise<CreatePairingResponse> {
      const { data } = await call('POST', '/devices/pairings', { body, auth: false, schema: CreatePairingResponseSchema });
      return data!;
    },
    /** POST /devices/pairings/:id/token: null while pending (202), the token once approved. */
    async pollPairing(pairingId: string, pollSecret: string): Promise<PairingTokenResponse | null> {
      const { data } = await call('POST', `/devices/pairings/${encodeURIComponent(pairingId)}/token`, {
        body: { pollSecret },
        auth: false,
        schema: PairingTokenResponseSchema,
        accept: [202],
      });
      return data;
    },
    /** GET /device/me: who this device acts for (fails with device_revoked once revoked). */
    async me(): Promise<DeviceMeResponse> {
      const { data } = await call('GET', '/device/me', { auth: true, schema: DeviceMeResponseSchema });
      return data!;
    },
    /** DELETE /device/me: Disconnect revokes this device on the server, so the token dies there too. */
    async revokeSelf(): Promise<void> {
      await call('DELETE', '/device/me', { auth: true, schema: z.null(), accept: [204] });
    },
    /** GET /device/accounts[?url=]: the accounts this device may log in to (for a page, or all). */
    async accounts(pageUrl: string | null): Promise<DeviceAccountDto[]> {
      const q = pageUrl ? `?url=${encodeURIComponent(pageUrl)}` : '';
      const { data } = await call('GET', `/device/accounts${q}`, { auth: true, schema: DeviceAccountsResponseSchema });
      return data!.accounts;
    },
    /** POST /device/tickets: a single-use, 60-second ticket for one account. */
    async createTicket(accountId: string): Promise<CreateFillTicketResponse> {
      const { data } = await call('POST', '/device/tickets', { body: { accountId }, auth: true, schema: CreateFillTicketResponseSchema });
      return data!;
    },
    /** POST /device/tickets/redeem with the origin of the tab being filled: the secrets, once. */
    async redeem(ticket: string, origin: string): Promise<RedeemFillTicketResponse> {
      const { data } = await call('POST', '/device/tickets/redeem', { body: { ticket, origin }, auth: true, schema: RedeemFillTicketResponseSchema });
      return data!;
    },
  };
}

export type LatchkeyApi = ReturnType<typeof createApi>;

async function errorFrom(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${res.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `Latchkey answered ${res.status}.`;
  return new ApiError(res.status, code, message);
}
