import { partnershipOwners, partnerships } from '../../db/schema/index';
import type { AppDeps } from '../../deps';
import { createWorkspace, sessionFor } from '../../../test/harness';
import { addAccount, addMember } from '../members/test-helpers';

/**
 * An ACTIVE partnership made by direct inserts (host approved, guest accepted), so tests of sharing
 * and access requests do not depend on the lifecycle routes.
 */
export async function insertActivePartnership(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  v: {
    hostWorkspaceId: string;
    guestWorkspaceId: string;
    ownerUserId: string;
    guestContactUserId: string | null;
    allowManagerRequests?: boolean;
    state?: 'active' | 'awaiting_guest_admin' | 'removed';
  },
): Promise<{ id: string }> {
  const now = deps.clock.now();
  const state = v.state ?? 'active';
  const [row] = await deps.db
    .insert(partnerships)
    .values({
      hostWorkspaceId: v.hostWorkspaceId,
      guestWorkspaceId: v.guestWorkspaceId,
      state,
      partnerEmail: 'partner@example.test',
      requestedBy: v.ownerUserId,
      requestedAt: now,
      hostDecidedBy: v.ownerUserId,
      hostDecidedAt: now,
      guestDecidedBy: state === 'active' ? v.guestContactUserId : null,
      guestDecidedAt: state === 'active' ? now : null,
      tosAcceptedAt: state === 'active' ? now : null,
      guestContactUserId: v.guestContactUserId,
      allowManagerRequests: v.allowManagerRequests ?? false,
    })
    .returning({ id: partnerships.id });
  await deps.db.insert(partnershipOwners).values({ hostWorkspaceId: v.hostWorkspaceId, partnershipId: row!.id, userId: v.ownerUserId });
  return { id: row!.id };
}

/**
 * Host workspace H and guest workspace G with an ACTIVE partnership between them:
 * - H: hostOwner (workspace Owner), partner (User, Partnership Owner and Owner of acc1, acc2),
 *   hostAdmin (Admin, no accounts, not a Partnership Owner), collab (User, Collaborator on acc1).
 * - G: guestAdmin (Admin, the guest contact), guestUser (User), guestLogin (Login-Only),
 *   guestUser2 (User).
 */
export async function buildPartnerWorld(deps: AppDeps, opts: { allowManagerRequests?: boolean } = {}) {
  const h = await createWorkspace(deps, { name: 'Host Co' });
  const g = await createWorkspace(deps, { name: 'Guest Agency' });
  const partner = await addMember(deps, h.workspace.id, 'user', { name: 'Pat Partner' });
  const hostAdmin = await addMember(deps, h.workspace.id, 'admin', { name: 'Hal Admin' });
  const collab = await addMember(deps, h.workspace.id, 'user', { name: 'Col Lab' });
  const guestAdmin = await addMember(deps, g.workspace.id, 'admin', { name: 'Gia Contact' });
  const guestUser = await addMember(deps, g.workspace.id, 'user', { name: 'Gus User' });
  const guestUser2 = await addMember(deps, g.workspace.id, 'user', { name: 'Gwen User' });
  const guestLogin = await addMember(deps, g.workspace.id, 'login_only', { name: 'Lou Login' });
  const acc1 = await addAccount(deps, h.workspace.id, 'Brand Instagram', [
    { userId: partner.user.id, role: 'owner' },
    { userId: collab.user.id, role: 'collaborator' },
  ]);
  const acc2 = await addAccount(deps, h.workspace.id, 'Brand TikTok', [{ userId: partner.user.id, role: 'owner' }]);
  const p = await insertActivePartnership(deps, {
    hostWorkspaceId: h.workspace.id,
    guestWorkspaceId: g.workspace.id,
    ownerUserId: partner.user.id,
    guestContactUserId: guestAdmin.user.id,
    allowManagerRequests: opts.allowManagerRequests ?? false,
  });
  return {
    host: { id: h.workspace.id, owner: { user: h.owner, session: await sessionFor(deps, h.owner.id, h.workspace.id) } },
    guest: { id: g.workspace.id },
    partner,
    hostAdmin,
    collab,
    guestAdmin,
    guestUser,
    guestUser2,
    guestLogin,
    acc1,
    acc2,
    partnershipId: p.id,
  };
}
