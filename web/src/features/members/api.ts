import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  InviteResponseSchema,
  MemberResponseSchema,
  MembersListResponseSchema,
  RemoveMemberResponseSchema,
  type InviteRequest,
} from '@shared/members';
import type { AssignableWorkspaceRole } from '@shared/permissions';
import { api } from '../../api/client';

const enc = encodeURIComponent;
export const membersKey = ['members'] as const;

/** Members of the workspace, plus pending and expired invites when the viewer may invite. */
export function useMembers(enabled = true) {
  return useQuery({
    queryKey: membersKey,
    enabled,
    queryFn: ({ signal }) => api('GET', '/members', { schema: MembersListResponseSchema, signal }),
  });
}

function useInvalidateMembers() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: membersKey });
  };
}

export function useChangeMemberRole() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: (v: { userId: string; role: AssignableWorkspaceRole }) =>
      api('PATCH', `/members/${enc(v.userId)}`, { body: { role: v.role }, schema: MemberResponseSchema }),
    onSettled: invalidate,
  });
}

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api('DELETE', `/members/${enc(userId)}`, { schema: RemoveMemberResponseSchema }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: membersKey });
      // Their grants ended; ownerships may have moved to me.
      void qc.invalidateQueries({ queryKey: ['accounts'] });
      void qc.invalidateQueries({ queryKey: ['account'] });
    },
  });
}

export function useInvite() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: (body: InviteRequest) => api('POST', '/invites', { body, schema: InviteResponseSchema }),
    onSuccess: invalidate,
  });
}

export function useResendInvite() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: (inviteId: string) => api('POST', `/invites/${enc(inviteId)}/resend`, { schema: InviteResponseSchema }),
    onSettled: invalidate,
  });
}

export function useRevokeInvite() {
  const invalidate = useInvalidateMembers();
  return useMutation({
    mutationFn: (inviteId: string) => api('DELETE', `/invites/${enc(inviteId)}`),
    onSettled: invalidate,
  });
}
