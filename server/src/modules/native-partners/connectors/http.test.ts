import { describe, expect, it } from 'vitest';
import { backoffMs, createHttpClient, type Interpreter } from './http';
import { ConnectorError } from './types';

/** The shared request helper, with an injected fetch (no network). */
const interpret: Interpreter = (res) =>
  res.status === 200
    ? { ok: true, data: res.body }
    : { ok: false, error: new ConnectorError('meta', res.status === 503 ? 'platform_error' : 'not_permitted', 'no', { retryable: res.status === 503 }) };

function client(fetchImpl: typeof fetch, extra: Record<string, unknown> = {}) {
  const waits: number[] = [];
  const http = createHttpClient({
    platform: 'meta',
    baseUrl: 'http://fake.invalid/v25.0/',
    authHeaders: { Authorization: 'Bearer secret-token' },
    interpret,
    options: { token: 'secret-token', businessId: '1', fetch: fetchImpl, sleep: async (ms) => void waits.push(ms), random: () => 0, ...extra },
  });
  return { http, waits };
}

describe('http helper', () => {
  it('a timeout is a retryable network error; after maxRetries it is thrown without the URL or token', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const { http, waits } = client(hang, { timeoutMs: 5, maxRetries: 1 });
    const err = await http.get('/x').catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'network', retryable: true, message: 'The request to meta timed out.' });
    expect(waits).toEqual([250]);
  });

  it('a non-retryable answer is thrown at once', async () => {
    let n = 0;
    const { http, waits } = client(async () => {
      n += 1;
      return new Response('{}', { status: 403 });
    });
    await expect(http.get('/x')).rejects.toMatchObject({ kind: 'not_permitted' });
    expect(n).toBe(1);
    expect(waits).toEqual([]);
  });

  it('sends GET with the auth header, the token never in the URL; query values are encoded', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const { http } = client(async (input, init) => {
      seen.push({ url: String(input), init });
      return new Response('{"ok":1}', { status: 200 });
    });
    expect(await http.get('/a/b', { fields: 'id,name', after: undefined, filtering: '{"k":"a b"}' })).toEqual({ ok: 1 });
    expect(seen[0]!.url).toBe('http://fake.invalid/v25.0/a/b?fields=id%2Cname&filtering=%7B%22k%22%3A%22a+b%22%7D');
    expect(seen[0]!.url).not.toContain('secret-token');
    expect(seen[0]!.init?.method).toBe('GET');
    expect(seen[0]!.init?.headers).toMatchObject({ Authorization: 'Bearer secret-token' });
  });

  it('maxRetries 0 makes a single attempt', async () => {
    let n = 0;
    const { http } = client(
      async () => {
        n += 1;
        return new Response('{}', { status: 503 });
      },
      { maxRetries: 0 },
    );
    await expect(http.get('/x')).rejects.toMatchObject({ kind: 'platform_error' });
    expect(n).toBe(1);
  });

  it('backoff doubles per attempt, adds at most 50 % jitter and is capped', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 250, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(1, 250, () => 0.5)).toBe(625);
    expect(backoffMs(20, 1000, () => 0)).toBe(60_000);
  });
});
