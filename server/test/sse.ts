import http from 'node:http';
import type { LiveTopic } from '@shared/live';
import type { TestSession } from './harness';

/**
 * A minimal server-sent events reader for GET /api/v1/live on a real listening test server
 * (app.listen on port 0), for tests that check who hears about a change.
 */
export interface SseEvent {
  event: string;
  data: string;
}
export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Everything received, as sent. */
  body: string;
  events: SseEvent[];
  /** The text of comment lines (`: …`), such as heartbeats. */
  comments: string[];
  /** The last `retry:` value, if any. */
  retry: number | null;
  ended: boolean;
  close(): void;
}

/** Open GET /api/v1/live, with the session's cookie or (null) without any. */
export function openLiveStream(port: number, session: TestSession | null): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/live',
        headers: { accept: 'text/event-stream', ...(session ? { cookie: session.headers.cookie } : {}) },
      },
      (res) => {
        const client: SseClient = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: '',
          events: [],
          comments: [],
          retry: null,
          ended: false,
          close: () => req.destroy(),
        };
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          client.body += chunk;
          buffer += chunk;
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            let event = 'message';
            const data: string[] = [];
            let isEvent = false;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) {
                client.comments.push(line.slice(1).trim());
              } else if (line.startsWith('retry: ')) {
                client.retry = Number(line.slice(7));
              } else if (line.startsWith('event: ')) {
                event = line.slice(7);
                isEvent = true;
              } else if (line.startsWith('data: ')) {
                data.push(line.slice(6));
                isEvent = true;
              }
            }
            if (isEvent) client.events.push({ event, data: data.join('\n') });
          }
        });
        const done = () => {
          client.ended = true;
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
        resolve(client);
      },
    );
    req.on('error', reject);
  });
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The topics of every `change` event received so far, in order. */
export const liveChanges = (c: SseClient): LiveTopic[][] =>
  c.events.filter((e) => e.event === 'change').map((e) => (JSON.parse(e.data) as { topics: LiveTopic[] }).topics);

/** Open a stream and wait until it says `ready` (its listener is attached). */
export async function openReadyStream(port: number, session: TestSession): Promise<SseClient> {
  const c = await openLiveStream(port, session);
  if (c.status !== 200) throw new Error(`live stream answered ${c.status}`);
  await waitFor('ready', () => c.events.some((e) => e.event === 'ready'));
  return c;
}
