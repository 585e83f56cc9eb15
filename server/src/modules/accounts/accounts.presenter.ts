import type { AccountDetailDto, AccountMemberDto, AccountSummaryDto } from '@shared/accounts';
import { ACCOUNT_ROLE_LABELS, type AccountRole } from '@shared/permissions';
import { accountAbilities } from '../../authz/accounts';
import type { Actor } from '../../lib/request-context';
import type { SecretField } from '../vault/vault.types';
import type { AccountRow } from './accounts.repository';

/**
 * Responses are built field by field from rows: a secret can never leak through a new column.
 * Only hasPassword / hasTotp say anything about secrets.
 */
export function presentAccountSummary(
  a: AccountRow,
  role: AccountRole,
  fields: Set<SecretField> | undefined,
  hostWorkspaceName: string | null,
  viewer: Pick<Actor, 'workspaceId' | 'role'>,
): AccountSummaryDto {
  return {
    id: a.id,
    label: a.label,
    application: a.application,
    loginUrl: a.loginUrl,
    username: a.username,
    myRole: role,
    myRoleLabel: ACCOUNT_ROLE_LABELS[role],
    status: a.status,
    hasPassword: fields?.has('password') ?? false,
    hasTotp: fields?.has('totp') ?? false,
    updatedAt: a.updatedAt.toISOString(),
    hostWorkspaceName,
    abilities: accountAbilities({
      role,
      status: a.status,
      fromPartnerWorkspace: a.workspaceId !== viewer.workspaceId,
      guestAdmin: viewer.role === 'guest_admin',
    }),
  };
}

export function presentAccountDetail(
  a: AccountRow,
  role: AccountRole,
  fields: Set<SecretField> | undefined,
  creator: { name: string; email: string } | null,
  hostWorkspaceName: string | null,
  viewer: Pick<Actor, 'workspaceId' | 'role'>,
  guestPartners: Array<{ id: string; companyName: string }>,
): AccountDetailDto {
  return {
    ...presentAccountSummary(a, role, fields, hostWorkspaceName, viewer),
    notes: a.notes,
    customFields: a.customFields.map((f) => ({ name: f.name, value: f.value })),
    createdAt: a.createdAt.toISOString(),
    createdBy: creator ? { name: creator.name, email: creator.email } : null,
    deletedAt: a.deletedAt ? a.deletedAt.toISOString() : null,
    guestPartners: guestPartners.map((p) => ({ id: p.id, companyName: p.companyName })),
  };
}

export function presentAccountMember(m: {
  userId: string;
  email: string;
  name: string;
  role: AccountRole;
  sharedVia: string;
  grantedAt: Date;
  grantedBy: { name: string; email: string } | null;
  lastUsedAt: Date | null;
  isYou: boolean;
  partnership?: { id: string; guestWorkspaceName: string } | null;
  localPartner?: { id: string; companyName: string } | null;
  canChangeRole: boolean;
  canRemove: boolean;
}): AccountMemberDto {
  return {
    userId: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    roleLabel: ACCOUNT_ROLE_LABELS[m.role],
    sharedVia: m.sharedVia,
    grantedAt: m.grantedAt.toISOString(),
    grantedBy: m.grantedBy,
    lastUsedAt: m.lastUsedAt ? m.lastUsedAt.toISOString() : null,
    isYou: m.isYou,
    partnership: m.partnership ?? null,
    localPartner: m.localPartner ?? null,
    abilities: { changeRole: m.canChangeRole, remove: m.canRemove },
  };
}
