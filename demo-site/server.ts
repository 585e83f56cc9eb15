import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from 'otplib';
import { DEMO_SITE_PASSWORD, DEMO_SITE_TOTP_SECRET, DEMO_SITE_USERNAME } from './credentials';

/**
 * "Demo Analytics": a tiny stand-in for a third-party site that Latchkey's extension logs in to.
 * GET /login (username + password) → GET /totp (6-digit code, ±1 time step) → GET /home
 * "Signed in as …". Sessions live in memory; nothing is stored. Plain node:http, no framework, so
 * what the extension fills is ordinary HTML forms with the usual autocomplete hints.
 */
export interface DemoSite {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface DemoSiteOptions {
  port: number;
  host?: string;
  /** For tests: the time the TOTP check uses. */
  now?: () => Date;
}

type Stage = 'password' | 'signed-in';
interface Session {
  stage: Stage;
  expiresAt: number;
}

const COOKIE = 'demo_session';
const SESSION_MS = 30 * 60_000;
const MAX_BODY = 8 * 1024;
const MAX_SESSIONS = 10_000;

export async function startDemoSite(opts: DemoSiteOptions): Promise<DemoSite> {
  const now = opts.now ?? (() => new Date());
  const sessions = new Map<string, Session>();

  const sessionOf = (req: IncomingMessage): [string, Session] | null => {
    const id = parseCookies(req.headers.cookie)[COOKIE];
    if (!id) return null;
    const s = sessions.get(id);
    if (!s) return null;
    if (s.expiresAt < now().getTime()) {
      sessions.delete(id);
      return null;
    }
    return [id, s];
  };
  const startSession = (res: ServerResponse, stage: Stage): void => {
    if (sessions.size >= MAX_SESSIONS) sessions.clear(); // a demo: never grow without bound
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, { stage, expiresAt: now().getTime() + SESSION_MS });
    res.setHeader('Set-Cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    const current = sessionOf(req);
    switch (route) {
      case 'GET /':
        return redirect(res, current?.[1].stage === 'signed-in' ? '/home' : '/login');
      case 'GET /login':
        return page(res, 200, 'Sign in', loginForm());
      case 'POST /login': {
        const form = await readForm(req);
        if (!form) return page(res, 413, 'Sign in', loginForm('That request was too large.'));
        const ok = safeEqual(form.get('username') ?? '', DEMO_SITE_USERNAME) && safeEqual(form.get('password') ?? '', DEMO_SITE_PASSWORD);
        if (!ok) return page(res, 401, 'Sign in', loginForm('Wrong username or password.'));
        if (current) sessions.delete(current[0]);
        startSession(res, 'password');
        return redirect(res, '/totp');
      }
      case 'GET /totp':
        if (!current) return redirect(res, '/login');
        if (current[1].stage === 'signed-in') return redirect(res, '/home');
        return page(res, 200, 'Two-step verification', totpForm());
      case 'POST /totp': {
        if (!current || current[1].stage !== 'password') return redirect(res, '/login');
        const form = await readForm(req);
        const code = (form?.get('code') ?? '').replace(/\s+/g, '');
        if (!(await codeIsValid(code, now()))) return page(res, 401, 'Two-step verification', totpForm('That code is not valid. Try the current one.'));
        sessions.delete(current[0]);
        startSession(res, 'signed-in');
        return redirect(res, '/home');
      }
      case 'GET /home':
        if (current?.[1].stage !== 'signed-in') return redirect(res, '/login');
        return page(
          res,
          200,
          'Home',
          `<h1>Demo Analytics</h1><p id="signed-in">Signed in as ${escapeHtml(DEMO_SITE_USERNAME)}</p>
           <form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
        );
      case 'POST /logout':
        if (current) sessions.delete(current[0]);
        res.setHeader('Set-Cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
        return redirect(res, '/login');
      default:
        return page(res, 404, 'Not found', '<h1>Not found</h1><p><a href="/login">Sign in</a></p>');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) page(res, 400, 'Bad request', '<h1>Bad request</h1>');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The login URL the demo seed gives the "Demo Analytics" account for a demo site on `port`. */
export function demoSiteLoginUrl(port: number): string {
  return `http://localhost:${port}/login`;
}

async function codeIsValid(code: string, at: Date): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({ secret: DEMO_SITE_TOTP_SECRET, token: code, epoch: Math.floor(at.getTime() / 1000), epochTolerance: 30 });
  return result.valid;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' }).end();
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res
    .writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Demo Analytics</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}
.note{color:#555;font-size:.875rem}</style></head><body>${body}</body></html>`,
    );
}

function loginForm(error?: string): string {
  return `<h1>Sign in to Demo Analytics</h1>
<p class="note">A demo site for trying Latchkey's browser extension.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login">
  <label for="username">Email</label>
  <input id="username" name="username" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`;
}

function totpForm(error?: string): string {
  return `<h1>Two-step verification</h1>
<p>Enter the 6-digit code from your authenticator app.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/totp">
  <label for="code">Code</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
  <button type="submit">Verify</button>
</form>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
