import { ConnectorError, type ConnectorOptions, type NativePlatform } from './types';

/**
 * The one request helper all three connectors share: GET only, a timeout per attempt, retries
 * with exponential backoff + jitter for throttling, 5xx and network failures, and the wait a
 * platform asks for when it says one (Meta `estimated_time_to_regain_access`, Pinterest
 * `Retry-After` / `X-RateLimit-Reset`). The credential goes in a header only and is never put
 * in a URL, an error message or a log line.
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
}

export type Interpretation =
  | { ok: true; data: unknown; /** Wait this long before the NEXT request (usage near the limit). */ pauseMs?: number }
  | { ok: false; error: ConnectorError };

/** Platform-specific: turn a response into data or a classified ConnectorError. */
export type Interpreter = (res: RawResponse) => Interpretation;

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpClient {
  get(path: string, query?: Query): Promise<unknown>;
}

export interface HttpSettings {
  platform: NativePlatform;
  baseUrl: string;
  /** The auth header(s) the platform documents, e.g. `Authorization: Bearer …` or `Access-Token: …`. */
  authHeaders: Record<string, string>;
  interpret: Interpreter;
  options: ConnectorOptions;
}

const DEFAULT_MAX_RETRIES = 4;
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_WAIT_MS = 120_000;
const BACKOFF_BASE_MS = 250;
/** A throttled call with no indicated wait waits at least a second (TikTok: "retry next second"). */
const RATE_LIMIT_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 60_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with up to +50 % jitter: base·2^attempt · (1 + random/2), capped. */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  const exp = Math.min(BACKOFF_CAP_MS, baseMs * 2 ** attempt);
  return Math.round(exp + exp * 0.5 * random());
}

export function createHttpClient(settings: HttpSettings): HttpClient {
  const { platform, interpret, options } = settings;
  const baseUrl = settings.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const random = options.random ?? Math.random;
  let pauseBeforeNextMs = 0;

  function buildUrl(path: string, query: Query | undefined): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return `${baseUrl}${path.startsWith('/') ? path : `/${path}`}${s ? `?${s}` : ''}`;
  }

  async function attempt(url: string): Promise<Interpretation> {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'GET',
        headers: { Accept: 'application/json', ...settings.authHeaders },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const what = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError') ? 'timed out' : 'failed';
      // The URL is left out on purpose (ids only, but keep messages product-level).
      return { ok: false, error: new ConnectorError(platform, 'network', `The request to ${platform} ${what}.`, { retryable: true }) };
    }
    let body: unknown;
    let text = '';
    try {
      text = await res.text();
    } catch {
      return { ok: false, error: new ConnectorError(platform, 'network', `The response from ${platform} was cut off.`, { retryable: true }) };
    }
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return interpret({ status: res.status, headers: res.headers, body });
  }

  return {
    async get(path, query) {
      const url = buildUrl(path, query);
      for (let n = 0; ; n++) {
        if (pauseBeforeNextMs > 0) {
          const pause = Math.min(pauseBeforeNextMs, maxWaitMs);
          pauseBeforeNextMs = 0;
          await sleep(pause);
        }
        const result = await attempt(url);
        if (result.ok) {
          if (result.pauseMs && result.pauseMs > 0) pauseBeforeNextMs = result.pauseMs;
          return result.data;
        }
        const err = result.error;
        if (!err.retryable || n >= maxRetries) throw err;
        const wait =
          err.retryAfterMs !== undefined && err.retryAfterMs > 0
            ? err.retryAfterMs
            : backoffMs(n, err.kind === 'rate_limited' ? RATE_LIMIT_BASE_MS : BACKOFF_BASE_MS, random);
        if (wait > maxWaitMs) {
          // Too long to hold a sync open: hand the wait to the caller to reschedule.
          throw new ConnectorError(platform, err.kind, err.message, {
            retryable: true,
            retryAfterMs: wait,
            ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}),
          });
        }
        await sleep(wait);
      }
    },
  };
}

/** Small helpers for reading untyped JSON without `any`. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
export function strs(v: unknown): string[] {
  return arr(v).flatMap((x) => (typeof x === 'string' && x !== '' ? [x] : []));
}

/** Pages are followed to the end, but never forever (a platform bug must not hang a sync). */
export const MAX_PAGES = 10_000;

export function clampPageSize(requested: number | undefined, fallback: number, max: number): number {
  const n = Math.trunc(requested ?? fallback);
  return Math.min(max, Math.max(1, Number.isFinite(n) ? n : fallback));
}

/** Report a skipped read to `options.onCoverageGap`, classified from the error. */
export function reportGap(options: ConnectorOptions, endpoint: string, assetExternalId: string | null, e: ConnectorError): void {
  options.onCoverageGap?.({
    endpoint,
    assetExternalId,
    outcome: e.kind === 'not_permitted' ? 'NOT_PERMITTED' : e.kind === 'not_found' ? 'NOT_FOUND' : 'UNSUPPORTED',
    platformCode: e.platformCode ?? null,
  });
}
