import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_PASSWORD, DEMO_SITE_TOTP_SECRET, DEMO_SITE_USERNAME } from './credentials';
import { startDemoSite, type DemoSite } from './server';

const AT = new Date('2026-12-02T12:00:00Z');
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

describe('demo target site', () => {
  let site: DemoSite;
  beforeAll(async () => {
    site = await startDemoSite({ port: 0, now: () => AT });
  });
  afterAll(() => site.close());

  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${site.url.replace('localhost', '127.0.0.1')}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(form).toString(),
    });
  const get = (path: string, cookie?: string) =>
    fetch(`${site.url.replace('localhost', '127.0.0.1')}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

  async function passwordStep(): Promise<string> {
    const res = await post('/login', { username: DEMO_SITE_USERNAME, password: DEMO_SITE_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/totp');
    return cookieOf(res);
  }

  it('refuses a wrong password with 401 and no session', async () => {
    const res = await post('/login', { username: DEMO_SITE_USERNAME, password: 'not-it' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('Wrong username or password.');
  });

  it('sends /totp and /home back to /login without a session', async () => {
    expect((await get('/totp')).headers.get('location')).toBe('/login');
    expect((await get('/home')).headers.get('location')).toBe('/login');
  });

  it('refuses a wrong or stale code and keeps the user on the code step', async () => {
    const cookie = await passwordStep();
    const stale = await generate({ secret: DEMO_SITE_TOTP_SECRET, epoch: epoch(AT) - 120 });
    const res = await post('/totp', { code: stale }, cookie);
    expect(res.status).toBe(401);
    expect((await get('/home', cookie)).headers.get('location')).toBe('/login');
    expect((await get('/totp', cookie)).status).toBe(200);
  });

  it('signs in after the password and the current code (one step of drift accepted)', async () => {
    const cookie = await passwordStep();
    const code = await generate({ secret: DEMO_SITE_TOTP_SECRET, epoch: epoch(AT) - 30 });
    const res = await post('/totp', { code }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/home');
    const home = await get('/home', cookieOf(res));
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(`Signed in as ${DEMO_SITE_USERNAME}`);
    // The password-step session was replaced: it does not reach /home.
    expect((await get('/home', cookie)).headers.get('location')).toBe('/login');
  });

  it('serves the forms with the autocomplete hints a filler looks for', async () => {
    const html = await (await get('/login')).text();
    expect(html).toContain('autocomplete="username"');
    expect(html).toContain('autocomplete="current-password"');
    const cookie = await passwordStep();
    expect(await (await get('/totp', cookie)).text()).toContain('autocomplete="one-time-code"');
  });
});
