import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateLocalPartnerResponse, LocalPartnerDto, LocalPartnerListResponse, LocalPartnerUsersResponse } from '@shared/local-partners';
import type { MembersListResponse } from '@shared/members';
import { activityEvents, invites, localPartnerHostAdmins, localPartners, memberships, outbox, sessions } from '../../db/schema/index';
import { createTestApp, expectError, injectAs, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { insertMember } from '../../../test/world';

let t: TestApp;
let w: LocalPartnerWorld;

const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });

async function mails(template?: string) {
  const rows = await t.deps.db.select({ to: outbox.toEmail, template: outbox.template, subject: outbox.subject }).from(outbox).orderBy(asc(outbox.createdAt));
  return rows.filter((r) => !template || r.template === template);
}
async function eventsOf(type: string) {
  return t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.type, type)))
    .orderBy(asc(activityEvents.id));
}
const liveSessions = async (userId: string) =>
  (await t.deps.db.select().from(sessions).where(and(eq(sessions.userId, userId), sql`${sessions.endedAt} is null`))).length;
const membership = async (userId: string, workspaceId = w.workspaceId) =>
  (await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId))))[0];

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('adding a local partner (R-LP-01…05)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  const body = (over: Record<string, unknown> = {}) => ({
    companyName: 'Umbrella Agency',
    guestAdminEmail: 'dana@umbrella.test',
    hostAdminUserIds: [w.people.hostAdmin.userId],
    ...over,
  });

  it('refuses bad input with 400 and roles that may not add partners with 403', async () => {
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ companyName: '' })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: 'not-an-email' })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ hostAdminUserIds: [] })), 400, 'validation_failed');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', { ...body(), extra: 1 }), 400, 'validation_failed');
    for (const who of ['user', 'hostAdmin', 'guestAdmin', 'guestUser'] as const) {
      expectError(await as(w.sessions[who], 'POST', '/local-partners', body()), 403, 'forbidden');
    }
    expectError(await as(w.sessions.guestBeforeMfa, 'POST', '/local-partners', body()), 403, 'mfa_enrolment_required');
    expectError(await as(null, 'POST', '/local-partners', body()), 401, 'unauthenticated');
    expect(await t.deps.db.select().from(localPartners).where(eq(localPartners.companyName, 'Umbrella Agency'))).toHaveLength(0);
  });

  it('refuses a Guest Admin on a Host Admin’s domain (R-LP-02), on a corporate domain (R-LP-05), or already in the workspace (R-LP-04)', async () => {
    const hostDomain = w.people.hostAdmin.email.split('@')[1]!;
    const sameDomain = await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: `someone@${hostDomain}` }));
    expect(expectError(sameDomain, 422, 'rule_violation').message).toContain('same domain');

    expect((await as(w.sessions.admin, 'PATCH', '/workspace', { corporateDomains: ['Umbrella.test', '@acme-corp.test'] })).statusCode).toBe(200);
    const corporate = await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: 'x@sub.umbrella.test' }));
    expect(expectError(corporate, 422, 'rule_violation').message).toContain('umbrella.test');
    expect((await as(w.sessions.admin, 'PATCH', '/workspace', { corporateDomains: [] })).statusCode).toBe(200);

    expect(expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: w.people.guestUser.email })), 409, 'already_exists').message).toContain(
      'already a guest',
    );
    expect(expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: w.people.user.email })), 409, 'already_exists').message).toContain(
      'already a member',
    );
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ guestAdminEmail: w.invite.email })), 409, 'already_exists');
  });

  it('refuses Host Admins who are not active Users, Admins or the Owner', async () => {
    const loginOnly = await insertMember(t.deps, w.workspaceId, 'login_only');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ hostAdminUserIds: [loginOnly.userId] })), 422, 'rule_violation');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ hostAdminUserIds: [w.people.guestAdmin.userId] })), 422, 'rule_violation');
    expectError(await as(w.sessions.admin, 'POST', '/local-partners', body({ hostAdminUserIds: ['00000000-0000-4000-8000-000000000000'] })), 404, 'not_found');
  });

  it('creates the partner, its Host Admins and the Guest Admin invite; emails them; one event', async () => {
    await t.deps.db.delete(outbox);
    const before = (await eventsOf('Local Partner Added')).length;
    const res = await as(w.sessions.admin, 'POST', '/local-partners', body());
    expect(res.statusCode).toBe(201);
    const { partner, invite } = res.json() as CreateLocalPartnerResponse;
    expect(partner).toMatchObject({
      companyName: 'Umbrella Agency',
      status: 'active',
      hostAdmins: [{ userId: w.people.hostAdmin.userId, email: w.people.hostAdmin.email }],
      guestAdminCount: 0,
      pendingInviteCount: 1,
      myRole: 'workspace_admin',
      abilities: { remove: true, manageHostAdmins: true, inviteGuests: true, inviteGuestAdmins: true, shareAccounts: false },
    });
    expect(invite).toMatchObject({ email: 'dana@umbrella.test', role: 'guest_admin', status: 'pending' });
    const sent = await mails();
    expect(sent.map((m) => [m.template, m.to])).toEqual(
      expect.arrayContaining([
        ['guest.invite', 'dana@umbrella.test'],
        ['local_partner.host_admin_added', w.people.hostAdmin.email],
      ]),
    );
    expect(sent.find((m) => m.template === 'guest.invite')!.subject).toContain('guest of Umbrella Agency');
    const events = await eventsOf('Local Partner Added');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.data).toEqual({
      localPartnerId: partner.id,
      companyName: 'Umbrella Agency',
      guestAdminEmail: 'dana@umbrella.test',
      hostAdminEmails: [w.people.hostAdmin.email],
    });
    // The invite is the Members page's too (Admins see guest invites with their company).
    const members = (await as(w.sessions.admin, 'GET', '/members')).json() as MembersListResponse;
    expect(members.invites.find((i) => i.email === 'dana@umbrella.test')).toMatchObject({
      role: 'guest_admin',
      localPartner: { id: partner.id, companyName: 'Umbrella Agency' },
    });
    // Same company name twice (case-insensitive): 409.
    expectError(
      await as(w.sessions.admin, 'POST', '/local-partners', body({ companyName: 'umbrella agency', guestAdminEmail: 'eve@umbrella2.test' })),
      409,
      'already_exists',
    );
  });
});

