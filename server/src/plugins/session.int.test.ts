import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, expectError, sessionFor, type TestApp, type TestSession } from '../../test/harness';

/**
 * The session plugin decides on the path the router matched, never on the raw URL: a
 * percent-encoded path (`/%61pi/v1/…`) reaches the same route and must meet the same checks.
 */
describe('session plugin: encoded paths get the same checks', () => {
  let t: TestApp;
  let s: TestSession;
  beforeAll(async () => {
    t = await createTestApp();
    const { workspace, owner } = await createWorkspace(t.deps);
    s = await sessionFor(t.deps, owner.id, workspace.id);
  });
  afterAll(() => t.close());

  for (const url of ['/%61pi/v1/auth/logout', '/api/%761/auth/logout', '/api/v1/auth/%6Cogout']) {
    it(`refuses ${url} without a CSRF token (403) and keeps the session`, async () => {
      const res = await t.app.inject({ method: 'POST', url, headers: { cookie: s.headers.cookie } });
      expectError(res, 403, 'csrf_invalid');
      const still = await t.app.inject({ url: '/api/v1/session', headers: s.headers });
      expect(still.statusCode).toBe(200);
    });
  }

  it('requires a session on an encoded API path (401) and marks API answers no-store', async () => {
    const anonymous = await t.app.inject({ url: '/%61pi/v1/accounts' });
    expectError(anonymous, 401, 'unauthenticated');
    const signedIn = await t.app.inject({ url: '/%61pi/v1/accounts', headers: s.headers });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
  });
});
