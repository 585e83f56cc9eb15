import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeWorld } from './world';

/** A request as the fake saw it (the credential itself is not kept, only where it came from). */
export interface FakeRequestLog {
  method: string;
  /** Path after the version prefix, e.g. `/1122334455667788/agencies`. */
  path: string;
  query: Record<string, string>;
  /** Where the credential was sent. */
  tokenIn: 'header' | 'query' | 'none';
  status: number;
  /** Platform error code in the body (Meta `error.code`, TikTok `code` != 0, Pinterest `code`), if any. */
  errorCode: number | null;
}

export type FailureKind = 'rate_limited' | 'server_error' | 'network';

export interface FailureOptions {
  /** The wait the platform indicates (Meta estimated_time_to_regain_access in minutes is derived from it; Pinterest headers). */
  retryAfterSeconds?: number;
  /** Fail this many requests in a row (default 1). */
  times?: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (object) or plain text (string). */
  body: unknown;
}

export interface FakeContext {
  world: FakeWorld;
  /** Server-side page size cap set by `setPageSize` (undefined = the platform default/requested). */
  pageSizeCap: number | undefined;
  /** The public base URL, for Meta's `paging.next`. */
  baseUrl: string;
}

export interface ParsedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

export interface PlatformHandler {
  versionPrefix: string;
  /** The credential as the platform reads it, and where it was found. */
  readToken(req: ParsedRequest): { token: string | null; tokenIn: FakeRequestLog['tokenIn'] };
  handle(req: ParsedRequest, ctx: FakeContext): FakeResponse;
  failure(kind: Exclude<FailureKind, 'network'>, options: FailureOptions): FakeResponse;
  errorCodeOf(res: FakeResponse): number | null;
}

export interface FakePlatformServer {
  baseUrl: string;
  world: FakeWorld;
  requests: FakeRequestLog[];
  /** The next request(s) fail this way (queued, in order). */
  failNext(kind: FailureKind, options?: FailureOptions): void;
  /** Server-side page size cap, so a few rows already span several pages. */
  setPageSize(n: number | undefined): void;
  /** Mark a token expired (the platform's documented expired-token error from now on). */
  expireToken(token: string): void;
  close(): Promise<void>;
}

export async function startFakeServer(handler: PlatformHandler, world: FakeWorld, port = 0): Promise<FakePlatformServer> {
  const requests: FakeRequestLog[] = [];
  const failures: { kind: FailureKind; options: FailureOptions }[] = [];
  const ctx: FakeContext = { world, pageSizeCap: undefined, baseUrl: '' };

  function send(res: ServerResponse, r: FakeResponse) {
    const isText = typeof r.body === 'string';
    res.writeHead(r.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...r.headers,
    });
    res.end(isText ? (r.body as string) : JSON.stringify(r.body));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = handler.versionPrefix;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const parsed: ParsedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers };
    const { tokenIn } = handler.readToken(parsed);
    const log: FakeRequestLog = {
      method: parsed.method,
      path,
      // A token sent in the query (which our connectors never do) is not kept either.
      query: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, /token/i.test(k) ? '[redacted]' : v])),
      tokenIn,
      status: 0,
      errorCode: null,
    };
    requests.push(log);

    const failure = failures.shift();
    if (failure?.kind === 'network') {
      log.status = -1;
      req.socket.destroy();
      return;
    }
    let out: FakeResponse;
    if (failure) out = handler.failure(failure.kind, failure.options);
    else if (!url.pathname.startsWith(prefix)) out = { status: 404, body: '404 page not found' };
    else if (parsed.method !== 'GET') out = { status: 405, body: 'read-only fake: GET only' };
    else out = handler.handle(parsed, ctx);
    log.status = out.status;
    log.errorCode = handler.errorCodeOf(out);
    send(res, out);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  ctx.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${handler.versionPrefix}`;

  return {
    baseUrl: ctx.baseUrl,
    world,
    requests,
    failNext(kind, options = {}) {
      for (let i = 0; i < (options.times ?? 1); i++) failures.push({ kind, options });
    },
    setPageSize(n) {
      ctx.pageSizeCap = n;
    },
    expireToken(token) {
      for (const b of Object.values(world.businesses)) {
        const t = b.tokens[token];
        if (t) t.expired = true;
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Opaque cursor/bookmark for an offset (the platforms' cursors are opaque base64 strings). */
export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}
export function decodeCursor(cursor: string | null): number | null {
  if (!cursor) return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}
