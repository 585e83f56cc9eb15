import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '../../components/Button';
import { FormError } from '../../components/ErrorState';
import { CodeField, TextField } from '../../components/Field';
import { isApiError, setCsrfToken } from '../../api/client';
import { useTitle } from '../../lib/hooks';
import { AuthLayout } from './AuthLayout';
import { safeNext, storeSession, useLogin, useMfaLogin } from './api';

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** Counts down a rate-limit wait; null when there is nothing to wait for. */
function useCountdown(): [number | null, (seconds: number) => void] {
  const [until, setUntil] = useState<number | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    if (until === null) return;
    const t = window.setInterval(() => {
      const s = Math.ceil((until - Date.now()) / 1000);
      if (s <= 0) {
        setUntil(null);
        setLeft(null);
      } else {setLeft(s);}
    }, 1000);
    return () => window.clearInterval(t);
  }, [until]);
  const start = (seconds: number) => {
    setUntil(Date.now() + seconds * 1000);
    setLeft(seconds);
  };
  return [left, start];
}

export function SignInPage() {
  useTitle('Sign in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const login = useLogin();
  const mfa = useMfaLogin();

  const [step, setStep] = useState<'password' | 'mfa'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string; code?: string }>({});
  const [wait, startWait] = useCountdown();
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step === 'mfa') codeRef.current?.focus();
  }, [step]);

  const handleError = (e: unknown) => {
    if (isApiError(e, 'rate_limited')) {
      const s = e.retryAfterSeconds();
      if (s) startWait(s);
      setError(s ? `Too many sign-in attempts. Try again in ${waitText(s)}.` : e.message);
    } else if (isApiError(e, 'invalid_credentials')) {
      setError('That email and password do not match. Check them and try again.');
    } else if (isApiError(e, 'mfa_invalid')) {
      setError('That code did not work. Codes change every 30 seconds: enter the current one.');
      setCode('');
      codeRef.current?.focus();
    } else if (isApiError(e, 'unauthenticated') && step === 'mfa') {
      setStep('password');
      setPassword('');
      setError('Your sign-in took too long. Enter your password again.');
    } else if (isApiError(e)) {
      setError(e.message);
    } else {
      setError('Something went wrong. Try again.');
    }
  };

  const done = (session: Parameters<typeof storeSession>[1]) => {
    storeSession(qc, session);
    void navigate(next, { replace: true });
  };

  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const fe: typeof fieldErrors = {};
    if (!email.trim()) fe.email = 'Enter your email address.';
    if (!password) fe.password = 'Enter your password.';
    setFieldErrors(fe);
    if (fe.email || fe.password) return;
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (r) => {
          if (r.status === 'mfa_required') {
            setCsrfToken(r.csrfToken);
            setStep('mfa');
          } else {done(r.session);}
        },
        onError: handleError,
      },
    );
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const clean = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(clean)) {
      setFieldErrors({ code: 'Enter the 6-digit code from your authenticator app.' });
      return;
    }
    setFieldErrors({});
    mfa.mutate(clean, { onSuccess: (r) => done(r.session), onError: handleError });
  };

  if (step === 'mfa') {
    return (
      <AuthLayout>
        <h1>Two-step verification</h1>
        <p className="lead">Enter the 6-digit code from your authenticator app to finish signing in as {email.trim()}.</p>
        <form onSubmit={submitCode} noValidate>
          <FormError error={error} />
          <CodeField
            ref={codeRef}
            label="Authentication code"
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={fieldErrors.code}
          />
          <Button type="submit" variant="primary" busy={mfa.isPending} disabled={wait !== null}>
            {wait !== null ? `Try again in ${wait}s` : 'Verify'}
          </Button>
        </form>
        <p className="auth-foot">
          <button
            type="button"
            className="btn-link"
            onClick={() => {
              setStep('password');
              setCode('');
              setError(null);
            }}
          >
            Use a different account
          </button>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout>
      <h1>Sign in</h1>
      <p className="lead">Welcome back. Sign in to reach your team's shared accounts.</p>
      <form onSubmit={submitPassword} noValidate>
        <FormError error={error} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldErrors.password}
        />
        <Button type="submit" variant="primary" busy={login.isPending} disabled={wait !== null}>
          {wait !== null ? `Try again in ${wait}s` : 'Sign in'}
        </Button>
      </form>
    </AuthLayout>
  );
}
