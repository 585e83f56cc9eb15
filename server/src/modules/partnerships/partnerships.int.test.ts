import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTNERSHIP_TOS_VERSION, type PartnershipDto, type PartnershipListResponse } from '@shared/partnerships';
import { accessRequests, activityEvents, grants, outbox, partnershipAccounts, partnershipOwners, partnerships } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { insertAccount, insertMember } from '../../../test/world';
import { runPartnershipExpiry } from './partnerships.jobs';

const DAY = 86_400_000;
const clock = manualClock(new Date('2026-11-02T09:00:00Z'));

let t: TestApp;
type Ws = { id: string; publicId: string; owner: { userId: string; email: string } };
async function ws(name: string): Promise<Ws> {
  const { workspace, owner } = await createWorkspace(t.deps, { name });
  return { id: workspace.id, publicId: workspace.publicId, owner: { userId: owner.id, email: owner.email } };
}
const as = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });

async function mails(template?: string) {
  const rows = await t.deps.db
    .select({ to: outbox.toEmail, template: outbox.template, subject: outbox.subject })
    .from(outbox)
    .orderBy(asc(outbox.createdAt));
  return rows.filter((r) => !template || r.template === template);
}
async function clearOutbox() {
  await t.deps.db.delete(outbox);
}
async function events(pid: string, type?: string) {
  const rows = await t.deps.db
    .select()
    .from(activityEvents)
    .where(sql`${activityEvents.data}->>'partnershipId' = ${pid}`)
    .orderBy(asc(activityEvents.createdAt));
  return rows.filter((r) => !type || r.type === type);
}

/** A host (Owner, Admin, User, Login-Only) and a guest (Owner, two Admins, a User), and an unrelated workspace. */
async function buildPair(label: string) {
  const host = await ws(`Host ${label}`);
  const guest = await ws(`Guest ${label}`);
  const other = await ws(`Other ${label}`);
  const hostAdmin = await insertMember(t.deps, host.id, 'admin');
  const hostUser = await insertMember(t.deps, host.id, 'user');
  const hostUser2 = await insertMember(t.deps, host.id, 'user');
  const hostLogin = await insertMember(t.deps, host.id, 'login_only');
  const guestAdmin = await insertMember(t.deps, guest.id, 'admin');
  const guestAdmin2 = await insertMember(t.deps, guest.id, 'admin');
  const guestUser = await insertMember(t.deps, guest.id, 'user');
  const otherAdmin = await insertMember(t.deps, other.id, 'admin');
  const s = {
    hostOwner: await sessionFor(t.deps, host.owner.userId, host.id),
    hostAdmin: await sessionFor(t.deps, hostAdmin.userId, host.id),
    hostUser: await sessionFor(t.deps, hostUser.userId, host.id),
    hostUser2: await sessionFor(t.deps, hostUser2.userId, host.id),
    hostLogin: await sessionFor(t.deps, hostLogin.userId, host.id),
    guestOwner: await sessionFor(t.deps, guest.owner.userId, guest.id),
    guestAdmin: await sessionFor(t.deps, guestAdmin.userId, guest.id),
    guestAdmin2: await sessionFor(t.deps, guestAdmin2.userId, guest.id),
    guestUser: await sessionFor(t.deps, guestUser.userId, guest.id),
    otherAdmin: await sessionFor(t.deps, otherAdmin.userId, other.id),
  };
  return { host, guest, other, hostAdmin, hostUser, hostUser2, hostLogin, guestAdmin, guestAdmin2, guestUser, otherAdmin, s };
}
type Pair = Awaited<ReturnType<typeof buildPair>>;

