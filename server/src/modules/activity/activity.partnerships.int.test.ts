import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEventInput } from '@shared/activity';
import type { ActivityItemDto, ActivityListResponse } from '@shared/activity-api';
import { accounts, grants, memberships, partnershipOwners, partnerships, users } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { createTestApp, createWorkspace, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { insertAccount, insertMember } from '../../../test/world';
import { recordActivity } from './activity.recorder';

/**
 * Activity of host-guest partnerships (R-HG-20, spec Q10): who sees which partnership event, and
 * host people masked as "Host user" on the guest side — in the JSON and in the CSV.
 */

const NOW = new Date('2026-05-20T12:00:00.000Z');
const MIN = 60_000;
const HOST_IP = '198.51.100.23';
const GUEST_IP = '192.0.2.50';
const HOST_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HostBrowser/99.0 Safari/537.36';
const GUEST_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let t: TestApp;
const clock = manualClock(NOW);
type Who = { userId: string; email: string };

let H: { id: string; name: string };
let G: { id: string; name: string };
let hostOwner: Who;
let hostAdmin: Who;
let hostAccOwner: Who;
let guestAdmin: Who;
let guestMember: Who;
let guestOther: Who;
let removedGuest: Who;
let unrelatedAdmin: Who;
let g2Admin: Who;
let acc: { id: string; label: string };
let acc2: { id: string };
let partnershipId: string;
let dual: Who;
let s: Record<'dual' | 'hostOwner' | 'hostAdmin' | 'hostAccOwner' | 'guestAdmin' | 'guestMember' | 'guestOther' | 'unrelatedAdmin' | 'g2Admin', TestSession>;

let seq = 0;
async function rec(
  event: ActivityEventInput,
  o: { ws: string; partner?: string; actor: Who | null; accountId?: string; target?: Who; guest?: boolean },
) {
  await recordActivity(t.deps.db, event, {
    workspaceId: o.ws,
    partnerWorkspaceId: o.partner ?? null,
    actor: o.actor,
    accountId: o.accountId ?? null,
    targetUserId: o.target?.userId ?? null,
    meta: { ip: o.guest ? GUEST_IP : HOST_IP, userAgent: o.guest ? GUEST_UA : HOST_UA, requestId: null },
    // Distinct, increasing times: the order of the list is the order written here.
    at: new Date(NOW.getTime() - 60 * MIN + ++seq * MIN),
  });
}

async function page(session: TestSession, query = ''): Promise<{ body: string; res: ActivityListResponse }> {
  const r = await injectAs(t, session, { method: 'GET', url: `/api/v1/activity${query}` });
  expect(r.statusCode, r.body).toBe(200);
  return { body: r.body, res: r.json() as ActivityListResponse };
}
async function items(session: TestSession, query = ''): Promise<ActivityItemDto[]> {
  return (await page(session, query)).res.items;
}
const sums = (xs: ActivityItemDto[]) => xs.map((x) => x.summary);

const P = () => ({ partnershipId, hostWorkspaceName: H.name, guestWorkspaceName: G.name });

beforeAll(async () => {
  t = await createTestApp({ clock });
  const h = await createWorkspace(t.deps, { name: 'Harbor Host' });
  const g = await createWorkspace(t.deps, { name: 'Gull Guest' });
  const u = await createWorkspace(t.deps, { name: 'Unrelated' });
  const g2 = await createWorkspace(t.deps, { name: 'Other Guest' });
  H = { id: h.workspace.id, name: 'Harbor Host' };
  G = { id: g.workspace.id, name: 'Gull Guest' };
  hostOwner = { userId: h.owner.id, email: h.owner.email };
  hostAdmin = await insertMember(t.deps, H.id, 'admin');
  hostAccOwner = await insertMember(t.deps, H.id, 'user');
  guestAdmin = await insertMember(t.deps, G.id, 'admin');
  guestMember = await insertMember(t.deps, G.id, 'user');
  guestOther = await insertMember(t.deps, G.id, 'login_only');
  removedGuest = await insertMember(t.deps, G.id, 'user');
  unrelatedAdmin = await insertMember(t.deps, u.workspace.id, 'admin');
  g2Admin = await insertMember(t.deps, g2.workspace.id, 'admin');
  // Host people get a name that must never reach the guest side.
  await t.deps.db
    .update(users)
    .set({ name: 'Hank Hostperson' })
    .where(inArray(users.id, [hostOwner.userId, hostAdmin.userId, hostAccOwner.userId]));
  await t.deps.db.update(memberships).set({ status: 'removed', removedAt: NOW }).where(eq(memberships.userId, removedGuest.userId));

  const a = await insertAccount(t.deps, H.id, hostAccOwner.userId, []);
  acc = { id: a.id, label: 'Harbor Instagram' };
  await t.deps.db.update(accounts).set({ label: acc.label }).where(eq(accounts.id, acc.id));
  acc2 = await insertAccount(t.deps, H.id, hostAdmin.userId, []);

  const [p] = await t.deps.db
    .insert(partnerships)
    .values({
      hostWorkspaceId: H.id,
      guestWorkspaceId: G.id,
      state: 'active',
      partnerEmail: guestAdmin.email,
      requestedBy: hostAccOwner.userId,
      requestedAt: new Date(NOW.getTime() - 2 * 60 * MIN),
      guestContactUserId: guestAdmin.userId,
    })
    .returning({ id: partnerships.id });
  partnershipId = p!.id;
  const [p2] = await t.deps.db
    .insert(partnerships)
    .values({
      hostWorkspaceId: H.id,
      guestWorkspaceId: g2.workspace.id,
      state: 'active',
      partnerEmail: g2Admin.email,
      requestedBy: hostAdmin.userId,
      requestedAt: new Date(NOW.getTime() - 2 * 60 * MIN),
    })
    .returning({ id: partnerships.id });
  await t.deps.db.insert(partnershipOwners).values({ hostWorkspaceId: H.id, partnershipId, userId: hostAccOwner.userId, addedBy: hostAdmin.userId });
  await t.deps.db.insert(grants).values({
    workspaceId: H.id,
    subjectWorkspaceId: G.id,
    accountId: acc.id,
    userId: guestMember.userId,
    role: 'collaborator',
    sourceKind: 'host_guest_partnership',
    sourceId: partnershipId,
    grantedBy: hostAccOwner.userId,
  });

  // A person in both workspaces holding an Owner-role grant on acc *from G* (as a guest): from
  // their host session, it does not make them an Owner of acc (grants count from the session's workspace).
  dual = await insertMember(t.deps, G.id, 'user');
  await t.deps.db.insert(memberships).values({ workspaceId: H.id, userId: dual.userId, role: 'user' });
  await t.deps.db.insert(grants).values({
    workspaceId: H.id,
    subjectWorkspaceId: G.id,
    accountId: acc.id,
    userId: dual.userId,
    role: 'owner',
    sourceKind: 'direct',
    sourceId: acc.id,
    grantedBy: hostAdmin.userId,
  });

  const part = { ws: H.id, partner: G.id };
  // 1–8: the partnership's events (host workspace, guest as partner), oldest first.
  await rec({ type: 'Partnership Requested', data: { ...P(), partnerEmail: guestAdmin.email, autoApproved: false } }, { ...part, actor: hostAccOwner });
  await rec({ type: 'Partnership Accepted', data: { ...P(), side: 'host' } }, { ...part, actor: hostAdmin });
  await rec({ type: 'Partnership Accepted', data: { ...P(), side: 'guest' } }, { ...part, actor: guestAdmin, guest: true });
  await rec(
    { type: 'Partnership Updated', data: { ...P(), change: 'owner_added', targetEmail: hostAdmin.email } },
    { ...part, actor: hostAccOwner, target: hostAdmin },
  );
  await rec(
    { type: 'Account Shared Via Partnership', data: { ...P(), accountLabel: acc.label, role: 'manager', targetEmail: guestAdmin.email } },
    { ...part, actor: hostAccOwner, accountId: acc.id, target: guestAdmin },
  );
  await rec(
    { type: 'Access Requested', data: { ...P(), accountLabel: acc.label, targetEmail: guestOther.email, role: 'collaborator' } },
    { ...part, actor: guestMember, accountId: acc.id, target: guestOther, guest: true },
  );
  await rec(
    { type: 'Access Request Accepted', data: { ...P(), accountLabel: acc.label, targetEmail: guestOther.email, role: 'collaborator' } },
    { ...part, actor: hostAccOwner, accountId: acc.id, target: guestOther },
  );
  await rec(
    {
      type: 'Account Role Updated',
      data: { accountLabel: acc.label, targetEmail: guestMember.email, fromRole: 'collaborator', toRole: 'manager', partnershipId },
    },
    { ...part, actor: hostAccOwner, accountId: acc.id, target: guestMember },
  );
  // 9–10: host-only events.
  await rec({ type: 'Account Updated', data: { accountLabel: 'Host only', fields: ['notes'] } }, { ws: H.id, actor: hostAdmin, accountId: acc2.id });
  await rec({ type: 'Login To Latchkey', data: { mfa: true } }, { ws: H.id, actor: hostAdmin });
  // 11: the host's other partnership (guest G2).
  await rec(
    {
      type: 'Partnership Removed',
      data: { partnershipId: p2!.id, hostWorkspaceName: H.name, guestWorkspaceName: 'Other Guest', side: 'host', endedGrants: 0, cancelledRequests: 0 },
    },
    { ws: H.id, partner: g2.workspace.id, actor: hostAdmin },
  );
  // 12: a guest-only event. 13: a partnership event by a guest member who was removed since.
  await rec({ type: 'Login To Latchkey', data: { mfa: false } }, { ws: G.id, actor: guestMember, guest: true });
  await rec(
    { type: 'Access Request Cancelled', data: { ...P(), accountLabel: acc.label, targetEmail: guestOther.email } },
    { ...part, actor: removedGuest, accountId: acc.id, target: guestOther, guest: true },
  );

  s = {
    dual: await sessionFor(t.deps, dual.userId, H.id),
    hostOwner: await sessionFor(t.deps, hostOwner.userId, H.id),
    hostAdmin: await sessionFor(t.deps, hostAdmin.userId, H.id),
    hostAccOwner: await sessionFor(t.deps, hostAccOwner.userId, H.id),
    guestAdmin: await sessionFor(t.deps, guestAdmin.userId, G.id),
    guestMember: await sessionFor(t.deps, guestMember.userId, G.id),
    guestOther: await sessionFor(t.deps, guestOther.userId, G.id),
    unrelatedAdmin: await sessionFor(t.deps, unrelatedAdmin.userId, u.workspace.id),
    g2Admin: await sessionFor(t.deps, g2Admin.userId, g2.workspace.id),
  };
});
afterAll(async () => t?.close());

/** Everything about host people that must not reach the guest side. */
function hostSecrets(): string[] {
  return [hostOwner.email, hostAdmin.email, hostAccOwner.email, hostOwner.userId, hostAdmin.userId, hostAccOwner.userId, HOST_IP, 'Hank', 'HostBrowser', 'Windows'];
}

describe('activity of a host-guest partnership: host side', () => {
  it('shows the host Admin and Owner every event of the host workspace, guests’ actions unmasked', async () => {
    for (const who of [s.hostAdmin, s.hostOwner]) {
      const got = await items(who);
      expect(got).toHaveLength(13); // 12 host events + "Workspace Created"
      const byGuest = got.find((i) => i.type === 'Access Requested')!;
      expect(byGuest.actor).toEqual({ id: guestMember.userId, email: guestMember.email });
      expect(byGuest.ip).toBe(GUEST_IP);
      expect(got.find((i) => i.type === 'Partnership Updated')!.data.targetEmail).toBe(hostAdmin.email);
      expect(JSON.stringify(got)).not.toContain('Host user');
      expect(sums(got).join('\n')).not.toMatch(/signed in$/); // G's own sign-in stays in G
    }
  });

  it('shows a host account Owner their own events and every event on their account, not the rest', async () => {
    const got = await items(s.hostAccOwner);
    expect(got.map((i) => i.type)).toEqual([
      'Access Request Cancelled',
      'Account Role Updated',
      'Access Request Accepted',
      'Access Requested',
      'Account Shared Via Partnership',
      'Partnership Updated',
      'Partnership Requested',
    ]);
  });

  it('counts only Owner grants held from the host workspace', async () => {
    expect(await items(s.dual)).toEqual([]);
  });
});

describe('activity of a host-guest partnership: guest side', () => {
  it('shows the guest Admin the partnership’s events and its own workspace’s, not the host’s others', async () => {
    const got = await items(s.guestAdmin);
    expect(got.map((i) => i.type)).toEqual([
      'Workspace Created', // written by createWorkspace at NOW, the newest
      'Access Request Cancelled',
      'Login To Latchkey',
      'Account Role Updated',
      'Access Request Accepted',
      'Access Requested',
      'Account Shared Via Partnership',
      'Partnership Updated',
      'Partnership Accepted',
      'Partnership Accepted',
      'Partnership Requested',
    ]);
    expect(sums(got).join('\n')).not.toMatch(/Host only|Other Guest/);
  });

  it('shows host people as "Host user": no id, email, name, IP or client', async () => {
    const { body, res } = await page(s.guestAdmin);
    for (const secret of hostSecrets()) expect(body).not.toContain(secret);
    const approved = res.items.find((i) => i.type === 'Partnership Accepted' && i.data.side === 'host')!;
    expect(approved).toMatchObject({
      actor: { id: null, email: null, name: 'Host user' },
      summary: `Host user approved the partnership request from “${H.name}” to “${G.name}”`,
      ip: null,
      os: null,
      browser: null,
      device: null,
    });
    const ownerAdded = res.items.find((i) => i.type === 'Partnership Updated')!;
    expect(ownerAdded.target).toEqual({ id: null, email: 'Host user' });
    expect(ownerAdded.data.targetEmail).toBe('Host user');
    expect(ownerAdded.summary).toBe(`Host user made Host user an owner of the partnership between “${H.name}” and “${G.name}”`);
  });

  it('shows the guest workspace’s own people (active or removed) and the shared account as they are', async () => {
    const got = await items(s.guestAdmin);
    const accepted = got.find((i) => i.type === 'Partnership Accepted' && i.data.side === 'guest')!;
    expect(accepted.actor).toEqual({ id: guestAdmin.userId, email: guestAdmin.email });
    expect(accepted.ip).toBe(GUEST_IP);
    expect(accepted.browser).toBe('Chrome 131');
    const shared = got.find((i) => i.type === 'Account Shared Via Partnership')!;
    expect(shared.account).toEqual({ id: acc.id, label: acc.label });
    expect(shared.target).toEqual({ id: guestAdmin.userId, email: guestAdmin.email });
    const cancelled = got.find((i) => i.type === 'Access Request Cancelled')!;
    expect(cancelled.actor).toEqual({ id: removedGuest.userId, email: removedGuest.email });
  });

  it('exports the same events with the same masking in the CSV', async () => {
    const res = await injectAs(t, s.guestAdmin, { method: 'GET', url: '/api/v1/activity/export' });
    expect(res.statusCode).toBe(200);
    for (const secret of hostSecrets()) expect(res.body).not.toContain(secret);
    const lines = res.body.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 11);
    expect(lines.filter((l) => l.includes(',Host user,'))).toHaveLength(6);
    expect(res.body).toContain(guestMember.email);
    expect(res.body).toContain(GUEST_IP);
  });

  it('shows a guest member only partnership events they caused or that target them', async () => {
    expect((await items(s.guestMember)).map((i) => i.type)).toEqual(['Login To Latchkey', 'Account Role Updated', 'Access Requested']);
    const other = await items(s.guestOther);
    expect(other.map((i) => i.type)).toEqual(['Access Request Cancelled', 'Access Request Accepted', 'Access Requested']);
    const byHost = other.find((i) => i.type === 'Access Request Accepted')!;
    expect(byHost.actor).toEqual({ id: null, email: null, name: 'Host user' });
    const { body } = await page(s.guestOther);
    for (const secret of hostSecrets()) expect(body).not.toContain(secret);
  });

  it('does not let the user filter tell who "Host user" is', async () => {
    expect(await items(s.guestAdmin, `?userId=${hostAccOwner.userId}`)).toEqual([]);
    expect(await items(s.guestAdmin, `?userId=${hostAdmin.userId}`)).toEqual([]);
    const mine = await items(s.guestAdmin, `?userId=${guestMember.userId}`);
    expect(mine.map((i) => i.type)).toEqual(['Login To Latchkey', 'Access Requested']);
  });

  it('filters by the shared account and by type', async () => {
    const onAcc = await items(s.guestAdmin, `?accountId=${acc.id}`);
    expect(onAcc.map((i) => i.type)).toEqual([
      'Access Request Cancelled',
      'Account Role Updated',
      'Access Request Accepted',
      'Access Requested',
      'Account Shared Via Partnership',
    ]);
    expect(await items(s.guestAdmin, `?accountId=${acc2.id}`)).toEqual([]);
    const accepted = await items(s.guestAdmin, `?type=${encodeURIComponent('Partnership Accepted')}`);
    expect(accepted.map((i) => i.actor)).toEqual([
      { id: guestAdmin.userId, email: guestAdmin.email },
      { id: null, email: null, name: 'Host user' },
    ]);
  });

  it('pages through both sources with the keyset cursor, in order, without repeats', async () => {
    const all = await items(s.guestAdmin);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { res } = await page(s.guestAdmin, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.items.map((i) => i.id));
      cursor = res.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
  });
});

describe('activity of a host-guest partnership: everyone else', () => {
  it('shows an unrelated workspace’s Admin none of it', async () => {
    const got = await items(s.unrelatedAdmin);
    expect(got.map((i) => i.type)).toEqual(['Workspace Created']);
  });

  it('shows another guest of the same host only its own partnership, masked', async () => {
    const got = await items(s.g2Admin);
    expect(got.map((i) => i.type)).toEqual(['Workspace Created', 'Partnership Removed']);
    expect(got[1]!.actor).toEqual({ id: null, email: null, name: 'Host user' });
    expect(JSON.stringify(got)).not.toContain(G.name);
  });

  it('does not show G the events of the host’s partnership with another guest', async () => {
    expect(await items(s.guestAdmin, `?type=${encodeURIComponent('Partnership Removed')}`)).toEqual([]);
  });
});
