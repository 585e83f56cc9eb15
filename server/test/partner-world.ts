import { randomBytes } from 'node:crypto';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { PARTNERSHIP_TOS_VERSION, type PartnershipState } from '@shared/partnerships';
import type { AppDeps } from '../src/deps';
import { accessRequests, activityEvents, grants, memberships, partnershipAccounts, partnershipOwners, partnerships, users } from '../src/db/schema/index';
import { hashPassword } from '../src/lib/passwords';
import { createWorkspace, sessionFor, TEST_PASSWORD, uniqueEmail, type TestSession } from './harness';
import { insertAccount } from './world';

/**
 * Host-guest partnership worlds for authorization and activity tests, built with direct inserts
 * (never through the routes under test).
 *
 * People are global identities (ADR 0003), created ONCE by `createPartnerPeople`; every `buildPair`
 * then makes a brand-new host workspace H and guest workspace G with the same people holding the
 * same roles, and one partnership H → G in the state the case needs. A fresh pair per case keeps
 * cases independent (a state change never leaks into the next case) and respects the one live
 * partnership per (host, guest) pair (R-HG-01).
 *
 * Host H:  hostOwner (workspace Owner), hostAdmin, hostUser (plain User, no relation to the
 *          partnership), partnershipOwner (User, Partnership Owner), accountOwner (User, direct
 *          Owner of the shared account), hostLoginOnly (Login-Only: no Partners page), hostSpare (User: target for "add owner" / "transfer"),
 *          ownerSpare (User, second Partnership Owner: target for "remove owner").
 * Guest G: guestOwner (workspace Owner, no grant), guestAdmin (Admin, the guest contact: Manager
 *          share grant), guestManager (User, Manager through the partnership), guestCollaborator
 *          (User, Collaborator through it), guestMember (User, no grant), guestTarget (User, target
 *          of the pending access request), guestSpareAdmin (Admin: target for "change guest contact"),
 *          removedGuest (membership removed after sign-in while the session row stayed; still holds a
 *          lingering Collaborator grant, which must not help).
 * Unrelated U: otherAdmin (Admin of U), who uses the pair's ids → 404.
 *
 * When the partnership is active: `sharedAccountId` is shared into it (Owner accountOwner; the
 * guest contact's Manager share grant), `shareableAccountId` is not shared yet (Owners
 * partnershipOwner, hostAdmin and accountOwner — Q3: Admins who own an account may share it), and
 * `accessRequestId` is a pending request by guestManager for guestTarget on the shared account.
 */
export type PartnerActor =
  | 'anonymous'
  | 'hostOwner'
  | 'hostAdmin'
  | 'hostUser'
  | 'partnershipOwner'
  | 'accountOwner'
  | 'hostLoginOnly'
  | 'guestAdmin'
  | 'guestManager'
  | 'guestCollaborator'
  | 'guestMember'
  | 'removedGuest'
  | 'otherAdmin';
export const PARTNER_ACTORS: PartnerActor[] = [
  'anonymous',
  'hostOwner',
  'hostAdmin',
  'hostUser',
  'partnershipOwner',
  'accountOwner',
  'hostLoginOnly',
  'guestAdmin',
  'guestManager',
  'guestCollaborator',
  'guestMember',
  'removedGuest',
  'otherAdmin',
];
const HOST_ACTORS = new Set<PartnerActor>(['hostOwner', 'hostAdmin', 'hostUser', 'partnershipOwner', 'accountOwner', 'hostLoginOnly']);
const GUEST_ACTORS = new Set<PartnerActor>(['guestAdmin', 'guestManager', 'guestCollaborator', 'guestMember', 'removedGuest']);
export const sideOf = (a: PartnerActor): 'host' | 'guest' | 'other' | 'none' =>
  HOST_ACTORS.has(a) ? 'host' : GUEST_ACTORS.has(a) ? 'guest' : a === 'otherAdmin' ? 'other' : 'none';

type Person = { userId: string; email: string };
type PersonName = Exclude<PartnerActor, 'anonymous'> | 'hostSpare' | 'ownerSpare' | 'guestOwner' | 'guestTarget' | 'guestSpareAdmin';
const PEOPLE: PersonName[] = [
  'hostOwner',
  'hostAdmin',
  'hostUser',
  'partnershipOwner',
  'accountOwner',
  'hostLoginOnly',
  'hostSpare',
  'ownerSpare',
  'guestOwner',
  'guestAdmin',
  'guestManager',
  'guestCollaborator',
  'guestMember',
  'guestTarget',
  'guestSpareAdmin',
  'removedGuest',
  'otherAdmin',
];

