import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTopicSchema, type LiveTopic } from '@shared/live';
import { memberships } from '../../db/schema/index';
import { inTransaction } from '../../lib/tx';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { openLiveStream, waitFor, type SseClient } from '../../../test/sse';
import { insertMember } from '../../../test/world';
import { LIVE_CHANNEL } from './live.hub';

/**
 * Live updates end to end on a real listening server (SSE read with node:http), on PGlite and on
 * PostgreSQL: pg_notify inside the transaction, the listener, the fan-out by workspace and the
 * stream's own life (heartbeat re-check, per-user cap, disconnect).
 */

const HEARTBEAT_MS = 150;

const changes = (c: SseClient) => c.events.filter((e) => e.event === 'change').map((e) => JSON.parse(e.data) as { topics: LiveTopic[] });
const ready = (c: SseClient) => waitFor('ready', () => c.events.some((e) => e.event === 'ready'));

describe('live updates (GET /api/v1/live)', () => {
  let t: TestApp;
  let port: number;
  let a: { workspaceId: string; ownerId: string };
  let b: { workspaceId: string; ownerId: string };
  const open: SseClient[] = [];
  const stream = async (session: TestSession | null) => {
    const c = await openLiveStream(port, session);
    open.push(c);
    return c;
  };
  const publish = (workspaceIds: string[], topics: LiveTopic[]) =>
    inTransaction(t.deps.db, (tx) => t.deps.live.publish(tx, { workspaceIds, topics }));

  beforeAll(async () => {
    t = await createTestApp({ live: { heartbeatMs: HEARTBEAT_MS } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    const wa = await createWorkspace(t.deps);
    const wb = await createWorkspace(t.deps);
    a = { workspaceId: wa.workspace.id, ownerId: wa.owner.id };
    b = { workspaceId: wb.workspace.id, ownerId: wb.owner.id };
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await t?.close();
  });

  it('delivers a NOTIFY sent inside a transaction on commit, and never on rollback (the driver itself)', async () => {
    const got: string[] = [];
    const unlisten = await t.database.listen(LIVE_CHANNEL, (p) => got.push(p));
    try {
      await expect(
        inTransaction(t.deps.db, async (tx) => {
          await t.deps.live.publish(tx, { workspaceIds: [a.workspaceId], topics: ['members'] });
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await inTransaction(t.deps.db, async (tx) => {
        await t.deps.live.publish(tx, { workspaceIds: [a.workspaceId], topics: ['accounts'] });
        // Not before the commit.
        await new Promise((r) => setTimeout(r, 50));
        expect(got).toEqual([]);
      });
      await waitFor('the committed notification', () => got.length > 0);
      // Give a stray rolled-back notification every chance to show up after the committed one.
      await publish([a.workspaceId], ['activity']);
      await waitFor('the second notification', () => got.length >= 2);
      expect(got.map((p) => JSON.parse(p) as unknown)).toEqual([
        { w: [a.workspaceId], t: ['accounts'] },
        { w: [a.workspaceId], t: ['activity'] },
      ]);
    } finally {
      await unlisten();
    }
  });

  it('refuses an anonymous caller with 401 and the JSON error body', async () => {
    const res = await injectAs(t, null, { method: 'GET', url: '/api/v1/live' });
    expectError(res, 401, 'unauthenticated');
    expect(res.headers['content-type']).toContain('application/json');
    const c = await stream(null);
    expect(c.status).toBe(401);
    await waitFor('end', () => c.ended);
    expect(JSON.parse(c.body)).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('streams retry, ready, then the committed changes of its own workspace only', async () => {
    const sa = await sessionFor(t.deps, a.ownerId, a.workspaceId);
    const sb = await sessionFor(t.deps, b.ownerId, b.workspaceId);
    const ca = await stream(sa);
    const cb = await stream(sb);
    expect(ca.status).toBe(200);
    expect(ca.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(ca.headers['cache-control']).toBe('no-store');
    expect(ca.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ca.headers['x-content-type-options']).toBe('nosniff'); // helmet's headers survive the hijack
    expect(ca.headers['content-encoding']).toBeUndefined();
    await ready(ca);
    await ready(cb);
    expect(ca.retry).toBe(5000);
    expect(ca.body.startsWith('retry: 5000\n\nevent: ready\n')).toBe(true);

    // Rolled back: nobody hears it.
    await expect(
      inTransaction(t.deps.db, async (tx) => {
        await t.deps.live.publish(tx, { workspaceIds: [a.workspaceId, b.workspaceId], topics: ['partnerships'] });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Committed, for A only.
    await publish([a.workspaceId], ['accounts', 'activity']);
    await waitFor('A hears its change', () => changes(ca).length >= 1);
    // A marker for B, sent after A's change: when it arrives, anything meant for B has arrived too.
    await publish([b.workspaceId], ['members']);
    await waitFor('B hears its marker', () => changes(cb).length >= 1);
    await publish([a.workspaceId], ['members']);
    await waitFor('A hears its marker', () => changes(ca).length >= 2);

    expect(changes(ca)).toEqual([{ topics: ['accounts', 'activity'] }, { topics: ['members'] }]);
    expect(changes(cb)).toEqual([{ topics: ['members'] }]);
    // Nothing but topics on the wire.
    expect(ca.body).not.toContain(a.workspaceId);
  });

  it('sends one change to both sides when a change names both workspaces', async () => {
    const ca = await stream(await sessionFor(t.deps, a.ownerId, a.workspaceId));
    const cb = await stream(await sessionFor(t.deps, b.ownerId, b.workspaceId));
    await ready(ca);
    await ready(cb);
    await publish([a.workspaceId, b.workspaceId, a.workspaceId], ['partnerships', 'access-requests', 'partnerships']);
    await waitFor('both sides', () => changes(ca).length === 1 && changes(cb).length === 1);
    expect(changes(ca)).toEqual([{ topics: ['partnerships', 'access-requests'] }]);
    expect(changes(cb)).toEqual([{ topics: ['partnerships', 'access-requests'] }]);
  });

  it('reaches a workspace listed after the first 100 (payloads are split below the 8000-byte limit)', async () => {
    const c = await stream(await sessionFor(t.deps, b.ownerId, b.workspaceId));
    await ready(c);
    const many = Array.from({ length: 150 }, () => crypto.randomUUID());
    await publish([...many, b.workspaceId], ['activity']);
    await waitFor('the change', () => changes(c).length === 1);
    expect(changes(c)).toEqual([{ topics: ['activity'] }]);
  });

  it('sends a heartbeat comment and closes the stream at the next heartbeat once the session ends', async () => {
    const m = await insertMember(t.deps, a.workspaceId, 'user');
    const s = await sessionFor(t.deps, m.userId, a.workspaceId);
    const c = await stream(s);
    await ready(c);
    await waitFor('a heartbeat', () => c.comments.includes('ping'));
    expect(c.ended).toBe(false);
    const out = await injectAs(t, s, { method: 'POST', url: '/api/v1/auth/logout', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(out.statusCode).toBe(204);
    await waitFor('the stream to close', () => c.ended, HEARTBEAT_MS * 10);
    expect(t.deps.live.streamCount(m.userId)).toBe(0);
  });

  it('closes the stream once the membership is removed, even while the session row is live', async () => {
    const m = await insertMember(t.deps, a.workspaceId, 'user');
    const s = await sessionFor(t.deps, m.userId, a.workspaceId);
    const c = await stream(s);
    await ready(c);
    await t.deps.db
      .update(memberships)
      .set({ status: 'removed', removedAt: new Date() })
      .where(and(eq(memberships.workspaceId, a.workspaceId), eq(memberships.userId, m.userId)));
    await waitFor('the stream to close', () => c.ended, HEARTBEAT_MS * 10);
    expect(t.deps.live.streamCount(m.userId)).toBe(0);
  });

  it('keeps at most 5 streams per user: the sixth closes the oldest', async () => {
    const m = await insertMember(t.deps, b.workspaceId, 'user');
    const clients: SseClient[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await stream(await sessionFor(t.deps, m.userId, b.workspaceId));
      await ready(c);
      clients.push(c);
    }
    await waitFor('the oldest to close', () => clients[0]!.ended);
    expect(clients.slice(1).every((c) => !c.ended)).toBe(true);
    expect(t.deps.live.streamCount(m.userId)).toBe(5);
    // The survivors still hear changes.
    await publish([b.workspaceId], ['accounts']);
    await waitFor('the survivors hear it', () => clients.slice(1).every((c) => changes(c).length === 1));
    expect(changes(clients[0]!)).toEqual([]);
  });

  it('forgets a stream when the client disconnects', async () => {
    const m = await insertMember(t.deps, a.workspaceId, 'admin');
    const c = await stream(await sessionFor(t.deps, m.userId, a.workspaceId));
    await ready(c);
    expect(t.deps.live.streamCount(m.userId)).toBe(1);
    c.close();
    await waitFor('the hub to forget it', () => t.deps.live.streamCount(m.userId) === 0);
  });
});

describe('live updates: app close', () => {
  it('ends open streams so app.close() does not hang', async () => {
    const t = await createTestApp({ live: { heartbeatMs: 60_000 } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    const { workspace, owner } = await createWorkspace(t.deps);
    const c = await openLiveStream(port, await sessionFor(t.deps, owner.id, workspace.id));
    await ready(c);
    await t.close();
    await waitFor('the stream to end', () => c.ended);
  });
});

describe.runIf(TEST_PG_URL)('live updates: the PostgreSQL listener', () => {
  it('reconnects after its connection is killed, tells every stream to refetch, and hears later changes', async () => {
    const t = await createTestApp({ live: { heartbeatMs: 60_000 } });
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (t.app.server.address() as AddressInfo).port;
      const { workspace, owner } = await createWorkspace(t.deps);
      const c = await openLiveStream(port, await sessionFor(t.deps, owner.id, workspace.id));
      await ready(c);

      // Kill the listener's connection from another session, as a server restart or a proxy would.
      const admin = new pg.Client({ connectionString: t.database.url });
      await admin.connect();
      try {
        const killed = await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and query = $1`,
          [`LISTEN ${LIVE_CHANNEL}`],
        );
        expect(killed.rows[0]!.n).toBe(1);
      } finally {
        await admin.end();
      }

      // After the reconnect: one "everything may have changed" message ...
      await waitFor('the resync after reconnect', () => changes(c).length === 1, 10_000);
      expect(changes(c)[0]!.topics.slice().sort()).toEqual([...LiveTopicSchema.options].sort());
      // ... and changes are heard again.
      await inTransaction(t.deps.db, (tx) => t.deps.live.publish(tx, { workspaceIds: [workspace.id], topics: ['accounts'] }));
      await waitFor('a change after reconnect', () => changes(c).length === 2);
      expect(changes(c)[1]).toEqual({ topics: ['accounts'] });
      c.close();
    } finally {
      await t.close();
    }
  });
});
