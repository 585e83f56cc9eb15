import type { InviteDto, MemberDto } from '@shared/members';
import { WORKSPACE_ROLE_LABELS } from '@shared/permissions';
import type { Actor } from '../../lib/request-context';
import { inviteAbilities, memberAbilities } from './members.policy';
import type { InviteRow, MemberRow } from './members.repository';

export function presentMember(actor: Pick<Actor, 'role' | 'userId'>, m: MemberRow): MemberDto {
  return {
    userId: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    roleLabel: WORKSPACE_ROLE_LABELS[m.role],
    localPartner: m.localPartnerId ? { id: m.localPartnerId, companyName: m.localPartnerName ?? '' } : null,
    mfaEnabled: m.mfaEnabledAt !== null,
    status: m.status,
    joinedAt: m.joinedAt.toISOString(),
    lastActiveAt: m.lastActiveAt?.toISOString() ?? null,
    isYou: m.userId === actor.userId,
    abilities: memberAbilities(actor, m),
  };
}

export function presentInvite(actor: Pick<Actor, 'role'>, i: InviteRow, now: Date): InviteDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    localPartner: i.localPartnerId ? { id: i.localPartnerId, companyName: i.localPartnerName ?? '' } : null,
    status: i.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending',
    invitedBy: { name: i.invitedByName, email: i.invitedByEmail },
    sentAt: i.sentAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    abilities: inviteAbilities(actor),
  };
}
