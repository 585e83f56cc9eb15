import { z } from 'zod';

/**
 * Trusted devices and one-click log in (issue 5; docs/decisions/0013-devices-and-fill-tickets.md),
 * shared by the API, the web app and the browser extension.
 *
 * Flow: the extension pairs once (device flow after RFC 8628: it shows a code, a signed-in user
 * approves it on /devices/approve, the extension polls for its device token). To log in it asks
 * for a single-use fill ticket (60 s) for one account, opens the account's login page, and redeems
 * the ticket there: the server answers username, password and the current TOTP code, never the TOTP
 * secret. The web app never receives a secret: its Log in button only posts a window message.
 */

// ── Limits and lifetimes ──
/** Active (not revoked) devices one user may have (409 device_limit_reached beyond). */
export const DEVICES_PER_USER_MAX = 20;
/** How long a pairing waits for approval and delivery. */
export const PAIRING_TTL_SECONDS = 10 * 60;
/** How often the extension polls POST /devices/pairings/:id/token. */
export const PAIRING_POLL_INTERVAL_SECONDS = 5;
/** How long a fill ticket may be redeemed. */
export const FILL_TICKET_TTL_SECONDS = 60;
export const DEVICE_BROWSER_MAX = 100;
export const DEVICE_OS_MAX = 100;
/** Prefix of a device token: `lkd_` + 32 random bytes, base64url (43 characters). */
export const DEVICE_TOKEN_PREFIX = 'lkd_';
/** Prefix of a fill ticket: `lkt_` + 32 random bytes, base64url. */
export const FILL_TICKET_PREFIX = 'lkt_';
export const PAGE_URL_MAX = 2048;

/** "ABCD-EFGH": 8 letters from an alphabet without look-alikes (RFC 8628 §6.1), shown with a dash. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const UserCodeSchema = z
  .string()
  .trim()
  .max(16)
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/, 'Enter the 8-letter code the extension shows, e.g. BCDF-GHJK.'))
  .transform((s) => `${s.slice(0, 4)}-${s.slice(4)}`);

const Browser = z.string().trim().min(1, 'Name the browser.').max(DEVICE_BROWSER_MAX);
const Os = z.string().trim().min(1, 'Name the operating system.').max(DEVICE_OS_MAX);
const PollSecret = z.string().min(20).max(128);
const Ticket = z.string().min(10).max(128);

// ── Pairing ──

/** POST /devices/pairings (public, per-IP rate limit). */
export const CreatePairingRequestSchema = z.object({ browser: Browser, os: Os }).strict().meta({ id: 'CreatePairingRequest' });
export type CreatePairingRequest = z.input<typeof CreatePairingRequestSchema>;

/** 201 of POST /devices/pairings. Keep `pollSecret` in the extension only; show `userCode` and open `approveUrl`. */
export const CreatePairingResponseSchema = z
  .object({
    pairingId: z.uuid(),
    userCode: z.string(),
    pollSecret: z.string(),
    approveUrl: z.string(),
    expiresAt: z.string(),
    intervalSeconds: z.number().int(),
  })
  .meta({ id: 'CreatePairingResponse' });
export type CreatePairingResponse = z.infer<typeof CreatePairingResponseSchema>;

export const PairingStateSchema = z.enum(['pending', 'approved', 'denied', 'delivered']);
export type PairingState = z.infer<typeof PairingStateSchema>;

/** GET /devices/pairings/:userCode (session): what the approve page shows. */
export const PairingDtoSchema = z
  .object({
    userCode: z.string(),
    browser: z.string(),
    os: z.string(),
    state: PairingStateSchema,
    expiresAt: z.string(),
    /** The workspace the device will be bound to if approved now (the session's). */
    workspaceName: z.string(),
  })
  .meta({ id: 'Pairing' });
export type PairingDto = z.infer<typeof PairingDtoSchema>;

export const UserCodeParamsSchema = z.object({ userCode: UserCodeSchema });
export const PairingIdParamsSchema = z.object({ pairingId: z.uuid() });

/** POST /devices/pairings/:pairingId/token (public). */
export const PairingTokenRequestSchema = z.object({ pollSecret: PollSecret }).strict().meta({ id: 'PairingTokenRequest' });
export type PairingTokenRequest = z.infer<typeof PairingTokenRequestSchema>;

/** 202 while the pairing waits for approval. */
export const PairingPendingResponseSchema = z.object({ status: z.literal('pending') }).meta({ id: 'PairingPending' });
export type PairingPendingResponse = z.infer<typeof PairingPendingResponseSchema>;

export const DeviceSummarySchema = z.object({ id: z.uuid(), browser: z.string(), os: z.string(), createdAt: z.string() });

/** 200, exactly once after approval. Later calls answer 410 pairing_expired. */
export const PairingTokenResponseSchema = z
  .object({
    deviceToken: z.string(),
    device: DeviceSummarySchema,
    user: z.object({ email: z.string(), name: z.string() }),
    /** `id` is the workspace's internal id (as in GET /session). */
    workspace: z.object({ id: z.uuid(), name: z.string() }),
  })
  .meta({ id: 'PairingTokenResponse' });
export type PairingTokenResponse = z.infer<typeof PairingTokenResponseSchema>;

