import { useMutation, useQuery } from '@tanstack/react-query';
import { AcceptInviteResponseSchema, InviteLookupResponseSchema, type AcceptInviteRequest } from '@shared/members';
import { api } from '../../api/client';

const STORAGE_KEY = 'latchkey.inviteToken';

/**
 * The invite token arrives in the URL fragment (#token=…), which never reaches a server log.
 * Read it once, drop it from the address bar, and keep it in this tab's sessionStorage so the
 * person can sign in first and come back to /invite.
 */
export function takeInviteToken(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  const fromHash = new URLSearchParams(hash).get('token');
  if (fromHash) {
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    try {
      sessionStorage.setItem(STORAGE_KEY, fromHash);
    } catch {
      /* storage may be off; the token still lives in memory */
    }
    return fromHash;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function forgetInviteToken(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* ignore */
  }
}

export function useInviteLookup(token: string | null) {
  return useQuery({
    queryKey: ['invite-lookup', token],
    enabled: !!token,
    queryFn: ({ signal }) =>
      api('POST', '/invites/lookup', { body: { token }, schema: InviteLookupResponseSchema, signal, allowUnauthenticated: true }),
    retry: false,
    staleTime: Infinity,
  });
}

export function useAcceptInvite() {
  return useMutation({
    mutationFn: (body: AcceptInviteRequest) =>
      api('POST', '/invites/accept', { body, schema: AcceptInviteResponseSchema, allowUnauthenticated: true }),
  });
}
