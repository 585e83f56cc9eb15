import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessRequests, activityEvents, grants, outbox, partnershipAccounts } from '../../db/schema/index';
import { createTestApp, createWorkspace, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { addAccount } from '../members/test-helpers';
import { buildPartnerWorld, insertActivePartnership } from './test-helpers';

const api = '/api/v1';

describe('sharing accounts through a partnership and guest members', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof buildPartnerWorld>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    w = await buildPartnerWorld(t.deps);
  });

  const share = (s: TestSession, accounts: Array<{ accountId: string; role: 'manager' | 'collaborator' }>, id = w.partnershipId) =>
    injectAs(t, s, { method: 'POST', url: `${api}/partnerships/${id}/accounts`, payload: { accounts } });

  const liveGuestGrants = (accountId: string) =>
    t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.accountId, accountId), eq(grants.sourceKind, 'host_guest_partnership'), isNull(grants.revokedAt)));

  const events = (type: string) =>
    t.deps.db.select().from(activityEvents).where(and(eq(activityEvents.workspaceId, w.host.id), eq(activityEvents.type, type)));

  const mails = (to: string) => t.deps.db.select().from(outbox).where(eq(outbox.toEmail, to));

  it('shares an account: share row, a partnership grant for the guest contact, one event, an email, and the guest can use it', async () => {
    const res = await share(w.partner.session, [{ accountId: w.acc1.id, role: 'manager' }]);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ accountId: w.acc1.id, label: 'Brand Instagram', role: 'manager', memberCount: 1, abilities: { remove: true } });

    const [g, ...more] = await liveGuestGrants(w.acc1.id);
    expect(more).toHaveLength(0);
    expect(g).toMatchObject({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.guest.id,
      userId: w.guestAdmin.user.id,
      role: 'manager',
      sourceId: w.partnershipId,
      grantedBy: w.partner.user.id,
    });
    const ev = await events('Account Shared Via Partnership');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.partnerWorkspaceId).toBe(w.guest.id);
    expect(ev[0]!.data).toMatchObject({ partnershipId: w.partnershipId, role: 'manager', targetEmail: w.guestAdmin.user.email });
    const m = await mails(w.guestAdmin.user.email);
    expect(m).toHaveLength(1);
    expect(m[0]!.subject).toContain('Host Co shared Brand Instagram');

    // The guest contact sees the card, can open it, but cannot reveal, list members or edit.
    const list = await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/accounts` });
    const card = list.json().items.find((a: { id: string }) => a.id === w.acc1.id);
    expect(card).toMatchObject({ hostWorkspaceName: 'Host Co', myRole: 'manager' });
    expect((await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}` })).statusCode).toBe(200);
    expectError(
      await injectAs(t, w.guestAdmin.session, { method: 'POST', url: `${api}/accounts/${w.acc1.id}/reveal`, payload: { field: 'password' } }),
      403,
      'forbidden',
    );
    expectError(await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}/members` }), 403, 'forbidden');
    expectError(
      await injectAs(t, w.guestAdmin.session, { method: 'PATCH', url: `${api}/accounts/${w.acc1.id}`, payload: { label: 'Mine now' } }),
      403,
      'forbidden',
    );
    // The shareable list no longer offers it.
    const shareable = await injectAs(t, w.partner.session, { method: 'GET', url: `${api}/partnerships/${w.partnershipId}/shareable-accounts` });
    expect(shareable.json().items.map((a: { accountId: string }) => a.accountId)).toEqual([w.acc2.id]);
  });

  it('share guards: not active 409, not an Owner 403, unknown 404, already shared 409, no contact 409, guest side 403; nothing changes', async () => {
    const pending = await insertActivePartnership(t.deps, {
      hostWorkspaceId: w.host.id,
      guestWorkspaceId: (await createWorkspace(t.deps)).workspace.id,
      ownerUserId: w.partner.user.id,
      guestContactUserId: null,
      state: 'awaiting_guest_admin',
    });
    const e1 = expectError(await share(w.partner.session, [{ accountId: w.acc1.id, role: 'collaborator' }], pending.id), 409, 'conflict');
    expect(e1.message).toContain('Share accounts is available once');

    // The host Admin may share (ability) but only accounts they OWN (R-HG-09): a Collaborator grant is not enough.
    const own = await addAccount(t.deps, w.host.id, 'Someone else', [
      { userId: w.host.owner.user.id, role: 'owner' },
      { userId: w.hostAdmin.user.id, role: 'collaborator' },
    ]);
    const e2 = expectError(await share(w.hostAdmin.session, [{ accountId: own.id, role: 'collaborator' }]), 403, 'forbidden');
    expect(e2.message).toContain('Someone else');
    // An account the actor cannot see at all is 404, even when listed with one they own.
    expectError(
      await share(w.partner.session, [
        { accountId: w.acc1.id, role: 'collaborator' },
        { accountId: own.id, role: 'collaborator' },
      ]),
      404,
      'not_found',
    );
    expect(await liveGuestGrants(w.acc1.id)).toHaveLength(0);

    expect((await share(w.partner.session, [{ accountId: w.acc1.id, role: 'collaborator' }])).statusCode).toBe(201);
    expectError(await share(w.partner.session, [{ accountId: w.acc1.id, role: 'collaborator' }]), 409, 'conflict');
    // The guest side cannot share.
    expectError(await share(w.guestAdmin.session, [{ accountId: w.acc1.id, role: 'collaborator' }]), 403, 'forbidden');
    // A guest User cannot even see the partnership.
    expectError(await share(w.guestUser.session, [{ accountId: w.acc1.id, role: 'collaborator' }]), 404, 'not_found');
    // Owner role is not a partnership role.
    expect((await share(w.partner.session, [{ accountId: w.acc2.id, role: 'owner' as never }])).statusCode).toBe(400);

    const noContact = await insertActivePartnership(t.deps, {
      hostWorkspaceId: w.host.id,
      guestWorkspaceId: (await createWorkspace(t.deps)).workspace.id,
      ownerUserId: w.partner.user.id,
      guestContactUserId: null,
    });
    expectError(await share(w.partner.session, [{ accountId: w.acc2.id, role: 'collaborator' }], noContact.id), 409, 'conflict');
    expect(await t.deps.db.select().from(partnershipAccounts).where(eq(partnershipAccounts.partnershipId, noContact.id))).toHaveLength(0);
  });

  it('Accounts tab: Partnership Owner sees all, a non-owner host Admin only accounts they can access, the guest Admin all; strangers 404', async () => {
    await share(w.partner.session, [
      { accountId: w.acc1.id, role: 'manager' },
      { accountId: w.acc2.id, role: 'collaborator' },
    ]);
    const tab = (s: TestSession) => injectAs(t, s, { method: 'GET', url: `${api}/partnerships/${w.partnershipId}/accounts` });
    expect((await tab(w.partner.session)).json().items).toHaveLength(2);
    expect((await tab(w.hostAdmin.session)).json().items).toHaveLength(0);
    await addAccount(t.deps, w.host.id, 'x', [{ userId: w.hostAdmin.user.id, role: 'owner' }]);
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.host.id,
      accountId: w.acc2.id,
      userId: w.hostAdmin.user.id,
      role: 'collaborator',
      sourceKind: 'direct',
      sourceId: w.acc2.id,
    });
    const admin = (await tab(w.hostAdmin.session)).json().items;
    expect(admin.map((a: { accountId: string }) => a.accountId)).toEqual([w.acc2.id]);
    const guest = (await tab(w.guestAdmin.session)).json().items;
    expect(guest).toHaveLength(2);
    expect(guest[0].sharedBy).toBeNull();
    expect(guest[0].abilities.remove).toBe(false);
    expectError(await tab(w.guestUser.session), 404, 'not_found');
    expectError(await tab(w.collab.session), 404, 'not_found');
  });

  it('removing an account from the partnership ends its grants, cancels pending requests, one event, the guest gets 404', async () => {
    await share(w.partner.session, [{ accountId: w.acc1.id, role: 'manager' }]);
    const req = await injectAs(t, w.guestAdmin.session, {
      method: 'POST',
      url: `${api}/access-requests`,
      payload: { accountId: w.acc1.id, userIds: [w.guestUser.user.id] },
    });
    expect(req.statusCode).toBe(201);
    // A non-owner host Admin may remove too; a guest Admin may not.
    expectError(
      await injectAs(t, w.guestAdmin.session, { method: 'DELETE', url: `${api}/partnerships/${w.partnershipId}/accounts/${w.acc1.id}` }),
      403,
      'forbidden',
    );
    const del = await injectAs(t, w.partner.session, { method: 'DELETE', url: `${api}/partnerships/${w.partnershipId}/accounts/${w.acc1.id}` });
    expect(del.statusCode).toBe(204);
    expect(await liveGuestGrants(w.acc1.id)).toHaveLength(0);
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.accountId, w.acc1.id));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'account_removed' });
    const ev = await events('Account Removed From Partnership');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({ endedGrants: 1, cancelledRequests: 1 });
    expect((await mails(w.guestAdmin.user.email)).map((m) => m.template)).toContain('partnership.account_removed');
    expectError(await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}` }), 404, 'not_found');
    expectError(
      await injectAs(t, w.partner.session, { method: 'DELETE', url: `${api}/partnerships/${w.partnershipId}/accounts/${w.acc1.id}` }),
      404,
      'not_found',
    );
    // It can be shared again.
    expect((await share(w.partner.session, [{ accountId: w.acc1.id, role: 'collaborator' }])).statusCode).toBe(201);
  });

  it('Members tab and role changes: account Owner only, Login-Only capped at Collaborator, demotion cancels their requests', async () => {
    await share(w.partner.session, [{ accountId: w.acc1.id, role: 'manager' }]);
    const members = async (s: TestSession) =>
      (await injectAs(t, s, { method: 'GET', url: `${api}/partnerships/${w.partnershipId}/members` })).json().items;
    const asOwner = await members(w.partner.session);
    expect(asOwner).toHaveLength(1);
    expect(asOwner[0]).toMatchObject({ userId: w.guestAdmin.user.id, isGuestContact: true });
    expect(asOwner[0].accounts[0]).toMatchObject({ accountId: w.acc1.id, role: 'manager', abilities: { changeRole: true, remove: true } });
    // A host Admin who holds no grant on acc1 sees the guest member, but not the account (R-HG-16)…
    const asAdmin = await members(w.hostAdmin.session);
    expect(asAdmin).toHaveLength(1);
    expect(asAdmin[0]).toMatchObject({ userId: w.guestAdmin.user.id, accounts: [] });
    // …and once they can access it (here: a Collaborator grant), the account and the remove ability appear.
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.host.id,
      accountId: w.acc1.id,
      userId: w.hostAdmin.user.id,
      role: 'collaborator',
      sourceKind: 'direct',
      sourceId: w.acc1.id,
    });
    expect((await members(w.hostAdmin.session))[0].accounts[0].abilities).toEqual({ changeRole: false, remove: true });
    const asGuest = await members(w.guestAdmin.session);
    expect(asGuest[0].accounts[0].abilities).toEqual({ changeRole: false, remove: false });

    // The guest contact asks for access for guestUser; then is demoted: the request is cancelled.
    await injectAs(t, w.guestAdmin.session, { method: 'POST', url: `${api}/access-requests`, payload: { accountId: w.acc1.id, userIds: [w.guestUser.user.id] } });
    const url = `${api}/partnerships/${w.partnershipId}/members/${w.guestAdmin.user.id}/accounts/${w.acc1.id}`;
    expectError(await injectAs(t, w.hostAdmin.session, { method: 'PATCH', url, payload: { role: 'collaborator' } }), 403, 'forbidden');
    expectError(await injectAs(t, w.guestAdmin.session, { method: 'PATCH', url, payload: { role: 'collaborator' } }), 403, 'forbidden');
    const res = await injectAs(t, w.partner.session, { method: 'PATCH', url, payload: { role: 'collaborator' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().accounts[0].role).toBe('collaborator');
    const all = await t.deps.db.select().from(grants).where(and(eq(grants.accountId, w.acc1.id), eq(grants.userId, w.guestAdmin.user.id)));
    expect(all).toHaveLength(2);
    expect(all.filter((g) => g.revokedAt === null).map((g) => g.role)).toEqual(['collaborator']);
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.accountId, w.acc1.id));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'requester_lost_manager' });
    const ev = await events('Account Role Updated');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({ partnershipId: w.partnershipId, fromRole: 'manager', toRole: 'collaborator' });
    expect((await mails(w.guestAdmin.user.email)).map((m) => m.template)).toContain('partnership.member_role_changed');

    // A Login-Only guest member holding access can be Collaborator only.
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.guest.id,
      accountId: w.acc1.id,
      userId: w.guestLogin.user.id,
      role: 'collaborator',
      sourceKind: 'host_guest_partnership',
      sourceId: w.partnershipId,
    });
    const e = expectError(
      await injectAs(t, w.partner.session, {
        method: 'PATCH',
        url: `${api}/partnerships/${w.partnershipId}/members/${w.guestLogin.user.id}/accounts/${w.acc1.id}`,
        payload: { role: 'manager' },
      }),
      422,
      'rule_violation',
    );
    expect(e.message).toContain('Login-Only');
    // No grant through the partnership → 404.
    expectError(
      await injectAs(t, w.partner.session, {
        method: 'PATCH',
        url: `${api}/partnerships/${w.partnershipId}/members/${w.guestUser.user.id}/accounts/${w.acc1.id}`,
        payload: { role: 'manager' },
      }),
      404,
      'not_found',
    );
  });

  it('an account Owner who is not a Partnership Owner may change and remove guest access on THEIR account only (R-HG-14/15)', async () => {
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.host.id,
      accountId: w.acc2.id,
      userId: w.collab.user.id,
      role: 'owner',
      sourceKind: 'direct',
      sourceId: w.acc2.id,
    });
    await share(w.partner.session, [
      { accountId: w.acc1.id, role: 'manager' },
      { accountId: w.acc2.id, role: 'manager' },
    ]);
    const url = (accountId: string) => `${api}/partnerships/${w.partnershipId}/members/${w.guestAdmin.user.id}/accounts/${accountId}`;
    // Not visible to them as a partnership: the tabs answer 404.
    expectError(await injectAs(t, w.collab.session, { method: 'GET', url: `${api}/partnerships/${w.partnershipId}/members` }), 404, 'not_found');
    // acc1: they are only a Collaborator → 404 (the partnership stays invisible to them).
    expectError(await injectAs(t, w.collab.session, { method: 'PATCH', url: url(w.acc1.id), payload: { role: 'collaborator' } }), 404, 'not_found');
    const res = await injectAs(t, w.collab.session, { method: 'PATCH', url: url(w.acc2.id), payload: { role: 'collaborator' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().accounts.map((a: { accountId: string; role: string }) => [a.accountId, a.role])).toEqual([[w.acc2.id, 'collaborator']]);
    expect((await injectAs(t, w.collab.session, { method: 'DELETE', url: url(w.acc2.id) })).statusCode).toBe(204);
    expect(await liveGuestGrants(w.acc2.id)).toHaveLength(0);
    expect(await liveGuestGrants(w.acc1.id)).toHaveLength(1);
  });

  it("removing a guest member's access: host Admin allowed, guest Admin not; the share row stays; event and email", async () => {
    await share(w.partner.session, [{ accountId: w.acc1.id, role: 'manager' }]);
    const url = `${api}/partnerships/${w.partnershipId}/members/${w.guestAdmin.user.id}/accounts/${w.acc1.id}`;
    expectError(await injectAs(t, w.guestAdmin.session, { method: 'DELETE', url }), 403, 'forbidden');
    expectError(await injectAs(t, w.collab.session, { method: 'DELETE', url }), 404, 'not_found');
    expect((await injectAs(t, w.hostAdmin.session, { method: 'DELETE', url })).statusCode).toBe(204);
    expect(await liveGuestGrants(w.acc1.id)).toHaveLength(0);
    expect(
      await t.deps.db.select().from(partnershipAccounts).where(and(eq(partnershipAccounts.accountId, w.acc1.id), isNull(partnershipAccounts.removedAt))),
    ).toHaveLength(1);
    const ev = await events('Account Access Removed');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({ partnershipId: w.partnershipId, role: 'manager' });
    expect((await mails(w.guestAdmin.user.email)).map((m) => m.template)).toContain('partnership.member_access_removed');
    expectError(await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}` }), 404, 'not_found');
    expectError(await injectAs(t, w.hostAdmin.session, { method: 'DELETE', url }), 404, 'not_found');
  });

  it("account Members list shows guest members with sharedVia and the partner's name; deleting the account cancels pending requests", async () => {
    await share(w.partner.session, [{ accountId: w.acc1.id, role: 'manager' }]);
    await injectAs(t, w.guestAdmin.session, { method: 'POST', url: `${api}/access-requests`, payload: { accountId: w.acc1.id, userIds: [w.guestUser.user.id] } });
    const res = await injectAs(t, w.partner.session, { method: 'GET', url: `${api}/accounts/${w.acc1.id}/members` });
    const guest = res.json().items.find((m: { userId: string }) => m.userId === w.guestAdmin.user.id);
    expect(guest).toMatchObject({
      sharedVia: 'host_guest_partnership',
      partnership: { id: w.partnershipId, guestWorkspaceName: 'Guest Agency' },
      role: 'manager',
      abilities: { changeRole: true, remove: true },
    });
    const direct = res.json().items.find((m: { userId: string }) => m.userId === w.collab.user.id);
    expect(direct.partnership).toBeNull();

    expect((await injectAs(t, w.partner.session, { method: 'DELETE', url: `${api}/accounts/${w.acc1.id}` })).statusCode).toBe(200);
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.accountId, w.acc1.id));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'account_deleted' });
    const [ev] = await events('Account Deleted');
    expect(ev!.data).toMatchObject({ cancelledRequests: 1 });
  });
});
