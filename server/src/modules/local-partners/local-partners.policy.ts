import {
  LOCAL_PARTNER_ABILITY_KEYS,
  type LocalPartnerAbilities,
  type LocalPartnerAbilityKey,
  type LocalPartnerStatus,
  type LocalPartnerViewerRole,
} from '@shared/local-partners';
import { workspaceRoleAllows, type GuestRole, type WorkspaceRole } from '@shared/permissions';

/**
 * Who may do what with a local partner: ONE pure function over facts loaded fresh (the actor's
 * membership and Host Admin row, the partner's status). Services assert with it, presenters send
 * its answers as `abilities`. Sources: partners-spec §4.4, R-LP-01…19, Q19/Q20, ADR 0012.
 */
export interface LocalPartnerFacts {
  status: LocalPartnerStatus;
  /** The actor's workspace role, read from their active membership. */
  actorRole: WorkspaceRole;
  /** The actor is one of its Host Admins. */
  isHostAdmin: boolean;
  /** The actor's role as a guest of THIS partner, or null. */
  guestRole: GuestRole | null;
}

export type LocalPartnerAction = LocalPartnerAbilityKey | 'view';

/** Workspace Admins and the Owner manage every partner's people (ADR 0012); Host Admins theirs. */
const manages = (f: LocalPartnerFacts) => f.isHostAdmin || workspaceRoleAllows(f.actorRole, 'localPartners.manageAll');

/**
 * May the actor know this partner exists? No means 404, never 403. A removed partner stays
 * visible to workspace Admins only (its Host Admin rows are gone).
 */
export function localPartnerVisible(f: LocalPartnerFacts): boolean {
  if (workspaceRoleAllows(f.actorRole, 'localPartners.manageAll')) return true;
  return f.status === 'active' && (f.isHostAdmin || f.guestRole !== null);
}

export function localPartnerCan(f: LocalPartnerFacts, action: LocalPartnerAction): boolean {
  if (!localPartnerVisible(f)) return false;
  const active = f.status === 'active';
  const guestAdmin = f.guestRole === 'guest_admin';
  switch (action) {
    case 'view':
    case 'viewUsers':
    case 'viewAccounts':
      // Guest Users see only what is shared with them (R-LP-08), not the partner's people.
      return f.guestRole !== 'guest_user';
    case 'inviteGuests':
      return active && (manages(f) || guestAdmin);
    case 'inviteGuestAdmins':
    case 'manageHostAdmins':
    case 'removeAccounts':
    case 'remove':
      return active && manages(f);
    case 'shareAccounts':
      // Only Host Admins, and only accounts they Own (checked per account) (R-LP-06).
      return active && f.isHostAdmin;
  }
}

export function localPartnerAbilities(f: LocalPartnerFacts): LocalPartnerAbilities {
  return Object.fromEntries(LOCAL_PARTNER_ABILITY_KEYS.map((k) => [k, localPartnerCan(f, k)])) as LocalPartnerAbilities;
}

export function viewerRole(f: LocalPartnerFacts): LocalPartnerViewerRole | null {
  if (f.guestRole) return f.guestRole;
  if (f.isHostAdmin) return 'host_admin';
  return workspaceRoleAllows(f.actorRole, 'localPartners.manageAll') ? 'workspace_admin' : null;
}

export interface GuestTarget {
  userId: string;
  role: GuestRole;
}

/**
 * What the actor may do to one guest of the partner (the Users tab):
 * - Host Admins and workspace Admins: everything, to anyone but themselves;
 * - a Guest Admin: promote a Guest User, demote themselves (R-LP-10); remove and reset Guest Users
 *   only, never themselves or another Guest Admin (R-LP-09).
 * The last Guest Admin can be neither demoted nor removed (Q19): `guestAdminCount` says when.
 */
export function guestAbilities(
  f: LocalPartnerFacts,
  actorUserId: string,
  target: GuestTarget,
  guestAdminCount: number,
): { changeRole: boolean; remove: boolean; resetMfa: boolean; forcePasswordReset: boolean } {
  const none = { changeRole: false, remove: false, resetMfa: false, forcePasswordReset: false };
  if (f.status !== 'active' || !localPartnerVisible(f)) return none;
  const self = target.userId === actorUserId;
  const lastGuestAdmin = target.role === 'guest_admin' && guestAdminCount <= 1;
  if (manages(f)) {
    return { changeRole: !lastGuestAdmin, remove: !self && !lastGuestAdmin, resetMfa: !self, forcePasswordReset: !self };
  }
  if (f.guestRole === 'guest_admin') {
    const onUser = target.role === 'guest_user' && !self;
    return {
      changeRole: onUser || (self && !lastGuestAdmin),
      remove: onUser,
      resetMfa: onUser,
      forcePasswordReset: onUser,
    };
  }
  return none;
}
