import { ErrorCode } from '@shared/errors';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  mfa_invalid: 401,
  csrf_invalid: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  already_exists: 409,
  invite_invalid: 404,
  last_owner: 409,
  mfa_enrolment_required: 403,
  password_reset_required: 401,
  reset_link_invalid: 404,
  last_guest_admin: 409,
  last_host_admin: 409,
  platform_credential_invalid: 422,
  platform_unavailable: 502,
  rule_violation: 422,
  weak_password: 422,
  rate_limited: 429,
  unavailable: 503,
  internal_error: 500,
  device_limit_reached: 409,
  pairing_expired: 410,
  device_revoked: 401,
  device_unknown: 401,
  ticket_used: 409,
  ticket_expired: 410,
  ticket_wrong_device: 403,
  ticket_origin_mismatch: 403,
  ticket_access_revoked: 403,
  ticket_unknown: 404,
};

/**
 * An error meant for the caller: a stable code, a message in product words, optional details.
 * Never put a secret in a message or in details.
 */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = STATUS[code];
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} was not found.`);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError(ErrorCode.FORBIDDEN, message);
export const conflict = (message: string, details?: unknown) => new AppError(ErrorCode.CONFLICT, message, details);
export const unauthenticated = (message = 'Sign in to continue.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const ruleViolation = (message: string, details?: unknown) =>
  new AppError(ErrorCode.RULE_VIOLATION, message, details);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
    { retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  );

export function statusForCode(code: ErrorCode): number {
  return STATUS[code];
}
