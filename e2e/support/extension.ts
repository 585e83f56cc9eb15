import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
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
