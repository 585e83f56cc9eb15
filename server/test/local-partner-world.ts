import { randomBytes } from 'node:crypto';
import { LOCAL_PARTNER_TOS_VERSION } from '@shared/local-partners';
import type { GuestRole } from '@shared/permissions';
import type { AppDeps } from '../src/deps';
import { grants, invites, localPartnerAccounts, localPartnerHostAdmins, localPartners, memberships, users } from '../src/db/schema/index';
import { hashPassword } from '../src/lib/passwords';
import { hashToken, newToken } from '../src/lib/tokens';
import { createWorkspace, sessionFor, TEST_PASSWORD, uniqueEmail, type TestSession } from './harness';
import { insertAccount, insertMember } from './world';

/**
 * A workspace with local partners, for authorization and behaviour tests, built with direct
 * inserts (never through the routes under test). Every actor has a live session.
 *
 * Workspace W (Acme): owner (Owner), admin (Admin, not a Host Admin), user (plain User, no relation
 * to the partner), hostAdmin (User, Host Admin of P, Owner of the accounts below).
 * Local partner P (Initech, on initech.test): guestAdmin (Guest Admin, MFA on), guestUser (Guest
 * User, MFA on), guestBeforeMfa (Guest Admin of P who has NOT turned MFA on), plus a pending
 * invite to a Guest User.
 * Local partner Q (Globex): otherPartnerGuest (its Guest Admin, MFA on) — a guest of another partner.
 *
 * `sharedAccountId` is shared with P as Manager: guestAdmin (and guestBeforeMfa) hold Manager
 * through P, guestUser holds Collaborator through P (passed on by guestAdmin).
 * `unsharedAccountId` is owned by hostAdmin and not shared with anyone.
 */
export type LpActor = 'anonymous' | 'owner' | 'admin' | 'user' | 'hostAdmin' | 'guestAdmin' | 'guestUser' | 'otherPartnerGuest' | 'guestBeforeMfa';
export const LP_ACTORS: LpActor[] = ['anonymous', 'owner', 'admin', 'user', 'hostAdmin', 'guestAdmin', 'guestUser', 'otherPartnerGuest', 'guestBeforeMfa'];

type Person = { userId: string; email: string };

export interface LocalPartnerWorld {
  deps: AppDeps;
  workspaceId: string;
  workspaceName: string;
  partnerId: string;
  otherPartnerId: string;
  people: Record<Exclude<LpActor, 'anonymous'>, Person>;
  sessions: Record<Exclude<LpActor, 'anonymous'>, TestSession>;
  sharedAccountId: string;
  unsharedAccountId: string;
  invite: { id: string; token: string; email: string };
  /** A fresh active guest of P (MFA on) with the given role. */
  newGuest(role: GuestRole, partnerId?: string): Promise<Person>;
  /** A fresh pending invite to P with the given role. */
  newInvite(role: GuestRole, partnerId?: string): Promise<{ id: string; token: string; email: string }>;
}

let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

export async function insertGuest(
  deps: AppDeps,
  workspaceId: string,
  partnerId: string,
  role: GuestRole,
  opts: { mfa?: boolean; email?: string; domain?: string } = {},
): Promise<Person> {
  const email = opts.email ?? `${role.replace('_', '.')}.${randomBytes(4).toString('hex')}@${opts.domain ?? 'initech.test'}`;
  const [u] = await deps.db
    .insert(users)
    .values({ email, name: `Guest ${role}`, passwordHash: await passwordHash(), mfaEnabledAt: opts.mfa === false ? null : new Date() })
    .returning({ id: users.id, email: users.email });
  await deps.db
    .insert(memberships)
    .values({ workspaceId, userId: u!.id, role, localPartnerId: partnerId, termsAcceptedAt: new Date(), termsVersion: LOCAL_PARTNER_TOS_VERSION });
  return { userId: u!.id, email: u!.email };
}

export async function insertLocalPartner(deps: AppDeps, workspaceId: string, companyName: string, createdBy: string, hostAdminIds: string[]) {
  const [p] = await deps.db.insert(localPartners).values({ workspaceId, companyName, createdBy }).returning({ id: localPartners.id });
  if (hostAdminIds.length > 0) {
    await deps.db.insert(localPartnerHostAdmins).values(hostAdminIds.map((userId) => ({ workspaceId, localPartnerId: p!.id, userId, addedBy: createdBy })));
  }
  return p!.id;
}

