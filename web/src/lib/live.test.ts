import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { LiveTopicSchema } from '@shared/live';
import { connectLiveUpdates, invalidateLiveTopics, LIVE_REOPEN_MS, LIVE_TOPIC_QUERY_KEYS, type LiveEventSource } from './live';

class FakeEventSource implements LiveEventSource {
  readyState = 0;
  closed = false;
  listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data = '') {
    for (const l of this.listeners.get(type) ?? []) l({ data } as MessageEvent<string>);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

/** A client with one cached query per key, all fresh; returns which ones became invalid. */
function clientWith(keys: unknown[][]) {
  const qc = new QueryClient();
  for (const k of keys) qc.setQueryData(k, 'x');
  return { qc, invalidated: () => keys.filter((k) => qc.getQueryState(k)?.isInvalidated).map((k) => JSON.stringify(k)) };
}

const ALL_KEYS = [['accounts', { q: '' }], ['account', 'a1'], ['account', 'a1', 'members'], ['members'], ['activity', {}], ['partnerships', 'list'], ['access-requests', 'incoming'], ['session'], ['workspace']];

describe('live updates (web)', () => {
  it('maps every topic to at least one query key', () => {
    for (const topic of LiveTopicSchema.options) expect(LIVE_TOPIC_QUERY_KEYS[topic].length).toBeGreaterThan(0);
  });

  it('invalidates only the queries of the topics named', () => {
    const { qc, invalidated } = clientWith(ALL_KEYS);
    invalidateLiveTopics(qc, ['accounts']);
    expect(invalidated()).toEqual(['["accounts",{"q":""}]', '["account","a1"]', '["account","a1","members"]']);
    invalidateLiveTopics(qc, ['partnerships', 'access-requests']);
    expect(invalidated()).toContain('["partnerships","list"]');
    expect(invalidated()).toContain('["access-requests","incoming"]');
    expect(invalidated()).not.toContain('["session"]');
    expect(invalidated()).not.toContain('["members"]');
  });

  it('opens /api/v1/live, applies change events, ignores unreadable ones, and closes on cleanup', () => {
    const { qc, invalidated } = clientWith(ALL_KEYS);
    const sources: FakeEventSource[] = [];
    const stop = connectLiveUpdates(qc, (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    });
    expect(sources.map((s) => s.url)).toEqual(['/api/v1/live']);
    sources[0]!.emit('ready', '{}');
    expect(invalidated()).toEqual([]); // the first ready changes nothing
    sources[0]!.emit('change', 'not json');
    sources[0]!.emit('change', '{"topics":["no-such-topic"]}');
    expect(invalidated()).toEqual([]);
    sources[0]!.emit('change', '{"topics":["members"]}');
    expect(invalidated()).toEqual(['["members"]']);
    stop();
    expect(sources[0]!.closed).toBe(true);
  });

  it('after a reconnect, refreshes every topic (changes were missed while down)', () => {
    const { qc, invalidated } = clientWith(ALL_KEYS);
    let source!: FakeEventSource;
    connectLiveUpdates(qc, (url) => (source = new FakeEventSource(url)));
    source.emit('ready');
    source.emit('ready');
    expect(invalidated()).toHaveLength(ALL_KEYS.length - 2); // all but session and workspace
  });

  it('when the browser gives up (e.g. 401), reopens quietly later; not after cleanup', () => {
    const { qc } = clientWith([]);
    const sources: FakeEventSource[] = [];
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timers = { setTimeout: (fn: () => void, ms: number) => pending.push({ fn, ms }), clearTimeout: () => pending.splice(0) };
    const stop = connectLiveUpdates(qc, (url) => (sources[sources.length] = new FakeEventSource(url)), timers);
    sources[0]!.readyState = 0; // CONNECTING: EventSource retries by itself
    sources[0]!.emit('error');
    expect(pending).toHaveLength(0);
    sources[0]!.readyState = 2; // CLOSED
    sources[0]!.emit('error');
    sources[0]!.emit('error');
    expect(pending.map((p) => p.ms)).toEqual([LIVE_REOPEN_MS]);
    pending.shift()!.fn();
    expect(sources).toHaveLength(2);
    sources[1]!.readyState = 2;
    sources[1]!.emit('error');
    stop();
    expect(pending).toHaveLength(0);
    expect(sources[1]!.closed).toBe(true);
  });
});
