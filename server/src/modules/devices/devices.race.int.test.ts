import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePairingResponse } from '@shared/devices';
import { activityEvents, devices, fillTickets } from '../../db/schema/index';
import { TEST_PG_URL } from '../../../test/database';
import { createTestApp, injectAs, sessionFor, type TestApp } from '../../../test/harness';
import { buildWorld, insertAccount, type World } from '../../../test/world';
import { asDevice, insertDevices, pairDevice, pollToken, startPairing } from './test-helpers';

/** Races that only a real PostgreSQL can show (row locks across connections). */
describe.runIf(TEST_PG_URL)('devices: races on PostgreSQL', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await createTestApp();
    w = await buildWorld(t.deps);
  });
  afterAll(async () => t?.close());

  it('20 parallel redemptions of one ticket: exactly one succeeds, the rest are ticket_used', async () => {
    const acc = await insertAccount(t.deps, w.a.workspaceId, w.users.user.userId, [w.users.collaborator.userId], { password: 'race-pw-123' });
    const { token } = await pairDevice(t, w.sessions.collaborator);
    const tk = await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: acc.id } });
    const { ticket, ticketId } = tk.json() as { ticket: string; ticketId: string };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets/redeem', payload: { ticket, origin: 'https://www.instagram.com' }, ip: `198.18.0.${i + 1}` }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.statusCode === 409)) expect((r.json() as { error: { code: string } }).error.code).toBe('ticket_used');
    const logins = await t.deps.db.select().from(activityEvents).where(and(eq(activityEvents.type, 'Log in'), eq(activityEvents.accountId, acc.id)));
    expect(logins).toHaveLength(1);
    const [row] = await t.deps.db.select().from(fillTickets).where(eq(fillTickets.id, ticketId));
    expect(row!.usedAt).not.toBeNull();
  });

  it('two approvals racing for the 20th slot: exactly one device is created', async () => {
    const m = await w.newMember('user');
    const s = await sessionFor(t.deps, m.userId, w.a.workspaceId);
    await insertDevices(t, m.userId, w.a.workspaceId, 19);
    const ps = await Promise.all([startPairing(t), startPairing(t)]).then((rs) => rs.map((r) => r.json() as CreatePairingResponse));
    const res = await Promise.all(ps.map((p) => injectAs(t, s, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` })));
    expect(res.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const active = await t.deps.db.select().from(devices).where(and(eq(devices.userId, m.userId), isNull(devices.revokedAt)));
    expect(active).toHaveLength(20);
  });

  it('parallel polls of an approved pairing deliver the token once', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    await injectAs(t, w.sessions.loginOnly, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` });
    const polls = await Promise.all(Array.from({ length: 8 }, () => pollToken(t, p.pairingId, p.pollSecret)));
    expect(polls.map((r) => r.statusCode).sort()).toEqual([200, 410, 410, 410, 410, 410, 410, 410]);
  });
});
