import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { AssignableWorkspaceRole } from '@shared/permissions';
import type { AppDeps } from '../src/deps';
import { accounts, grants, invites, memberships, users } from '../src/db/schema/index';
import { hashPassword } from '../src/lib/passwords';
import { hashToken, newToken } from '../src/lib/tokens';
import { createWorkspace, sessionFor, TEST_PASSWORD, uniqueEmail, type TestSession } from './harness';

/**
 * A small world of two workspaces for authorization tests, built with direct inserts (fast, and
 * independent of the routes under test). Every role has a live session.
 *
 * Workspace A: owner, admin, user (Owner of every account made by `newAccount`), loginOnly
 * (Collaborator on those accounts), collaborator (a User who is Collaborator on them), removed (a
 * member whose membership was disabled while their session row stayed live).
 * Workspace B: otherAdmin (Admin of B) with its own account, member and invite.
 */
export type ActorName = 'anonymous' | 'owner' | 'admin' | 'user' | 'loginOnly' | 'collaborator' | 'removed' | 'otherAdmin';
export const ACTORS: ActorName[] = ['anonymous', 'owner', 'admin', 'user', 'loginOnly', 'collaborator', 'removed', 'otherAdmin'];

export interface World {
  deps: AppDeps;
  a: { workspaceId: string };
  b: { workspaceId: string; accountId: string; memberUserId: string; inviteId: string };
  users: Record<Exclude<ActorName, 'anonymous'>, { userId: string; email: string }>;
  sessions: Record<Exclude<ActorName, 'anonymous'>, TestSession>;
  /** A fresh account in A: Owner = user, Collaborators = loginOnly and collaborator. */
  newAccount(opts?: { deleted?: boolean }): Promise<{ id: string }>;
  /** A fresh active member of A with the given role. */
  newMember(role: AssignableWorkspaceRole): Promise<{ userId: string; email: string }>;
  /** A fresh pending invite in A; returns its id and raw token. */
  newInvite(): Promise<{ id: string; token: string; email: string }>;
}

let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

export async function insertMember(deps: AppDeps, workspaceId: string, role: 'admin' | 'user' | 'login_only', email = uniqueEmail(role)) {
  const [u] = await deps.db
    .insert(users)
    .values({ email, name: `Test ${role}`, passwordHash: await passwordHash() })
    .returning({ id: users.id, email: users.email });
  await deps.db.insert(memberships).values({ workspaceId, userId: u!.id, role });
  return { userId: u!.id, email: u!.email };
}

export async function insertAccount(
  deps: AppDeps,
  workspaceId: string,
  ownerId: string,
  collaboratorIds: string[],
  opts: { deleted?: boolean; password?: string } = {},
) {
  const [acc] = await deps.db
    .insert(accounts)
    .values({
      workspaceId,
      label: `Account ${randomBytes(3).toString('hex')}`,
      application: 'Instagram',
      loginUrl: 'https://www.instagram.com/accounts/login/',
      username: 'brand.social',
      createdBy: ownerId,
      status: opts.deleted ? 'deleted' : 'active',
      deletedAt: opts.deleted ? new Date() : null,
    })
    .returning({ id: accounts.id });
  const id = acc!.id;
  await deps.db.transaction(async (tx) => {
    await deps.vault.writeAccountSecret(tx as never, workspaceId, id, 'password', opts.password ?? `pw-${randomBytes(8).toString('hex')}`);
  });
  await deps.db.insert(grants).values([
    { workspaceId, subjectWorkspaceId: workspaceId, accountId: id, userId: ownerId, role: 'owner', sourceKind: 'direct', sourceId: id, grantedBy: ownerId },
    ...collaboratorIds.map((uid) => ({
      workspaceId,
      subjectWorkspaceId: workspaceId,
      accountId: id,
      userId: uid,
      role: 'collaborator' as const,
      sourceKind: 'direct',
      sourceId: id,
      grantedBy: ownerId,
    })),
  ]);
  return { id };
}

export async function insertInvite(deps: AppDeps, workspaceId: string, invitedBy: string) {
  const token = newToken();
  const email = uniqueEmail('invitee');
  const [row] = await deps.db
    .insert(invites)
    .values({
      workspaceId,
      email,
      role: 'user',
      tokenHash: hashToken(token),
      invitedBy,
      expiresAt: new Date(deps.clock.now().getTime() + 3 * 86_400_000),
    })
    .returning({ id: invites.id });
  return { id: row!.id, token, email };
}

export async function buildWorld(deps: AppDeps): Promise<World> {
  const { workspace: wa, owner } = await createWorkspace(deps, { name: 'Acme (A)' });
  const { workspace: wb, owner: ownerB } = await createWorkspace(deps, { name: 'Other (B)' });
  const admin = await insertMember(deps, wa.id, 'admin');
  const user = await insertMember(deps, wa.id, 'user');
  const loginOnly = await insertMember(deps, wa.id, 'login_only');
  const collaborator = await insertMember(deps, wa.id, 'user');
  const removed = await insertMember(deps, wa.id, 'user');
  const otherAdmin = await insertMember(deps, wb.id, 'admin');
  const bMember = await insertMember(deps, wb.id, 'user');
  const bAccount = await insertAccount(deps, wb.id, ownerB.id, [bMember.userId]);
  const bInvite = await insertInvite(deps, wb.id, ownerB.id);

  const u = {
    owner: { userId: owner.id, email: owner.email },
    admin,
    user,
    loginOnly,
    collaborator,
    removed,
    otherAdmin,
  };
  const sessions = {
    owner: await sessionFor(deps, owner.id, wa.id),
    admin: await sessionFor(deps, admin.userId, wa.id),
    user: await sessionFor(deps, user.userId, wa.id),
    loginOnly: await sessionFor(deps, loginOnly.userId, wa.id),
    collaborator: await sessionFor(deps, collaborator.userId, wa.id),
    removed: await sessionFor(deps, removed.userId, wa.id),
    otherAdmin: await sessionFor(deps, otherAdmin.userId, wb.id),
  };
  // Disabled after the session exists: the session row stays live, so this proves the request-time
  // membership check, not only the session cleanup done by the remove route.
  await deps.db
    .update(memberships)
    .set({ status: 'removed', removedAt: new Date() })
    .where(and(eq(memberships.workspaceId, wa.id), eq(memberships.userId, removed.userId)));

  return {
    deps,
    a: { workspaceId: wa.id },
    b: { workspaceId: wb.id, accountId: bAccount.id, memberUserId: bMember.userId, inviteId: bInvite.id },
    users: u,
    sessions,
    newAccount: (opts) => insertAccount(deps, wa.id, user.userId, [loginOnly.userId, collaborator.userId], opts),
    newMember: (role) => insertMember(deps, wa.id, role),
    newInvite: () => insertInvite(deps, wa.id, owner.id),
  };
}
