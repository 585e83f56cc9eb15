import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH as PASSWORD_MIN } from '@shared/auth';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { WORKSPACE_ROLE_LABELS } from '@shared/permissions';
import { Button } from '../../components/Button';
import { FormError } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { isApiError } from '../../api/client';
import { useTitle } from '../../lib/hooks';
import { WORKSPACE_ROLE_FOR_YOU } from '../../lib/roles';
import { AuthLayout } from '../auth/AuthLayout';
import { storeSession, useLogout, useSessionQuery } from '../auth/api';
import { GuestMfaSetup } from '../local-partners/GuestMfaSetup';
import { TermsCheckbox } from '../local-partners/TermsCheckbox';
import { forgetInviteToken, takeInviteToken, useAcceptInvite, useInviteLookup } from './api';


export function InvitePage() {
  useTitle('Join a workspace');
  const [token] = useState(takeInviteToken);
  const lookup = useInviteLookup(token);
  const session = useSessionQuery();
  const accept = useAcceptInvite();
  const logout = useLogout();
  const qc = useQueryClient();
  const navigate = useNavigate();

  const [name, setName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [terms, setTerms] = useState(false);
  // A guest joins, then turns on two-step verification before anything else (R-GU-04).
  const [mfaStep, setMfaStep] = useState<{ password?: string } | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ name?: string; familyName?: string; password?: string; confirm?: string; terms?: string }>({});
  const [formError, setFormError] = useState<unknown>(null);

  if (!token) {
    return (
      <AuthLayout>
        <h1>This invite link is incomplete</h1>
        <p className="lead">
          Open the link from your invite email again. If your email app split it across lines, copy the whole link into the
          address bar.
        </p>
        <Link to="/sign-in">Go to sign in</Link>
      </AuthLayout>
    );
  }

  if (mfaStep) {
    return (
      <AuthLayout>
        <h1>One more step</h1>
        <GuestMfaSetup
          password={mfaStep.password}
          onPasswordUsed={() => setMfaStep({})}
          onDone={() => void navigate('/accounts', { replace: true })}
        />
      </AuthLayout>
    );
  }

  if (lookup.isPending || session.isPending) {
    return (
      <AuthLayout>
        <Loading label="Checking your invite…" />
      </AuthLayout>
    );
  }

  if (lookup.isError) {
    const invalid = isApiError(lookup.error, 'invite_invalid') || isApiError(lookup.error, 'validation_failed');
    return (
      <AuthLayout>
        <h1>{invalid ? 'This invite link no longer works' : 'We could not check this invite'}</h1>
        <div role="alert">
          {invalid ? (
            <p className="lead">
              Invite links expire after 3 days and stop working once they are used, revoked, or re-sent. Ask the person who
              invited you to send a new invite.
            </p>
          ) : (
            <p className="lead">{lookup.error.message}</p>
          )}
        </div>
        {invalid ? <Link to="/sign-in">Go to sign in</Link> : <Button onClick={() => lookup.refetch()}>Try again</Button>}
      </AuthLayout>
    );
  }

  const invite = lookup.data;
  const roleLabel = WORKSPACE_ROLE_LABELS[invite.role];
  const me = session.data;
  const signedInAsInvitee = !!me && me.user.email.toLowerCase() === invite.email.toLowerCase();
  const guest = !!invite.localPartner;

  const finish = (s: Parameters<typeof storeSession>[1], chosenPassword?: string) => {
    forgetInviteToken();
    // Start the new workspace with a clean cache (this page's own lookup stays until it unmounts).
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'invite-lookup' });
    storeSession(qc, s);
    if (s.mfaEnrolmentRequired) {
      setPassword('');
      setConfirm('');
      setMfaStep(chosenPassword ? { password: chosenPassword } : {});
      return;
    }
    void navigate('/accounts', { replace: true });
  };

  const onAcceptError = (e: unknown) => {
    if (isApiError(e, 'weak_password')) {setErrors({ password: e.message });}
    else if (isApiError(e, 'invite_invalid')) {
      forgetInviteToken();
      setFormError('This invite link no longer works. Ask the person who invited you to send a new invite.');
    } else if (isApiError(e, 'validation_failed')) {
      const fe = e.fieldErrors();
      setErrors({ name: fe.name, familyName: fe.familyName, password: fe.password });
      if (!fe.name && !fe.familyName && !fe.password) setFormError(e);
    } else {setFormError(e);}
  };

  const heading = (
    <>
      <h1>
        Join {invite.workspaceName} as {roleLabel}
      </h1>
      <p className="lead">
        This invite is for <strong>{invite.email}</strong>
        {invite.localPartner ? (
          <>
            , a guest of <strong>{invite.localPartner.companyName}</strong>
          </>
        ) : null}
        . {WORKSPACE_ROLE_FOR_YOU[invite.role]}
      </p>
      {guest ? <p className="form-note">Guests sign in with two-step verification: you set it up right after joining.</p> : null}
    </>
  );

  if (invite.existingUser) {
    if (signedInAsInvitee) {
      return (
        <AuthLayout>
          {heading}
          <FormError error={formError} />
          {guest ? <TermsCheckbox checked={terms} onChange={setTerms} error={errors.terms} version={invite.termsVersion} /> : null}
          <Button
            variant="primary"
            busy={accept.isPending}
            onClick={() => {
              setFormError(null);
              if (guest && !terms) return setErrors({ terms: 'Accept the Terms of Service to continue.' });
              accept.mutate(guest ? { token, acceptTerms: true } : { token }, { onSuccess: (r) => finish(r.session), onError: onAcceptError });
            }}
          >
            Accept invite
          </Button>
        </AuthLayout>
      );
    }
    return (
      <AuthLayout>
        {heading}
        {me ? (
          <>
            <p className="form-note">
              You are signed in as {me.user.email}. Sign out, then sign in as {invite.email} to accept this invite.
            </p>
            <Button
              variant="primary"
              busy={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/sign-in?next=/invite') })}
            >
              Sign out and continue
            </Button>
          </>
        ) : (
          <>
            <p className="form-note">You already have a Latchkey login. Sign in as {invite.email} first, then accept the invite.</p>
            <Link className="btn btn-primary" to="/sign-in?next=/invite">
              Sign in to accept
            </Link>
          </>
        )}
      </AuthLayout>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const fe: typeof errors = {};
    if (!name.trim()) fe.name = 'Enter your name.';
    if (guest && !familyName.trim()) fe.familyName = 'Enter your family name.';
    if (password.length < PASSWORD_MIN) fe.password = `Use at least ${PASSWORD_MIN} characters.`;
    else if (confirm !== password) fe.confirm = 'The two passwords do not match.';
    if (guest && !terms) fe.terms = 'Accept the Terms of Service to continue.';
    setErrors(fe);
    if (fe.name || fe.familyName || fe.password || fe.confirm || fe.terms) return;
    const body = guest
      ? { token, name: name.trim(), familyName: familyName.trim(), password, acceptTerms: true as const }
      : { token, name: name.trim(), password };
    accept.mutate(body, { onSuccess: (r) => finish(r.session, password), onError: onAcceptError });
  };

  return (
    <AuthLayout>
      {heading}
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        <TextField label="Email" type="email" value={invite.email} readOnly autoComplete="username" />
        <TextField
          label={guest ? 'First name' : 'Your name'}
          autoComplete={guest ? 'given-name' : 'name'}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          autoFocus
        />
        {guest ? (
          <TextField
            label="Family name"
            autoComplete="family-name"
            value={familyName}
            onChange={(e) => setFamilyName(e.target.value)}
            error={errors.familyName}
          />
        ) : null}
        <TextField
          label="Choose a password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={`At least ${PASSWORD_MIN} characters, not a common password, and not containing the name part of your email. A short sentence you can remember works well.`}
          error={errors.password}
        />
        <TextField
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={errors.confirm}
        />
        {guest ? <TermsCheckbox checked={terms} onChange={setTerms} error={errors.terms} version={invite.termsVersion} /> : null}
        <Button type="submit" variant="primary" busy={accept.isPending}>
          Join {invite.workspaceName}
        </Button>
      </form>
    </AuthLayout>
  );
}