describe('seeing local partners', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('Admins see every partner, Host Admins and Guest Admins theirs, others none or 403', async () => {
    const names = async (s: TestSession) => ((await as(s, 'GET', '/local-partners')).json() as LocalPartnerListResponse).items.map((p) => p.companyName).sort();
    expect(await names(w.sessions.owner)).toEqual(['Globex', 'Initech']);
    expect(await names(w.sessions.admin)).toEqual(['Globex', 'Initech']);
    expect(await names(w.sessions.hostAdmin)).toEqual(['Initech']);
    expect(await names(w.sessions.guestAdmin)).toEqual(['Initech']);
    expect(await names(w.sessions.otherPartnerGuest)).toEqual(['Globex']);
    expect(await names(w.sessions.user)).toEqual([]);
    expectError(await as(w.sessions.guestUser, 'GET', '/local-partners'), 403, 'forbidden');
    const mine = (await as(w.sessions.guestAdmin, 'GET', `/local-partners/${w.partnerId}`)).json() as LocalPartnerDto;
    expect(mine).toMatchObject({ myRole: 'guest_admin', guestAdminCount: 2, guestUserCount: 1, sharedAccountCount: 1 });
    expect(mine.abilities).toEqual({
      viewUsers: true,
      viewAccounts: true,
      inviteGuests: true,
      inviteGuestAdmins: false,
      manageHostAdmins: false,
      shareAccounts: false,
      removeAccounts: false,
      remove: false,
    });
    // Another partner's guest, and a plain User: the partner does not exist for them.
    expectError(await as(w.sessions.otherPartnerGuest, 'GET', `/local-partners/${w.partnerId}`), 404, 'not_found');
    expectError(await as(w.sessions.user, 'GET', `/local-partners/${w.partnerId}`), 404, 'not_found');
    // A Guest User knows their partner exists but does not manage it.
    expectError(await as(w.sessions.guestUser, 'GET', `/local-partners/${w.partnerId}/users`), 403, 'forbidden');
  });

  it('the Users tab lists Host Admins, guests and invites with per-row abilities', async () => {
    const asHost = (await as(w.sessions.hostAdmin, 'GET', `/local-partners/${w.partnerId}/users`)).json() as LocalPartnerUsersResponse;
    expect(asHost.hostAdmins.map((h) => h.email)).toEqual([w.people.hostAdmin.email]);
    expect(asHost.hostAdmins[0]!.abilities.remove).toBe(false); // the last one
    expect(asHost.guests.map((g) => g.email).sort()).toEqual([w.people.guestAdmin.email, w.people.guestBeforeMfa.email, w.people.guestUser.email].sort());
    expect(asHost.guests.find((g) => g.userId === w.people.guestBeforeMfa.userId)!.status).toBe('mfa_pending');
    expect(asHost.guests.find((g) => g.userId === w.people.guestUser.userId)).toMatchObject({
      status: 'active',
      accountCount: 1,
      abilities: { changeRole: true, remove: true, resetMfa: true, forcePasswordReset: true },
    });
    expect(asHost.invites.map((i) => i.email)).toEqual([w.invite.email]);

    const asGuestAdmin = (await as(w.sessions.guestAdmin, 'GET', `/local-partners/${w.partnerId}/users`)).json() as LocalPartnerUsersResponse;
    const me = asGuestAdmin.guests.find((g) => g.isYou)!;
    // A Guest Admin may step down (another Guest Admin exists) but not remove or reset themselves.
    expect(me.abilities).toEqual({ changeRole: true, remove: false, resetMfa: false, forcePasswordReset: false });
    // ... and does nothing to another Guest Admin, everything to a Guest User.
    expect(asGuestAdmin.guests.find((g) => g.userId === w.people.guestBeforeMfa.userId)!.abilities).toEqual({
      changeRole: false,
      remove: false,
      resetMfa: false,
      forcePasswordReset: false,
    });
    expect(asGuestAdmin.guests.find((g) => g.userId === w.people.guestUser.userId)!.abilities).toEqual({
      changeRole: true,
      remove: true,
      resetMfa: true,
      forcePasswordReset: true,
    });
  });
});