// ── Trusted devices (web, session) ──

export const TrustedDeviceDtoSchema = z
  .object({
    id: z.uuid(),
    browser: z.string(),
    os: z.string(),
    workspaceName: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    lastIp: z.string().nullable(),
    /** Always false on the web: the browser you read this in is not the device (kept for the contract). */
    current: z.boolean(),
  })
  .meta({ id: 'TrustedDevice' });
export type TrustedDeviceDto = z.infer<typeof TrustedDeviceDtoSchema>;

/** GET /me/devices: the caller's active devices, newest first. */
export const TrustedDeviceListResponseSchema = z
  .object({ devices: z.array(TrustedDeviceDtoSchema) })
  .meta({ id: 'TrustedDeviceList' });
export type TrustedDeviceListResponse = z.infer<typeof TrustedDeviceListResponseSchema>;

export const DeviceIdParamsSchema = z.object({ deviceId: z.uuid() });

// ── Device-authenticated routes (Authorization: Bearer <deviceToken>) ──

/** GET /device/accounts?url=… : accounts to offer on that page (same origin as the login URL); no url → all. */
export const DeviceAccountsQuerySchema = z.object({ url: z.string().trim().min(1).max(PAGE_URL_MAX).optional() });

export const DeviceAccountDtoSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  appName: z.string(),
  loginUrl: z.string(),
});
export type DeviceAccountDto = z.infer<typeof DeviceAccountDtoSchema>;

export const DeviceAccountsResponseSchema = z
  .object({ accounts: z.array(DeviceAccountDtoSchema) })
  .meta({ id: 'DeviceAccounts' });
export type DeviceAccountsResponse = z.infer<typeof DeviceAccountsResponseSchema>;

/** GET /device/me: who the device acts for (lets the extension check its token is still good). */
export const DeviceMeResponseSchema = z
  .object({
    device: DeviceSummarySchema,
    user: z.object({ email: z.string(), name: z.string() }),
    workspace: z.object({ id: z.uuid(), name: z.string() }),
  })
  .meta({ id: 'DeviceMe' });
export type DeviceMeResponse = z.infer<typeof DeviceMeResponseSchema>;

/** POST /device/tickets. */
export const CreateFillTicketRequestSchema = z.object({ accountId: z.uuid() }).strict().meta({ id: 'CreateFillTicketRequest' });
export type CreateFillTicketRequest = z.infer<typeof CreateFillTicketRequestSchema>;

export const CreateFillTicketResponseSchema = z
  .object({ ticketId: z.uuid(), ticket: z.string(), expiresAt: z.string() })
  .meta({ id: 'CreateFillTicketResponse' });
export type CreateFillTicketResponse = z.infer<typeof CreateFillTicketResponseSchema>;

/** POST /device/tickets/redeem: `origin` is the origin of the tab being filled (e.g. "https://app.example.com"). */
export const RedeemFillTicketRequestSchema = z
  .object({ ticket: Ticket, origin: z.string().trim().min(1).max(PAGE_URL_MAX) })
  .strict()
  .meta({ id: 'RedeemFillTicketRequest' });
export type RedeemFillTicketRequest = z.infer<typeof RedeemFillTicketRequestSchema>;

export const RedeemFillTicketResponseSchema = z
  .object({
    username: z.string(),
    password: z.string(),
    /** The current code, computed by the server; null when the account has no authenticator key. */
    totp: z.object({ code: z.string(), expiresInSeconds: z.number().int() }).nullable(),
    loginUrl: z.string(),
  })
  .meta({ id: 'RedeemFillTicketResponse' });
export type RedeemFillTicketResponse = z.infer<typeof RedeemFillTicketResponseSchema>;

/** Why a redemption (or a ticket request) was refused; stored on "Login attempt" events. */
export const LoginAttemptReasonSchema = z.enum([
  'ticket_unknown',
  'ticket_used',
  'ticket_expired',
  'ticket_wrong_device',
  'ticket_origin_mismatch',
  'ticket_access_revoked',
  'device_revoked',
]);
export type LoginAttemptReason = z.infer<typeof LoginAttemptReasonSchema>;

// ── Window messages between the web app and the extension's content script ──

/** The extension's content script sets `document.documentElement.dataset.latchkeyExtension = '<version>'`. */
export const EXTENSION_PRESENCE_ATTRIBUTE = 'latchkeyExtension';

/** Web app → extension: `window.postMessage(msg, location.origin)`. */
export const LoginRequestMessageSchema = z.object({ type: z.literal('latchkey:login'), accountId: z.uuid() });
export type LoginRequestMessage = z.infer<typeof LoginRequestMessageSchema>;

/** Extension → web app. `code` is an ErrorCode (or 'extension_not_paired', 'popup_blocked', …) when `ok` is false. */
export const LoginResultMessageSchema = z.object({
  type: z.literal('latchkey:login-result'),
  accountId: z.uuid(),
  ok: z.boolean(),
  code: z.string().max(100).optional(),
  message: z.string().max(500).optional(),
});
export type LoginResultMessage = z.infer<typeof LoginResultMessageSchema>;

/** The origin of a URL ("https://a.example:8443"), or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}
