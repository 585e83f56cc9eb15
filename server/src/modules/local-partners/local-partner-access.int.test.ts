import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDetailDto, AccountMembersResponse, AccountsListResponse } from '@shared/accounts';
import type {
  AccountGuestsResponse,
  GuestShareCandidatesResponse,
  LocalPartnerAccountsResponse,
  LocalPartnerShareableAccountsResponse,
  ShareWithLocalPartnerResponse,
} from '@shared/local-partners';
import { activityEvents, grants, localPartnerAccounts, localPartners, outbox } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { insertAccount } from '../../../test/world';

let t: TestApp;
let w: LocalPartnerWorld;

const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });
const P = () => `/local-partners/${w.partnerId}`;

async function mails(template: string) {
  const rows = await t.deps.db.select({ to: outbox.toEmail, template: outbox.template }).from(outbox).orderBy(asc(outbox.createdAt));
  return rows.filter((r) => r.template === template).map((r) => r.to);
}
async function eventsOf(type: string) {
  return t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.type, type)))
    .orderBy(asc(activityEvents.id));
}
/** Live grants a user holds on an account, by source. */
async function liveGrants(accountId: string, userId: string) {
  return t.deps.db
    .select({ role: grants.role, sourceKind: grants.sourceKind, sourceId: grants.sourceId })
    .from(grants)
    .where(and(eq(grants.accountId, accountId), eq(grants.userId, userId), isNull(grants.revokedAt)));
}
const cardIds = async (s: TestSession) => ((await as(s, 'GET', '/accounts')).json() as AccountsListResponse).items.map((a) => a.id);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('a Host Admin shares accounts with the partner (R-LP-06)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('offers the accounts the Host Admin Owns, marking those already shared', async () => {
    const res = (await as(w.sessions.hostAdmin, 'GET', `${P()}/shareable-accounts`)).json() as LocalPartnerShareableAccountsResponse;
    expect(res.items.map((a) => [a.accountId, a.sharedRole]).sort()).toEqual(
      [
        [w.sharedAccountId, 'manager'],
        [w.unsharedAccountId, null],
      ].sort(),
    );
    // Workspace Admins who are not Host Admins, and guests, do not share (R-LP-06).
    expectError(await as(w.sessions.admin, 'GET', `${P()}/shareable-accounts`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'GET', `${P()}/shareable-accounts`), 403, 'forbidden');
  });

  it('gives the role to every Guest Admin (not Guest Users), emails them, one event per account', async () => {
    await t.deps.db.delete(outbox);
    const res = await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: w.unsharedAccountId, role: 'collaborator' }] });
    expect(res.statusCode).toBe(200);
    const body = res.json() as ShareWithLocalPartnerResponse;
    expect(body.grantsCreated).toBe(2);
    expect(body.items).toMatchObject([{ accountId: w.unsharedAccountId, role: 'collaborator', guestCount: 2 }]);
    expect(await liveGrants(w.unsharedAccountId, w.people.guestAdmin.userId)).toEqual([
      { role: 'collaborator', sourceKind: 'local_partner', sourceId: w.partnerId },
    ]);
    expect(await liveGrants(w.unsharedAccountId, w.people.guestUser.userId)).toEqual([]);
    expect((await mails('local_partner.account_shared')).sort()).toEqual([w.people.guestAdmin.email, w.people.guestBeforeMfa.email].sort());
    const ev = (await eventsOf('Account Shared Via Local Partner')).at(-1)!;
    expect(ev.accountId).toBe(w.unsharedAccountId);
    expect(ev.data).toMatchObject({ localPartnerId: w.partnerId, role: 'collaborator', targetEmails: [w.people.guestAdmin.email, w.people.guestBeforeMfa.email].sort() });
    expect(await cardIds(w.sessions.guestAdmin)).toContain(w.unsharedAccountId);
  });

  it('sharing again with a stronger role upgrades the Guest Admins; the same role again changes nothing', async () => {
    const before = (await eventsOf('Account Shared Via Local Partner')).length;
    expect((await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: w.unsharedAccountId, role: 'collaborator' }] })).json()).toMatchObject({
      grantsCreated: 0,
    });
    expect(await eventsOf('Account Shared Via Local Partner')).toHaveLength(before);
    const up = (await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: w.unsharedAccountId, role: 'manager' }] })).json();
    expect(up).toMatchObject({ grantsCreated: 2, items: [{ role: 'manager' }] });
    expect(await liveGrants(w.unsharedAccountId, w.people.guestAdmin.userId)).toEqual([{ role: 'manager', sourceKind: 'local_partner', sourceId: w.partnerId }]);
    expect(await eventsOf('Account Shared Via Local Partner')).toHaveLength(before + 1);
  });

  it('refuses accounts the Host Admin does not Own, and other tenants’ or unknown accounts', async () => {
    const other = await insertAccount(t.deps, w.workspaceId, w.people.user.userId, [w.people.hostAdmin.userId]);
    expectError(await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: other.id, role: 'manager' }] }), 403, 'forbidden');
    const nobody = await insertAccount(t.deps, w.workspaceId, w.people.user.userId, []);
    expectError(await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: nobody.id, role: 'manager' }] }), 404, 'not_found');
    expectError(
      await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: '00000000-0000-4000-8000-000000000001', role: 'manager' }] }),
      404,
      'not_found',
    );
    expectError(await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: other.id, role: 'owner' }] }), 400, 'validation_failed');
    // All or nothing: a good account listed with a bad one is not shared either.
    const good = await insertAccount(t.deps, w.workspaceId, w.people.hostAdmin.userId, []);
    expectError(
      await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: good.id, role: 'manager' }, { accountId: other.id, role: 'manager' }] }),
      403,
      'forbidden',
    );
    expect(await t.deps.db.select().from(localPartnerAccounts).where(eq(localPartnerAccounts.accountId, good.id))).toHaveLength(0);
  });

  it('the Accounts tab lists shares the viewer can see, with per-row abilities', async () => {
    const asHost = (await as(w.sessions.hostAdmin, 'GET', `${P()}/accounts`)).json() as LocalPartnerAccountsResponse;
    expect(asHost.items.map((a) => a.accountId).sort()).toEqual([w.sharedAccountId, w.unsharedAccountId].sort());
    expect(asHost.items.every((a) => a.abilities.remove && !a.abilities.shareWithGuests)).toBe(true);
    const asGuestAdmin = (await as(w.sessions.guestAdmin, 'GET', `${P()}/accounts`)).json() as LocalPartnerAccountsResponse;
    expect(asGuestAdmin.items.find((a) => a.accountId === w.sharedAccountId)!.abilities).toEqual({ remove: false, shareWithGuests: true });
    // A workspace Admin holding no grant on them sees the partner but not the accounts (ADR 0008).
    expect(((await as(w.sessions.admin, 'GET', `${P()}/accounts`)).json() as LocalPartnerAccountsResponse).items).toEqual([]);
  });
});