describe('Host Admins (R-LP-03, Q19)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('adds Host Admins (Users, Admins, Owner), emails them, skips existing ones; never removes the last', async () => {
    await t.deps.db.delete(outbox);
    const res = await as(w.sessions.hostAdmin, 'POST', `/local-partners/${w.partnerId}/host-admins`, {
      userIds: [w.people.user.userId, w.people.hostAdmin.userId],
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as LocalPartnerDto).hostAdmins.map((h) => h.userId).sort()).toEqual([w.people.hostAdmin.userId, w.people.user.userId].sort());
    expect((await mails('local_partner.host_admin_added')).map((m) => m.to)).toEqual([w.people.user.email]);
    const ev = (await eventsOf('Local Partner Updated')).at(-1)!;
    expect(ev.data).toMatchObject({ change: 'host_admin_added', targetEmails: [w.people.user.email] });

    // Guests never manage Host Admins; guests are never Host Admins.
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/host-admins`, { userIds: [w.people.admin.userId] }), 403, 'forbidden');
    expectError(
      await as(w.sessions.admin, 'POST', `/local-partners/${w.partnerId}/host-admins`, { userIds: [w.people.guestUser.userId] }),
      422,
      'rule_violation',
    );

    // A Host Admin steps down while another remains; the last one cannot.
    expect((await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/host-admins/${w.people.hostAdmin.userId}`)).statusCode).toBe(204);
    const last = await as(w.sessions.admin, 'DELETE', `/local-partners/${w.partnerId}/host-admins/${w.people.user.userId}`);
    expectError(last, 409, 'last_host_admin');
    expect((await t.deps.db.select().from(localPartnerHostAdmins).where(eq(localPartnerHostAdmins.localPartnerId, w.partnerId))).map((r) => r.userId)).toEqual([
      w.people.user.userId,
    ]);
    // The former Host Admin no longer sees the partner.
    expectError(await as(w.sessions.hostAdmin, 'GET', `/local-partners/${w.partnerId}`), 404, 'not_found');
  });

  it('a Host Admin leaving the workspace, or becoming Login-Only, stops hosting; Admins are told when none is left', async () => {
    const w2 = await buildLocalPartnerWorld(t.deps);
    await t.deps.db.delete(outbox);
    const r = await as(w2.sessions.admin, 'PATCH', `/members/${w2.people.hostAdmin.userId}`, { role: 'login_only' });
    expect(r.statusCode).toBe(409); // still the last Owner of its accounts (ADR 0009) — so remove instead:
    expect((await as(w2.sessions.admin, 'DELETE', `/members/${w2.people.hostAdmin.userId}`)).statusCode).toBe(200);
    expect(await t.deps.db.select().from(localPartnerHostAdmins).where(eq(localPartnerHostAdmins.localPartnerId, w2.partnerId))).toHaveLength(0);
    const alerts = await mails('local_partner.no_host_admin');
    expect(alerts.map((m) => m.to).sort()).toEqual([w2.people.admin.email, w2.people.owner.email].sort());
    // The partner keeps working: its guest still uses the shared account (now Owned by the removing Admin).
    expect((await as(w2.sessions.guestAdmin, 'GET', `/accounts/${w2.sharedAccountId}`)).statusCode).toBe(200);

    // Demotion to Login-Only of a Host Admin who owns nothing alone.
    const w3 = await buildLocalPartnerWorld(t.deps);
    expect((await as(w3.sessions.admin, 'POST', `/local-partners/${w3.partnerId}/host-admins`, { userIds: [w3.people.user.userId] })).statusCode).toBe(200);
    expect((await as(w3.sessions.admin, 'PATCH', `/members/${w3.people.user.userId}`, { role: 'login_only' })).statusCode).toBe(200);
    expect(
      (await t.deps.db.select().from(localPartnerHostAdmins).where(eq(localPartnerHostAdmins.localPartnerId, w3.partnerId))).map((h) => h.userId),
    ).toEqual([w3.people.hostAdmin.userId]);
  });
});