export interface PartnerPeople {
  deps: AppDeps;
  people: Record<PersonName, Person>;
  /** The unrelated workspace U of otherAdmin. */
  other: { workspaceId: string; publicId: string };
}

export interface PartnerPair {
  people: Record<PersonName, Person>;
  host: { workspaceId: string; publicId: string };
  guest: { workspaceId: string; publicId: string };
  partnershipId: string;
  state: PartnershipState;
  /** Active pairs only (null otherwise). */
  sharedAccountId: string | null;
  shareableAccountId: string | null;
  accessRequestId: string | null;
}

let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

/** Everyone, once; plus the unrelated workspace U. */
export async function createPartnerPeople(deps: AppDeps): Promise<PartnerPeople> {
  const hash = await passwordHash();
  const rows = await deps.db
    .insert(users)
    .values(PEOPLE.map((p) => ({ email: uniqueEmail(p.toLowerCase()), name: `Test ${p}`, passwordHash: hash })))
    .returning({ id: users.id, email: users.email });
  const people = Object.fromEntries(PEOPLE.map((p, i) => [p, { userId: rows[i]!.id, email: rows[i]!.email }])) as Record<PersonName, Person>;
  const { workspace: u } = await createWorkspace(deps, { name: 'Unrelated (U)' });
  await deps.db.insert(memberships).values({ workspaceId: u.id, userId: people.otherAdmin.userId, role: 'admin' });
  return { deps, people, other: { workspaceId: u.id, publicId: u.publicId } };
}

