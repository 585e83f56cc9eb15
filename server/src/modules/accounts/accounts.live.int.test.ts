import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveTopic } from '@shared/live';
import { inTransaction } from '../../lib/tx';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildPair, createPartnerPeople, sessionOf, type PartnerPair, type PartnerPeople } from '../../../test/partner-world';
import { liveChanges, openReadyStream, waitFor, type SseClient } from '../../../test/sse';

/**
 * Live updates from the accounts and members modules (ADR 0010), on a real listening server read
 * as SSE, on PGlite and PostgreSQL: a change to a shared account reaches the host AND every guest
 * workspace that sees it through an active partnership, and nobody else; member changes reach
 * their workspace.
 */
describe('live updates from accounts and members', () => {
  let t: TestApp;
  let port: number;
  let p: PartnerPeople;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await createTestApp({ live: { heartbeatMs: 60_000 } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    p = await createPartnerPeople(t.deps);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await t?.close();
  });

  const stream = async (s: TestSession | null) => {
    const c = await openReadyStream(port, s!);
    open.push(c);
    return c;
  };

  /** Streams for the host, the guest and the unrelated workspace U of a fresh active pair. */
  async function streams(pair: PartnerPair) {
    return {
      host: await stream(await sessionOf(p, pair, 'hostAdmin')),
      guest: await stream(await sessionOf(p, pair, 'guestCollaborator')),
      other: await stream(await sessionOf(p, pair, 'otherAdmin')),
    };
  }

  /**
   * Notifications are delivered in commit order by one listener: once a marker committed AFTER the
   * change reaches a stream, anything the change sent to it has arrived too.
   */
  const since = new Map<SseClient, number>();
  async function flush(...clients: Array<{ c: SseClient; workspaceId: string }>) {
    const before = clients.map(({ c }) => liveChanges(c).length);
    await inTransaction(t.deps.db, (tx) =>
      t.deps.live.publish(tx, { workspaceIds: clients.map((x) => x.workspaceId), topics: ['partnerships'] }),
    );
    await waitFor('the marker', () => clients.every(({ c }, i) => liveChanges(c).length > before[i]!));
    // What arrived since the previous flush, but the marker itself.
    const got = clients.map(({ c }) => liveChanges(c).slice(since.get(c) ?? 0, -1));
    for (const { c } of clients) since.set(c, liveChanges(c).length);
    return got;
  }

  it("a host Owner deleting a shared account tells the guest workspace ('accounts'), not an unrelated one", async () => {
    const pair = await buildPair(p, 'active');
    const s = await streams(pair);
    const owner = await sessionOf(p, pair, 'accountOwner');
    const res = await injectAs(t, owner, { method: 'DELETE', url: `/api/v1/accounts/${pair.sharedAccountId}` });
    expect(res.statusCode).toBe(200);

    const [host, guest, other] = await flush(
      { c: s.host, workspaceId: pair.host.workspaceId },
      { c: s.guest, workspaceId: pair.guest.workspaceId },
      { c: s.other, workspaceId: p.other.workspaceId },
    );
    // The pending access request on it was cancelled: both sides' request lists refresh too.
    const expected: LiveTopic[] = ['accounts', 'activity', 'access-requests'];
    expect(guest).toEqual([expected]);
    expect(host).toEqual([expected]);
    expect(other).toEqual([]);
    // The guest's list, refetched, no longer shows it.
    const list = await injectAs(t, await sessionOf(p, pair, 'guestCollaborator'), { method: 'GET', url: '/api/v1/accounts' });
    expect((list.json() as { items: Array<{ id: string }> }).items.map((a) => a.id)).not.toContain(pair.sharedAccountId);
  });

  it('renaming, restoring and sharing reach the guest; a change to an account not shared with it does not', async () => {
    const pair = await buildPair(p, 'active');
    const s = await streams(pair);
    const owner = await sessionOf(p, pair, 'accountOwner');
    const ws = [
      { c: s.host, workspaceId: pair.host.workspaceId },
      { c: s.guest, workspaceId: pair.guest.workspaceId },
      { c: s.other, workspaceId: p.other.workspaceId },
    ];

    const renamed = await injectAs(t, owner, { method: 'PATCH', url: `/api/v1/accounts/${pair.sharedAccountId}`, payload: { label: 'Renamed' } });
    expect(renamed.statusCode).toBe(200);
    expect(await flush(...ws)).toEqual([[['accounts', 'activity']], [['accounts', 'activity']], []]);

    // Not shared with the guest: the host hears it, the guest does not.
    const notShared = await injectAs(t, owner, { method: 'PATCH', url: `/api/v1/accounts/${pair.shareableAccountId}`, payload: { label: 'Host only' } });
    expect(notShared.statusCode).toBe(200);
    expect(await flush(...ws)).toEqual([[['accounts', 'activity']], [], []]);

    // Direct sharing with a host member, on the shared account: the guest's card (role, members) may change too.
    const shared = await injectAs(t, owner, {
      method: 'POST',
      url: `/api/v1/accounts/${pair.sharedAccountId}/members`,
      payload: { userId: p.people.hostUser.userId, role: 'collaborator' },
    });
    expect(shared.statusCode).toBe(201);
    expect(await flush(...ws)).toEqual([[['accounts', 'activity']], [['accounts', 'activity']], []]);

    const deleted = await injectAs(t, owner, { method: 'DELETE', url: `/api/v1/accounts/${pair.sharedAccountId}` });
    expect(deleted.statusCode).toBe(200);
    await flush(...ws);
    const restored = await injectAs(t, owner, { method: 'POST', url: `/api/v1/accounts/${pair.sharedAccountId}/restore` });
    expect(restored.statusCode).toBe(200);
    expect(await flush(...ws)).toEqual([[['accounts', 'activity']], [['accounts', 'activity']], []]);
  });

  it('a refused change tells nobody', async () => {
    const pair = await buildPair(p, 'active');
    const s = await streams(pair);
    // A guest Manager may not delete the host's account.
    const res = await injectAs(t, await sessionOf(p, pair, 'guestManager'), { method: 'DELETE', url: `/api/v1/accounts/${pair.sharedAccountId}` });
    expectError(res, 403, 'forbidden');
    expect(
      await flush({ c: s.host, workspaceId: pair.host.workspaceId }, { c: s.guest, workspaceId: pair.guest.workspaceId }),
    ).toEqual([[], []]);
  });

  it("an invite tells the workspace's own tabs ('members'), not the partner's", async () => {
    const pair = await buildPair(p, 'active');
    const s = await streams(pair);
    const res = await injectAs(t, await sessionOf(p, pair, 'hostAdmin'), {
      method: 'POST',
      url: '/api/v1/invites',
      payload: { email: `live-${Date.now()}@example.test`, role: 'user' },
    });
    expect(res.statusCode).toBe(201);
    expect(
      await flush({ c: s.host, workspaceId: pair.host.workspaceId }, { c: s.guest, workspaceId: pair.guest.workspaceId }),
    ).toEqual([[['members', 'activity']], []]);
  });

  it("a member's role change and removal tell their workspace; removal refreshes accounts too", async () => {
    const pair = await buildPair(p, 'active');
    const s = await streams(pair);
    const admin = await sessionOf(p, pair, 'hostAdmin');
    const ws = [
      { c: s.host, workspaceId: pair.host.workspaceId },
      { c: s.other, workspaceId: p.other.workspaceId },
    ];
    const changed = await injectAs(t, admin, { method: 'PATCH', url: `/api/v1/members/${p.people.hostUser.userId}`, payload: { role: 'admin' } });
    expect(changed.statusCode).toBe(200);
    expect(await flush(...ws)).toEqual([[['members', 'activity']], []]);

    // accountOwner holds the shared account: removing them revokes grants (ownership moves to the Admin).
    const removed = await injectAs(t, admin, { method: 'DELETE', url: `/api/v1/members/${p.people.accountOwner.userId}` });
    expect(removed.statusCode).toBe(200);
    const [host, other] = await flush(...ws);
    expect(host).toContainEqual(['members', 'activity', 'accounts']);
    expect(other).toEqual([]);
  });
});
