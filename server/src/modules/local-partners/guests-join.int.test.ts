import { and, asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsListResponse } from '@shared/accounts';
import type { SessionDto } from '@shared/auth';
import type { InviteLookupResponse } from '@shared/members';
import { activityEvents, grants, memberships, outbox, sessions, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { OUTBOX_BODY_PURPOSE } from '../email/outbox';
import { createTestApp, createWorkspace, expectError, sessionFor, TEST_PASSWORD, type TestApp, type TestSession } from '../../../test/harness';
import { buildLocalPartnerWorld, insertPartnerShare, type LocalPartnerWorld } from '../../../test/local-partner-world';
import { insertAccount } from '../../../test/world';
import { headersOf, login } from '../auth/test-helpers';
import { totpCodeAt } from '../auth/totp';

const clock = manualClock(new Date('2026-12-01T09:00:10Z'));
let t: TestApp;
let w: LocalPartnerWorld;

const as = (s: TestSession | { cookie: string; 'x-csrf-token': string } | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: s ? ('headers' in s ? s.headers : s) : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const NEW_PASSWORD = 'a very long guest password 7';

/** The last email to `to` with this template, opened (the body is sealed in the outbox). */
async function lastMail(to: string, template: string): Promise<string> {
  const [row] = await t.deps.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.toEmail, to), eq(outbox.template, template)))
    .orderBy(desc(outbox.createdAt))
    .limit(1);
  expect(row, `an email ${template} to ${to}`).toBeDefined();
  const body = await t.deps.db.transaction((tx) => t.deps.vault.openSystem(tx as never, OUTBOX_BODY_PURPOSE, row!.bodySealed));
  return (JSON.parse(body) as { text: string }).text;
}
const tokenIn = (text: string, path: string) => decodeURIComponent(new RegExp(`${path}#token=([^\\s&]+)`).exec(text)![1]!);

/** Enrol and confirm MFA with the session's headers; returns the secret. Moves the clock to a fresh step. */
async function turnOnMfa(h: { cookie: string; 'x-csrf-token': string }, password: string): Promise<string> {
  const enrol = await as(h, 'POST', '/me/mfa/enrol', { password });
  expect(enrol.statusCode).toBe(200);
  const { secret } = enrol.json() as { secret: string };
  expect((await as(h, 'POST', '/me/mfa/confirm', { code: await totpCodeAt(secret, clock.now()) })).statusCode).toBe(200);
  clock.advance(30_000);
  return secret;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  w = await buildLocalPartnerWorld(t.deps);
});
afterAll(async () => {
  await t?.close();
});

