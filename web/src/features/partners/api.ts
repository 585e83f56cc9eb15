import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  PartnershipAccountsResponseSchema,
  PartnershipDtoSchema,
  PartnershipListResponseSchema,
  PartnershipMembersResponseSchema,
  ShareableAccountsResponseSchema,
  type CreatePartnershipRequest,
  type PartnershipAccountRole,
  type ShareAccountsRequest,
  type UpdatePartnershipRequest,
} from '@shared/partnerships';
import { api, isApiError } from '../../api/client';

/**
 * Host-guest partnerships (the Partners page). Every key starts with ['partnerships'] so the live
 * stream's 'partnerships' topic (web/src/lib/live.ts) refreshes all of them, and every mutation
 * invalidates ['partnerships'] (and ['accounts'] / ['account'] when account access changes).
 */
const enc = encodeURIComponent;

export const partnershipsKey = ['partnerships'] as const;
export const partnershipListKey = (view: 'current' | 'all') => ['partnerships', 'list', view] as const;
export const partnershipKey = (id: string) => ['partnerships', id] as const;
export const partnershipAccountsKey = (id: string) => ['partnerships', id, 'accounts'] as const;
export const partnershipMembersKey = (id: string) => ['partnerships', id, 'members'] as const;
export const shareableAccountsKey = (id: string) => ['partnerships', id, 'shareable'] as const;

export function usePartnerships(view: 'current' | 'all' = 'current', enabled = true) {
  return useQuery({
    queryKey: partnershipListKey(view),
    enabled,
    queryFn: ({ signal }) => api('GET', '/partnerships', { query: { view }, schema: PartnershipListResponseSchema, signal }),
  });
}

export function usePartnership(id: string | null) {
  return useQuery({
    queryKey: partnershipKey(id ?? ''),
    enabled: !!id,
    queryFn: ({ signal }) => api('GET', `/partnerships/${enc(id ?? '')}`, { schema: PartnershipDtoSchema, signal }),
  });
}

export function usePartnershipAccounts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: partnershipAccountsKey(id),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/partnerships/${enc(id)}/accounts`, { schema: PartnershipAccountsResponseSchema, signal }),
  });
}

export function usePartnershipMembers(id: string, enabled: boolean) {
  return useQuery({
    queryKey: partnershipMembersKey(id),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/partnerships/${enc(id)}/members`, { schema: PartnershipMembersResponseSchema, signal }),
  });
}

export function useShareableAccounts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: shareableAccountsKey(id),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/partnerships/${enc(id)}/shareable-accounts`, { schema: ShareableAccountsResponseSchema, signal }),
  });
}

/** After any change: the list, every detail and its tabs; with `accounts`, the account views too. */
function useInvalidate() {
  const qc = useQueryClient();
  return (accounts = false) => {
    void qc.invalidateQueries({ queryKey: partnershipsKey });
    if (accounts) {
      void qc.invalidateQueries({ queryKey: ['accounts'] });
      void qc.invalidateQueries({ queryKey: ['account'] });
    }
  };
}

export function useCreatePartnership() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: CreatePartnershipRequest) => api('POST', '/partnerships', { body, schema: PartnershipDtoSchema }),
    onSuccess: () => invalidate(),
  });
}

export function useUpdatePartnership(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: UpdatePartnershipRequest) =>
      api('PATCH', `/partnerships/${enc(id)}`, { body, schema: PartnershipDtoSchema }),
    onSettled: () => invalidate(),
  });
}

export type PartnershipCommand = 'approve' | 'decline' | 'accept' | 'remind' | 'resend';

/** approve / decline {reason?} / accept {acceptTerms} / remind / resend. */
export function usePartnershipCommand(id: string, command: PartnershipCommand) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body?: Record<string, unknown>) =>
      api('POST', `/partnerships/${enc(id)}/${command}`, { body: body ?? {}, schema: PartnershipDtoSchema }),
    // Accepting makes the host's shares usable; declining changes nothing on accounts.
    onSettled: () => invalidate(command === 'accept'),
  });
}

export function useRemovePartnership(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => api('DELETE', `/partnerships/${enc(id)}`, { schema: PartnershipDtoSchema }),
    onSettled: () => invalidate(true),
  });
}

export function useAddOwner(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) => api('POST', `/partnerships/${enc(id)}/owners`, { body: { userId } }),
    onSettled: () => invalidate(),
  });
}

export function useRemoveOwner(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) => api('DELETE', `/partnerships/${enc(id)}/owners/${enc(userId)}`),
    onSettled: () => invalidate(),
  });
}

export function useTransferOwnership(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { fromUserId: string; toUserId: string }) =>
      api('POST', `/partnerships/${enc(id)}/transfer`, { body }),
    onSettled: () => invalidate(),
  });
}

export function useChangeGuestContact(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (userId: string) => api('PUT', `/partnerships/${enc(id)}/guest-contact`, { body: { userId } }),
    onSettled: () => invalidate(true),
  });
}

export function useShareAccounts(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ShareAccountsRequest) => api('POST', `/partnerships/${enc(id)}/accounts`, { body }),
    onSettled: () => invalidate(true),
  });
}

export function useRemoveSharedAccount(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (accountId: string) => api('DELETE', `/partnerships/${enc(id)}/accounts/${enc(accountId)}`),
    onSettled: () => invalidate(true),
  });
}

export function useChangeMemberAccess(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { userId: string; accountId: string; role: PartnershipAccountRole }) =>
      api('PATCH', `/partnerships/${enc(id)}/members/${enc(v.userId)}/accounts/${enc(v.accountId)}`, {
        body: { role: v.role },
      }),
    onSettled: () => invalidate(true),
  });
}

export function useRemoveMemberAccess(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { userId: string; accountId: string }) =>
      api('DELETE', `/partnerships/${enc(id)}/members/${enc(v.userId)}/accounts/${enc(v.accountId)}`),
    onSettled: () => invalidate(true),
  });
}

/** Seconds to wait from a 429, whichever key the server used. */
export function retryAfter(e: unknown): number | null {
  if (!isApiError(e, 'rate_limited')) return null;
  const fromHelper = e.retryAfterSeconds();
  if (fromHelper !== null) return fromHelper;
  const d = e.details as { retryAfter?: unknown } | undefined;
  return typeof d?.retryAfter === 'number' ? d.retryAfter : null;
}

/** "in 3 hours" / "in 12 minutes" for a wait in seconds. */
export function waitText(seconds: number): string {
  if (seconds < 1.5) return 'in 1 second';
  if (seconds < 90) return `in ${Math.round(seconds)} seconds`;
  if (seconds < 5400) return `in ${Math.round(seconds / 60)} minutes`;
  return `in ${Math.round(seconds / 3600)} hours`;
}
