import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AccountGuestsResponseSchema,
  CreateLocalPartnerResponseSchema,
  GuestShareCandidatesResponseSchema,
  LocalPartnerAccountsResponseSchema,
  LocalPartnerDtoSchema,
  LocalPartnerGuestResponseSchema,
  LocalPartnerInviteResponseSchema,
  LocalPartnerListResponseSchema,
  LocalPartnerShareableAccountsResponseSchema,
  LocalPartnerUsersResponseSchema,
  RemoveGuestResponseSchema,
  RemoveLocalPartnerResponseSchema,
  ShareWithGuestsResponseSchema,
  ShareWithLocalPartnerResponseSchema,
  type CreateLocalPartnerRequest,
  type InviteGuestRequest,
  type LocalPartnerAccountRole,
  type ShareWithLocalPartnerRequest,
} from '@shared/local-partners';
import { MemberResetResponseSchema } from '@shared/members';
import type { GuestRole } from '@shared/permissions';
import { api } from '../../api/client';
import { membersKey } from '../members/api';

/**
 * Local partners (ADR 0012). Every key starts with ['local-partners'] so the live stream's
 * 'local-partners' topic (web/src/lib/live.ts) refreshes all of them; every mutation invalidates
 * ['local-partners'] (and the account views and Members when access or people change).
 */
const enc = encodeURIComponent;

export const localPartnersKey = ['local-partners'] as const;
export const localPartnerListKey = ['local-partners', 'list'] as const;
export const localPartnerKey = (id: string) => ['local-partners', id] as const;
export const localPartnerUsersKey = (id: string) => ['local-partners', id, 'users'] as const;
export const localPartnerAccountsKey = (id: string) => ['local-partners', id, 'accounts'] as const;
export const localPartnerShareableKey = (id: string) => ['local-partners', id, 'shareable'] as const;
export const shareCandidatesKey = (id: string, accountId: string) => ['local-partners', id, 'candidates', accountId] as const;
export const accountGuestsKey = (accountId: string) => ['local-partners', 'account-guests', accountId] as const;

export function useLocalPartners(enabled = true) {
  return useQuery({
    queryKey: localPartnerListKey,
    enabled,
    queryFn: ({ signal }) => api('GET', '/local-partners', { schema: LocalPartnerListResponseSchema, signal }),
  });
}

export function useLocalPartner(id: string) {
  return useQuery({
    queryKey: localPartnerKey(id),
    queryFn: ({ signal }) => api('GET', `/local-partners/${enc(id)}`, { schema: LocalPartnerDtoSchema, signal }),
  });
}

export function useLocalPartnerUsers(id: string, enabled: boolean) {
  return useQuery({
    queryKey: localPartnerUsersKey(id),
    enabled,
    queryFn: ({ signal }) => api('GET', `/local-partners/${enc(id)}/users`, { schema: LocalPartnerUsersResponseSchema, signal }),
  });
}

export function useLocalPartnerAccounts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: localPartnerAccountsKey(id),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/local-partners/${enc(id)}/accounts`, { schema: LocalPartnerAccountsResponseSchema, signal }),
  });
}

export function useLocalPartnerShareable(id: string, enabled: boolean) {
  return useQuery({
    queryKey: localPartnerShareableKey(id),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/local-partners/${enc(id)}/shareable-accounts`, { schema: LocalPartnerShareableAccountsResponseSchema, signal }),
  });
}

export function useShareCandidates(id: string, accountId: string) {
  return useQuery({
    queryKey: shareCandidatesKey(id, accountId),
    queryFn: ({ signal }) =>
      api('GET', `/local-partners/${enc(id)}/accounts/${enc(accountId)}/share-candidates`, {
        schema: GuestShareCandidatesResponseSchema,
        signal,
      }),
  });
}

export function useAccountGuests(accountId: string, enabled: boolean) {
  return useQuery({
    queryKey: accountGuestsKey(accountId),
    enabled,
    queryFn: ({ signal }) => api('GET', `/accounts/${enc(accountId)}/guests`, { schema: AccountGuestsResponseSchema, signal }),
  });
}

/** After any change: every local-partner view; with `accounts`, the account views; with `members`, Members. */
function useInvalidate() {
  const qc = useQueryClient();
  return (opts: { accounts?: boolean; members?: boolean } = {}) => {
    void qc.invalidateQueries({ queryKey: localPartnersKey });
    if (opts.accounts) {
      void qc.invalidateQueries({ queryKey: ['accounts'] });
      void qc.invalidateQueries({ queryKey: ['account'] });
    }
    if (opts.members) void qc.invalidateQueries({ queryKey: membersKey });
  };
}