describe('joining as a guest (spec §5.6, R-GU-03/04)', () => {
  it('from the emailed link: names, password, Terms of Service; then nothing but MFA set-up until MFA is on', async () => {
    // The Host Admin shares before anyone joined; the new Guest Admin receives it on joining.
    const created = await as(w.sessions.admin, 'POST', '/local-partners', {
      companyName: 'Hooli',
      guestAdminEmail: 'gavin@hooli.test',
      hostAdminUserIds: [w.people.hostAdmin.userId],
    });
    expect(created.statusCode).toBe(201);
    const partnerId = (created.json() as { partner: { id: string } }).partner.id;
    expect(
      (await as(w.sessions.hostAdmin, 'POST', `/local-partners/${partnerId}/accounts`, { accounts: [{ accountId: w.unsharedAccountId, role: 'manager' }] })).json(),
    ).toMatchObject({ grantsCreated: 0 });

    const mail = await lastMail('gavin@hooli.test', 'guest.invite');
    expect(mail).toContain('Join as a guest');
    expect(mail).not.toMatch(/password:/i); // no temporary password is ever emailed
    const token = tokenIn(mail, '/invite');
    const lookup = (await as(null, 'POST', '/invites/lookup', { token })).json() as InviteLookupResponse;
    expect(lookup).toMatchObject({ email: 'gavin@hooli.test', role: 'guest_admin', existingUser: false, localPartner: { companyName: 'Hooli' } });
    expect(lookup.termsVersion).toMatch(/^\d{4}-\d{2}$/);

    // Refusals that change nothing: no terms, no family name, a weak password.
    expectError(await as(null, 'POST', '/invites/accept', { token, name: 'Gavin', familyName: 'Belson', password: NEW_PASSWORD }), 400, 'validation_failed');
    expectError(await as(null, 'POST', '/invites/accept', { token, name: 'Gavin', password: NEW_PASSWORD, acceptTerms: true }), 400, 'validation_failed');
    expectError(await as(null, 'POST', '/invites/accept', { token, name: 'Gavin', familyName: 'Belson', password: 'short', acceptTerms: true }), 422, 'weak_password');
    expect(await t.deps.db.select().from(users).where(eq(users.email, 'gavin@hooli.test'))).toHaveLength(0);

    const joined = await as(null, 'POST', '/invites/accept', { token, name: 'Gavin', familyName: 'Belson', password: NEW_PASSWORD, acceptTerms: true });
    expect(joined.statusCode).toBe(200);
    const session = (joined.json() as { session: SessionDto }).session;
    expect(session).toMatchObject({
      user: { name: 'Gavin Belson', mfaEnabled: false },
      role: 'guest_admin',
      roleLabel: 'Guest Admin',
      localPartner: { id: partnerId, companyName: 'Hooli', role: 'guest_admin' },
      mfaEnrolmentRequired: true,
    });
    expect(session.abilities['members.view']).toBe(false);
    expect(session.abilities['accounts.create']).toBe(false);
    const h = headersOf(joined);
    const [m] = await t.deps.db.select().from(memberships).where(and(eq(memberships.workspaceId, w.workspaceId), eq(memberships.userId, session.user.id)));
    expect(m).toMatchObject({ role: 'guest_admin', localPartnerId: partnerId, termsVersion: lookup.termsVersion });
    expect(m!.termsAcceptedAt).not.toBeNull();
    // The partner's share reached the new Guest Admin at once (§3.4: shares go to the Guest Admins).
    const [g] = await t.deps.db.select().from(grants).where(and(eq(grants.userId, session.user.id), eq(grants.accountId, w.unsharedAccountId)));
    expect(g).toMatchObject({ role: 'manager', sourceKind: 'local_partner', sourceId: partnerId });
    expect(await lastMail(w.people.hostAdmin.email, 'local_partner.guest_joined')).toContain('Gavin Belson');
    const [ev] = await t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.type, 'User Created'), eq(activityEvents.targetUserId, session.user.id)));
    expect(ev!.data).toEqual({ targetEmail: 'gavin@hooli.test', role: 'guest_admin', localPartnerId: partnerId });

    // Before MFA: no account route, nothing else either — only what it takes to turn MFA on.
    expectError(await as(h, 'GET', '/accounts'), 403, 'mfa_enrolment_required');
    expectError(await as(h, 'GET', `/accounts/${w.unsharedAccountId}`), 403, 'mfa_enrolment_required');
    expectError(await as(h, 'GET', `/local-partners/${partnerId}/users`), 403, 'mfa_enrolment_required');
    expectError(await as(h, 'GET', '/activity'), 403, 'mfa_enrolment_required');
    expect((await as(h, 'GET', '/session')).statusCode).toBe(200);

    await turnOnMfa(h, NEW_PASSWORD);
    const after = (await as(h, 'GET', '/session')).json() as SessionDto;
    expect(after.mfaEnrolmentRequired).toBe(false);
    expect(((await as(h, 'GET', '/accounts')).json() as AccountsListResponse).items.map((a) => a.id)).toEqual([w.unsharedAccountId]);

    // A guest keeps MFA on (R-GU-04): refused before the password or code is even checked.
    expectError(await as(h, 'POST', '/me/mfa/disable', { password: NEW_PASSWORD, code: '123456' }), 422, 'rule_violation');
    expect(((await as(h, 'GET', '/session')).json() as SessionDto).user.mfaEnabled).toBe(true);
    // The link worked once.
    expectError(await as(null, 'POST', '/invites/accept', { token, name: 'X', familyName: 'Y', password: NEW_PASSWORD, acceptTerms: true }), 404, 'invite_invalid');
  });

  it('a person who already uses Latchkey signs in first and only accepts the terms', async () => {
    const { workspace, owner } = await createWorkspace(t.deps, { name: 'Agency Own' });
    const inv = await w.newInvite('guest_user');
    // Give the invite to the existing person's email.
    const { invites } = await import('../../db/schema/index');
    await t.deps.db.update(invites).set({ email: owner.email }).where(eq(invites.id, inv.id));
    expectError(await as(null, 'POST', '/invites/accept', { token: inv.token, acceptTerms: true }), 409, 'conflict');
    const own = await sessionFor(t.deps, owner.id, workspace.id);
    expectError(await as(own, 'POST', '/invites/accept', { token: inv.token }), 400, 'validation_failed');
    const res = await as(own, 'POST', '/invites/accept', { token: inv.token, acceptTerms: true });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { session: SessionDto }).session).toMatchObject({
      workspace: { id: w.workspaceId },
      role: 'guest_user',
      localPartner: { id: w.partnerId, role: 'guest_user' },
      mfaEnrolmentRequired: true,
    });
    // Their own workspace is untouched; the switcher lists both.
    expect((res.json() as { session: SessionDto }).session.workspaces.map((x) => x.id).sort()).toEqual([workspace.id, w.workspaceId].sort());
  });

  it('an invite to a partner removed meanwhile no longer works', async () => {
    const created = await as(w.sessions.admin, 'POST', '/local-partners', {
      companyName: 'Pied Piper',
      guestAdminEmail: 'richard@piedpiper.test',
      hostAdminUserIds: [w.people.hostAdmin.userId],
    });
    const partnerId = (created.json() as { partner: { id: string } }).partner.id;
    const token = tokenIn(await lastMail('richard@piedpiper.test', 'guest.invite'), '/invite');
    expect((await as(w.sessions.hostAdmin, 'DELETE', `/local-partners/${partnerId}`)).json()).toMatchObject({ revokedInvites: 1 });
    expectError(await as(null, 'POST', '/invites/lookup', { token }), 404, 'invite_invalid');
    expectError(await as(null, 'POST', '/invites/accept', { token, name: 'R', familyName: 'H', password: NEW_PASSWORD, acceptTerms: true }), 404, 'invite_invalid');
  });
});

