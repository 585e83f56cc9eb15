import type { z } from 'zod';
import { ErrorBodySchema, type ErrorCode } from '@shared/errors';

/**
 * The one fetch wrapper of the web app. It knows nothing about domains: it sends JSON with the
 * session cookie and the CSRF token, parses the error body into an ApiError, and reports a lost
 * session. Feature folders build their TanStack Query hooks on top of `api`.
 */

export const API_BASE = '/api/v1';

/** A failed API call, with the stable `code` the UI switches on and a message written for people. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network_error';
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(status: number, code: ErrorCode | 'network_error', message: string, details?: unknown, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }

  /** Field-level messages from a `validation_failed` body, keyed by dotted path ("customFields.0.name"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = (this.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues;
    if (Array.isArray(issues)) {
      for (const i of issues) if (i.path && i.message && !out[i.path]) out[i.path] = i.message;
    }
    return out;
  }

  /** Seconds to wait, for `rate_limited` answers. */
  retryAfterSeconds(): number | null {
    const s = (this.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return typeof s === 'number' ? s : null;
  }
}

export function isApiError(e: unknown, code?: ApiError['code']): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** A message for any thrown value: the server's message for API errors, a calm default otherwise. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Try again.';
}

let csrfToken: string | null = null;
/** Remember the CSRF token of the current (or pending) session; sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Listener = () => void;
let unauthenticatedListener: Listener | null = null;
/** Called when any request answers 401 `unauthenticated` (the app sends the user to sign-in). */
export function onUnauthenticated(listener: Listener | null): void {
  unauthenticatedListener = listener;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions<T> {
  body?: unknown;
  query?: Record<string, QueryValue>;
  /** Parse the JSON answer with this schema (a mismatch is logged, never fatal). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** Leave a 401 to the caller instead of sending the user to sign-in (sign-in and invite pages). */
  allowUnauthenticated?: boolean;
}

/** Build "/api/v1/path?x=1", skipping empty query values. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function api<T = unknown>(method: string, path: string, opts: RequestOptions<T> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers, signal: opts.signal ?? null };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Could not reach Latchkey. Check your connection and try again.');
  }

  const text = res.status === 204 ? '' : await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (!res.ok) {
    const parsed = ErrorBodySchema.safeParse(json);
    const err = parsed.success
      ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details, parsed.data.error.requestId)
      : new ApiError(res.status, 'internal_error', `The server answered ${res.status}. Try again in a moment.`);
    if (err.code === 'unauthenticated' && !opts.allowUnauthenticated) unauthenticatedListener?.();
    throw err;
  }

  if (opts.schema) {
    const parsed = opts.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // eslint-disable-next-line no-console -- a contract drift is worth a trace in the console, not a broken page
    console.warn(`Unexpected response shape from ${method} ${path}`, parsed.error.issues);
  }
  return json as T;
}
