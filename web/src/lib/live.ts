import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { LIVE_EVENT_CHANGE, LIVE_EVENT_READY, LiveChangeMessageSchema, LiveTopicSchema, type LiveTopic } from '@shared/live';
import { API_BASE } from '../api/client';
import { accountsKey } from '../features/accounts/api';
import { membersKey } from '../features/members/api';

/**
 * Live updates: one EventSource on GET /api/v1/live per signed-in tab (mounted once, in AppShell).
 * The server names only WHAT changed (topics, never ids or data); this module turns each topic into
 * query invalidations, so the pages refetch through the normal, authorized endpoints. See
 * docs/decisions/0010-live-updates-sse-and-notify.md.
 *
 * THE mapping from topic to query keys (prefixes: invalidating ['account'] refreshes every account
 * detail and its members). A feature that adds queries a topic should refresh adds its key here.
 */
export const LIVE_TOPIC_QUERY_KEYS: Record<LiveTopic, QueryKey[]> = {
  partnerships: [['partnerships']],
  'access-requests': [['access-requests']],
  accounts: [accountsKey, ['account']],
  activity: [['activity']],
  members: [membersKey],
  'local-partners': [['local-partners']],
  'native-partners': [['native-partners'], ['native-hubs'], ['native-people']],
};

/** Invalidate the queries of these topics (each key once, active queries refetch now). */
export function invalidateLiveTopics(qc: QueryClient, topics: readonly LiveTopic[]): void {
  const seen = new Set<string>();
  for (const topic of topics) {
    for (const queryKey of LIVE_TOPIC_QUERY_KEYS[topic] ?? []) {
      const id = JSON.stringify(queryKey);
      if (seen.has(id)) continue;
      seen.add(id);
      void qc.invalidateQueries({ queryKey });
    }
  }
}

/** The part of EventSource this module uses (tests pass a fake). */
export interface LiveEventSource {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}
export type LiveEventSourceFactory = (url: string) => LiveEventSource;

/** EventSource.CLOSED: the browser gave up (e.g. 401 after sign-out) and will not reconnect by itself. */
const CLOSED = 2;
/** After the browser gives up, try again this much later (quietly; the page works without the stream). */
export const LIVE_REOPEN_MS = 30_000;

/**
 * Open the stream and apply its changes to `qc`. Reconnects are EventSource's own (`retry: 5000`
 * from the server); after a reconnect every topic is invalidated, since changes made while the
 * stream was down were not heard. Errors are silent: the stream is an optimisation, not a source
 * of truth. Returns the function that closes it.
 */
export function connectLiveUpdates(
  qc: QueryClient,
  open: LiveEventSourceFactory = (url) => new EventSource(url),
  timers: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (t: unknown) => void } = {
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (t) => window.clearTimeout(t as number),
  },
): () => void {
  let source: LiveEventSource | null = null;
  let reopen: unknown = null;
  let readyBefore = false;
  let stopped = false;

  const start = () => {
    const s = open(`${API_BASE}/live`);
    source = s;
    s.addEventListener(LIVE_EVENT_READY, () => {
      if (readyBefore) invalidateLiveTopics(qc, LiveTopicSchema.options);
      readyBefore = true;
    });
    s.addEventListener(LIVE_EVENT_CHANGE, (event) => {
      let topics: LiveTopic[];
      try {
        topics = LiveChangeMessageSchema.parse(JSON.parse(event.data)).topics;
      } catch {
        return; // a message this build cannot read (a newer server): ignore it
      }
      invalidateLiveTopics(qc, topics);
    });
    s.addEventListener('error', () => {
      // Network drops: EventSource reconnects on its own. A refused reconnect (401 after sign-out
      // or expiry, a 5xx during a restart) closes it for good: try again later, quietly.
      if (stopped || s.readyState !== CLOSED || reopen !== null) return;
      reopen = timers.setTimeout(() => {
        reopen = null;
        if (!stopped) start();
      }, LIVE_REOPEN_MS);
    });
  };

  start();
  return () => {
    stopped = true;
    if (reopen !== null) timers.clearTimeout(reopen);
    source?.close();
  };
}

/**
 * Keep this tab's queries fresh while signed in. Mount once (AppShell). `scope` (user and
 * workspace) reopens the stream when it changes: a stream belongs to one session workspace.
 */
export function useLiveUpdates(scope: string): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    return connectLiveUpdates(qc);
  }, [qc, scope]);
}
