import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/harness';

export const LOGIN = '/api/v1/auth/login';

export function login(t: TestApp, email: string, password: string, remoteAddress = '127.0.0.1') {
  return t.app.inject({ method: 'POST', url: LOGIN, payload: { email, password }, remoteAddress });
}

/** The session cookie a response set, as "name=value" (fails the test when there is none). */
export function sessionCookieOf(res: LightMyRequestResponse): { pair: string; token: string; raw: string } {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.includes('latchkey_session=') && !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c));
  expect(raw, 'a session cookie').toBeDefined();
  const pair = raw!.split(';')[0]!;
  return { pair, token: pair.slice(pair.indexOf('=') + 1), raw: raw! };
}

/** Cookie + CSRF headers for the session a sign-in response (signed_in or mfa_required) started. */
export function headersOf(res: LightMyRequestResponse): { cookie: string; 'x-csrf-token': string } {
  const body = res.json() as { session?: { csrfToken: string }; csrfToken?: string };
  const csrf = body.session?.csrfToken ?? body.csrfToken;
  expect(csrf, 'a CSRF token in the body').toBeTypeOf('string');
  return { cookie: sessionCookieOf(res).pair, 'x-csrf-token': csrf! };
}
