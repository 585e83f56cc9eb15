import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessRequests, activityEvents, grants, memberships, outbox, partnerships } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { addAccount, addMember } from '../members/test-helpers';
import { buildPartnerWorld } from './test-helpers';

const api = '/api/v1';

describe('access requests', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof buildPartnerWorld>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    w = await buildPartnerWorld(t.deps);
    // The guest contact is Manager on acc1, Collaborator on acc2; a second host Owner on acc1.
    const res = await injectAs(t, w.partner.session, {
      method: 'POST',
      url: `${api}/partnerships/${w.partnershipId}/accounts`,
      payload: {
        accounts: [
          { accountId: w.acc1.id, role: 'manager' },
          { accountId: w.acc2.id, role: 'collaborator' },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.host.id,
      accountId: w.acc1.id,
      userId: w.host.owner.user.id,
      role: 'owner',
      sourceKind: 'direct',
      sourceId: w.acc1.id,
    });
  });

  const request = (s: TestSession, payload: Record<string, unknown>) => injectAs(t, s, { method: 'POST', url: `${api}/access-requests`, payload });
  const decide = (s: TestSession, id: string, action: 'accept' | 'decline' | 'cancel') =>
    injectAs(t, s, { method: 'POST', url: `${api}/access-requests/${id}/${action}` });
  const list = async (s: TestSession, query = '') => (await injectAs(t, s, { method: 'GET', url: `${api}/access-requests${query}` })).json().items;
  const events = (type: string) =>
    t.deps.db.select().from(activityEvents).where(and(eq(activityEvents.workspaceId, w.host.id), eq(activityEvents.type, type)));
  const mailsTo = (to: string, template: string) =>
    t.deps.db.select().from(outbox).where(and(eq(outbox.toEmail, to), eq(outbox.template, template)));
  const textOf = async (m: { bodySealed: string }) =>
    (JSON.parse(await t.deps.vault.openSystem(t.deps.db, 'outbox.body', m.bodySealed)) as { text: string }).text;

  it('request → one row and one event per target, every host Owner emailed → accept → the target sees the card', async () => {
    const res = await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id, w.guestLogin.user.id] });
    expect(res.statusCode).toBe(201);
    const items = res.json().items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ status: 'pending', role: 'collaborator', partnerName: 'Host Co', abilities: { accept: false, decline: false, cancel: true } });
    expect(await events('Access Requested')).toHaveLength(2);
    for (const owner of [w.partner.user.email, w.host.owner.user.email]) {
      expect(await mailsTo(owner, 'access_request.requested')).toHaveLength(2);
    }
    // The collaborator on acc1 is not an Owner: no email.
    expect(await mailsTo(w.collab.user.email, 'access_request.requested')).toHaveLength(0);

    // Host views: the account Owner can decide; the host Admin reads only; the Collaborator sees nothing.
    const asOwner = await list(w.partner.session, `?accountId=${w.acc1.id}&status=pending`);
    expect(asOwner).toHaveLength(2);
    expect(asOwner[0]).toMatchObject({ partnerName: 'Guest Agency', abilities: { accept: true, decline: true, cancel: false } });
    const asAdmin = await list(w.hostAdmin.session);
    expect(asAdmin).toHaveLength(2);
    expect(asAdmin[0].abilities).toEqual({ accept: false, decline: false, cancel: false });
    expect(await list(w.collab.session)).toHaveLength(0);
    // Guest views: the target sees theirs; another guest User nothing.
    expect((await list(w.guestUser.session)).map((r: { target: { userId: string } }) => r.target.userId)).toEqual([w.guestUser.user.id]);
    expect(await list(w.guestUser2.session)).toHaveLength(0);

    const id = items.find((r: { target: { userId: string } }) => r.target.userId === w.guestUser.user.id).id;
    expectError(await decide(w.hostAdmin.session, id, 'accept'), 403, 'forbidden');
    expectError(await decide(w.guestAdmin.session, id, 'accept'), 403, 'forbidden');
    expectError(await decide(w.guestUser2.session, id, 'accept'), 404, 'not_found');
    const acc = await decide(w.partner.session, id, 'accept');
    expect(acc.statusCode).toBe(200);
    expect(acc.json()).toMatchObject({ status: 'accepted', decidedBy: { userId: w.partner.user.id } });
    const [g] = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.userId, w.guestUser.user.id), eq(grants.accountId, w.acc1.id), isNull(grants.revokedAt)));
    expect(g).toMatchObject({ workspaceId: w.host.id, subjectWorkspaceId: w.guest.id, sourceKind: 'host_guest_partnership', sourceId: w.partnershipId, role: 'collaborator', grantedBy: w.partner.user.id });
    const cards = (await injectAs(t, w.guestUser.session, { method: 'GET', url: `${api}/accounts` })).json().items;
    expect(cards.map((c: { id: string; hostWorkspaceName: string }) => [c.id, c.hostWorkspaceName])).toEqual([[w.acc1.id, 'Host Co']]);
    expect((await events('Access Request Accepted'))[0]!.data).toMatchObject({ partnershipId: w.partnershipId, role: 'collaborator' });
    expect(await mailsTo(w.guestAdmin.user.email, 'access_request.accepted')).toHaveLength(1);
    const targetMail = await mailsTo(w.guestUser.user.email, 'access_request.accepted');
    expect(targetMail).toHaveLength(1);
    expect(targetMail[0]!.subject).toContain('You now have access to Brand Instagram');
    // The guest side does not learn which host person decided.
    const guestView = (await list(w.guestAdmin.session)).find((r: { id: string }) => r.id === id);
    expect(guestView.decidedBy).toBeNull();
    // Deciding twice: 409.
    expectError(await decide(w.host.owner.session, id, 'decline'), 409, 'conflict');
  });

  it('decline and cancel; only the requester cancels; duplicates and existing access 409', async () => {
    const [r1] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] })).json().items;
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] }), 409, 'already_exists');
    // The contact already holds access through the partnership: they cannot be a target.
    const other = await addMember(t.deps, w.guest.id, 'admin');
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.guest.id,
      accountId: w.acc1.id,
      userId: other.user.id,
      role: 'manager',
      sourceKind: 'host_guest_partnership',
      sourceId: w.partnershipId,
    });
    expectError(await request(other.session, { accountId: w.acc1.id, userIds: [w.guestAdmin.user.id] }), 409, 'already_exists');
    expectError(await decide(other.session, r1.id, 'cancel'), 403, 'forbidden');

    const dec = await decide(w.partner.session, r1.id, 'decline');
    expect(dec.statusCode).toBe(200);
    expect(dec.json().status).toBe('declined');
    expect(await events('Access Request Declined')).toHaveLength(1);
    expect(await mailsTo(w.guestAdmin.user.email, 'access_request.declined')).toHaveLength(1);
    expect(await mailsTo(w.guestUser.user.email, 'access_request.declined')).toHaveLength(1);

    const [r2] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] })).json().items;
    expect((await decide(w.guestAdmin.session, r2.id, 'cancel')).json()).toMatchObject({ status: 'cancelled', cancelReason: 'by_requester' });
    expect(await events('Access Request Cancelled')).toHaveLength(1);
    // The host Owners who were asked are told the request was withdrawn (Q9); the link still lands on the Members tab.
    const withdrawn = await mailsTo(w.partner.user.email, 'access_request.cancelled');
    expect(withdrawn).toHaveLength(1);
    expect(withdrawn[0]!.subject).toContain(w.acc1.label);
    expectError(await decide(w.guestAdmin.session, r2.id, 'cancel'), 409, 'conflict');
    expectError(await decide(w.partner.session, r2.id, 'accept'), 409, 'conflict');
    const none = await t.deps.db.select().from(grants).where(and(eq(grants.userId, w.guestUser.user.id), isNull(grants.revokedAt)));
    expect(none).toHaveLength(0);
  });

  it('guards on creating: Manager only, through an active partnership; Manager role only when allowed; targets of my workspace; Login-Only Collaborator', async () => {
    // Collaborator on acc2 → 403; no access at all → 404.
    expectError(await request(w.guestAdmin.session, { accountId: w.acc2.id, userIds: [w.guestUser.user.id] }), 403, 'forbidden');
    expectError(await request(w.guestUser.session, { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] }), 404, 'not_found');
    // A host account Owner cannot use access requests on their own account.
    expectError(await request(w.partner.session, { accountId: w.acc1.id, userIds: [w.collab.user.id] }), 403, 'forbidden');
    // Manager role refused unless the host allows it (Q7).
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id], role: 'manager' }), 422, 'rule_violation');
    await t.deps.db.update(partnerships).set({ allowManagerRequests: true }).where(eq(partnerships.id, w.partnershipId));
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestLogin.user.id], role: 'manager' }), 422, 'rule_violation');
    // Targets outside my workspace, or removed members: 404.
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.collab.user.id] }), 404, 'not_found');
    await t.deps.db.update(memberships).set({ status: 'removed' }).where(eq(memberships.userId, w.guestUser2.user.id));
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] }), 404, 'not_found');
    // Nothing was written by the refusals.
    expect(await t.deps.db.select().from(accessRequests).where(eq(accessRequests.partnershipId, w.partnershipId))).toHaveLength(0);
    const ok = await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id], role: 'manager' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().items[0].role).toBe('manager');
    // Bad input: 400, never 500.
    expect((await request(w.guestAdmin.session, { accountId: 'nope', userIds: [] })).statusCode).toBe(400);
    expect((await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id, w.guestUser.user.id] })).statusCode).toBe(400);
    // Once the partnership is not active, the Manager has no access at all (404).
    await t.deps.db.update(partnerships).set({ state: 'removed' }).where(eq(partnerships.id, w.partnershipId));
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestLogin.user.id] }), 404, 'not_found');
  });

  it('accept re-checks: a target who left is cancelled (target_removed, 409); a stronger role replaces a weaker grant', async () => {
    await t.deps.db.update(partnerships).set({ allowManagerRequests: true }).where(eq(partnerships.id, w.partnershipId));
    const [r] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] })).json().items;
    await t.deps.db.update(memberships).set({ status: 'removed' }).where(eq(memberships.userId, w.guestUser2.user.id));
    expectError(await decide(w.partner.session, r.id, 'accept'), 409, 'conflict');
    const [row] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'target_removed' });
    // The cancellation is recorded although the answer is 409.
    const cancelledEvents = await events('Access Request Cancelled');
    expect(cancelledEvents.map((e) => e.data)).toEqual([expect.objectContaining({ targetEmail: w.guestUser2.user.email, reason: 'target_removed' })]);
    expect(cancelledEvents[0]).toMatchObject({ actorUserId: w.partner.user.id, partnerWorkspaceId: w.guest.id, accountId: w.acc1.id });
    // The requester is told; the member who left is not.
    const told = await mailsTo(w.guestAdmin.user.email, 'access_request.auto_cancelled');
    expect(told).toHaveLength(1);
    expect(await textOf(told[0]!)).toContain('Gwen User is no longer a member of Guest Agency');
    expect(await mailsTo(w.guestUser2.user.email, 'access_request.auto_cancelled')).toHaveLength(0);

    // A Manager request pending while the member got Collaborator another way (e.g. a direct insert
    // standing in for a re-share): accepting replaces the weaker grant; the trail keeps both rows.
    const [m] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id], role: 'manager' })).json().items;
    await t.deps.db.insert(grants).values({
      workspaceId: w.host.id,
      subjectWorkspaceId: w.guest.id,
      accountId: w.acc1.id,
      userId: w.guestUser.user.id,
      role: 'collaborator',
      sourceKind: 'host_guest_partnership',
      sourceId: w.partnershipId,
    });
    expect((await decide(w.partner.session, m.id, 'accept')).statusCode).toBe(200);
    const all = await t.deps.db.select().from(grants).where(and(eq(grants.userId, w.guestUser.user.id), eq(grants.accountId, w.acc1.id)));
    expect(all).toHaveLength(2);
    expect(all.filter((g) => g.revokedAt === null).map((g) => g.role)).toEqual(['manager']);
    // Now they hold access: a new request for them is refused.
    expectError(await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] }), 409, 'already_exists');
  });

  it('accept re-checks the requester: no longer Manager (requester_lost_manager) or gone (requester_removed) → cancelled with its event, 409', async () => {
    const [r1] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] })).json().items;
    const [r2] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser2.user.id] })).json().items;
    const liveOfAdmin = and(eq(grants.accountId, w.acc1.id), eq(grants.userId, w.guestAdmin.user.id), isNull(grants.revokedAt));
    const viaPartnership = { workspaceId: w.host.id, subjectWorkspaceId: w.guest.id, accountId: w.acc1.id, userId: w.guestAdmin.user.id, sourceKind: 'host_guest_partnership' as const, sourceId: w.partnershipId };
    // The requester's Manager grant became Collaborator while the request was pending.
    await t.deps.db.update(grants).set({ revokedAt: new Date(), revokeReason: 'role_changed' }).where(liveOfAdmin);
    await t.deps.db.insert(grants).values({ ...viaPartnership, role: 'collaborator' });
    const lost = expectError(await decide(w.partner.session, r1.id, 'accept'), 409, 'conflict');
    expect(lost.message).toContain('no longer a Manager');
    const told = await mailsTo(w.guestAdmin.user.email, 'access_request.auto_cancelled');
    expect(told).toHaveLength(1);
    expect(await textOf(told[0]!)).toContain('you are no longer a Manager');
    // Then Manager again, but no longer a member of the guest workspace.
    await t.deps.db.update(grants).set({ revokedAt: new Date(), revokeReason: 'role_changed' }).where(liveOfAdmin);
    await t.deps.db.insert(grants).values({ ...viaPartnership, role: 'manager' });
    await t.deps.db.update(memberships).set({ status: 'removed' }).where(and(eq(memberships.userId, w.guestAdmin.user.id), eq(memberships.workspaceId, w.guest.id)));
    const gone = expectError(await decide(w.partner.session, r2.id, 'accept'), 409, 'conflict');
    expect(gone.message).toContain('no longer in the partner workspace');
    // A requester who left is not emailed: still only the one email from the first cancellation.
    expect(await mailsTo(w.guestAdmin.user.email, 'access_request.auto_cancelled')).toHaveLength(1);

    const rows = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.partnershipId, w.partnershipId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(r1.id)).toMatchObject({ status: 'cancelled', cancelReason: 'requester_lost_manager', decidedBy: w.partner.user.id });
    expect(byId.get(r2.id)).toMatchObject({ status: 'cancelled', cancelReason: 'requester_removed', decidedBy: w.partner.user.id });
    expect((await events('Access Request Cancelled')).map((e) => (e.data as { reason?: string }).reason).sort()).toEqual(['requester_lost_manager', 'requester_removed']);
    expect(await events('Access Request Accepted')).toHaveLength(0);
    // Nothing was granted to the targets.
    const targetGrants = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.accountId, w.acc1.id), isNull(grants.revokedAt), eq(grants.subjectWorkspaceId, w.guest.id)));
    expect(targetGrants.map((g) => g.userId)).toEqual([w.guestAdmin.user.id]);
    // Already decided: a second accept is a plain 409 and writes nothing more.
    expectError(await decide(w.partner.session, r1.id, 'accept'), 409, 'conflict');
    expect(await events('Access Request Cancelled')).toHaveLength(2);
  });

  it('a shared account deleted: its guest holders are told it is gone, and requesters that their request was cancelled; one event', async () => {
    // guestUser2 holds Collaborator through an accepted request; guestLogin did too, then left the guest workspace.
    const accepted = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser2.user.id, w.guestLogin.user.id] })).json().items;
    for (const r of accepted) expect((await decide(w.partner.session, r.id, 'accept')).statusCode).toBe(200);
    await t.deps.db.update(memberships).set({ status: 'removed' }).where(and(eq(memberships.userId, w.guestLogin.user.id), eq(memberships.workspaceId, w.guest.id)));
    const [pending] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] })).json().items;
    await t.deps.db.delete(outbox);
    const before = (await t.deps.db.select().from(activityEvents)).length;

    const res = await injectAs(t, w.partner.session, { method: 'DELETE', url: `${api}/accounts/${w.acc1.id}` });
    expect(res.statusCode, res.body).toBe(200);

    const all = await t.deps.db.select().from(outbox);
    const gone = all.filter((m) => m.template === 'partnership.account_deleted');
    expect(gone.map((m) => m.toEmail).sort()).toEqual([w.guestAdmin.user.email, w.guestUser2.user.email].sort());
    expect(gone[0]!.subject).toBe('Brand Instagram is no longer available');
    expect(await textOf(gone[0]!)).toContain('Brand Instagram was removed by Host Co');
    const cancelledMail = all.filter((m) => m.template === 'access_request.auto_cancelled');
    expect(cancelledMail.map((m) => m.toEmail)).toEqual([w.guestAdmin.user.email]);
    expect(await textOf(cancelledMail[0]!)).toContain('Your request to give Gus User access to Brand Instagram was cancelled');
    // Nobody on the host side and no one else hears about it from these emails.
    expect(all.filter((m) => m.toEmail === w.guestLogin.user.email || m.toEmail === w.guestUser.user.email)).toHaveLength(0);

    const [row] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, pending.id));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'account_deleted' });
    const after = await t.deps.db.select().from(activityEvents);
    expect(after).toHaveLength(before + 1);
    const [deleted] = await events('Account Deleted');
    expect(deleted!.data).toMatchObject({ accountLabel: 'Brand Instagram', cancelledRequests: 1 });
    // The grant rows stay for a restore (Q13).
    const live = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.accountId, w.acc1.id), eq(grants.userId, w.guestUser2.user.id), isNull(grants.revokedAt)));
    expect(live).toHaveLength(1);
  });

  it('candidates: my workspace only, search escapes LIKE, unavailable reasons and max roles', async () => {
    await addAccount(t.deps, w.guest.id, 'unrelated', [{ userId: w.guestUser.user.id, role: 'owner' }]);
    const [r] = (await request(w.guestAdmin.session, { accountId: w.acc1.id, userIds: [w.guestUser.user.id] })).json().items;
    expect(r).toBeTruthy();
    const res = await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${w.acc1.id}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.managerRoleAllowed).toBe(false);
    const byId = new Map(body.items.map((c: { userId: string }) => [c.userId, c]));
    expect(byId.has(w.guestAdmin.user.id)).toBe(false);
    expect(byId.has(w.collab.user.id)).toBe(false);
    expect(byId.get(w.guestUser.user.id)).toMatchObject({ unavailableReason: 'Request pending', maxRole: 'manager' });
    expect(byId.get(w.guestLogin.user.id)).toMatchObject({ unavailableReason: null, maxRole: 'collaborator' });
    const q = await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${w.acc1.id}&q=Lou` });
    expect(q.json().items.map((c: { userId: string }) => c.userId)).toEqual([w.guestLogin.user.id]);
    const pct = await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${w.acc1.id}&q=%25` });
    expect(pct.json().items).toHaveLength(0);
    expectError(
      await injectAs(t, w.guestAdmin.session, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${w.acc2.id}` }),
      403,
      'forbidden',
    );
    expectError(
      await injectAs(t, w.guestUser2.session, { method: 'GET', url: `${api}/access-requests/candidates?accountId=${w.acc1.id}` }),
      404,
      'not_found',
    );
  });
});
