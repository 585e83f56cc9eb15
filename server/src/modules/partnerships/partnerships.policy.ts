import {
  LIVE_PARTNERSHIP_STATES,
  PARTNERSHIP_ABILITY_KEYS,
  PENDING_PARTNERSHIP_STATES,
  type PartnershipAbilities,
  type PartnershipAbilityKey,
  type PartnershipSide,
  type PartnershipState,
} from '@shared/partnerships';
import { workspaceRoleAllows, type WorkspaceRole } from '@shared/permissions';

/**
 * Who may do what with a host-guest partnership: ONE pure function over facts loaded in one query
 * (partnerships.repository.ts `loadFacts`). Routes never decide; services call `assertPartnershipCan`,
 * presenters send `partnershipAbilities` so the web app never re-implements any of this.
 * Sources: partners-spec §4.3 and R-HG-02/05/08/09/14/15/16/17; Q3 (Admins who own an account may
 * share it), Q4 (Admins manage Partnership Owners), Q6 (guest side hands the contact over).
 */
export interface PartnershipFacts {
  state: PartnershipState;
  /** The actor's side: their session's workspace is the host or the guest. */
  side: PartnershipSide;
  /** The actor's role in their own workspace. */
  actorRole: WorkspaceRole;
  /** The actor is a Partnership Owner (host side only). */
  isPartnershipOwner: boolean;
  /** The host approved at some point (auto or by an Admin); before that the guest side cannot see it. */
  hostApproved: boolean;
}

export type PartnershipAction = PartnershipAbilityKey | 'view';

const isLive = (s: PartnershipState) => LIVE_PARTNERSHIP_STATES.includes(s);
const isPending = (s: PartnershipState) => PENDING_PARTNERSHIP_STATES.includes(s);

/** May the actor see this partnership at all? No means 404, never 403 (another tenant's business). */
export function partnershipVisible(f: PartnershipFacts): boolean {
  if (f.side === 'host') return f.isPartnershipOwner || workspaceRoleAllows(f.actorRole, 'partners.viewAll');
  // The guest side learns of a request only once the host approved it (R-HG-05).
  return f.hostApproved && workspaceRoleAllows(f.actorRole, 'partners.decide');
}

export function partnershipCan(f: PartnershipFacts, action: PartnershipAction): boolean {
  if (!partnershipVisible(f)) return false;
  const admin = workspaceRoleAllows(f.actorRole, 'partners.decide');
  const host = f.side === 'host';
  const hostManager = host && (f.isPartnershipOwner || admin);
  switch (action) {
    case 'view':
    case 'viewAccounts':
    case 'viewMembers':
      return true;
    case 'approve':
      return host && admin && f.state === 'awaiting_host_admin';
    case 'accept':
      return !host && admin && f.state === 'awaiting_guest_admin';
    case 'decline':
      return admin && ((host && f.state === 'awaiting_host_admin') || (!host && f.state === 'awaiting_guest_admin'));
    case 'remind':
      return host && f.isPartnershipOwner && f.state === 'awaiting_host_admin';
    case 'resend':
      return host && f.isPartnershipOwner && f.state === 'declined_by_guest';
    case 'edit':
      return hostManager && (isPending(f.state) || f.state === 'declined_by_guest');
    case 'changeSettings':
      return hostManager && isLive(f.state);
    case 'remove':
      // Partnership Owner or an Admin of EITHER workspace (R-HG-17); pending requests can be withdrawn too.
      return isLive(f.state) && (hostManager || (!host && admin));
    case 'shareAccounts':
      // Partnership Owners, and Admins — each shared account must also be Owned by the actor (R-HG-09, Q3).
      return hostManager && f.state === 'active';
    case 'removeAccounts':
      return hostManager && f.state === 'active';
    case 'manageMemberAccess':
      // Remove a guest member's access (R-HG-15); account Owners may too, decided per account.
      return hostManager && f.state === 'active';
    case 'manageOwners':
      return host && admin && isLive(f.state);
    case 'changeGuestContact':
      return !host && admin && f.state === 'active';
  }
}

export function partnershipAbilities(f: PartnershipFacts): PartnershipAbilities {
  return Object.fromEntries(PARTNERSHIP_ABILITY_KEYS.map((k) => [k, partnershipCan(f, k)])) as PartnershipAbilities;
}

/**
 * Per account inside the partnership (Members tab). An account Owner changes a guest member's role
 * (R-HG-14, host side only); the Partnership Owner, a host Admin or an account Owner removes access
 * (R-HG-15).
 */
export function memberAccessAbilities(
  f: PartnershipFacts,
  ownsAccount: boolean,
): { changeRole: boolean; remove: boolean } {
  const active = f.state === 'active' && f.side === 'host';
  return {
    changeRole: active && ownsAccount,
    remove: active && (ownsAccount || partnershipCan(f, 'manageMemberAccess')),
  };
}
