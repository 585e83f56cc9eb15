import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Response, type Worker } from 'playwright-core';
import { CHROMIUM } from './browser';

/** Chromium with the built extension loaded unpacked, in its own throw-away profile. */
export interface ExtensionBrowser {
  context: BrowserContext;
  /** The extension's id (the host of chrome-extension://<id>/). */
  extensionId: string;
  serviceWorker: Worker;
  /** chrome-extension://<id>/<file> */
  url(file: string): string;
  close(): Promise<void>;
}

/**
 * Extensions need a persistent context and `--load-extension` (allowed in Debian's Chromium; the
 * branded Google Chrome dropped the flag). `headless: true` runs Chromium's new headless mode,
 * which loads extensions and their service workers.
 */
export async function launchWithExtension(extensionDir: string): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'latchkey-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  try {
    const serviceWorker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    const extensionId = new URL(serviceWorker.url()).host;
    return {
      context,
      extensionId,
      serviceWorker,
      url: (file) => `chrome-extension://${extensionId}/${file}`,
      async close() {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** One response a page received: its URL, request body, response headers and body as text. */
export interface PageExchange {
  method: string;
  url: string;
  requestBody: string;
  responseHeaders: string;
  responseBody: string;
}

/**
 * Record what one page (not the whole context: the extension's service worker shares it, and it
 * legitimately receives the secrets) sends and receives. The live-updates stream is skipped
 * (it never ends while the page is open; it carries topic names only, ADR 0010).
 */
export function recordPageTraffic(page: Page): { exchanges: PageExchange[]; settled(): Promise<void> } {
  const exchanges: PageExchange[] = [];
  const pending = new Set<Promise<void>>();
  page.on('response', (response: Response) => {
    const request = response.request();
    const p = (async () => {
      let body = '';
      if (request.resourceType() !== 'eventsource') {
        body = await response
          .body()
          .then((b) => b.toString('utf8'))
          .catch(() => ''); // redirects have no body
      }
      exchanges.push({
        method: request.method(),
        url: response.url(),
        requestBody: request.postData() ?? '',
        responseHeaders: JSON.stringify(await response.allHeaders().catch(() => ({}))),
        responseBody: body,
      });
    })();
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  return {
    exchanges,
    async settled() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