describe('guest roles and removal (R-LP-09/10, Q19)', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('the last Guest Admin can be neither demoted nor removed, by any route', async () => {
    const w2 = await buildLocalPartnerWorld(t.deps);
    // guestBeforeMfa is a second Guest Admin: remove it first so guestAdmin is the last one.
    expect((await as(w2.sessions.hostAdmin, 'DELETE', `/local-partners/${w2.partnerId}/guests/${w2.people.guestBeforeMfa.userId}`)).statusCode).toBe(200);
    const g = w2.people.guestAdmin.userId;
    expectError(await as(w2.sessions.hostAdmin, 'PATCH', `/local-partners/${w2.partnerId}/guests/${g}`, { role: 'guest_user' }), 409, 'last_guest_admin');
    expectError(await as(w2.sessions.guestAdmin, 'PATCH', `/local-partners/${w2.partnerId}/guests/${g}`, { role: 'guest_user' }), 409, 'last_guest_admin');
    expectError(await as(w2.sessions.hostAdmin, 'DELETE', `/local-partners/${w2.partnerId}/guests/${g}`), 409, 'last_guest_admin');
    expectError(await as(w2.sessions.admin, 'DELETE', `/members/${g}`), 409, 'last_guest_admin');
    expect(await membership(g, w2.workspaceId)).toMatchObject({ status: 'active', role: 'guest_admin' });
    // Promote the Guest User: now the first Guest Admin may step down.
    expect((await as(w2.sessions.guestAdmin, 'PATCH', `/local-partners/${w2.partnerId}/guests/${w2.people.guestUser.userId}`, { role: 'guest_admin' })).statusCode).toBe(200);
    const down = await as(w2.sessions.guestAdmin, 'PATCH', `/local-partners/${w2.partnerId}/guests/${g}`, { role: 'guest_user' });
    expect(down.statusCode).toBe(200);
    expect(down.json()).toMatchObject({ guest: { role: 'guest_user', roleLabel: 'Guest User' } });
  });

  it('Guest Admins promote Guest Users and step down, but never touch another Guest Admin; account roles stay (R-LP-11)', async () => {
    await t.deps.db.delete(outbox);
    const other = w.people.guestBeforeMfa.userId; // the second Guest Admin
    expectError(await as(w.sessions.guestAdmin, 'PATCH', `/local-partners/${w.partnerId}/guests/${other}`, { role: 'guest_user' }), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${other}`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${w.people.guestAdmin.userId}`), 403, 'forbidden');
    expectError(await as(w.sessions.guestUser, 'PATCH', `/local-partners/${w.partnerId}/guests/${w.people.guestUser.userId}`, { role: 'guest_admin' }), 403, 'forbidden');

    const up = await as(w.sessions.guestAdmin, 'PATCH', `/local-partners/${w.partnerId}/guests/${w.people.guestUser.userId}`, { role: 'guest_admin' });
    expect(up.statusCode).toBe(200);
    expect((await membership(w.people.guestUser.userId))!.role).toBe('guest_admin');
    expect((await mails('local_partner.guest_role_changed')).map((m) => m.to)).toEqual([w.people.guestUser.email]);
    expect((await eventsOf('User Updated')).at(-1)!.data).toEqual({
      targetEmail: w.people.guestUser.email,
      fromRole: 'guest_user',
      toRole: 'guest_admin',
      localPartnerId: w.partnerId,
    });
    // Their Collaborator grant on the shared account is what it was.
    const acc = await as(w.sessions.guestUser, 'GET', `/accounts/${w.sharedAccountId}`);
    expect(acc.json()).toMatchObject({ myRole: 'collaborator' });
    // Their new session role applies at once (no new sign-in): they may now open the Users tab.
    expect((await as(w.sessions.guestUser, 'GET', `/local-partners/${w.partnerId}/users`)).statusCode).toBe(200);
    // The Members page never changes a guest's role (422), and shows the guest with their partner.
    expectError(await as(w.sessions.admin, 'PATCH', `/members/${w.people.guestUser.userId}`, { role: 'user' }), 422, 'rule_violation');
    const listed = ((await as(w.sessions.admin, 'GET', '/members')).json() as MembersListResponse).members.find((m) => m.userId === w.people.guestUser.userId)!;
    expect(listed).toMatchObject({ role: 'guest_admin', roleLabel: 'Guest Admin', localPartner: { id: w.partnerId, companyName: 'Initech' } });
    expect(listed.abilities).toEqual({ changeRole: false, remove: true, resetMfa: true, forcePasswordReset: true });
  });

  it('removing a guest removes them from the workspace: signed out, grants ended, emailed, one event', async () => {
    const g = await w.newGuest('guest_user');
    const s = await import('../../../test/harness').then((h) => h.sessionFor(t.deps, g.userId, w.workspaceId));
    await t.deps.db.delete(outbox);
    const res = await as(w.sessions.guestAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${g.userId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ endedSessions: 1, endedGrants: 0 });
    expect(await membership(g.userId)).toMatchObject({ status: 'removed', role: 'guest_user', localPartnerId: w.partnerId });
    expect(await liveSessions(g.userId)).toBe(0);
    expectError(await as(s, 'GET', '/session'), 401, 'unauthenticated');
    expect((await mails('local_partner.guest_removed')).map((m) => m.to)).toEqual([g.email]);
    expect((await eventsOf('User Deactivated')).at(-1)!.data).toMatchObject({ targetEmail: g.email, localPartnerId: w.partnerId });
    // Removing them again, or someone who is not a guest of this partner: 404.
    expectError(await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${g.userId}`), 404, 'not_found');
    expectError(await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${w.people.user.userId}`), 404, 'not_found');
    expectError(await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/guests/${w.people.otherPartnerGuest.userId}`), 404, 'not_found');
  });
});

describe('guest invites', () => {
  beforeAll(async () => {
    w = await buildLocalPartnerWorld(t.deps);
  });

  it('Guest Admins invite Guest Users only; Host Admins either; the email carries the Join as a guest link', async () => {
    await t.deps.db.delete(outbox);
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a1@initech.test', role: 'guest_admin' }), 403, 'forbidden');
    const mine = await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'A1@Initech.test' });
    expect(mine.statusCode).toBe(201);
    expect(mine.json()).toMatchObject({ invite: { email: 'a1@initech.test', role: 'guest_user', roleLabel: 'Guest User', status: 'pending' } });
    const host = await as(w.sessions.hostAdmin, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a2@initech.test', role: 'guest_admin' });
    expect(host.statusCode).toBe(201);
    expect((await mails('guest.invite')).map((m) => m.to)).toEqual(['a1@initech.test', 'a2@initech.test']);
    expect((await eventsOf('User Invited')).slice(-2).map((e) => e.data)).toEqual([
      { targetEmail: 'a1@initech.test', role: 'guest_user', localPartnerId: w.partnerId },
      { targetEmail: 'a2@initech.test', role: 'guest_admin', localPartnerId: w.partnerId },
    ]);
    // Twice: 409; a Guest User, a plain User or another partner's guest: 403 / 404.
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a1@initech.test' }), 409, 'already_exists');
    expectError(await as(w.sessions.guestUser, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a3@initech.test' }), 403, 'forbidden');
    expectError(await as(w.sessions.user, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a3@initech.test' }), 404, 'not_found');
    expectError(await as(w.sessions.otherPartnerGuest, 'POST', `/local-partners/${w.partnerId}/invites`, { email: 'a3@initech.test' }), 404, 'not_found');
  });

  it('resend gives a fresh link, revoke ends it; a Guest Admin does not manage invites to Guest Admins', async () => {
    const inv = await w.newInvite('guest_admin');
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/invites/${inv.id}/resend`), 403, 'forbidden');
    const before = (await t.deps.db.select().from(invites).where(eq(invites.id, inv.id)))[0]!;
    expect((await as(w.sessions.hostAdmin, 'POST', `/local-partners/${w.partnerId}/invites/${inv.id}/resend`)).statusCode).toBe(200);
    const after = (await t.deps.db.select().from(invites).where(eq(invites.id, inv.id)))[0]!;
    expect(after.tokenHash).not.toBe(before.tokenHash);
    expect((await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/invites/${inv.id}`)).statusCode).toBe(204);
    expect((await t.deps.db.select().from(invites).where(eq(invites.id, inv.id)))[0]!.status).toBe('revoked');
    expectError(await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}/invites/${inv.id}`), 404, 'not_found');
    // Another partner's invite through this partner's URL: 404.
    const theirs = await w.newInvite('guest_user', w.otherPartnerId);
    expectError(await as(w.sessions.admin, 'DELETE', `/local-partners/${w.partnerId}/invites/${theirs.id}`), 404, 'not_found');
  });
});

