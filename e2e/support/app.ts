import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFailed } from 'vitest';
import { launchBrowser } from './browser';
import { parseDemoLogins, startServer, type RunningServer } from './server';

export type DemoLogin = ReturnType<typeof parseDemoLogins>[number];

const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

/**
 * The demo sign-ins from the start-up banner. The banner is printed right after the server starts
 * listening, so it can reach our pipe a moment after the readiness probe answers: wait for it.
 */
export async function waitForDemoLogins(server: RunningServer, timeoutMs = 15_000): Promise<DemoLogin[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = server.output();
    if (out.includes('Press Ctrl+C to stop.')) {
      const logins = parseDemoLogins(out);
      if (logins.length === 0) throw new Error(`The banner printed no demo sign-ins:\n${out.slice(-3000)}`);
      return logins;
    }
    if (Date.now() > deadline) throw new Error(`No start-up banner after ${timeoutMs} ms:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function demoLogin(logins: DemoLogin[], email: string): DemoLogin {
  const found = logins.find((l) => l.email === email);
  if (!found) throw new Error(`No demo sign-in for ${email}; parsed: ${logins.map((l) => l.email).join(', ')}`);
  return found;
}

/** Sign in through the UI and wait for the landing page (All accounts). */
export async function signIn(page: Page, baseUrl: string, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(login.email);
  await page.getByLabel('Password', { exact: true }).fill(login.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'All accounts' }).waitFor();
}

/** Sign out from the user menu and wait for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open user menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** When the current test fails, save a full-page screenshot of each page to test-results/. */
export function screenshotOnFailure(name: string, pages: () => Array<Page | undefined>): void {
  onTestFailed(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    let i = 0;
    for (const page of pages()) {
      i++;
      if (!page || page.isClosed()) continue;
      const file = path.join(RESULTS_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}-${i}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      // eslint-disable-next-line no-console -- tell the reader of a failed run where the picture is
      console.error(`screenshot: ${file} (${page.url()})`);
    }
  });
}

/** Poll a condition (for values Playwright's locators cannot wait on by themselves). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * An account's card on All accounts: a link whose accessible name contains the label (from the
 * card's text, or an aria-label "label, application").
 */
export function accountCard(page: Page, label: string) {
  return page.getByRole('main').getByRole('link', { name: label });
}

/** One test file's world: a real server with demo data, a browser, and the printed sign-ins. */
export interface Latchkey {
  readonly server: RunningServer;
  readonly logins: DemoLogin[];
  /** A fresh browser context (its own cookies), closed with the file. */
  newContext(): Promise<BrowserContext>;
}

/**
 * Start a server and a browser before the file's tests and stop both after them; contexts made
 * with `newContext()` are closed too. Call once at the top of a test file.
 */
export function useLatchkey(opts: { env?: () => Promise<Record<string, string>> | Record<string, string> } = {}): Latchkey {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let logins: DemoLogin[] = [];
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    // `env` runs first, so a test can start what the server needs (e.g. an SMTP server) and point to it.
    server = await startServer(opts.env ? await opts.env() : {});
    logins = await waitForDemoLogins(server);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('useLatchkey(): the server starts in beforeAll');
      return server;
    },
    get logins() {
      return logins;
    },
    async newContext() {
      if (!browser) throw new Error('useLatchkey(): the browser starts in beforeAll');
      const c = await browser.newContext();
      contexts.push(c);
      return c;
    },
  };
}