/** A fresh host H, guest G and one partnership H → G in `state` (see the file comment). */
export async function buildPair(p: PartnerPeople, state: PartnershipState): Promise<PartnerPair> {
  const { deps, people: u } = p;
  const tag = randomBytes(2).toString('hex');
  const { workspace: h } = await createWorkspace(deps, { name: `Host ${tag}`, ownerEmail: u.hostOwner.email });
  const { workspace: g } = await createWorkspace(deps, { name: `Guest ${tag}`, ownerEmail: u.guestOwner.email });
  const now = deps.clock.now();
  const m = (workspaceId: string, who: PersonName, role: 'admin' | 'user' | 'login_only') => ({ workspaceId, userId: u[who].userId, role });
  await deps.db
    .insert(memberships)
    .values([
      m(h.id, 'hostAdmin', 'admin'),
      m(h.id, 'hostUser', 'user'),
      m(h.id, 'partnershipOwner', 'user'),
      m(h.id, 'accountOwner', 'user'),
      m(h.id, 'hostLoginOnly', 'login_only'),
      m(h.id, 'hostSpare', 'user'),
      m(h.id, 'ownerSpare', 'user'),
      m(g.id, 'guestAdmin', 'admin'),
      m(g.id, 'guestSpareAdmin', 'admin'),
      m(g.id, 'guestManager', 'user'),
      m(g.id, 'guestCollaborator', 'user'),
      m(g.id, 'guestMember', 'user'),
      m(g.id, 'guestTarget', 'user'),
      m(g.id, 'removedGuest', 'user'),
    ]);

  const hostApproved = state !== 'awaiting_host_admin' && state !== 'declined_by_host';
  const guestDecided = state === 'active' || state === 'declined_by_guest' || state === 'removed';
  const pending = state === 'awaiting_host_admin' || state === 'awaiting_guest_admin';
  const [row] = await deps.db
    .insert(partnerships)
    .values({
      hostWorkspaceId: h.id,
      guestWorkspaceId: g.id,
      state,
      partnerEmail: u.guestAdmin.email,
      reason: 'We run their social accounts.',
      requestedBy: u.partnershipOwner.userId,
      requestedAt: now,
      hostDecidedBy: hostApproved || state === 'declined_by_host' ? u.hostAdmin.userId : null,
      hostDecidedAt: hostApproved || state === 'declined_by_host' ? now : null,
      guestDecidedBy: guestDecided ? u.guestAdmin.userId : null,
      guestDecidedAt: guestDecided ? now : null,
      tosAcceptedAt: state === 'active' ? now : null,
      tosVersion: state === 'active' ? PARTNERSHIP_TOS_VERSION : null,
      guestContactUserId: state === 'active' ? u.guestAdmin.userId : null,
      expiresAt: pending ? new Date(now.getTime() + 30 * 86_400_000) : null,
    })
    .returning({ id: partnerships.id });
  const partnershipId = row!.id;
  await deps.db.insert(partnershipOwners).values([
    { hostWorkspaceId: h.id, partnershipId, userId: u.partnershipOwner.userId, addedBy: u.partnershipOwner.userId },
    { hostWorkspaceId: h.id, partnershipId, userId: u.ownerSpare.userId, addedBy: u.hostAdmin.userId },
  ]);

  let sharedAccountId: string | null = null;
  let shareableAccountId: string | null = null;
  let accessRequestId: string | null = null;
  if (state === 'active') {
    sharedAccountId = (await insertAccount(deps, h.id, u.accountOwner.userId, [])).id;
    shareableAccountId = (await insertAccount(deps, h.id, u.partnershipOwner.userId, [])).id;
    await deps.db.insert(grants).values(
      [u.hostAdmin, u.accountOwner].map((o) => ({
        workspaceId: h.id,
        subjectWorkspaceId: h.id,
        accountId: shareableAccountId!,
        userId: o.userId,
        role: 'owner' as const,
        sourceKind: 'direct',
        sourceId: shareableAccountId!,
        grantedBy: u.partnershipOwner.userId,
      })),
    );
    await deps.db.insert(partnershipAccounts).values({
      hostWorkspaceId: h.id,
      partnershipId,
      accountId: sharedAccountId,
      role: 'manager',
      sharedBy: u.accountOwner.userId,
      sharedAt: now,
    });
    const through = (who: PersonName, role: 'manager' | 'collaborator') => ({
      workspaceId: h.id,
      subjectWorkspaceId: g.id,
      accountId: sharedAccountId!,
      userId: u[who].userId,
      role,
      sourceKind: 'host_guest_partnership',
      sourceId: partnershipId,
      grantedBy: u.accountOwner.userId,
    });
    await deps.db
      .insert(grants)
      .values([
        through('guestAdmin', 'manager'),
        through('guestManager', 'manager'),
        through('guestCollaborator', 'collaborator'),
        through('removedGuest', 'collaborator'),
      ]);
    const [ar] = await deps.db
      .insert(accessRequests)
      .values({
        hostWorkspaceId: h.id,
        guestWorkspaceId: g.id,
        partnershipId,
        accountId: sharedAccountId,
        requesterUserId: u.guestManager.userId,
        targetUserId: u.guestTarget.userId,
        role: 'collaborator',
        createdAt: now,
      })
      .returning({ id: accessRequests.id });
    accessRequestId = ar!.id;
  }

  return {
    people: u,
    host: { workspaceId: h.id, publicId: h.publicId },
    guest: { workspaceId: g.id, publicId: g.publicId },
    partnershipId,
    state,
    sharedAccountId,
    shareableAccountId,
    accessRequestId,
  };
}

/**
 * A live session of `actor` in their own workspace (host actors in H, guest actors in G, otherAdmin
 * in U); null for anonymous. The removed guest signs in first, then loses the membership.
 */
export async function sessionOf(p: PartnerPeople, pair: PartnerPair, actor: PartnerActor): Promise<TestSession | null> {
  const side = sideOf(actor);
  if (side === 'none') return null;
  const workspaceId = side === 'host' ? pair.host.workspaceId : side === 'guest' ? pair.guest.workspaceId : p.other.workspaceId;
  const session = await sessionFor(p.deps, p.people[actor as PersonName].userId, workspaceId);
  if (actor === 'removedGuest') {
    await p.deps.db
      .update(memberships)
      .set({ status: 'removed', removedAt: new Date() })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, p.people.removedGuest.userId)));
  }
  return session;
}

/** Activity rows that concern any of these workspaces (as the event's workspace or its partner workspace). */
export async function activityFor(deps: AppDeps, workspaceIds: string[]) {
  return deps.db
    .select({
      id: activityEvents.id,
      type: activityEvents.type,
      workspaceId: activityEvents.workspaceId,
      partnerWorkspaceId: activityEvents.partnerWorkspaceId,
      data: activityEvents.data,
    })
    .from(activityEvents)
    .where(or(inArray(activityEvents.workspaceId, workspaceIds), inArray(activityEvents.partnerWorkspaceId, workspaceIds)))
    .orderBy(sql`${activityEvents.id}`);
}