describe('removing the partner (R-LP-14)', () => {
  it('removes and signs out every guest, revokes invites, ends shares, strips Host Admins; account roles stay', async () => {
    w = await buildLocalPartnerWorld(t.deps);
    await t.deps.db.delete(outbox);
    expectError(await as(w.sessions.guestAdmin, 'DELETE', `/local-partners/${w.partnerId}`), 403, 'forbidden');
    expectError(await as(w.sessions.user, 'DELETE', `/local-partners/${w.partnerId}`), 404, 'not_found');
    const res = await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${w.partnerId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ removedGuests: 3, endedSessions: 3, endedGrants: 3, revokedInvites: 1, partner: { status: 'removed' } });
    for (const g of [w.people.guestAdmin, w.people.guestUser, w.people.guestBeforeMfa]) {
      expect(await membership(g.userId)).toMatchObject({ status: 'removed' });
      expect(await liveSessions(g.userId)).toBe(0);
    }
    expectError(await as(w.sessions.guestAdmin, 'GET', '/accounts'), 401, 'unauthenticated');
    expect(await t.deps.db.select().from(localPartnerHostAdmins).where(eq(localPartnerHostAdmins.localPartnerId, w.partnerId))).toHaveLength(0);
    // The Host Admin still Owns the account; only its partner access ended.
    expect((await as(w.sessions.hostAdmin, 'GET', `/accounts/${w.sharedAccountId}`)).json()).toMatchObject({ myRole: 'owner' });
    const removed = await eventsOf('Local Partner Removed');
    expect(removed.at(-1)!.data).toEqual({
      localPartnerId: w.partnerId,
      companyName: 'Initech',
      removedGuests: 3,
      endedSessions: 3,
      endedGrants: 3,
      revokedInvites: 1,
    });
    expect((await eventsOf('User Deactivated')).filter((e) => (e.data as { reason?: string }).reason === 'partner_removed')).toHaveLength(3);
    expect((await mails('local_partner.removed')).map((m) => m.to).sort()).toEqual(
      [w.people.guestAdmin.email, w.people.guestUser.email, w.people.guestBeforeMfa.email].sort(),
    );
    // Gone for everyone but Admins; a second removal is a 409 for them.
    expectError(await as(w.sessions.hostAdmin, 'GET', `/local-partners/${w.partnerId}`), 404, 'not_found');
    expect(((await as(w.sessions.admin, 'GET', `/local-partners/${w.partnerId}`)).json() as LocalPartnerDto).status).toBe('removed');
    expectError(await as(w.sessions.admin, 'DELETE', `/local-partners/${w.partnerId}`), 409, 'conflict');
    // The other partner is untouched.
    expect(await membership(w.people.otherPartnerGuest.userId)).toMatchObject({ status: 'active' });
  });
});
