import { z } from 'zod';

/**
 * Stable error codes. Clients switch on `error.code`; the message is for people.
 * Adding a code is fine; renaming or removing one is a breaking API change.
 */
export const ErrorCode = {
  /** The request's params, query or body failed validation (400). */
  VALIDATION_FAILED: 'validation_failed',
  /** The body was not valid JSON, or had the wrong content type (400). */
  MALFORMED_REQUEST: 'malformed_request',
  /** The body's content type is not accepted (JSON only) (415). */
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  /** The body exceeded the size limit (413). */
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  /** No session, or the session ended (idle, absolute, logout, member removed) (401). */
  UNAUTHENTICATED: 'unauthenticated',
  /** Email or password wrong: one answer for unknown emails and bad passwords (401). */
  INVALID_CREDENTIALS: 'invalid_credentials',
  /** The password was right; an MFA code is required to finish signing in (401). */
  MFA_REQUIRED: 'mfa_required',
  /** The MFA code was wrong, expired or already used (401). */
  MFA_INVALID: 'mfa_invalid',
  /** The state-changing request lacks a valid CSRF token (403). */
  CSRF_INVALID: 'csrf_invalid',
  /** The actor is signed in and may see the resource, but may not do this (403). */
  FORBIDDEN: 'forbidden',
  /** The resource does not exist, or belongs to a workspace the actor cannot see (404). */
  NOT_FOUND: 'not_found',
  /** The route does not exist (404). */
  ROUTE_NOT_FOUND: 'route_not_found',
  /** The change conflicts with the resource's current state (409). */
  CONFLICT: 'conflict',
  /** A member with this email already exists, or an invite is pending (409). */
  ALREADY_EXISTS: 'already_exists',
  /** The invite link is unknown, expired, revoked or already used (404). */
  INVITE_INVALID: 'invite_invalid',
  /** The last Owner of an account cannot be removed or demoted (409). */
  LAST_OWNER: 'last_owner',
  /** A guest must turn on two-step verification before doing this (403, R-GU-04). */
  MFA_ENROLMENT_REQUIRED: 'mfa_enrolment_required',
  /** The password was right, but an Admin asked for a new one: use the emailed reset link (401). */
  PASSWORD_RESET_REQUIRED: 'password_reset_required',
  /** The password reset link is unknown, expired, superseded or already used (404). */
  RESET_LINK_INVALID: 'reset_link_invalid',
  /** The last Guest Admin of a local partner cannot be demoted or removed (409, spec Q19). */
  LAST_GUEST_ADMIN: 'last_guest_admin',
  /** A local partner always keeps at least one Host Admin (409, spec Q19). */
  LAST_HOST_ADMIN: 'last_host_admin',
  /** The platform (Meta, TikTok, Pinterest) refused the token: invalid, expired or without the needed rights (422). */
  PLATFORM_CREDENTIAL_INVALID: 'platform_credential_invalid',
  /** The platform could not be reached or kept failing; nothing was changed (502). */
  PLATFORM_UNAVAILABLE: 'platform_unavailable',
  /** The request is well-formed but breaks a business rule (422). */
  RULE_VIOLATION: 'rule_violation',
  /** The password does not meet the policy (422). */
  WEAK_PASSWORD: 'weak_password',
  /** Too many attempts; retry after the given seconds (429). */
  RATE_LIMITED: 'rate_limited',
  /** The server is not ready (503). */
  UNAVAILABLE: 'unavailable',
  /** An unexpected server error; details are in the server log under the request id (500). */
  INTERNAL: 'internal_error',
  /** Issue 5, trusted devices: the user already has the most active devices allowed (409). */
  DEVICE_LIMIT_REACHED: 'device_limit_reached',
  /** The pairing is past its 10 minutes, was denied, or its token was already delivered (410). */
  PAIRING_EXPIRED: 'pairing_expired',
  /** The device was revoked, or its user can no longer use the workspace: pair again (401). */
  DEVICE_REVOKED: 'device_revoked',
  /** No device has this token (401). */
  DEVICE_UNKNOWN: 'device_unknown',
  /** The fill ticket was already redeemed (409). */
  TICKET_USED: 'ticket_used',
  /** The fill ticket is past its 60 seconds (410). */
  TICKET_EXPIRED: 'ticket_expired',
  /** The fill ticket was issued to another device (403). */
  TICKET_WRONG_DEVICE: 'ticket_wrong_device',
  /** The page being filled is not on the account's login address (403). */
  TICKET_ORIGIN_MISMATCH: 'ticket_origin_mismatch',
  /** The user's access to the account ended after the ticket was issued (403). */
  TICKET_ACCESS_REVOKED: 'ticket_access_revoked',
  /** No fill ticket has this value (404). */
  TICKET_UNKNOWN: 'ticket_unknown',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