export function useCreateLocalPartner() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreateLocalPartnerRequest) =>
      api('POST', '/local-partners', { body, schema: CreateLocalPartnerResponseSchema }),
    onSuccess: () => invalidate({ members: true }),
  });
}

export function useRemoveLocalPartner(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => api('DELETE', `/local-partners/${enc(id)}`, { schema: RemoveLocalPartnerResponseSchema }),
    onSettled: () => invalidate({ accounts: true, members: true }),
  });
}

export function useAddHostAdmins(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userIds: string[]) => api('POST', `/local-partners/${enc(id)}/host-admins`, { body: { userIds } }),
    onSettled: () => invalidate(),
  });
}

export function useRemoveHostAdmin(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) => api('DELETE', `/local-partners/${enc(id)}/host-admins/${enc(userId)}`),
    onSettled: () => invalidate(),
  });
}

export function useInviteGuest(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: InviteGuestRequest) =>
      api('POST', `/local-partners/${enc(id)}/invites`, { body, schema: LocalPartnerInviteResponseSchema }),
    onSuccess: () => invalidate({ members: true }),
  });
}

export function useResendGuestInvite(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (inviteId: string) =>
      api('POST', `/local-partners/${enc(id)}/invites/${enc(inviteId)}/resend`, { schema: LocalPartnerInviteResponseSchema }),
    onSettled: () => invalidate({ members: true }),
  });
}

export function useRevokeGuestInvite(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (inviteId: string) => api('DELETE', `/local-partners/${enc(id)}/invites/${enc(inviteId)}`),
    onSettled: () => invalidate({ members: true }),
  });
}

export function useChangeGuestRole(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { userId: string; role: GuestRole }) =>
      api('PATCH', `/local-partners/${enc(id)}/guests/${enc(v.userId)}`, {
        body: { role: v.role },
        schema: LocalPartnerGuestResponseSchema,
      }),
    onSettled: () => invalidate({ members: true }),
  });
}

export function useRemoveGuest(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) =>
      api('DELETE', `/local-partners/${enc(id)}/guests/${enc(userId)}`, { schema: RemoveGuestResponseSchema }),
    onSettled: () => invalidate({ accounts: true, members: true }),
  });
}

export type GuestReset = 'reset-mfa' | 'force-password-reset';

export function useResetGuest(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { userId: string; what: GuestReset }) =>
      api('POST', `/local-partners/${enc(id)}/guests/${enc(v.userId)}/${v.what}`, { schema: MemberResetResponseSchema }),
    onSettled: () => invalidate({ members: true }),
  });
}

export function useShareWithLocalPartner(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ShareWithLocalPartnerRequest) =>
      api('POST', `/local-partners/${enc(id)}/accounts`, { body, schema: ShareWithLocalPartnerResponseSchema }),
    onSettled: () => invalidate({ accounts: true }),
  });
}

export function useRemoveLocalPartnerAccount(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (accountId: string) => api('DELETE', `/local-partners/${enc(id)}/accounts/${enc(accountId)}`),
    onSettled: () => invalidate({ accounts: true }),
  });
}

export function useShareWithGuests(id: string, accountId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userIds: string[]) =>
      api('POST', `/local-partners/${enc(id)}/accounts/${enc(accountId)}/guests`, {
        body: { userIds },
        schema: ShareWithGuestsResponseSchema,
      }),
    onSettled: () => invalidate({ accounts: true }),
  });
}

export function useChangeAccountGuestRole(accountId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { userId: string; role: LocalPartnerAccountRole }) =>
      api('PATCH', `/accounts/${enc(accountId)}/guests/${enc(v.userId)}`, { body: { role: v.role } }),
    onSettled: () => invalidate({ accounts: true }),
  });
}

export function useRemoveAccountGuest(accountId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) => api('DELETE', `/accounts/${enc(accountId)}/guests/${enc(userId)}`),
    onSettled: () => invalidate({ accounts: true }),
  });
}

/** Members page: reset a member's MFA or force a password reset (Admins; abilities on the row). */
export function useResetMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userId: string; what: GuestReset }) =>
      api('POST', `/members/${enc(v.userId)}/${v.what}`, { schema: MemberResetResponseSchema }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: membersKey });
      void qc.invalidateQueries({ queryKey: localPartnersKey });
    },
  });
}
