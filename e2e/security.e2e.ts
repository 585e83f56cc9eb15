/**
 * Browser-level security checks: the session cookie is out of JavaScript's reach, signing out
 * really ends the session (Back shows no account data), and a Login-Only member is not offered
 * member management or account creation.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { accountCard, demoLogin, screenshotOnFailure, signIn, signOut, useLatchkey } from './support/app';

const env = useLatchkey();

const SESSION_COOKIE = 'latchkey_session'; // without HTTPS (secureCookies off); __Host- prefixed otherwise

describe('browser security', () => {
  let context: BrowserContext | undefined;
  let page: Page | undefined;

  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
  });

  async function signedIn(email: string): Promise<Page> {
    context = await env.newContext();
    page = await context.newPage();
    await signIn(page, env.server.url, demoLogin(env.logins, email));
    return page;
  }

  test('the session cookie is HttpOnly and invisible to document.cookie', async () => {
    screenshotOnFailure('security-cookie', () => [page]);
    const p = await signedIn('uma@acme.test');
    const cookies = await context!.cookies(env.server.url);
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session, `cookies: ${cookies.map((c) => c.name).join(', ')}`).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Lax');
    expect(session!.path).toBe('/');
    expect(session!.value.length).toBeGreaterThanOrEqual(20);

    const visible = await p.evaluate(() => document.cookie);
    expect(visible).not.toContain(SESSION_COOKIE);
    expect(visible).not.toContain(session!.value);
    // Writing a cookie of that name from script cannot replace the HttpOnly one.
    await p.evaluate((name) => {
      document.cookie = `${name}=forged; path=/`;
    }, SESSION_COOKIE);
    const after = (await context!.cookies(env.server.url)).filter((c) => c.name === SESSION_COOKIE);
    expect(after.map((c) => c.value)).toEqual([session!.value]);
  });

  test('after signing out, Back shows no account data: the API answers 401 and the app returns to sign-in', async () => {
    screenshotOnFailure('security-sign-out', () => [page]);
    const p = await signedIn('olivia@acme.test');
    // Control: while signed in, the account data is on screen, and so are the Owner-only controls
    // the Login-Only test below expects to be absent (same locators).
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).waitFor();
    await p.getByRole('button', { name: 'New account' }).waitFor();
    await accountCard(p, 'Acme Instagram').click();
    await p.getByRole('heading', { level: 1, name: 'Acme Instagram' }).waitFor();
    await p.getByText('acme.official', { exact: true }).waitFor();
    const cookie = (await context!.cookies(env.server.url)).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();

    await signOut(p);
    expect(new URL(p.url()).pathname).toBe('/sign-in');
    expect((await context!.cookies(env.server.url)).some((c) => c.name === SESSION_COOKIE)).toBe(false);

    const unauthorized = p.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/v1/') && r.status() === 401);
    await p.goBack();
    const r401 = await unauthorized;
    expect(await r401.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    await p.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await p.waitForURL((u) => u.pathname === '/sign-in' && (u.searchParams.get('next') ?? '').startsWith('/accounts'));
    const html = await p.content();
    expect(html).not.toContain('Acme Instagram');
    expect(html).not.toContain('acme.official');
    expect(await accountCard(p, 'Acme Instagram').count()).toBe(0);

    // The session is over on the server too: the old cookie no longer opens the API.
    const replay = await fetch(`${env.server.url}/api/v1/accounts`, { headers: { cookie: `${SESSION_COOKIE}=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    const fromPage = await p.evaluate(async () => (await fetch('/api/v1/accounts')).status);
    expect(fromPage).toBe(401);
  });

  test('a Login-Only member sees no Members navigation and no New account button', async () => {
    screenshotOnFailure('security-login-only', () => [page]);
    const p = await signedIn('leo@acme.test');
    const nav = p.getByRole('navigation', { name: 'Main' });
    // Wait for the page to have loaded what Leo can see, so absence checks are meaningful.
    await nav.getByRole('link', { name: 'All accounts' }).waitFor();
    await nav.getByRole('link', { name: 'Activity' }).waitFor();
    await accountCard(p, 'Acme Instagram').waitFor();
    await accountCard(p, 'Acme TikTok').waitFor();
    expect(await p.getByRole('button', { name: 'Open user menu' }).textContent()).toContain('Login-Only');

    expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'New account' }).count()).toBe(0);

    // Typing the address does not help either: the page says so and the API refuses.
    await p.goto(`${env.server.url}/members`);
    await p.getByText('Members are not visible to you').waitFor();
    expect(await p.getByRole('button', { name: 'Invite member' }).count()).toBe(0);
    const members = await p.evaluate(async () => (await fetch('/api/v1/members')).status);
    expect(members).toBe(403);
  });
});
