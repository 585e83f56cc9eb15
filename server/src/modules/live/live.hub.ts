import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { LiveTopicSchema, type LiveTopic } from '@shared/live';
import type { Database, Db } from '../../db/client';

/** The one PostgreSQL notification channel for live updates. */
export const LIVE_CHANNEL = 'latchkey_live';
/** pg_notify payloads must stay under 8000 bytes: at most this many workspace ids per notification. */
const WORKSPACES_PER_NOTIFY = 100;

export interface LiveChange {
  /** Workspaces whose open streams should hear about it (e.g. host and guest of a partnership). */
  workspaceIds: string[];
  /** What changed; never ids or names (ADR 0010). */
  topics: LiveTopic[];
}

/** One open stream, as the hub sees it. */
export interface LiveStream {
  workspaceId: string;
  userId: string;
  /** Deliver a change (the stream writes `event: change`). */
  send(topics: LiveTopic[]): void;
  /** Close the stream (evicted by the per-user cap, or the app is closing). */
  close(reason: 'evicted' | 'shutdown'): void;
}

export interface LiveHubOptions {
  /** Comment heartbeat and session re-check interval of each stream (default 20 s). */
  heartbeatMs?: number;
  /** Open streams per user; opening one more closes the user's oldest (default 5). */
  maxStreamsPerUser?: number;
  /** Where listener problems are reported (the app's logger in production). */
  onError?: (err: unknown, what: string) => void;
}

export interface LiveHub {
  readonly heartbeatMs: number;
  readonly maxStreamsPerUser: number;
  /**
   * Tell the open streams of these workspaces that `topics` changed. Runs pg_notify INSIDE `tx`:
   * PostgreSQL (and PGlite) deliver it only if that transaction commits, so a rolled-back change
   * notifies nobody. Call it with the same `tx` as the change itself.
   */
  publish(tx: Db, change: LiveChange): Promise<void>;
  /** Start the process's single LISTEN (idempotent); streams await it before saying `ready`. */
  ensureListening(): Promise<void>;
  /** Register an open stream; returns its unregister function. Evicts the user's oldest streams beyond the cap. */
  attach(stream: LiveStream): () => void;
  /** Open streams (for tests and diagnostics). */
  streamCount(userId?: string): number;
  /** Close every stream and stop listening. */
  close(): Promise<void>;
}

const NotificationSchema = z.object({ w: z.array(z.uuid()).max(WORKSPACES_PER_NOTIFY), t: z.array(z.string().max(40)).max(20) });

export function createLiveHub(database: Pick<Database, 'listen'>, opts: LiveHubOptions = {}): LiveHub {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const maxStreamsPerUser = opts.maxStreamsPerUser ?? 5;
  const onError = opts.onError ?? (() => undefined);
  /** workspace id → its open streams. */
  const byWorkspace = new Map<string, Set<LiveStream>>();
  /** user id → their open streams, oldest first. */
  const byUser = new Map<string, LiveStream[]>();
  let listening: Promise<() => Promise<void>> | null = null;
  let closed = false;

  function deliver(payload: string): void {
    let parsed: z.infer<typeof NotificationSchema>;
    try {
      parsed = NotificationSchema.parse(JSON.parse(payload));
    } catch (err) {
      onError(err, 'unreadable live notification');
      return;
    }
    // Topics this build does not know (a newer process during a rolling deploy) are dropped.
    const topics = parsed.t.filter((t): t is LiveTopic => LiveTopicSchema.safeParse(t).success);
    if (topics.length === 0) return;
    for (const workspaceId of new Set(parsed.w)) {
      for (const stream of byWorkspace.get(workspaceId) ?? []) {
        try {
          stream.send(topics);
        } catch (err) {
          onError(err, 'live stream send failed');
        }
      }
    }
  }

  function broadcastAll(): void {
    for (const list of byUser.values()) {
      for (const stream of list) {
        try {
          stream.send([...LiveTopicSchema.options]);
        } catch (err) {
          onError(err, 'live stream send failed');
        }
      }
    }
  }

  function detach(stream: LiveStream): void {
    const ws = byWorkspace.get(stream.workspaceId);
    if (ws) {
      ws.delete(stream);
      if (ws.size === 0) byWorkspace.delete(stream.workspaceId);
    }
    const list = byUser.get(stream.userId);
    if (list) {
      const i = list.indexOf(stream);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) byUser.delete(stream.userId);
    }
  }

  return {
    heartbeatMs,
    maxStreamsPerUser,

    async publish(tx, change) {
      const workspaceIds = [...new Set(change.workspaceIds)];
      const topics = [...new Set(change.topics.map((t) => LiveTopicSchema.parse(t)))];
      if (workspaceIds.length === 0 || topics.length === 0) return;
      for (let i = 0; i < workspaceIds.length; i += WORKSPACES_PER_NOTIFY) {
        const payload = JSON.stringify({ w: workspaceIds.slice(i, i + WORKSPACES_PER_NOTIFY), t: topics });
        await tx.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`);
      }
    },

    async ensureListening() {
      if (closed) throw new Error('The live hub is closed.');
      if (!listening) {
        listening = database.listen(LIVE_CHANNEL, deliver, {
          // Changes committed while the listener was down were not heard: tell every stream that
          // anything may have changed, so the tabs refetch once.
          onReconnect: () => broadcastAll(),
          onError: (err) => onError(err, 'live listener connection lost'),
        });
        // A failed start (database down) is retried by the next stream instead of being cached.
        listening.catch((err: unknown) => {
          onError(err, 'live listener failed to start');
          listening = null;
        });
      }
      await listening;
    },

    attach(stream) {
      if (closed) {
        stream.close('shutdown');
        return () => undefined;
      }
      let ws = byWorkspace.get(stream.workspaceId);
      if (!ws) byWorkspace.set(stream.workspaceId, (ws = new Set()));
      ws.add(stream);
      let list = byUser.get(stream.userId);
      if (!list) byUser.set(stream.userId, (list = []));
      list.push(stream);
      while (list.length > maxStreamsPerUser) {
        const oldest = list[0]!;
        detach(oldest);
        oldest.close('evicted');
      }
      return () => detach(stream);
    },

    streamCount(userId) {
      if (userId !== undefined) return byUser.get(userId)?.length ?? 0;
      let n = 0;
      for (const list of byUser.values()) n += list.length;
      return n;
    },

    async close() {
      closed = true;
      for (const list of [...byUser.values()]) {
        for (const stream of [...list]) {
          detach(stream);
          stream.close('shutdown');
        }
      }
      const l = listening;
      listening = null;
      if (l) {
        const unlisten = await l.catch(() => null);
        if (unlisten) await unlisten();
      }
    },
  };
}
