import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePairingResponse, RedeemFillTicketResponse } from '@shared/devices';
import { activityEvents, users } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, sessionFor, type TestApp } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { buildPair, createPartnerPeople, sessionOf } from '../../../test/partner-world';
import { asDevice, pairDevice, startPairing } from './test-helpers';

let t: TestApp;
let lp: LocalPartnerWorld;

beforeAll(async () => {
  t = await createTestApp();
  lp = await buildLocalPartnerWorld(t.deps);
});
afterAll(async () => t?.close());

async function logIn(token: string, accountId: string) {
  const tk = await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId } });
  if (tk.statusCode !== 201) return tk;
  const { ticket } = tk.json() as { ticket: string };
  return asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets/redeem', payload: { ticket, origin: 'https://www.instagram.com' } });
}

describe('guests log in without seeing the password (R-HG-19)', () => {
  it('a guest without MFA may not pair (403 mfa_enrolment_required)', async () => {
    const p = (await startPairing(t)).json() as CreatePairingResponse;
    expectError(
      await injectAs(t, lp.sessions.guestBeforeMfa, { method: 'POST', url: `/api/v1/devices/pairings/${p.userCode}/approve` }),
      403,
      'mfa_enrolment_required',
    );
  });

  it('a guest who loses MFA after pairing may not log in (403 mfa_enrolment_required)', async () => {
    const guest = await lp.newGuest('guest_user');
    const s = await sessionFor(t.deps, guest.userId, lp.workspaceId);
    const { token } = await pairDevice(t, s);
    await t.deps.db.update(users).set({ mfaEnabledAt: null }).where(eq(users.id, guest.userId));
    expectError(await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: lp.sharedAccountId } }), 403, 'mfa_enrolment_required');
    expectError(await asDevice(t, token, { method: 'GET', url: '/api/v1/device/accounts' }), 403, 'mfa_enrolment_required');
  });

  it('a local-partner Guest User (Collaborator through the partner) logs in', async () => {
    const { token } = await pairDevice(t, lp.sessions.guestUser);
    const res = await logIn(token, lp.sharedAccountId);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as RedeemFillTicketResponse).username).toBe('brand.social');
    // The account not shared with the partner is not theirs to log in to.
    expectError(await logIn(token, lp.unsharedAccountId), 404, 'not_found');
  });

  it('a Guest Admin (Manager through the partner) logs in', async () => {
    const { token } = await pairDevice(t, lp.sessions.guestAdmin);
    expect((await logIn(token, lp.sharedAccountId)).statusCode).toBe(200);
  });

  it('a guest Collaborator of a host-guest partnership logs in to the host’s account; the host sees it, and a refused attempt too', async () => {
    const people = await createPartnerPeople(t.deps);
    const pair = await buildPair(people, 'active');
    const s = (await sessionOf(people, pair, 'guestCollaborator'))!;
    const { token, deviceId } = await pairDevice(t, s);
    const res = await logIn(token, pair.sharedAccountId!);
    expect(res.statusCode, res.body).toBe(200);
    const [ev] = await t.deps.db.select().from(activityEvents).where(eq(activityEvents.type, 'Log in')).then((xs) => xs.filter((x) => (x.data as { deviceId: string }).deviceId === deviceId));
    expect(ev!.workspaceId).toBe(pair.host.workspaceId);
    expect(ev!.partnerWorkspaceId).toBe(pair.guest.workspaceId);
    // A refused attempt on the host's account is the host's to see too, like the Log in.
    const tk = await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: pair.sharedAccountId! } });
    const { ticket } = tk.json() as { ticket: string };
    expectError(
      await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets/redeem', payload: { ticket, origin: 'https://evil.example' } }),
      403,
      'ticket_origin_mismatch',
    );
    const attempts = await t.deps.db
      .select()
      .from(activityEvents)
      .where(eq(activityEvents.type, 'Login attempt'))
      .then((xs) => xs.filter((x) => (x.data as { deviceId: string }).deviceId === deviceId));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.workspaceId).toBe(pair.host.workspaceId);
    expect(attempts[0]!.partnerWorkspaceId).toBe(pair.guest.workspaceId);
    expect(attempts[0]!.accountId).toBe(pair.sharedAccountId);
    // A guest member without a grant gets nothing.
    const other = (await sessionOf(people, pair, 'guestMember'))!;
    const dev = await pairDevice(t, other);
    expectError(await logIn(dev.token, pair.sharedAccountId!), 404, 'not_found');
  });
});