describe('a Guest Admin passes an account on to Guest Users (R-LP-07)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('as Collaborator, to Guest Users of the same partner only, on accounts where they are Manager', async () => {
    const g2 = await w.newGuest('guest_user');
    const candidates = (await as(w.sessions.guestAdmin, 'GET', `${P()}/accounts/${w.sharedAccountId}/share-candidates`)).json() as GuestShareCandidatesResponse;
    expect(candidates.items.map((c) => [c.userId, c.hasAccess]).sort()).toEqual(
      [
        [w.people.guestUser.userId, true],
        [g2.userId, false],
      ].sort(),
    );
    await t.deps.db.delete(outbox);
    const res = await as(w.sessions.guestAdmin, 'POST', `${P()}/accounts/${w.sharedAccountId}/guests`, { userIds: [g2.userId] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ granted: [{ userId: g2.userId, email: g2.email }] });
    expect(await liveGrants(w.sharedAccountId, g2.userId)).toEqual([{ role: 'collaborator', sourceKind: 'local_partner', sourceId: w.partnerId }]);
    expect(await mails('local_partner.account_shared')).toEqual([g2.email]);
    expect((await eventsOf('Sharing Of Account')).at(-1)!.data).toEqual({
      accountLabel: expect.any(String),
      targetEmail: g2.email,
      role: 'collaborator',
      localPartnerId: w.partnerId,
    });
  });

  it('refuses: twice (409), a Guest Admin target (422), another partner’s guest (404), a Guest User sharing (403), a Collaborator or unshared account', async () => {
    const url = `${P()}/accounts/${w.sharedAccountId}/guests`;
    expectError(await as(w.sessions.guestAdmin, 'POST', url, { userIds: [w.people.guestUser.userId] }), 409, 'already_exists');
    expectError(await as(w.sessions.guestAdmin, 'POST', url, { userIds: [w.people.guestBeforeMfa.userId] }), 422, 'rule_violation');
    expectError(await as(w.sessions.guestAdmin, 'POST', url, { userIds: [w.people.otherPartnerGuest.userId] }), 404, 'not_found');
    expectError(await as(w.sessions.guestAdmin, 'POST', url, { userIds: [w.people.user.userId] }), 404, 'not_found');
    expectError(await as(w.sessions.guestUser, 'POST', url, { userIds: [w.people.guestUser.userId] }), 403, 'forbidden');
    expectError(await as(w.sessions.hostAdmin, 'POST', url, { userIds: [w.people.guestUser.userId] }), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'POST', url, { userIds: [] }), 400, 'validation_failed');
    // An account the Guest Admin holds as Collaborator only.
    expect((await as(w.sessions.hostAdmin, 'POST', `${P()}/accounts`, { accounts: [{ accountId: w.unsharedAccountId, role: 'collaborator' }] })).statusCode).toBe(200);
    const g3 = await w.newGuest('guest_user');
    expectError(await as(w.sessions.guestAdmin, 'POST', `${P()}/accounts/${w.unsharedAccountId}/guests`, { userIds: [g3.userId] }), 403, 'forbidden');
    // An account not shared with the partner at all: no access → 404.
    const alone = await insertAccount(t.deps, w.workspaceId, w.people.hostAdmin.userId, []);
    expectError(await as(w.sessions.guestAdmin, 'POST', `${P()}/accounts/${alone.id}/guests`, { userIds: [g3.userId] }), 404, 'not_found');
    // Through the other partner's URL: that partner does not exist for this Guest Admin.
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.otherPartnerId}/accounts/${w.sharedAccountId}/guests`, { userIds: [g3.userId] }), 404, 'not_found');
    expect(await liveGrants(w.unsharedAccountId, g3.userId)).toEqual([]);
  });

  it('the Guest User sees the account and nothing of the workspace; its card ability says so', async () => {
    expect(await cardIds(w.sessions.guestUser)).toEqual([w.sharedAccountId]);
    const detail = (await as(w.sessions.guestUser, 'GET', `/accounts/${w.sharedAccountId}`)).json() as AccountDetailDto;
    expect(detail.abilities).toMatchObject({ login: true, revealSecret: false, share: false, shareWithGuests: false, viewMembers: false, requestAccess: false });
    const asGuestAdmin = (await as(w.sessions.guestAdmin, 'GET', `/accounts/${w.sharedAccountId}`)).json() as AccountDetailDto;
    expect(asGuestAdmin.abilities).toMatchObject({ shareWithGuests: true, requestAccess: false, revealSecret: false, viewMembers: false });
    expectError(await as(w.sessions.guestUser, 'POST', `/accounts/${w.sharedAccountId}/reveal`, { field: 'password' }), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'POST', `/accounts/${w.sharedAccountId}/reveal`, { field: 'password' }), 403, 'forbidden');
    expectError(await as(w.sessions.guestUser, 'GET', `/accounts/${w.sharedAccountId}/members`), 403, 'forbidden');
    for (const [method, url] of [
      ['GET', '/members'],
      ['GET', '/workspace'],
      ['GET', '/local-partners'],
    ] as const) {
      expectError(await as(w.sessions.guestUser, method, url), 403, 'forbidden');
    }
    expectError(await as(w.sessions.guestUser, 'POST', '/accounts', { label: 'Mine', application: 'X' }), 403, 'forbidden');
  });
});

describe('workspace Owners share directly with a guest, as Collaborator (R-LP-18)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('Collaborator yes, Owner no; the Members tab names the partner for partner grants', async () => {
    const acc = await insertAccount(t.deps, w.workspaceId, w.people.user.userId, []);
    expectError(await as(w.sessions.user, 'POST', `/accounts/${acc.id}/members`, { userId: w.people.guestUser.userId, role: 'owner' }), 422, 'rule_violation');
    expect((await as(w.sessions.user, 'POST', `/accounts/${acc.id}/members`, { userId: w.people.guestUser.userId, role: 'collaborator' })).statusCode).toBe(201);
    expect(await cardIds(w.sessions.guestUser)).toContain(acc.id);
    const members = (await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.sharedAccountId}/members`)).json() as AccountMembersResponse;
    const ga = members.items.find((m) => m.userId === w.people.guestAdmin.userId)!;
    expect(ga).toMatchObject({ role: 'manager', sharedVia: 'local_partner', localPartner: { id: w.partnerId, companyName: 'Initech' } });
    // Managed on the Guest users tab, not here.
    expect(ga.abilities).toEqual({ changeRole: false, remove: false });
  });
});

