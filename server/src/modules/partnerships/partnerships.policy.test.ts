import { describe, expect, it } from 'vitest';
import { PartnershipStateSchema, type PartnershipState } from '@shared/partnerships';
import type { WorkspaceRole } from '@shared/permissions';
import { memberAccessAbilities, partnershipAbilities, partnershipCan, partnershipVisible, type PartnershipFacts } from './partnerships.policy';

/** Facts for one actor; `hostApproved` follows the state unless given (the guest sees nothing before approval). */
function facts(side: 'host' | 'guest', actorRole: WorkspaceRole, state: PartnershipState, extra: Partial<PartnershipFacts> = {}): PartnershipFacts {
  const hostApproved = !['awaiting_host_admin', 'declined_by_host'].includes(state);
  return { side, actorRole, state, isPartnershipOwner: false, hostApproved, ...extra };
}
const owner = (state: PartnershipState, role: WorkspaceRole = 'user') => facts('host', role, state, { isPartnershipOwner: true });

describe('partnership visibility (404 otherwise)', () => {
  it('host: Partnership Owners and host Admins/Owners; not plain Users or Login-Only', () => {
    expect(partnershipVisible(owner('active'))).toBe(true);
    expect(partnershipVisible(facts('host', 'admin', 'active'))).toBe(true);
    expect(partnershipVisible(facts('host', 'owner', 'awaiting_host_admin'))).toBe(true);
    expect(partnershipVisible(facts('host', 'user', 'active'))).toBe(false);
    expect(partnershipVisible(facts('host', 'login_only', 'active'))).toBe(false);
  });

  it('guest: Admins/Owners only, and only once the host approved (R-HG-05)', () => {
    expect(partnershipVisible(facts('guest', 'admin', 'awaiting_guest_admin'))).toBe(true);
    expect(partnershipVisible(facts('guest', 'owner', 'active'))).toBe(true);
    expect(partnershipVisible(facts('guest', 'admin', 'awaiting_host_admin'))).toBe(false);
    expect(partnershipVisible(facts('guest', 'admin', 'declined_by_host'))).toBe(false);
    // Withdrawn before any host decision: the guest never heard of it.
    expect(partnershipVisible(facts('guest', 'admin', 'removed', { hostApproved: false }))).toBe(false);
    expect(partnershipVisible(facts('guest', 'user', 'active'))).toBe(false);
  });

  it('grants nothing at all on an invisible partnership', () => {
    for (const state of PartnershipStateSchema.options) {
      const abilities = partnershipAbilities(facts('host', 'user', state));
      expect(Object.values(abilities).every((v) => !v), state).toBe(true);
    }
  });
});

describe('transitions (spec §5.1)', () => {
  it('only a host Admin approves, only while awaiting the host admin', () => {
    expect(partnershipCan(facts('host', 'admin', 'awaiting_host_admin'), 'approve')).toBe(true);
    expect(partnershipCan(facts('host', 'owner', 'awaiting_host_admin'), 'approve')).toBe(true);
    expect(partnershipCan(owner('awaiting_host_admin'), 'approve')).toBe(false);
    expect(partnershipCan(facts('host', 'admin', 'awaiting_guest_admin'), 'approve')).toBe(false);
    expect(partnershipCan(facts('guest', 'admin', 'awaiting_guest_admin'), 'approve')).toBe(false);
  });

  it('only a guest Admin accepts, only while awaiting the partner', () => {
    expect(partnershipCan(facts('guest', 'admin', 'awaiting_guest_admin'), 'accept')).toBe(true);
    expect(partnershipCan(facts('guest', 'admin', 'active'), 'accept')).toBe(false);
    expect(partnershipCan(facts('host', 'admin', 'awaiting_guest_admin'), 'accept')).toBe(false);
  });

  it('decline belongs to the side whose decision is awaited', () => {
    expect(partnershipCan(facts('host', 'admin', 'awaiting_host_admin'), 'decline')).toBe(true);
    expect(partnershipCan(facts('host', 'admin', 'awaiting_guest_admin'), 'decline')).toBe(false);
    expect(partnershipCan(facts('guest', 'admin', 'awaiting_guest_admin'), 'decline')).toBe(true);
    expect(partnershipCan(owner('awaiting_host_admin'), 'decline')).toBe(false);
  });

  it('reminder while awaiting the host admin, resend after the partner declined: Partnership Owner only (R-HG-08)', () => {
    expect(partnershipCan(owner('awaiting_host_admin'), 'remind')).toBe(true);
    expect(partnershipCan(owner('awaiting_guest_admin'), 'remind')).toBe(false);
    expect(partnershipCan(facts('host', 'admin', 'awaiting_host_admin'), 'remind')).toBe(false);
    expect(partnershipCan(owner('declined_by_guest'), 'resend')).toBe(true);
    expect(partnershipCan(owner('declined_by_host'), 'resend')).toBe(false);
  });

  it('remove: Partnership Owner or an Admin of either workspace, while the partnership is live (R-HG-17)', () => {
    for (const state of ['awaiting_host_admin', 'awaiting_guest_admin', 'active', 'declined_by_guest'] as const) {
      expect(partnershipCan(owner(state), 'remove'), state).toBe(true);
      expect(partnershipCan(facts('host', 'admin', state), 'remove'), state).toBe(true);
    }
    expect(partnershipCan(facts('guest', 'admin', 'active'), 'remove')).toBe(true);
    expect(partnershipCan(facts('guest', 'user', 'active'), 'remove')).toBe(false);
    for (const state of ['declined_by_host', 'removed', 'expired'] as const) {
      expect(partnershipCan(facts('host', 'admin', state), 'remove'), state).toBe(false);
    }
  });
});

describe('sharing and access management', () => {
  it('share accounts only when active, for Partnership Owners and host Admins (R-HG-07, R-HG-09, Q3)', () => {
    expect(partnershipCan(owner('active'), 'shareAccounts')).toBe(true);
    expect(partnershipCan(facts('host', 'admin', 'active'), 'shareAccounts')).toBe(true);
    expect(partnershipCan(owner('awaiting_guest_admin'), 'shareAccounts')).toBe(false);
    expect(partnershipCan(facts('guest', 'admin', 'active'), 'shareAccounts')).toBe(false);
  });

  it('an account Owner changes a guest member role; Owner, Partnership Owner or host Admin removes access (R-HG-14/15)', () => {
    expect(memberAccessAbilities(facts('host', 'admin', 'active'), false)).toEqual({ changeRole: false, remove: true });
    expect(memberAccessAbilities(owner('active'), false)).toEqual({ changeRole: false, remove: true });
    expect(memberAccessAbilities(facts('host', 'user', 'active'), true)).toEqual({ changeRole: true, remove: true });
    expect(memberAccessAbilities(facts('guest', 'admin', 'active'), false)).toEqual({ changeRole: false, remove: false });
    expect(memberAccessAbilities(owner('removed'), true)).toEqual({ changeRole: false, remove: false });
  });

  it('owners are managed by host Admins; the guest contact by guest Admins (Q4, Q6)', () => {
    expect(partnershipCan(facts('host', 'admin', 'active'), 'manageOwners')).toBe(true);
    expect(partnershipCan(owner('active'), 'manageOwners')).toBe(false);
    expect(partnershipCan(facts('guest', 'admin', 'active'), 'changeGuestContact')).toBe(true);
    expect(partnershipCan(facts('host', 'admin', 'active'), 'changeGuestContact')).toBe(false);
  });
});
