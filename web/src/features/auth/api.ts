import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  ChangePasswordResponseSchema,
  LoginResponseSchema,
  MfaEnrolResponseSchema,
  MfaResponseSchema,
  MfaStatusResponseSchema,
  SessionDtoSchema,
  type ChangePasswordRequest,
  type LoginRequest,
  type SessionDto,
} from '@shared/auth';
import type { WorkspaceAction } from '@shared/permissions';
import { api, setCsrfToken } from '../../api/client';

export const sessionKey = ['session'] as const;

/** Put a fresh session in the cache and remember its CSRF token. */
export function storeSession(qc: QueryClient, session: SessionDto): void {
  setCsrfToken(session.csrfToken);
  qc.setQueryData(sessionKey, session);
}

/** GET /session, loaded once by the app shell; it carries the CSRF token and the workspace abilities. */
export function useSessionQuery() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async ({ signal }) => {
      const s = await api('GET', '/session', { schema: SessionDtoSchema, signal, allowUnauthenticated: true });
      setCsrfToken(s.csrfToken);
      return s;
    },
    staleTime: Infinity,
    retry: false,
  });
}

/** The signed-in session. Only for components under the app shell (which waits for it). */
let lastSession: SessionDto | null = null;
export function useSession(): SessionDto {
  const { data } = useSessionQuery();
  if (data) lastSession = data;
  // While signing out, the cache can be cleared a moment before the shell unmounts (navigations
  // run in a transition): the last session keeps those final renders of the old pages whole.
  if (!lastSession) throw new Error('useSession is used outside the signed-in app shell');
  return data ?? lastSession;
}

/** Whether the current member may do a workspace action (from the session's abilities). */
export function useCan(action: WorkspaceAction): boolean {
  return useSession().abilities[action] === true;
}

/**
 * After sign-out or a lost session: drop the CSRF token and, once the caller has navigated away
 * from the signed-in pages, every cached query.
 */
export function forgetEverything(qc: QueryClient): void {
  setCsrfToken(null);
  window.setTimeout(() => qc.clear(), 0);
}

export function useLogin() {
  return useMutation({
    mutationFn: (body: LoginRequest) => api('POST', '/auth/login', { body, schema: LoginResponseSchema, allowUnauthenticated: true }),
  });
}

export function useMfaLogin() {
  return useMutation({
    mutationFn: (code: string) => api('POST', '/auth/mfa', { body: { code }, schema: MfaResponseSchema, allowUnauthenticated: true }),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api('POST', '/auth/logout', { allowUnauthenticated: true }),
    onSettled: () => forgetEverything(qc),
  });
}

export function useSwitchWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (workspaceId: string) => api('POST', '/session/workspace', { body: { workspaceId }, schema: SessionDtoSchema }),
    onSuccess: (session) => {
      // Everything else belongs to the old workspace.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
      storeSession(qc, session);
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => api('POST', '/me/password', { body, schema: ChangePasswordResponseSchema }),
  });
}

export function useMfaEnrol() {
  return useMutation({
    mutationFn: (password: string) => api('POST', '/me/mfa/enrol', { body: { password }, schema: MfaEnrolResponseSchema }),
  });
}

function setMfa(qc: QueryClient, mfaEnabled: boolean) {
  qc.setQueryData<SessionDto>(sessionKey, (s) => (s ? { ...s, user: { ...s.user, mfaEnabled } } : s));
}

export function useMfaConfirm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api('POST', '/me/mfa/confirm', { body: { code }, schema: MfaStatusResponseSchema }),
    onSuccess: (r) => setMfa(qc, r.mfaEnabled),
  });
}

export function useMfaDisable() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { password: string; code: string }) => api('POST', '/me/mfa/disable', { body, schema: MfaStatusResponseSchema }),
    onSuccess: (r) => setMfa(qc, r.mfaEnabled),
  });
}

/** A same-site path to return to after sign-in ("/accounts" when missing or unsafe). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/accounts';
  if (next.startsWith('/sign-in')) return '/accounts';
  return next;
}
