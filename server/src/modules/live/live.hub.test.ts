import { describe, expect, it } from 'vitest';
import type { LiveTopic } from '@shared/live';
import { createLiveHub, LIVE_CHANNEL, type LiveStream } from './live.hub';

const WS_A = '11111111-1111-4111-8111-111111111111';
const WS_B = '22222222-2222-4222-8222-222222222222';

/** A database whose listen() hands the test the notification callback. */
function fakeDatabase() {
  const state = { notify: null as ((payload: string) => void) | null, channel: '', listens: 0, unlistens: 0, failNext: false };
  return {
    state,
    database: {
      listen: async (channel: string, onNotify: (payload: string) => void) => {
        state.listens += 1;
        if (state.failNext) {
          state.failNext = false;
          throw new Error('database down');
        }
        state.channel = channel;
        state.notify = onNotify;
        return async () => {
          state.unlistens += 1;
        };
      },
    },
  };
}

function fakeStream(workspaceId: string, userId: string) {
  const got: LiveTopic[][] = [];
  const closed: string[] = [];
  const stream: LiveStream = { workspaceId, userId, send: (t) => got.push(t), close: (r) => closed.push(r) };
  return { stream, got, closed };
}

describe('live hub', () => {
  it('listens once on latchkey_live and fans a notification out to the listed workspaces only', async () => {
    const { database, state } = fakeDatabase();
    const hub = createLiveHub(database);
    await hub.ensureListening();
    await hub.ensureListening();
    expect(state.listens).toBe(1);
    expect(state.channel).toBe(LIVE_CHANNEL);
    const a = fakeStream(WS_A, 'u1');
    const b = fakeStream(WS_B, 'u2');
    hub.attach(a.stream);
    hub.attach(b.stream);
    state.notify!(JSON.stringify({ w: [WS_A], t: ['accounts', 'members'] }));
    expect(a.got).toEqual([['accounts', 'members']]);
    expect(b.got).toEqual([]);
  });

  it('ignores unreadable notifications and topics it does not know, and reports them', async () => {
    const { database, state } = fakeDatabase();
    const errors: string[] = [];
    const hub = createLiveHub(database, { onError: (_e, what) => errors.push(what) });
    await hub.ensureListening();
    const a = fakeStream(WS_A, 'u1');
    hub.attach(a.stream);
    state.notify!('not json');
    state.notify!(JSON.stringify({ w: ['not-a-uuid'], t: ['accounts'] }));
    state.notify!(JSON.stringify({ w: [WS_A], t: ['from-a-newer-build'] }));
    state.notify!(JSON.stringify({ w: [WS_A], t: ['from-a-newer-build', 'activity'] }));
    expect(a.got).toEqual([['activity']]);
    expect(errors).toEqual(['unreadable live notification', 'unreadable live notification']);
  });

  it('keeps at most maxStreamsPerUser streams per user, closing the oldest first', () => {
    const hub = createLiveHub(fakeDatabase().database, { maxStreamsPerUser: 2 });
    const s1 = fakeStream(WS_A, 'u1');
    const s2 = fakeStream(WS_A, 'u1');
    const s3 = fakeStream(WS_B, 'u1');
    const other = fakeStream(WS_A, 'u2');
    hub.attach(s1.stream);
    hub.attach(s2.stream);
    hub.attach(other.stream);
    expect(s1.closed).toEqual([]);
    hub.attach(s3.stream);
    expect(s1.closed).toEqual(['evicted']);
    expect(s2.closed).toEqual([]);
    expect(hub.streamCount('u1')).toBe(2);
    expect(hub.streamCount('u2')).toBe(1);
    expect(hub.streamCount()).toBe(3);
  });

  it('forgets a detached stream', async () => {
    const { database, state } = fakeDatabase();
    const hub = createLiveHub(database);
    await hub.ensureListening();
    const a = fakeStream(WS_A, 'u1');
    const detach = hub.attach(a.stream);
    detach();
    state.notify!(JSON.stringify({ w: [WS_A], t: ['accounts'] }));
    expect(a.got).toEqual([]);
    expect(hub.streamCount()).toBe(0);
  });

  it('retries a listener that failed to start, and closes streams and the listener on close', async () => {
    const { database, state } = fakeDatabase();
    const hub = createLiveHub(database);
    state.failNext = true;
    await expect(hub.ensureListening()).rejects.toThrow('database down');
    await hub.ensureListening();
    expect(state.listens).toBe(2);
    const a = fakeStream(WS_A, 'u1');
    hub.attach(a.stream);
    await hub.close();
    expect(a.closed).toEqual(['shutdown']);
    expect(state.unlistens).toBe(1);
    expect(hub.streamCount()).toBe(0);
    await expect(hub.ensureListening()).rejects.toThrow('closed');
  });

  it('publish sends nothing for no workspaces or no topics, and refuses an unknown topic', async () => {
    const hub = createLiveHub(fakeDatabase().database);
    const executed: unknown[] = [];
    const tx = { execute: async (q: unknown) => executed.push(q) } as never;
    await hub.publish(tx, { workspaceIds: [], topics: ['accounts'] });
    await hub.publish(tx, { workspaceIds: [WS_A], topics: [] });
    expect(executed).toHaveLength(0);
    await expect(hub.publish(tx, { workspaceIds: [WS_A], topics: ['nope' as LiveTopic] })).rejects.toThrow();
    expect(executed).toHaveLength(0);
    await hub.publish(tx, { workspaceIds: Array.from({ length: 150 }, (_, i) => `${i}`), topics: ['accounts'] });
    expect(executed).toHaveLength(2); // 100 workspaces per notification
  });
});