describe('the account’s Guest users tab (spec §5.7; R-LP-11/12/13)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('is there for a Host Admin who Owns the account, and no one else', async () => {
    const detail = (await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.sharedAccountId}`)).json() as AccountDetailDto;
    expect(detail.guestPartners).toEqual([{ id: w.partnerId, companyName: 'Initech' }]);
    const tab = (await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.sharedAccountId}/guests`)).json() as AccountGuestsResponse;
    expect(tab.items.map((g) => [g.email, g.role, g.sharedVia, g.status]).sort()).toEqual(
      [
        [w.people.guestAdmin.email, 'manager', 'local_partner', 'active'],
        [w.people.guestBeforeMfa.email, 'manager', 'local_partner', 'mfa_pending'],
        [w.people.guestUser.email, 'collaborator', 'local_partner', 'active'],
      ].sort(),
    );
    expect(tab.items[0]).toMatchObject({ localPartner: { id: w.partnerId, companyName: 'Initech' }, abilities: { changeRole: true, remove: true } });
    // Not shared with any partner: no tab for its Owner either.
    expect(((await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.unsharedAccountId}`)).json() as AccountDetailDto).guestPartners).toEqual([]);
    expectError(await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.unsharedAccountId}/guests`), 403, 'forbidden');
    expectError(await as(w.sessions.admin, 'GET', `/accounts/${w.sharedAccountId}/guests`), 404, 'not_found');
    expectError(await as(w.sessions.guestAdmin, 'GET', `/accounts/${w.sharedAccountId}/guests`), 403, 'forbidden');
  });

  it('changes a guest’s account role without touching their partner role, and removes them from the account only', async () => {
    await t.deps.db.delete(outbox);
    const url = `/accounts/${w.sharedAccountId}/guests/${w.people.guestUser.userId}`;
    const up = await as(w.sessions.hostAdmin, 'PATCH', url, { role: 'manager' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ role: 'manager', partnerRole: 'guest_user' });
    expect(await mails('local_partner.account_role_changed')).toEqual([w.people.guestUser.email]);
    expect((await eventsOf('Account Role Updated')).at(-1)!.data).toMatchObject({ fromRole: 'collaborator', toRole: 'manager', localPartnerId: w.partnerId });
    // A Manager who is a Guest User still cannot pass the account on (only Guest Admins do).
    const g2 = await w.newGuest('guest_user');
    expectError(await as(w.sessions.guestUser, 'POST', `${P()}/accounts/${w.sharedAccountId}/guests`, { userIds: [g2.userId] }), 403, 'forbidden');
    expectError(await as(w.sessions.hostAdmin, 'PATCH', url, { role: 'owner' }), 400, 'validation_failed');

    expect((await as(w.sessions.hostAdmin, 'DELETE', url)).statusCode).toBe(204);
    expect(await liveGrants(w.sharedAccountId, w.people.guestUser.userId)).toEqual([]);
    expect(await cardIds(w.sessions.guestUser)).toEqual([]);
    // Still a Guest User of the partner (R-LP-12).
    expect((await as(w.sessions.guestUser, 'GET', '/session')).json()).toMatchObject({ localPartner: { id: w.partnerId, role: 'guest_user' } });
    expectError(await as(w.sessions.hostAdmin, 'DELETE', url), 404, 'not_found');
    expect(await mails('local_partner.account_access_removed')).toEqual([w.people.guestUser.email]);
  });

  it('removing the account from the partner ends every access through it, not direct shares (R-LP-13)', async () => {
    const direct = await w.newGuest('guest_user');
    await injectAs(t, w.sessions.hostAdmin, { method: 'POST', url: `/api/v1/accounts/${w.sharedAccountId}/members`, payload: { userId: direct.userId, role: 'collaborator' } });
    await t.deps.db.delete(outbox);
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `${P()}/accounts/${w.sharedAccountId}`), 403, 'forbidden');
    expect((await as(w.sessions.hostAdmin, 'DELETE', `${P()}/accounts/${w.sharedAccountId}`)).statusCode).toBe(204);
    expect(await liveGrants(w.sharedAccountId, w.people.guestAdmin.userId)).toEqual([]);
    expect(await liveGrants(w.sharedAccountId, direct.userId)).toEqual([{ role: 'collaborator', sourceKind: 'direct', sourceId: w.sharedAccountId }]);
    expect(await cardIds(w.sessions.guestAdmin)).toEqual([]);
    const ev = (await eventsOf('Account Removed From Local Partner')).at(-1)!;
    expect(ev.data).toMatchObject({ localPartnerId: w.partnerId, endedGrants: 2 });
    expect((await mails('local_partner.account_removed')).sort()).toEqual([w.people.guestAdmin.email, w.people.guestBeforeMfa.email].sort());
    expectError(await as(w.sessions.hostAdmin, 'DELETE', `${P()}/accounts/${w.sharedAccountId}`), 404, 'not_found');
    expect(
      (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(localPartnerAccounts).where(and(eq(localPartnerAccounts.accountId, w.sharedAccountId), isNull(localPartnerAccounts.removedAt))))[0]!.n,
    ).toBe(0);
  });
});

describe('a grant never outlives its partner (second lock, authz/accounts.ts reachableGrant)', () => {
  it('a partner grant a cascade missed opens nothing once the partner is removed', async () => {
    w = await buildLocalPartnerWorld(t.deps);
    expect(await cardIds(w.sessions.guestUser)).toEqual([w.sharedAccountId]);
    // Simulate a missed cascade: the partner row says removed, the grants are still live.
    await t.deps.db.update(localPartners).set({ status: 'removed' }).where(eq(localPartners.id, w.partnerId));
    expect((await liveGrants(w.sharedAccountId, w.people.guestUser.userId)).length).toBe(1);
    expect(await cardIds(w.sessions.guestUser)).toEqual([]);
    expectError(await as(w.sessions.guestUser, 'GET', `/accounts/${w.sharedAccountId}`), 404, 'not_found');
    // A direct grant of the same workspace is not affected.
    expect((await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.sharedAccountId}`)).statusCode).toBe(200);
  });
});