async function request(p: Pair, who: TestSession, reason: string | undefined = 'We run their ads'): Promise<PartnershipDto> {
  const res = await as(who, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'Someone@Partner.Example', reason });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function activePartnership(p: Pair): Promise<PartnershipDto> {
  const created = await request(p, p.s.hostAdmin);
  const res = await as(p.s.guestAdmin, 'POST', `/partnerships/${created.id}/accept`, { acceptTerms: true });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
/** Share a host account into the partnership the way the sharing service does: the share row and the guest contact's grant. */
async function share(p: Pair, pid: string, role: 'manager' | 'collaborator' = 'manager') {
  const acc = await insertAccount(t.deps, p.host.id, p.host.owner.userId, []);
  await t.deps.db.insert(partnershipAccounts).values({
    hostWorkspaceId: p.host.id,
    partnershipId: pid,
    accountId: acc.id,
    role,
    sharedBy: p.host.owner.userId,
    sharedAt: clock.now(),
  });
  await t.deps.db.insert(grants).values({
    workspaceId: p.host.id,
    subjectWorkspaceId: p.guest.id,
    accountId: acc.id,
    userId: p.guestAdmin.userId,
    role,
    sourceKind: 'host_guest_partnership',
    sourceId: pid,
    grantedBy: p.host.owner.userId,
  });
  return acc.id;
}
async function grantVia(p: Pair, pid: string, accountId: string, userId: string, role: 'manager' | 'collaborator' = 'collaborator') {
  await t.deps.db.insert(grants).values({
    workspaceId: p.host.id,
    subjectWorkspaceId: p.guest.id,
    accountId,
    userId,
    role,
    sourceKind: 'host_guest_partnership',
    sourceId: pid,
    grantedBy: p.host.owner.userId,
  });
}
async function pendingRequest(p: Pair, pid: string, accountId: string, requester: string, target: string) {
  const [r] = await t.deps.db
    .insert(accessRequests)
    .values({
      hostWorkspaceId: p.host.id,
      guestWorkspaceId: p.guest.id,
      partnershipId: pid,
      accountId,
      requesterUserId: requester,
      targetUserId: target,
      role: 'collaborator',
      createdAt: clock.now(),
    })
    .returning({ id: accessRequests.id });
  return r!.id;
}

beforeAll(async () => {
  // Sessions outlive the clock jumps below (reminders, resends, expiry are days apart).
  t = await createTestApp({ clock, config: { sessionIdleMs: 400 * DAY, sessionAbsoluteMs: 400 * DAY } });
});
afterAll(() => t.close());

describe('POST /partnerships', () => {
  it('refuses Login-Only members (403), and demands a reason from non-Admins (400)', async () => {
    const p = await buildPair('a');
    expectError(await as(p.s.hostLogin, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test', reason: 'r' }), 403, 'forbidden');
    expectError(await as(p.s.hostLogin, 'GET', '/partnerships'), 403, 'forbidden');
    expectError(await as(p.s.hostUser, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }), 400, 'validation_failed');
    expectError(await as(p.s.hostUser, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test', reason: '   ' }), 400, 'validation_failed');
    expectError(await as(null, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }), 401, 'unauthenticated');
    expect(await t.deps.db.select().from(partnerships).where(eq(partnerships.hostWorkspaceId, p.host.id))).toEqual([]);
  });

  it('gives the same generic answer for an unknown ID, the own ID and an existing partnership', async () => {
    const p = await buildPair('b');
    const gen = (id: string) => `No workspace with the ID "${id}" accepts partnership requests from you.`;
    const unknown = expectError(await as(p.s.hostAdmin, 'POST', '/partnerships', { workspaceId: 'wsp_doesnotexist', partnerEmail: 'x@y.test' }), 404, 'not_found');
    expect(unknown.message).toBe(gen('wsp_doesnotexist'));
    const own = expectError(await as(p.s.hostAdmin, 'POST', '/partnerships', { workspaceId: p.host.publicId, partnerEmail: 'x@y.test' }), 404, 'not_found');
    expect(own.message).toBe(gen(p.host.publicId));
    await request(p, p.s.hostUser);
    const dup = expectError(await as(p.s.hostAdmin, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }), 404, 'not_found');
    expect(dup.message).toBe(gen(p.guest.publicId));
    // Q14: the reverse direction is a different partnership.
    const reverse = await as(p.s.guestAdmin, 'POST', '/partnerships', { workspaceId: p.host.publicId, partnerEmail: 'x@y.test' });
    expect(reverse.statusCode, reverse.body).toBe(201);
  });

  it('rate limits lookups per user: the 11th within an hour is 429 with retryAfter', async () => {
    const p = await buildPair('c');
    for (let i = 0; i < 10; i++) {
      expectError(await as(p.s.hostUser2, 'POST', '/partnerships', { workspaceId: `nope-${i}`, partnerEmail: 'x@y.test', reason: 'r' }), 404, 'not_found');
    }
    const res = await as(p.s.hostUser2, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test', reason: 'r' });
    const err = expectError(res, 429, 'rate_limited') as { details?: { retryAfter?: number } };
    expect(err.details?.retryAfter).toBeGreaterThan(0);
    expect(res.headers['retry-after']).toBeDefined();
    // Another user of the same workspace still may.
    expect((await as(p.s.hostUser, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test', reason: 'r' })).statusCode).toBe(201);
    clock.advance(3_600_000);
  });

  it('a User request waits for a host Admin, emails host Admins and the Owner, and is invisible to the guest', async () => {
    const p = await buildPair('d');
    await clearOutbox();
    const d = await request(p, p.s.hostUser);
    expect(d).toMatchObject({ side: 'host', state: 'awaiting_host_admin', reason: 'We run their ads', partnerEmail: 'someone@partner.example' });
    expect(d.owners.map((o) => o.userId)).toEqual([p.hostUser.userId]);
    expect(d.requestedBy?.userId).toBe(p.hostUser.userId);
    expect(d.guest.workspaceId).toBe(p.guest.publicId);
    expect(d.abilities).toMatchObject({ remind: true, approve: false, edit: true, remove: true });
    expect(new Date(d.expiresAt!).getTime()).toBe(clock.now().getTime() + 30 * DAY);
    expect((await mails('partnership.request_host')).map((m) => m.to).sort()).toEqual([p.host.owner.email, p.hostAdmin.email].sort());
    expect(await mails('partnership.request_guest')).toEqual([]);
    expect(await events(d.id, 'Partnership Requested')).toHaveLength(1);
    expectError(await as(p.s.guestAdmin, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
    expect(((await as(p.s.guestAdmin, 'GET', '/partnerships')).json() as PartnershipListResponse).items).toEqual([]);
    expectError(await as(p.s.otherAdmin, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
    expectError(await as(p.s.hostLogin, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
    // A host User who is not an owner does not see it; the Admin does, as needing their decision.
    expect(((await as(p.s.hostUser2, 'GET', '/partnerships')).json() as PartnershipListResponse).items).toEqual([]);
    expectError(await as(p.s.hostUser2, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
    const adminList = (await as(p.s.hostAdmin, 'GET', '/partnerships')).json() as PartnershipListResponse;
    expect(adminList).toMatchObject({ workspaceId: p.host.publicId, awaitingMyDecision: 1, abilities: { request: true, viewAll: true } });
    // Once approved the guest Admin sees the request, but not the requester's reason (it was for the host's Admins).
    expect((await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/approve`)).statusCode).toBe(200);
    const asGuest = (await as(p.s.guestAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(asGuest).toMatchObject({ side: 'guest', state: 'awaiting_guest_admin', reason: null, requestedBy: null });
  });

  it('an Admin request is auto-approved, stores no reason, and emails the guest Admins — never the typed address', async () => {
    const p = await buildPair('e');
    await clearOutbox();
    const d = await request(p, p.s.hostAdmin, 'ignored');
    expect(d).toMatchObject({ state: 'awaiting_guest_admin', reason: null });
    expect(d.hostDecision?.by?.userId).toBe(p.hostAdmin.userId);
    const to = (await mails()).map((m) => m.to).sort();
    expect(to).toEqual([p.guest.owner.email, p.guestAdmin.email, p.guestAdmin2.email].sort());
    expect(to).not.toContain('someone@partner.example');
    const [ev] = await events(d.id, 'Partnership Requested');
    expect(ev).toMatchObject({ workspaceId: p.host.id, partnerWorkspaceId: p.guest.id });
    expect(ev!.data).toMatchObject({ autoApproved: true });
    // The guest side sees it now, without host identities.
    const g = (await as(p.s.guestAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(g).toMatchObject({ side: 'guest', requestedBy: null, owners: [], guest: { workspaceId: null }, partnerName: 'Host e' });
    expect(g.hostDecision?.by).toBeNull();
    expect(g.abilities).toMatchObject({ accept: true, decline: true, approve: false });
    const gl = (await as(p.s.guestAdmin, 'GET', '/partnerships')).json() as PartnershipListResponse;
    expect(gl.awaitingMyDecision).toBe(1);
    // A guest User never sees partnerships.
    expectError(await as(p.s.guestUser, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
  });
});

describe('transitions', () => {
  it('approve: host Admin only (403 for the requester, 404 for the guest and others), then 409 once decided', async () => {
    const p = await buildPair('f');
    const d = await request(p, p.s.hostUser);
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/approve`), 403, 'forbidden');
    expectError(await as(p.s.guestAdmin, 'POST', `/partnerships/${d.id}/approve`), 404, 'not_found');
    expectError(await as(p.s.otherAdmin, 'POST', `/partnerships/${d.id}/approve`), 404, 'not_found');
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/accept`, { acceptTerms: true }), 403, 'forbidden');
    await clearOutbox();
    clock.advance(DAY);
    const res = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/approve`);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as PartnershipDto;
    expect(a.state).toBe('awaiting_guest_admin');
    expect(new Date(a.expiresAt!).getTime()).toBe(clock.now().getTime() + 30 * DAY);
    expect((await mails('partnership.request_guest')).length).toBe(3);
    const again = expectError(await as(p.s.hostOwner, 'POST', `/partnerships/${d.id}/approve`), 409, 'conflict');
    expect(again.message).toContain("Awaiting partner's acceptance");
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/decline`, {}), 409, 'conflict');
    const [ev] = await events(d.id, 'Partnership Accepted');
    expect(ev!.data).toMatchObject({ side: 'host' });
    expect(ev!.actorUserId).toBe(p.hostAdmin.userId);
  });

  it('host decline: declined_by_host with the reason, emails the owners, releases the pair (Q1)', async () => {
    const p = await buildPair('g');
    const d = await request(p, p.s.hostUser);
    await clearOutbox();
    const res = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/decline`, { reason: 'Not now' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'declined_by_host', hostDecision: { reason: 'Not now' } });
    expect((await mails()).map((m) => [m.to, m.template])).toEqual([[p.hostUser.email, 'partnership.declined']]);
    expect((await events(d.id, 'Partnership Declined'))[0]!.data).toMatchObject({ side: 'host', reason: 'Not now' });
    // Hidden from the default list, shown with view=all; a new request is allowed.
    expect(((await as(p.s.hostUser, 'GET', '/partnerships')).json() as PartnershipListResponse).items).toEqual([]);
    expect(((await as(p.s.hostUser, 'GET', '/partnerships?view=all')).json() as PartnershipListResponse).items).toHaveLength(1);
    await request(p, p.s.hostUser);
  });

  it('guest decline, resend (no new host approval, once per 24 h), accept with the Terms of Service', async () => {
    const p = await buildPair('h');
    const d = await request(p, p.s.hostAdmin);
    expectError(await as(p.s.guestUser, 'POST', `/partnerships/${d.id}/decline`, {}), 404, 'not_found');
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/resend`), 409, 'conflict');
    await clearOutbox();
    const dec = await as(p.s.guestAdmin, 'POST', `/partnerships/${d.id}/decline`, { reason: 'Who are you?' });
    expect(dec.json()).toMatchObject({ state: 'declined_by_guest', guestDecision: { by: { userId: p.guestAdmin.userId }, reason: 'Who are you?' } });
    expect((await mails()).map((m) => m.to)).toEqual([p.hostAdmin.email]);
    // The host reads the guest's reason; the guest never reads the host requester's (R-HG-05).
    expect(((await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto).guestDecision?.reason).toBe('Who are you?');
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/resend`), 404, 'not_found');
    // The pair is still taken while declined by the guest.
    expectError(await as(p.s.hostOwner, 'POST', '/partnerships', { workspaceId: p.guest.publicId, partnerEmail: 'x@y.test' }), 404, 'not_found');
    await clearOutbox();
    const r1 = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/resend`);
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json()).toMatchObject({ state: 'awaiting_guest_admin', guestDecision: null });
    expect((await mails('partnership.request_guest')).length).toBe(3);
    await as(p.s.guestAdmin, 'POST', `/partnerships/${d.id}/decline`, {});
    const limited = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/resend`);
    const err = expectError(limited, 429, 'rate_limited') as { details?: { retryAfter?: number } };
    expect(err.details?.retryAfter).toBeGreaterThan(0);
    expect(((await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto).nextNudgeAt).not.toBeNull();
    clock.advance(DAY + 1000);
    expect((await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/resend`)).statusCode).toBe(200);
    expect(await events(d.id, 'Partnership Updated')).toHaveLength(2);

    expectError(await as(p.s.guestAdmin2, 'POST', `/partnerships/${d.id}/accept`, {}), 400, 'validation_failed');
    expectError(await as(p.s.guestAdmin2, 'POST', `/partnerships/${d.id}/accept`, { acceptTerms: false }), 400, 'validation_failed');
    await clearOutbox();
    const acc = await as(p.s.guestAdmin2, 'POST', `/partnerships/${d.id}/accept`, { acceptTerms: true });
    expect(acc.statusCode, acc.body).toBe(200);
    const a = acc.json() as PartnershipDto;
    expect(a).toMatchObject({ state: 'active', expiresAt: null, guestContact: { userId: p.guestAdmin2.userId } });
    expect(a.tosAcceptedAt).not.toBeNull();
    const [row] = await t.deps.db.select().from(partnerships).where(eq(partnerships.id, d.id));
    expect(row!.tosVersion).toBe(PARTNERSHIP_TOS_VERSION);
    expect((await mails('partnership.accepted')).map((m) => m.to)).toEqual([p.hostAdmin.email]);
    expectError(await as(p.s.guestAdmin, 'POST', `/partnerships/${d.id}/accept`, { acceptTerms: true }), 409, 'conflict');
    const host = (await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(host.abilities).toMatchObject({ shareAccounts: true, remove: true, manageOwners: true });
  });

  it('remind: Partnership Owner only, once per 24 h, emails host Admins', async () => {
    const p = await buildPair('i');
    const d = await request(p, p.s.hostUser);
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/remind`), 403, 'forbidden');
    await clearOutbox();
    const r = await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/remind`);
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as PartnershipDto).nextNudgeAt).not.toBeNull();
    expect((await mails('partnership.reminder')).map((m) => m.to).sort()).toEqual([p.host.owner.email, p.hostAdmin.email].sort());
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/remind`), 429, 'rate_limited');
    clock.advance(DAY - 60_000);
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/remind`), 429, 'rate_limited');
    clock.advance(60_000);
    expect((await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/remind`)).statusCode).toBe(200);
    const ev = await events(d.id, 'Partnership Updated');
    expect(ev.map((e) => (e.data as { change: string }).change)).toEqual(['reminder_sent', 'reminder_sent']);
  });

  it('PATCH edits pending details (one event) and settings', async () => {
    const p = await buildPair('j');
    const d = await request(p, p.s.hostUser);
    expectError(await as(p.s.hostUser2, 'PATCH', `/partnerships/${d.id}`, { reason: 'x' }), 404, 'not_found');
    await clearOutbox();
    const res = await as(p.s.hostUser, 'PATCH', `/partnerships/${d.id}`, { partnerEmail: 'New@Partner.Example', reason: 'Updated', allowManagerRequests: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ partnerEmail: 'new@partner.example', reason: 'Updated', allowManagerRequests: true });
    const ev = await events(d.id, 'Partnership Updated');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({ change: 'details_edited', fields: ['partnerEmail', 'reason', 'allowManagerRequests'] });
    // Not yet approved by the host: the guest never saw it, nobody is emailed.
    expect(await mails()).toEqual([]);
    // Approved and waiting for the guest: its Admins and Owner get the updated request (never the typed address).
    const g = await buildPair('j3');
    const pending = await request(g, g.s.hostAdmin);
    await clearOutbox();
    const edited = await as(g.s.hostAdmin, 'PATCH', `/partnerships/${pending.id}`, { partnerEmail: 'Other@Partner.Example' });
    expect(edited.statusCode, edited.body).toBe(200);
    const updated = await mails();
    expect(updated.map((m) => m.to).sort()).toEqual([g.guest.owner.email, g.guestAdmin.email, g.guestAdmin2.email].sort());
    expect(updated.every((m) => m.template === 'partnership.request_guest' && m.subject.startsWith('Updated request: '))).toBe(true);
    expect(await events(pending.id, 'Partnership Updated')).toHaveLength(1);
    // Settings only on a live partnership; details only while pending (or declined by the guest).
    const q = await buildPair('j2');
    const a = await activePartnership(q);
    expectError(await as(q.s.hostAdmin, 'PATCH', `/partnerships/${a.id}`, { reason: 'late' }), 409, 'conflict');
    await clearOutbox();
    const set = await as(q.s.hostAdmin, 'PATCH', `/partnerships/${a.id}`, { allowManagerRequests: true });
    expect(set.json()).toMatchObject({ allowManagerRequests: true });
    expect((await events(a.id, 'Partnership Updated'))[0]!.data).toMatchObject({ change: 'setting_changed', fields: ['allowManagerRequests'] });
    // The guest Admins and Owner are told, once per change; the same value again emails nobody.
    const guestSide = [q.guest.owner.email, q.guestAdmin.email, q.guestAdmin2.email].sort();
    const on = await mails();
    expect(on.map((m) => m.to).sort()).toEqual(guestSide);
    expect(on.map((m) => [m.template, m.subject])).toEqual(guestSide.map(() => ['partnership.setting_changed', 'Host j2 now lets Managers ask for the Manager role']));
    await clearOutbox();
    expect((await as(q.s.hostAdmin, 'PATCH', `/partnerships/${a.id}`, { allowManagerRequests: true })).statusCode).toBe(200);
    expect(await mails()).toEqual([]);
    expect((await as(q.s.hostAdmin, 'PATCH', `/partnerships/${a.id}`, { allowManagerRequests: false })).statusCode).toBe(200);
    const off = await mails();
    expect(off.map((m) => m.to).sort()).toEqual(guestSide);
    expect(off.map((m) => m.subject)).toEqual(guestSide.map(() => 'Host j2 no longer lets Managers ask for the Manager role'));
    await clearOutbox();
    expectError(await as(q.s.guestAdmin, 'PATCH', `/partnerships/${a.id}`, { allowManagerRequests: false }), 403, 'forbidden');
  });
});

describe('removal', () => {
  it('guest Admin removes an active partnership: grants end, requests are cancelled, the guest loses the account (404)', async () => {
    const p = await buildPair('k');
    const d = await activePartnership(p);
    const accountId = await share(p, d.id);
    await grantVia(p, d.id, accountId, p.guestUser.userId);
    const reqId = await pendingRequest(p, d.id, accountId, p.guestAdmin.userId, p.guestAdmin2.userId);
    expect((await as(p.s.guestUser, 'GET', `/accounts/${accountId}`)).statusCode).toBe(200);
    const before = (await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(before).toMatchObject({ sharedAccountCount: 1, memberCount: 2, pendingAccessRequestCount: 1 });

    expectError(await as(p.s.guestUser, 'DELETE', `/partnerships/${d.id}`), 404, 'not_found');
    expectError(await as(p.s.hostUser2, 'DELETE', `/partnerships/${d.id}`), 404, 'not_found');
    expectError(await as(p.s.otherAdmin, 'DELETE', `/partnerships/${d.id}`), 404, 'not_found');
    await clearOutbox();
    const res = await as(p.s.guestAdmin2, 'DELETE', `/partnerships/${d.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'removed', sharedAccountCount: 0, memberCount: 0, pendingAccessRequestCount: 0 });
    const live = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.sourceId, d.id), sql`${grants.revokedAt} is null`));
    expect(live).toEqual([]);
    // The host Owner's own direct grant is untouched.
    expect((await as(p.s.hostOwner, 'GET', `/accounts/${accountId}`)).statusCode).toBe(200);
    expectError(await as(p.s.guestUser, 'GET', `/accounts/${accountId}`), 404, 'not_found');
    expectError(await as(p.s.guestAdmin, 'GET', `/accounts/${accountId}`), 404, 'not_found');
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, reqId));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'partnership_removed' });
    const [shareRow] = await t.deps.db.select().from(partnershipAccounts).where(eq(partnershipAccounts.partnershipId, d.id));
    expect(shareRow!.removedAt).not.toBeNull();
    const ev = await events(d.id, 'Partnership Removed');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.data).toMatchObject({ side: 'guest', endedGrants: 2, cancelledRequests: 1 });
    const to = new Set((await mails('partnership.removed')).map((m) => m.to));
    expect(to).toEqual(new Set([p.hostAdmin.email, p.guest.owner.email, p.guestAdmin.email, p.guestAdmin2.email, p.guestUser.email]));
    expectError(await as(p.s.hostAdmin, 'DELETE', `/partnerships/${d.id}`), 409, 'conflict');
    // The pair is free again.
    await request(p, p.s.hostAdmin);
  });

  it('a Partnership Owner withdraws a pending request', async () => {
    const p = await buildPair('l');
    const d = await request(p, p.s.hostUser);
    await clearOutbox();
    const res = await as(p.s.hostUser, 'DELETE', `/partnerships/${d.id}`);
    expect(res.json()).toMatchObject({ state: 'removed' });
    expect((await events(d.id, 'Partnership Removed'))[0]!.data).toMatchObject({ side: 'host', endedGrants: 0, cancelledRequests: 0 });
    // The host Admins and Owner who were asked to approve it (and its Partnership Owner) are told; the guest never saw it.
    const sent = await mails();
    expect(sent.map((m) => m.template)).toEqual(['partnership.withdrawn', 'partnership.withdrawn', 'partnership.withdrawn']);
    expect(sent.map((m) => m.to).sort()).toEqual([p.hostUser.email, p.host.owner.email, p.hostAdmin.email].sort());
    expect(sent[0]!.subject).toBe('The partnership request to Guest l was withdrawn');
  });
});

describe('owners and guest contact', () => {
  it('host Admins add, remove and transfer Partnership Owners; never the last one; never Login-Only', async () => {
    const p = await buildPair('m');
    const d = await request(p, p.s.hostUser);
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/owners`, { userId: p.hostUser2.userId }), 403, 'forbidden');
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/owners`, { userId: p.hostLogin.userId }), 422, 'rule_violation');
    expectError(await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/owners`, { userId: p.guestAdmin.userId }), 404, 'not_found');
    const last = expectError(await as(p.s.hostAdmin, 'DELETE', `/partnerships/${d.id}/owners/${p.hostUser.userId}`), 409, 'conflict');
    expect(last.message).toContain('only Partnership Owner');
    await clearOutbox();
    const add = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/owners`, { userId: p.hostUser2.userId });
    expect(add.statusCode, add.body).toBe(200);
    expect((add.json() as PartnershipDto).owners.map((o) => o.userId)).toEqual([p.hostUser.userId, p.hostUser2.userId]);
    expect((await mails('partnership.owner_added')).map((m) => m.to)).toEqual([p.hostUser2.email]);
    const rm = await as(p.s.hostAdmin, 'DELETE', `/partnerships/${d.id}/owners/${p.hostUser.userId}`);
    expect((rm.json() as PartnershipDto).owners.map((o) => o.userId)).toEqual([p.hostUser2.userId]);
    // The owner removed by someone else is told (Q9); one handing over their own place is not.
    expect((await mails('partnership.owner_removed')).map((m) => m.to)).toEqual([p.hostUser.email]);
    // The owner themself transfers to another member; a non-owner cannot.
    expectError(await as(p.s.hostUser, 'POST', `/partnerships/${d.id}/transfer`, { fromUserId: p.hostUser.userId, toUserId: p.hostAdmin.userId }), 404, 'not_found');
    const tr = await as(p.s.hostUser2, 'POST', `/partnerships/${d.id}/transfer`, { fromUserId: p.hostUser2.userId, toUserId: p.hostUser.userId });
    expect(tr.statusCode, tr.body).toBe(200);
    expect((tr.json() as PartnershipDto).owners.map((o) => o.userId)).toEqual([p.hostUser.userId]);
    // hostUser2 handed over their own ownership: as a plain User they no longer see it.
    expect((tr.json() as PartnershipDto).abilities.remove).toBe(false);
    expectError(await as(p.s.hostUser2, 'GET', `/partnerships/${d.id}`), 404, 'not_found');
    expect((await mails('partnership.owner_removed')).map((m) => m.to)).toEqual([p.hostUser.email]);
    // A host Admin moving someone else's ownership tells the one who lost it.
    await clearOutbox();
    const moved = await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/transfer`, { fromUserId: p.hostUser.userId, toUserId: p.hostUser2.userId });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await mails('partnership.owner_removed')).map((m) => m.to)).toEqual([p.hostUser.email]);
    expect((await mails('partnership.owner_added')).map((m) => m.to)).toEqual([p.hostUser2.email]);
    const changes = (await events(d.id, 'Partnership Updated')).map((e) => (e.data as { change: string }).change);
    expect(changes).toEqual(['owner_added', 'owner_removed', 'owners_transferred', 'owners_transferred']);
  });

  it('guest contact handover moves the share grants, keeping a stronger grant the new contact holds', async () => {
    const p = await buildPair('n');
    const d = await activePartnership(p);
    const a1 = await share(p, d.id, 'manager');
    const a2 = await share(p, d.id, 'collaborator');
    await grantVia(p, d.id, a2, p.guestAdmin2.userId, 'manager');
    // The old contact, Manager of a1 until the handover, has a request pending: it goes with their Manager role (Q8).
    const stale = await pendingRequest(p, d.id, a1, p.guestAdmin.userId, p.guestUser.userId);
    expectError(await as(p.s.hostAdmin, 'PUT', `/partnerships/${d.id}/guest-contact`, { userId: p.guestAdmin2.userId }), 403, 'forbidden');
    expectError(await as(p.s.guestAdmin, 'PUT', `/partnerships/${d.id}/guest-contact`, { userId: p.guestUser.userId }), 422, 'rule_violation');
    await clearOutbox();
    const res = await as(p.s.guestAdmin, 'PUT', `/partnerships/${d.id}/guest-contact`, { userId: p.guestAdmin2.userId });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as PartnershipDto).guestContact?.userId).toBe(p.guestAdmin2.userId);
    // The new contact is told they got the shares; the old one that their access moved (Q9).
    expect((await mails('partnership.guest_contact')).map((m) => m.to)).toEqual([p.guestAdmin2.email]);
    expect((await mails('partnership.guest_contact_replaced')).map((m) => m.to)).toEqual([p.guestAdmin.email]);
    const live = await t.deps.db
      .select({ userId: grants.userId, accountId: grants.accountId, role: grants.role })
      .from(grants)
      .where(and(eq(grants.sourceId, d.id), sql`${grants.revokedAt} is null`));
    expect(live.sort((x, y) => x.accountId.localeCompare(y.accountId))).toEqual(
      [
        { userId: p.guestAdmin2.userId, accountId: a1, role: 'manager' },
        { userId: p.guestAdmin2.userId, accountId: a2, role: 'manager' },
      ].sort((x, y) => x.accountId.localeCompare(y.accountId)),
    );
    expectError(await as(p.s.guestAdmin, 'GET', `/accounts/${a1}`), 404, 'not_found');
    expect((await as(p.s.guestAdmin2, 'GET', `/accounts/${a1}`)).statusCode).toBe(200);
    expect((await events(d.id, 'Partnership Updated'))[0]!.data).toMatchObject({ change: 'guest_contact_changed' });
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, stale));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'requester_lost_manager' });
  });
});