describe('Admins reset a guest’s MFA or force a password reset (spec §5.9)', () => {
  it('reset MFA: sessions end, the next sign-in leads to MFA set-up; a Guest Admin may do it to a Guest User only', async () => {
    const g = await w.newGuest('guest_user');
    const s = await sessionFor(t.deps, g.userId, w.workspaceId);
    expectError(await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/guests/${w.people.guestBeforeMfa.userId}/reset-mfa`), 403, 'forbidden');
    const res = await as(w.sessions.guestAdmin, 'POST', `/local-partners/${w.partnerId}/guests/${g.userId}/reset-mfa`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ endedSessions: 1 });
    expectError(await as(s, 'GET', '/session'), 401, 'unauthenticated');
    expect(await lastMail(g.email, 'member.mfa_reset')).toContain('set up your authenticator app again');
    const signIn = await login(t, g.email, TEST_PASSWORD);
    expect(signIn.json()).toMatchObject({ status: 'signed_in', session: { mfaEnrolmentRequired: true } });
    expectError(await as(headersOf(signIn), 'GET', '/accounts'), 403, 'mfa_enrolment_required');
  });

  it('force a password reset: the old password stops working, the emailed link sets a new one (once, and not the old one)', async () => {
    const g = await w.newGuest('guest_user');
    clock.advance(60_000);
    const res = await as(w.sessions.admin, 'POST', `/members/${g.userId}/force-password-reset`);
    expect(res.statusCode).toBe(200);
    expectError(await login(t, g.email, TEST_PASSWORD), 401, 'password_reset_required');
    const token = tokenIn(await lastMail(g.email, 'member.password_reset'), '/reset-password');
    expect((await as(null, 'POST', '/auth/password-reset/lookup', { token })).json()).toEqual({ email: g.email });
    expectError(await as(null, 'POST', '/auth/password-reset', { token, newPassword: TEST_PASSWORD }), 422, 'weak_password');
    expectError(await as(null, 'POST', '/auth/password-reset', { token, newPassword: 'short' }), 422, 'weak_password');
    expect((await as(null, 'POST', '/auth/password-reset', { token, newPassword: NEW_PASSWORD })).statusCode).toBe(204);
    expectError(await as(null, 'POST', '/auth/password-reset', { token, newPassword: `${NEW_PASSWORD}!` }), 404, 'reset_link_invalid');
    expectError(await login(t, g.email, TEST_PASSWORD), 401, 'invalid_credentials');
    const ok = await login(t, g.email, NEW_PASSWORD);
    expect(ok.statusCode).toBe(200);
    const events = await t.deps.db
      .select({ type: activityEvents.type, data: activityEvents.data })
      .from(activityEvents)
      .where(and(eq(activityEvents.workspaceId, w.workspaceId), eq(activityEvents.targetUserId, g.userId)))
      .orderBy(asc(activityEvents.id));
    expect(events.map((e) => e.type)).toContain('User Password Reset Forced');
    // A newer link replaces an older one; an expired one does not work.
    await as(w.sessions.admin, 'POST', `/members/${g.userId}/force-password-reset`);
    const first = tokenIn(await lastMail(g.email, 'member.password_reset'), '/reset-password');
    clock.advance(1000);
    await as(w.sessions.admin, 'POST', `/members/${g.userId}/force-password-reset`);
    const second = tokenIn(await lastMail(g.email, 'member.password_reset'), '/reset-password');
    expectError(await as(null, 'POST', '/auth/password-reset/lookup', { token: first }), 404, 'reset_link_invalid');
    clock.advance(25 * 3_600_000);
    expectError(await as(null, 'POST', '/auth/password-reset/lookup', { token: second }), 404, 'reset_link_invalid');
  });

  it('refuses a login that belongs to another workspace too (409), oneself, and the Owner', async () => {
    // The clock moved a day on above: fresh sessions.
    for (const who of ['hostAdmin', 'admin', 'guestAdmin'] as const) w.sessions[who] = await sessionFor(t.deps, w.people[who].userId, w.workspaceId);
    const { workspace, owner } = await createWorkspace(t.deps, { name: 'Theirs' });
    const inv = await w.newInvite('guest_user');
    const { invites } = await import('../../db/schema/index');
    await t.deps.db.update(invites).set({ email: owner.email }).where(eq(invites.id, inv.id));
    const own = await sessionFor(t.deps, owner.id, workspace.id);
    expect((await as(own, 'POST', '/invites/accept', { token: inv.token, acceptTerms: true })).statusCode).toBe(200);
    expectError(await as(w.sessions.hostAdmin, 'POST', `/local-partners/${w.partnerId}/guests/${owner.id}/reset-mfa`), 409, 'conflict');
    expectError(await as(w.sessions.admin, 'POST', `/members/${owner.id}/force-password-reset`), 409, 'conflict');
    expect((await t.deps.db.select().from(users).where(eq(users.id, owner.id)))[0]!.passwordResetRequiredAt).toBeNull();
    expectError(await as(w.sessions.admin, 'POST', `/members/${w.people.admin.userId}/reset-mfa`), 403, 'forbidden');
    expectError(await as(w.sessions.admin, 'POST', `/members/${w.people.owner.userId}/reset-mfa`), 403, 'forbidden');
    expectError(await as(w.sessions.guestAdmin, 'POST', `/members/${w.people.guestUser.userId}/reset-mfa`), 403, 'forbidden');
  });
});

describe('removed guests', () => {
  it('cannot sign in again once their partner is gone (their only workspace)', async () => {
    const w2 = await buildLocalPartnerWorld(t.deps);
    const acc = await insertAccount(t.deps, w2.workspaceId, w2.people.hostAdmin.userId, []);
    await insertPartnerShare(t.deps, w2.workspaceId, w2.partnerId, acc.id, w2.people.hostAdmin.userId, 'manager', [{ userId: w2.people.guestAdmin.userId, role: 'manager' }]);
    const before = await login(t, w2.people.guestAdmin.email, TEST_PASSWORD);
    expect(before.json()).toMatchObject({ status: 'mfa_required' });
    expect((await as(w2.sessions.admin, 'DELETE', `/local-partners/${w2.partnerId}`)).statusCode).toBe(200);
    expectError(await login(t, w2.people.guestAdmin.email, TEST_PASSWORD), 401, 'invalid_credentials');
    const live = await t.deps.db.select().from(sessions).where(and(eq(sessions.userId, w2.people.guestAdmin.userId)));
    expect(live.every((s) => s.endedAt !== null)).toBe(true);
  });
});
