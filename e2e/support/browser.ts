import { chromium, type Browser, type BrowserContext, type Request, type Response } from 'playwright-core';

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

/** The live-updates EventSource (GET /api/v1/live): a response that never ends while the page is open. */
const isEventStream = (request: Request) => request.resourceType() === 'eventsource';

/**
 * Record every response a browser context receives, bodies and headers of both directions
 * included, so a test can search the whole traffic for a secret. The live-updates event stream
 * never finishes while the page is open, so its body is not waited for (it carries topic names
 * only, ADR 0010); `idle()` is "no request in flight for 500 ms" without it (Playwright's
 * 'networkidle' never comes while the stream is open).
 */
export function recordTraffic(context: BrowserContext): { exchanges: RecordedExchange[]; settled(): Promise<void>; idle(quietMs?: number): Promise<void> } {
  const exchanges: RecordedExchange[] = [];
  const pending = new Set<Promise<void>>();
  const inFlight = new Set<Request>();
  let lastChange = Date.now();
  context.on('request', (request: Request) => {
    if (isEventStream(request)) return;
    inFlight.add(request);
    lastChange = Date.now();
  });
  const done = (request: Request) => {
    if (inFlight.delete(request)) lastChange = Date.now();
  };
  context.on('requestfinished', done);
  context.on('requestfailed', done);
  context.on('response', (response: Response) => {
    const p = (async () => {
      let body = '';
      try {
        body = isEventStream(response.request()) ? '' : (await response.body()).toString('utf8');
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
    async idle(quietMs = 500) {
      const until = Date.now() + 30_000;
      while (inFlight.size > 0 || Date.now() - lastChange < quietMs) {
        if (Date.now() > until) throw new Error(`network not idle: ${[...inFlight].map((r) => `${r.method()} ${r.url()}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