describe('expiry job', () => {
  it('expires pending requests past expires_at, with one event and an email to the owners', async () => {
    const p = await buildPair('o');
    const d1 = await request(p, p.s.hostUser);
    const p2 = await buildPair('o2');
    const d2 = await request(p2, p2.s.hostAdmin);
    const d3 = await activePartnership(await buildPair('o3'));
    clock.advance(29 * DAY);
    await runPartnershipExpiry(t.deps);
    expect(((await as(p.s.hostUser, 'GET', `/partnerships/${d1.id}`)).json() as PartnershipDto).state).toBe('awaiting_host_admin');
    await clearOutbox();
    clock.advance(1 * DAY + 1000);
    expect(await runPartnershipExpiry(t.deps)).toBeGreaterThanOrEqual(2);
    expect(((await as(p.s.hostUser, 'GET', `/partnerships/${d1.id}`)).json() as PartnershipDto).state).toBe('expired');
    expect(((await as(p2.s.hostAdmin, 'GET', `/partnerships/${d2.id}`)).json() as PartnershipDto).state).toBe('expired');
    const [row3] = await t.deps.db.select().from(partnerships).where(eq(partnerships.id, d3.id));
    expect(row3!.state).toBe('active');
    const ev = await events(d1.id, 'Partnership Expired');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actorUserId: null, data: { fromState: 'awaiting_host_admin' } });
    const to = (await mails('partnership.expired')).map((m) => m.to);
    expect(to).toContain(p.hostUser.email);
    expect(to).toContain(p2.hostAdmin.email);
    expect(await runPartnershipExpiry(t.deps)).toBe(0);
    // The pair is released.
    await request(p, p.s.hostUser);
  });
});

