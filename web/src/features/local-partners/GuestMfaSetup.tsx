import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { MfaEnrolResponse } from '@shared/auth';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { FormError } from '../../components/ErrorState';
import { CodeField, TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useTitle } from '../../lib/hooks';
import { AuthLayout } from '../auth/AuthLayout';
import { sessionKey, useLogout, useMfaConfirm, useMfaEnrol, useSessionQuery } from '../auth/api';

const cleanCode = (s: string) => s.replace(/\s+/g, '');

/**
 * Two-step verification set-up for a guest (R-GU-04): nothing else works until it is on. With
 * `password` (just chosen on the invite page) the set-up starts at once; otherwise it asks for it.
 * Calls `onDone` once MFA is on and the session is fresh.
 */
export function GuestMfaSetup({
  password: initialPassword,
  onPasswordUsed,
  onDone,
}: {
  password?: string | undefined;
  /** Called once the password was sent, so the caller can drop it from memory. */
  onPasswordUsed?: () => void;
  onDone: () => void;
}) {
  const enrol = useMfaEnrol();
  const confirm = useMfaConfirm();
  const qc = useQueryClient();
  const [password, setPassword] = useState('');
  const [setup, setSetup] = useState<MfaEnrolResponse | null>(null);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const started = useRef(false);

  const start = (pw: string) =>
    enrol.mutate(pw, {
      onSettled: () => onPasswordUsed?.(),
      onSuccess: (r) => {
        setSetup(r);
        setPassword('');
      },
      onError: (e) => setErrors({ password: isApiError(e, 'invalid_credentials') ? 'That password is not right.' : undefined }),
    });

  useEffect(() => {
    if (initialPassword && !started.current) {
      started.current = true;
      start(initialPassword);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- start once, with the password just chosen
  }, [initialPassword]);

  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setErrors({ password: 'Enter your password.' });
    setErrors({});
    start(password);
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(cleanCode(code))) return setErrors({ code: 'Enter the 6-digit code from your authenticator app.' });
    setErrors({});
    confirm.mutate(cleanCode(code), {
      onSuccess: () => {
        // The session now says MFA is on (mfaEnrolmentRequired false): fetch it before leaving.
        void qc.refetchQueries({ queryKey: sessionKey }).then(onDone);
      },
      onError: (err) =>
        setErrors({ code: isApiError(err, 'mfa_invalid') ? 'That code did not work. Enter the current code from the app.' : undefined }),
    });
  };

  const generic = [enrol.error, confirm.error].find((e) => e && !isApiError(e, 'invalid_credentials') && !isApiError(e, 'mfa_invalid'));

  return (
    <section aria-labelledby="guest-mfa-heading">
      <h2 id="guest-mfa-heading">Set up two-step verification</h2>
      <p className="lead">Guests sign in with a code from an authenticator app. Set it up now: you can use Latchkey once it is on.</p>
      <FormError error={generic} />
      {setup ? (
        <form onSubmit={submitCode} noValidate>
          <ol className="steps">
            <li>Scan this QR code with your authenticator app (1Password, Google Authenticator, Authy…).</li>
            <li>Or type the key below into the app. It is shown only this once.</li>
            <li>Enter the 6-digit code the app shows.</li>
          </ol>
          <div className="mfa-setup">
            <img className="qr" src={setup.qrDataUrl} alt="QR code for your authenticator app" />
            <div>
              <div className="field">
                <span className="field-label" id="guest-mfa-secret-label">
                  Setup key
                </span>
                <div className="id-box">
                  <code aria-labelledby="guest-mfa-secret-label" data-testid="mfa-secret">
                    {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
                  </code>
                  <CopyButton value={setup.secret} label="Copy setup key" />
                </div>
              </div>
              <CodeField label="Code from the app" value={code} onChange={(e) => setCode(e.target.value)} error={errors.code} />
            </div>
          </div>
          <Button type="submit" variant="primary" busy={confirm.isPending}>
            Turn on and continue
          </Button>
        </form>
      ) : initialPassword && !enrol.isError ? (
        <Loading label="Preparing your set-up…" />
      ) : (
        <form onSubmit={submitPassword} noValidate>
          <TextField
            label="Confirm your password to continue"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
          <Button type="submit" variant="primary" busy={enrol.isPending}>
            Continue
          </Button>
        </form>
      )}
    </section>
  );
}

/**
 * /mfa-setup: where a guest without two-step verification lands after signing in (every other
 * route answers 403 mfa_enrolment_required until it is on).
 */
export function MfaSetupPage() {
  useTitle('Set up two-step verification');
  const session = useSessionQuery();
  const navigate = useNavigate();
  const logout = useLogout();
  if (session.isPending) return <Loading label="Loading Latchkey…" />;
  if (session.isError) return <Navigate to="/sign-in" replace />;
  if (!session.data.mfaEnrolmentRequired) return <Navigate to="/accounts" replace />;
  return (
    <AuthLayout>
      <h1>One more step</h1>
      <p className="form-note">
        You are signed in as <strong>{session.data.user.email}</strong>, a guest of{' '}
        {session.data.localPartner?.companyName ?? 'a partner'} in {session.data.workspace.name}.
      </p>
      <GuestMfaSetup onDone={() => void navigate('/accounts', { replace: true })} />
      <p className="form-note">
        <Button variant="ghost" size="sm" onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/sign-in', { replace: true }) })}>
          Sign out
        </Button>
      </p>
    </AuthLayout>
  );
}
