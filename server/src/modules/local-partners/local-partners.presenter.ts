import type {
  LocalPartnerDto,
  LocalPartnerGuestDto,
  LocalPartnerHostAdminDto,
  LocalPartnerInviteDto,
} from '@shared/local-partners';
import { WORKSPACE_ROLE_LABELS, type GuestRole } from '@shared/permissions';
import type { InviteRow } from '../members/members.repository';
import { localPartnerAbilities, localPartnerCan, viewerRole, type LocalPartnerFacts } from './local-partners.policy';
import type { GuestRow, LocalPartnerRow, PersonRow } from './local-partners.repository';

/** Responses are built field by field from rows; abilities come from the policy that enforces them. */

export function presentLocalPartner(
  row: LocalPartnerRow,
  facts: LocalPartnerFacts,
  hostAdmins: PersonRow[],
  counts: { guestAdmins: number; guestUsers: number; invites: number; accounts: number },
  creator: PersonRow | null,
): LocalPartnerDto {
  return {
    id: row.id,
    companyName: row.companyName,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    createdBy: creator ? { userId: creator.userId, name: creator.name, email: creator.email } : null,
    hostAdmins: hostAdmins.map((h) => ({ userId: h.userId, name: h.name, email: h.email })),
    guestAdminCount: counts.guestAdmins,
    guestUserCount: counts.guestUsers,
    pendingInviteCount: counts.invites,
    sharedAccountCount: counts.accounts,
    myRole: viewerRole(facts),
    removedAt: row.removedAt?.toISOString() ?? null,
    abilities: localPartnerAbilities(facts),
  };
}

export function presentGuest(
  g: GuestRow,
  actorUserId: string,
  abilities: { changeRole: boolean; remove: boolean; resetMfa: boolean; forcePasswordReset: boolean },
): LocalPartnerGuestDto {
  return {
    userId: g.userId,
    name: g.name,
    email: g.email,
    role: g.role,
    roleLabel: WORKSPACE_ROLE_LABELS[g.role],
    status: g.mfaEnabled ? 'active' : 'mfa_pending',
    joinedAt: g.joinedAt.toISOString(),
    lastActiveAt: g.lastActiveAt?.toISOString() ?? null,
    accountCount: g.accountCount,
    isYou: g.userId === actorUserId,
    // A login used in another workspace too is its owner's to reset (ADR 0012).
    abilities: { ...abilities, resetMfa: abilities.resetMfa && !g.elsewhere, forcePasswordReset: abilities.forcePasswordReset && !g.elsewhere },
  };
}

export function presentHostAdmin(
  h: PersonRow & { addedAt: Date },
  actorUserId: string,
  facts: LocalPartnerFacts,
  hostAdminCount: number,
): LocalPartnerHostAdminDto {
  return {
    userId: h.userId,
    name: h.name,
    email: h.email,
    addedAt: h.addedAt.toISOString(),
    isYou: h.userId === actorUserId,
    abilities: { remove: localPartnerCan(facts, 'manageHostAdmins') && hostAdminCount > 1 },
  };
}

export function presentInvite(i: InviteRow, facts: LocalPartnerFacts, now: Date): LocalPartnerInviteDto {
  const role = i.role as GuestRole;
  const can = localPartnerCan(facts, role === 'guest_admin' ? 'inviteGuestAdmins' : 'inviteGuests');
  return {
    id: i.id,
    email: i.email,
    role,
    roleLabel: WORKSPACE_ROLE_LABELS[role],
    status: i.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending',
    invitedBy: { name: i.invitedByName, email: i.invitedByEmail },
    sentAt: i.sentAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    abilities: { resend: can, revoke: can },
  };
}
