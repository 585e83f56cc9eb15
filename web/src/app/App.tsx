import { useEffect, useState } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { ApiError, isApiError, onUnauthenticated } from '../api/client';
import { ErrorState } from '../components/ErrorState';
import { Loading } from '../components/Spinner';
import { ToastProvider } from '../components/Toast';
import { useTitle } from '../lib/hooks';
import { forgetEverything, useSessionQuery } from '../features/auth/api';
import { SignInPage } from '../features/auth/SignInPage';
import { InvitePage } from '../features/invites/InvitePage';
import { AccountsPage } from '../features/accounts/AccountsPage';
import { AccountDetailPage } from '../features/accounts/AccountDetailPage';
import { MembersPage } from '../features/members/MembersPage';
import { PartnersPage } from '../features/partners/PartnersPage';
import { ActivityPage } from '../features/activity/ActivityPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { MailboxPage } from '../features/mailbox/MailboxPage';
import { LocalPartnerPage } from '../features/local-partners/LocalPartnerPage';
import { MfaSetupPage } from '../features/local-partners/GuestMfaSetup';
import { ResetPasswordPage } from '../features/local-partners/ResetPasswordPage';
import { ApprovePage } from '../features/devices/ApprovePage';
import { AppShell } from './AppShell';

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not fix itself; retry only network and server faults, once.
        retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
        staleTime: 15_000,
      },
    },
  });
}

/** Sends the user to sign-in when any request finds the session gone. */
function UnauthenticatedRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  useEffect(() => {
    onUnauthenticated(() => {
      if (location.pathname === '/sign-in' || location.pathname === '/invite' || location.pathname === '/reset-password') return;
      void navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      forgetEverything(qc);
    });
    return () => onUnauthenticated(null);
  }, [navigate, location, qc]);
  return null;
}

/** Waits for GET /session; signed-out people go to sign-in and come back afterwards. */
function RequireSession() {
  const session = useSessionQuery();
  const location = useLocation();
  if (session.isPending) return <Loading label="Loading Latchkey…" />;
  if (session.isError) {
    if (isApiError(session.error, 'unauthenticated') || isApiError(session.error, 'mfa_required')) {
      const next = location.pathname + location.search;
      return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <div className="auth-page">
        <ErrorState error={session.error} title="Latchkey could not load" onRetry={() => session.refetch()} />
      </div>
    );
  }
  // A guest without two-step verification sets it up before anything else (R-GU-04).
  if (session.data.mfaEnrolmentRequired) return <Navigate to="/mfa-setup" replace />;
  return <AppShell />;
}

function NotFoundPage() {
  useTitle('Page not found');
  return (
    <div className="not-found">
      <h1>Page not found</h1>
      <p>The page you are looking for does not exist or has moved.</p>
      <Link className="btn btn-primary" to="/accounts">
        Go to All accounts
      </Link>
    </div>
  );
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <UnauthenticatedRedirect />
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/invite" element={<InvitePage />} />
            <Route path="/mfa-setup" element={<MfaSetupPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route element={<RequireSession />}>
              <Route index element={<Navigate to="/accounts" replace />} />
              <Route path="accounts" element={<AccountsPage />} />
              <Route path="accounts/:accountId" element={<AccountDetailPage />} />
              <Route path="members" element={<MembersPage />} />
              <Route path="partners" element={<PartnersPage />} />
              <Route path="partners/local/:partnerId" element={<LocalPartnerPage />} />
              <Route path="activity" element={<ActivityPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route path="dev/mailbox" element={<MailboxPage />} />
              <Route path="devices/approve" element={<ApprovePage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
