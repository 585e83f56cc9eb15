import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  AccessRequestCandidatesResponseSchema,
  AccessRequestDtoSchema,
  AccessRequestListResponseSchema,
  CreateAccessRequestResponseSchema,
  type AccessRequestStatus,
  type PartnershipAccountRole,
} from '@shared/partnerships';
import { api } from '../../api/client';
import { accountKey, accountMembersKey, accountsKey } from './api';

/**
 * The account side of host-guest partnerships: access requests (a guest Manager asks the host's
 * Owners to give other members of the guest workspace access) and a guest member's access through
 * a partnership, changed from the host account's Members tab. Keys start with ['access-requests']
 * and ['partnerships'] so live updates (web/src/lib/live.ts) refresh them.
 */

const enc = encodeURIComponent;
export const accessRequestsKey = ['access-requests'] as const;
export const accessRequestListKey = (accountId: string, status: AccessRequestStatus | undefined) =>
  [...accessRequestsKey, 'list', { accountId, status: status ?? null }] as const;
export const accessRequestCandidatesKey = (accountId: string, q: string) => [...accessRequestsKey, 'candidates', accountId, q] as const;

/** After any access-request or partnership-member change: the lists, the account's members, the accounts. */
function invalidateAfter(qc: QueryClient, accountId: string): void {
  void qc.invalidateQueries({ queryKey: accessRequestsKey });
  void qc.invalidateQueries({ queryKey: accountsKey });
  void qc.invalidateQueries({ queryKey: accountKey(accountId), exact: true });
  void qc.invalidateQueries({ queryKey: accountMembersKey(accountId) });
  void qc.invalidateQueries({ queryKey: ['partnerships'] });
}

/** GET /access-requests?accountId=&status= — the host Owner's requests to decide, or the guest's own. */
export function useAccessRequests(accountId: string, status: AccessRequestStatus | undefined, enabled: boolean) {
  return useQuery({
    queryKey: accessRequestListKey(accountId, status),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', '/access-requests', { query: { accountId, status }, schema: AccessRequestListResponseSchema, signal }),
  });
}

/** GET /access-requests/candidates — members of my workspace I can ask access for (name or email search). */
export function useAccessRequestCandidates(accountId: string, q: string, enabled: boolean) {
  return useQuery({
    queryKey: accessRequestCandidatesKey(accountId, q),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      api('GET', '/access-requests/candidates', {
        query: { accountId, q: q || undefined },
        schema: AccessRequestCandidatesResponseSchema,
        signal,
      }),
  });
}

export function useCreateAccessRequest(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userIds: string[]; role: PartnershipAccountRole }) =>
      api('POST', '/access-requests', { body: { accountId, ...v }, schema: CreateAccessRequestResponseSchema }),
    onSettled: () => invalidateAfter(qc, accountId),
  });
}

/** Accept, decline (host account Owner) or cancel (the requester) one access request. */
export function useDecideAccessRequest(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; action: 'accept' | 'decline' | 'cancel' }) =>
      api('POST', `/access-requests/${enc(v.id)}/${v.action}`, { body: {}, schema: AccessRequestDtoSchema }),
    onSettled: () => invalidateAfter(qc, accountId),
  });
}

/** A guest member's role on a host account through a partnership (host account Owners). */
export function useChangePartnershipMemberRole(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { partnershipId: string; userId: string; role: PartnershipAccountRole }) =>
      api('PATCH', `/partnerships/${enc(v.partnershipId)}/members/${enc(v.userId)}/accounts/${enc(accountId)}`, {
        body: { role: v.role },
      }),
    onSettled: () => invalidateAfter(qc, accountId),
  });
}

/** End a guest member's access to this host account through a partnership. */
export function useRemovePartnershipMember(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { partnershipId: string; userId: string }) =>
      api('DELETE', `/partnerships/${enc(v.partnershipId)}/members/${enc(v.userId)}/accounts/${enc(accountId)}`),
    onSettled: () => invalidateAfter(qc, accountId),
  });
}
