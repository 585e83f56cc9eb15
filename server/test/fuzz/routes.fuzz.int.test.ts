import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, sessionFor, type TestApp, type TestSession } from '../harness';

/**
 * Property: no malformed request reaches a 5xx. For every /api/v1 route, fast-check generates
 * hostile path params, query strings and bodies, sent anonymously and as a signed-in Owner (with a
 * valid CSRF token, so requests get past authentication and into validation and services).
 * Every 4xx must carry the standard error body.
 */
const RUNS_PER_ROUTE = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 25);
/** Routes that answer with a server-sent event stream that never ends by itself. */
const STREAM_ROUTES = new Set(['GET /api/v1/live']);

const nasty = fc.constantFrom(
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%00',
  "' OR 1=1 --",
  'null',
  'undefined',
  '-1',
  '0',
  '1e309',
  '9'.repeat(60),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '<script>alert(1)</script>',
  '\u0000\u0001',
  'é'.repeat(300),
  '{"a":1}',
  '[]',
);
const paramValue = fc.oneof(fc.uuid(), fc.string({ maxLength: 80 }), nasty, fc.integer().map(String));
const scalar = fc.oneof(
  fc.string({ maxLength: 60 }),
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.emailAddress(),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 20 }), tie('value'), { maxKeys: 6 })),
})).value;
/** Bodies that look like ours (known field names) as well as pure noise. */
const knownKeys = fc.constantFrom(
  'email', 'password', 'name', 'role', 'code', 'token', 'label', 'application', 'loginUrl', 'username',
  'totpSecret', 'notes', 'customFields', 'userId', 'field', 'workspaceId', 'currentPassword', 'newPassword',
);
const body = fc.oneof(
  jsonValue,
  fc.dictionary(knownKeys, jsonValue, { maxKeys: 8 }),
  fc.dictionary(knownKeys, scalar, { maxKeys: 8 }),
);
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('q', 'cursor', 'limit', 'status', 'range', 'from', 'to', 'accountId', 'userId', 'type'), fc.string({ maxLength: 10 })),
  fc.oneof(fc.string({ maxLength: 40 }), nasty, fc.integer().map(String)),
  { maxKeys: 5 },
);
const rawBody = fc.oneof(
  fc.constant({ payload: '{"unterminated', type: 'application/json' }),
  fc.constant({ payload: 'a=1&b=2', type: 'application/x-www-form-urlencoded' }),
  fc.constant({ payload: 'plain', type: 'text/plain' }),
  fc.constant({ payload: '', type: 'application/json' }),
  fc.constant({ payload: '[1,2,3]', type: 'application/json' }),
  fc.constant({ payload: 'x'.repeat(300 * 1024), type: 'application/json' }),
);

describe('malformed input never yields a 5xx', () => {
  let t: TestApp;
  let ownerSession: () => Promise<TestSession>;

  beforeAll(async () => {
    t = await createTestApp();
    const { workspace, owner } = await createWorkspace(t.deps);
    ownerSession = () => sessionFor(t.deps, owner.id, workspace.id);
  });
  afterAll(() => t.close());

  it('covers every registered route', () => {
    // Guard against the list silently shrinking: the core has far more than a handful of routes.
    // 37 core + 13 partnership-access (sharing, guest members, access requests) + 14 partnership lifecycle.
    expect(t.app.apiRoutes.length).toBeGreaterThanOrEqual(64);
  });

  it('answers every hostile request with a well-formed error or success, never 5xx', async () => {
    const failures: string[] = [];
    for (const route of t.app.apiRoutes) {
      const session = await ownerSession();
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.array(paramValue, { minLength: 4, maxLength: 4 }),
            query,
            body,
            raw: fc.option(rawBody, { freq: 4 }),
            signedIn: fc.boolean(),
          }),
          async ({ params, query: q, body: b, raw, signedIn }) => {
            let i = 0;
            const path = route.url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++ % params.length] ?? 'x'));
            const search = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
            const url = search ? `${path}?${search}` : path;
            const headers: Record<string, string> = signedIn ? { ...session.headers } : {};
            const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
            let payload: string | undefined;
            if (hasBody) {
              if (raw) {
                payload = raw.payload;
                headers['content-type'] = raw.type;
              } else {
                payload = JSON.stringify(b) ?? 'null';
                headers['content-type'] = 'application/json';
              }
            }
            if (STREAM_ROUTES.has(`${route.method} ${route.url}`)) {
              // An endless event stream: only its status and first chunk matter (app.close() ends it).
              const res = await t.app.inject({ method: route.method as 'GET', url, headers, payloadAsStream: true });
              let first = '';
              for await (const chunk of res.stream()) {
                first = String(chunk);
                break;
              }
              if (res.statusCode >= 500) failures.push(`${route.method} ${url} → ${res.statusCode} ${first.slice(0, 300)}`);
              return res.statusCode < 500;
            }
            const res = await t.app.inject({ method: route.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
            if (res.statusCode >= 500) {
              failures.push(`${route.method} ${url} (${signedIn ? 'owner' : 'anonymous'}) body=${(payload ?? '').slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`);
              return false;
            }
            if (res.statusCode >= 400 && res.headers['content-type']?.toString().includes('json')) {
              const parsed = res.json() as { error?: { code?: unknown; message?: unknown } };
              const wellFormed = typeof parsed.error?.code === 'string' && typeof parsed.error?.message === 'string';
              if (!wellFormed) failures.push(`${route.method} ${url.slice(0, 120)} → ${res.statusCode} malformed error body ${res.body.slice(0, 200)}`);
              return wellFormed;
            }
            return true;
          },
        ),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      ).catch((err: unknown) => {
        failures.push(`${route.method} ${route.url}: ${(err instanceof Error ? err.message.split('\n').slice(0, 6).join(' | ') : String(err)).slice(0, 600)}`);
      });
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
