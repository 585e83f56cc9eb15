import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  AccountDetailDtoSchema,
  AccountMemberDtoSchema,
  AccountMembersResponseSchema,
  AccountsListResponseSchema,
  RevealResponseSchema,
  type AccountsListResponse,
  type AccountDetailDto,
  type AccountStatus,
  type CreateAccountRequest,
  type SecretField,
  type UpdateAccountRequest,
} from '@shared/accounts';
import type { DirectAccountRole } from '@shared/permissions';
import { api } from '../../api/client';

const enc = encodeURIComponent;
export const accountsKey = ['accounts'] as const;
export const accountKey = (id: string) => ['account', id] as const;
export const accountMembersKey = (id: string) => ['account', id, 'members'] as const;

/** All accounts I can use, newest pages appended by "Load more" (keyset cursor). */
export function useAccountsList(params: { q: string; status: AccountStatus }) {
  return useInfiniteQuery({
    queryKey: [...accountsKey, params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api('GET', '/accounts', {
        query: { q: params.q || undefined, status: params.status, cursor: pageParam, limit: 30 },
        schema: AccountsListResponseSchema,
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Every active account (all pages), for filter selects. */
export function useAllAccountsForSelect(enabled = true) {
  return useQuery({
    queryKey: [...accountsKey, 'select'],
    enabled,
    queryFn: async ({ signal }) => {
      const items: { id: string; label: string }[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page: AccountsListResponse = await api('GET', '/accounts', { query: { limit: 100, cursor }, schema: AccountsListResponseSchema, signal });
        items.push(...page.items.map((a) => ({ id: a.id, label: a.label })));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return items;
    },
  });
}

export function useAccount(id: string) {
  return useQuery({
    queryKey: accountKey(id),
    queryFn: ({ signal }) => api('GET', `/accounts/${enc(id)}`, { schema: AccountDetailDtoSchema, signal }),
  });
}

function putAccount(qc: QueryClient, a: AccountDetailDto) {
  qc.setQueryData(accountKey(a.id), a);
  void qc.invalidateQueries({ queryKey: accountsKey });
}

export function useCreateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAccountRequest) => api('POST', '/accounts', { body, schema: AccountDetailDtoSchema }),
    onSuccess: (a) => putAccount(qc, a),
  });
}

export function useUpdateAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateAccountRequest) => api('PATCH', `/accounts/${enc(id)}`, { body, schema: AccountDetailDtoSchema }),
    onSuccess: (a) => putAccount(qc, a),
  });
}

export function useDeleteAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api('DELETE', `/accounts/${enc(id)}`, { schema: AccountDetailDtoSchema }),
    onSuccess: (a) => putAccount(qc, a),
  });
}

export function useRestoreAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api('POST', `/accounts/${enc(id)}/restore`, { schema: AccountDetailDtoSchema }),
    onSuccess: (a) => {
      putAccount(qc, a);
      void qc.invalidateQueries({ queryKey: accountMembersKey(id) });
    },
  });
}

/** Owners only: fetch a secret (recorded as "Password Retrieved"). Never cached by TanStack Query. */
export function revealSecret(id: string, field: SecretField): Promise<string> {
  return api('POST', `/accounts/${enc(id)}/reveal`, { body: { field }, schema: RevealResponseSchema }).then((r) => r.value);
}

export function useAccountMembers(id: string, enabled: boolean) {
  return useQuery({
    queryKey: accountMembersKey(id),
    enabled,
    queryFn: ({ signal }) => api('GET', `/accounts/${enc(id)}/members`, { schema: AccountMembersResponseSchema, signal }),
  });
}

export function useShareAccount(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { userId: string; role: DirectAccountRole }) =>
      api('POST', `/accounts/${enc(id)}/members`, { body, schema: AccountMemberDtoSchema }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: accountMembersKey(id) }),
  });
}

export function useChangeAccountRole(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userId: string; role: DirectAccountRole }) =>
      api('PATCH', `/accounts/${enc(id)}/members/${enc(v.userId)}`, { body: { role: v.role }, schema: AccountMemberDtoSchema }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: accountMembersKey(id) });
      void qc.invalidateQueries({ queryKey: accountKey(id), exact: true });
      void qc.invalidateQueries({ queryKey: accountsKey });
    },
  });
}

export function useRemoveAccountMember(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api('DELETE', `/accounts/${enc(id)}/members/${enc(userId)}`),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: accountMembersKey(id) });
      void qc.invalidateQueries({ queryKey: accountKey(id), exact: true });
      void qc.invalidateQueries({ queryKey: accountsKey });
    },
  });
}