export async function insertGuestInvite(deps: AppDeps, workspaceId: string, partnerId: string, role: GuestRole, invitedBy: string) {
  const token = newToken();
  const email = `invitee.${randomBytes(4).toString('hex')}@initech.test`;
  const [row] = await deps.db
    .insert(invites)
    .values({
      workspaceId,
      email,
      role,
      localPartnerId: partnerId,
      tokenHash: hashToken(token),
      invitedBy,
      expiresAt: new Date(deps.clock.now().getTime() + 3 * 86_400_000),
    })
    .returning({ id: invites.id });
  return { id: row!.id, token, email };
}

/** Share an account with a partner and give the listed people grants through it. */
export async function insertPartnerShare(
  deps: AppDeps,
  workspaceId: string,
  partnerId: string,
  accountId: string,
  sharedBy: string,
  role: 'manager' | 'collaborator',
  holders: Array<{ userId: string; role: 'manager' | 'collaborator'; grantedBy?: string }>,
) {
  await deps.db.insert(localPartnerAccounts).values({ workspaceId, localPartnerId: partnerId, accountId, role, sharedBy, sharedAt: new Date() });
  if (holders.length > 0) {
    await deps.db.insert(grants).values(
      holders.map((h) => ({
        workspaceId,
        subjectWorkspaceId: workspaceId,
        accountId,
        userId: h.userId,
        role: h.role,
        sourceKind: 'local_partner',
        sourceId: partnerId,
        grantedBy: h.grantedBy ?? sharedBy,
      })),
    );
  }
}

export async function buildLocalPartnerWorld(deps: AppDeps): Promise<LocalPartnerWorld> {
  const name = `Acme ${randomBytes(2).toString('hex')}`;
  const { workspace, owner } = await createWorkspace(deps, { name, ownerEmail: uniqueEmail('owner') });
  const ws = workspace.id;
  const admin = await insertMember(deps, ws, 'admin');
  const user = await insertMember(deps, ws, 'user');
  const hostAdmin = await insertMember(deps, ws, 'user');
  const partnerId = await insertLocalPartner(deps, ws, 'Initech', admin.userId, [hostAdmin.userId]);
  const otherPartnerId = await insertLocalPartner(deps, ws, 'Globex', admin.userId, [admin.userId]);
  const guestAdmin = await insertGuest(deps, ws, partnerId, 'guest_admin');
  const guestUser = await insertGuest(deps, ws, partnerId, 'guest_user');
  const guestBeforeMfa = await insertGuest(deps, ws, partnerId, 'guest_admin', { mfa: false });
  const otherPartnerGuest = await insertGuest(deps, ws, otherPartnerId, 'guest_admin', { domain: 'globex.test' });
  const shared = await insertAccount(deps, ws, hostAdmin.userId, []);
  const unshared = await insertAccount(deps, ws, hostAdmin.userId, []);
  await insertPartnerShare(deps, ws, partnerId, shared.id, hostAdmin.userId, 'manager', [
    { userId: guestAdmin.userId, role: 'manager' },
    { userId: guestBeforeMfa.userId, role: 'manager' },
    { userId: guestUser.userId, role: 'collaborator', grantedBy: guestAdmin.userId },
  ]);
  const invite = await insertGuestInvite(deps, ws, partnerId, 'guest_user', hostAdmin.userId);
  const people = {
    owner: { userId: owner.id, email: owner.email },
    admin,
    user,
    hostAdmin,
    guestAdmin,
    guestUser,
    otherPartnerGuest,
    guestBeforeMfa,
  };
  const sessions = Object.fromEntries(
    await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await sessionFor(deps, p.userId, ws)] as const)),
  ) as LocalPartnerWorld['sessions'];
  return {
    deps,
    workspaceId: ws,
    workspaceName: name,
    partnerId,
    otherPartnerId,
    people,
    sessions,
    sharedAccountId: shared.id,
    unsharedAccountId: unshared.id,
    invite,
    newGuest: (role, pid = partnerId) => insertGuest(deps, ws, pid, role),
    newInvite: (role, pid = partnerId) => insertGuestInvite(deps, ws, pid, role, hostAdmin.userId),
  };
}