describe('member removal cascade', () => {
  it('a removed guest member loses partnership grants and pending requests; a removed contact leaves no contact', async () => {
    const p = await buildPair('q');
    const d = await activePartnership(p);
    const acc = await share(p, d.id);
    await grantVia(p, d.id, acc, p.guestUser.userId);
    const asTarget = await pendingRequest(p, d.id, acc, p.guestAdmin.userId, p.guestAdmin2.userId);
    const heard: Array<{ ws: string; topics: string[] }> = [];
    const publish = t.deps.live.publish.bind(t.deps.live);
    t.deps.live.publish = async (tx, change) => {
      for (const ws of change.workspaceIds) heard.push({ ws, topics: change.topics });
      return publish(tx, change);
    };
    const res = await as(p.s.guestOwner, 'DELETE', `/members/${p.guestUser.userId}`);
    t.deps.live.publish = publish;
    // Both sides of the partnership hear about it.
    expect(new Set(heard.filter((h) => h.topics.includes('partnerships')).map((h) => h.ws))).toEqual(new Set([p.host.id, p.guest.id]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ endedGrants: 1 });
    const liveOfUser = await t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.userId, p.guestUser.userId), sql`${grants.revokedAt} is null`));
    expect(liveOfUser).toEqual([]);

    // Removing the guest contact: their grants end, the partnership has no contact, requests they made are cancelled.
    const out = await as(p.s.guestOwner, 'DELETE', `/members/${p.guestAdmin.userId}`);
    expect(out.statusCode, out.body).toBe(200);
    const [r] = await t.deps.db.select().from(accessRequests).where(eq(accessRequests.id, asTarget));
    expect(r).toMatchObject({ status: 'cancelled', cancelReason: 'requester_removed' });
    const dto = (await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(dto).toMatchObject({ guestContact: null, memberCount: 0, state: 'active' });
  });

  it('removing the last Partnership Owner keeps the partnership and alerts host Admins (orphaned)', async () => {
    const p = await buildPair('r');
    const d = await request(p, p.s.hostUser);
    await as(p.s.hostAdmin, 'POST', `/partnerships/${d.id}/approve`);
    await clearOutbox();
    const res = await as(p.s.hostOwner, 'DELETE', `/members/${p.hostUser.userId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(await t.deps.db.select().from(partnershipOwners).where(eq(partnershipOwners.partnershipId, d.id))).toEqual([]);
    const dto = (await as(p.s.hostAdmin, 'GET', `/partnerships/${d.id}`)).json() as PartnershipDto;
    expect(dto).toMatchObject({ state: 'awaiting_guest_admin', owners: [] });
    expect((await mails('partnership.orphaned')).map((m) => m.to).sort()).toEqual([p.host.owner.email, p.hostAdmin.email].sort());
  });
});
