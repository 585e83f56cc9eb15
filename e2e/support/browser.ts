import { chromium, type Browser, type BrowserContext, type Response } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core. Browsers are never downloaded: CI installs the
 * `chromium` package. The flags keep Chromium off the network (this machine has none) and let it
 * run as root in a container.
 */
export const CHROMIUM = process.env.LATCHKEY_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
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
      ...extraArgs,
    ],
  });
}

export interface RecordedExchange {
  method: string;
  url: string;
  status: number;
  requestHeaders: string;
  requestBody: string;
  responseBody: string;
  responseHeaders: string;
}

/**
 * Record every response a browser context receives, bodies and headers of both directions
 * included, so a test can search the whole traffic for a secret.
 */
export function recordTraffic(context: BrowserContext): { exchanges: RecordedExchange[]; settled(): Promise<void> } {
  const exchanges: RecordedExchange[] = [];
  const pending = new Set<Promise<void>>();
  context.on('response', (response: Response) => {
    const p = (async () => {
      let body = '';
      try {
        body = (await response.body()).toString('utf8');
      } catch {
        body = ''; // redirects and aborted requests have no body
      }
      const request = response.request();
      exchanges.push({
        method: request.method(),
        url: response.url(),
        status: response.status(),
        requestHeaders: JSON.stringify(await request.allHeaders().catch(() => request.headers())),
        requestBody: request.postData() ?? '',
        responseBody: body,
        responseHeaders: JSON.stringify(await response.allHeaders().catch(() => ({}))),
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
