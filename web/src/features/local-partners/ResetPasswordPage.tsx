import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { PASSWORD_MIN_LENGTH, PasswordResetLookupResponseSchema } from '@shared/auth';
import { api, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { FormError } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useTitle } from '../../lib/hooks';
import { AuthLayout } from '../auth/AuthLayout';

/** The reset token arrives in the URL fragment (#token=…, never in a server log); drop it from the address bar. */
function takeResetToken(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  const fromHash = new URLSearchParams(hash).get('token') ?? new URLSearchParams(window.location.search).get('token');
  if (fromHash) window.history.replaceState(window.history.state, '', window.location.pathname);
  return fromHash;
}

/**
 * /reset-password#token=…: a forced password reset (ADR 0012). Shows whose password it is, asks
 * for a new one under the policy, then sends the person to sign in.
 */
export function ResetPasswordPage() {
  useTitle('Choose a new password');
  const [token] = useState(takeResetToken);
  const lookup = useQuery({
    queryKey: ['password-reset-lookup', token],
    enabled: !!token,
    retry: false,
    staleTime: Infinity,
    queryFn: ({ signal }) =>
      api('POST', '/auth/password-reset/lookup', { body: { token }, schema: PasswordResetLookupResponseSchema, signal, allowUnauthenticated: true }),
  });
  const complete = useMutation({
    mutationFn: (newPassword: string) => api('POST', '/auth/password-reset', { body: { token, newPassword }, allowUnauthenticated: true }),
  });
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const [formError, setFormError] = useState<unknown>(null);

  const invalid = (
    <AuthLayout>
      <h1>This reset link no longer works</h1>
      <p className="lead" role="alert">
        Reset links work once, for 24 hours. Ask your workspace's admin or your Guest Admin to send a new one.
      </p>
      <Link to="/sign-in">Go to sign in</Link>
    </AuthLayout>
  );

  if (!token) return invalid;
  if (lookup.isPending) {
    return (
      <AuthLayout>
        <Loading label="Checking your link…" />
      </AuthLayout>
    );
  }
  if (lookup.isError) {
    if (isApiError(lookup.error, 'reset_link_invalid') || isApiError(lookup.error, 'validation_failed')) return invalid;
    return (
      <AuthLayout>
        <h1>We could not check this link</h1>
        <FormError error={lookup.error} />
        <Button onClick={() => lookup.refetch()}>Try again</Button>
      </AuthLayout>
    );
  }
  if (complete.isSuccess) {
    return (
      <AuthLayout>
        <h1>Your password is changed</h1>
        <p className="lead">Sign in with your new password.</p>
        <Link className="btn btn-primary" to="/sign-in">
          Go to sign in
        </Link>
      </AuthLayout>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const fe: typeof errors = {};
    if (password.length < PASSWORD_MIN_LENGTH) fe.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
    else if (confirm !== password) fe.confirm = 'The two passwords do not match.';
    setErrors(fe);
    if (fe.password || fe.confirm) return;
    complete.mutate(password, {
      onError: (err) => {
        if (isApiError(err, 'weak_password')) setErrors({ password: err.message });
        else setFormError(isApiError(err, 'reset_link_invalid') ? 'This reset link no longer works. Ask for a new one.' : err);
      },
    });
  };

  return (
    <AuthLayout>
      <h1>Choose a new password</h1>
      <p className="lead">
        For <strong>{lookup.data.email}</strong>. You were asked to choose a new password before you sign in again.
      </p>
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        <TextField label="Email" type="email" value={lookup.data.email} readOnly autoComplete="username" />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters, not a common password. A short sentence you can remember works well.`}
          error={errors.password}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={errors.confirm}
        />
        <Button type="submit" variant="primary" busy={complete.isPending}>
          Change password
        </Button>
      </form>
    </AuthLayout>
  );
}
