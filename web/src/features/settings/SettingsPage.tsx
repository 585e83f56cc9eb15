import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH as PASSWORD_MIN } from '@shared/auth';
import { WORKSPACE_NAME_MAX, WorkspaceNameSchema } from '@shared/workspaces';
import type { MfaEnrolResponse } from '@shared/auth';
import { isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { FormError, ErrorState } from '../../components/ErrorState';
import { CodeField, TextField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useTitle } from '../../lib/hooks';
import { useCan, useChangePassword, useMfaConfirm, useMfaDisable, useMfaEnrol, useSession } from '../auth/api';
import { CorporateDomainsCard } from '../local-partners/CorporateDomainsCard';
import { useRenameWorkspace, useWorkspace } from './api';
import { TrustedDevicesCard } from '../devices/TrustedDevicesCard';

const cleanCode = (s: string) => s.replace(/\s+/g, '');
const CODE_HINT = 'Enter the 6-digit code from your authenticator app.';

function WorkspaceCard() {
  const ws = useWorkspace();
  const rename = useRenameWorkspace();
  const toast = useToast();
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();

  if (ws.isPending) return <div className="card"><Loading label="Loading workspace…" /></div>;
  if (ws.isError) return <div className="card card-body"><ErrorState error={ws.error} onRetry={() => ws.refetch()} /></div>;

  const w = ws.data;
  const canRename = w.abilities['workspace.update'] === true;
  const value = name ?? w.name;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = WorkspaceNameSchema.safeParse(value);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setError(undefined);
    rename.mutate(
      { name: parsed.data },
      {
        onSuccess: (r) => {
          setName(null);
          toast.success(`The workspace is now called “${r.name}”.`);
        },
        onError: (err) => setError(isApiError(err) ? err.message : 'The name could not be saved.'),
      },
    );
  };

  return (
    <section className="card" aria-labelledby="ws-heading">
      <div className="card-header">
        <div>
          <h2 id="ws-heading">Workspace</h2>
          <p>The name everyone in this workspace and your partners see.</p>
        </div>
      </div>
      <div className="card-body">
        {canRename ? (
          <form onSubmit={submit} noValidate>
            <div className="inline-form">
              <TextField
                label="Workspace name"
                value={value}
                maxLength={WORKSPACE_NAME_MAX}
                onChange={(e) => setName(e.target.value)}
                error={error}
              />
              <Button type="submit" variant="primary" busy={rename.isPending} disabled={value === w.name}>
                Save
              </Button>
            </div>
          </form>
        ) : (
          <dl className="dl" style={{ marginBottom: 16, gridTemplateColumns: '140px 1fr' }}>
            <dt style={{ paddingLeft: 0 }}>Workspace name</dt>
            <dd>{w.name}</dd>
          </dl>
        )}
        <div className="field" style={{ marginBottom: 0 }}>
          <span className="field-label" id="ws-id-label">
            Workspace ID
          </span>
          <div className="id-box">
            <code aria-labelledby="ws-id-label">{w.publicId}</code>
            <CopyButton value={w.publicId} label="Copy Workspace ID" />
          </div>
          <p className="field-hint">Partners use this ID to connect their workspace to yours. It is not a secret, and it never changes.</p>
        </div>
      </div>
    </section>
  );
}

function PasswordCard() {
  const session = useSession();
  const change = useChangePassword();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string }>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fe: typeof errors = {};
    if (!current) fe.current = 'Enter your current password.';
    if (next.length < PASSWORD_MIN) fe.next = `Use at least ${PASSWORD_MIN} characters.`;
    else if (next !== confirm) fe.confirm = 'The two new passwords do not match.';
    setErrors(fe);
    if (fe.current || fe.next || fe.confirm) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: (r) => {
          setCurrent('');
          setNext('');
          setConfirm('');
          toast.success(
            r.endedSessions > 0
              ? `Password changed. You were signed out on ${r.endedSessions} other device${r.endedSessions === 1 ? '' : 's'}.`
              : 'Password changed.',
          );
        },
        onError: (err) => {
          if (isApiError(err, 'invalid_credentials')) setErrors({ current: 'Your current password is not right.' });
          else if (isApiError(err, 'weak_password') || isApiError(err, 'rule_violation')) setErrors({ next: err.message });
        },
      },
    );
  };
  const generic = change.error && !isApiError(change.error, 'invalid_credentials') && !isApiError(change.error, 'weak_password') && !isApiError(change.error, 'rule_violation');

  return (
    <section className="card" aria-labelledby="pw-heading">
      <div className="card-header">
        <div>
          <h2 id="pw-heading">Password</h2>
          <p>Changing it signs you out everywhere else.</p>
        </div>
      </div>
      <form className="card-body" onSubmit={submit} noValidate>
        {generic ? <FormError error={change.error} /> : null}
        <input type="text" autoComplete="username" value={session.user.email} readOnly hidden />
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.current} />
        <div className="row-2">
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            hint={`At least ${PASSWORD_MIN} characters.`}
            error={errors.next}
          />
          <TextField label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}

function MfaCard() {
  const session = useSession();
  const enabled = session.user.mfaEnabled;
  const enrol = useMfaEnrol();
  const confirm = useMfaConfirm();
  const disable = useMfaDisable();
  const toast = useToast();

  const [step, setStep] = useState<'idle' | 'password' | 'scan' | 'disable'>('idle');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [setup, setSetup] = useState<MfaEnrolResponse | null>(null);
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});

  const reset = () => {
    setStep('idle');
    setPassword('');
    setCode('');
    setSetup(null);
    setErrors({});
    enrol.reset();
    confirm.reset();
    disable.reset();
  };

  const codeError = (err: unknown) => (isApiError(err, 'mfa_invalid') ? 'That code did not work. Enter the current code from the app.' : undefined);
  const passwordError = (err: unknown) => (isApiError(err, 'invalid_credentials') ? 'That password is not right.' : undefined);

  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setErrors({ password: 'Enter your password.' });
    setErrors({});
    enrol.mutate(password, {
      onSuccess: (r) => {
        setSetup(r);
        setPassword('');
        setStep('scan');
      },
      onError: (err) => setErrors({ password: passwordError(err) }),
    });
  };

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(cleanCode(code))) return setErrors({ code: CODE_HINT });
    setErrors({});
    confirm.mutate(cleanCode(code), {
      onSuccess: () => {
        reset();
        toast.success('Two-step verification is on. You will need a code each time you sign in.');
      },
      onError: (err) => setErrors({ code: codeError(err) }),
    });
  };

  const submitDisable = (e: FormEvent) => {
    e.preventDefault();
    const fe: typeof errors = {};
    if (!password) fe.password = 'Enter your password.';
    if (!/^\d{6}$/.test(cleanCode(code))) fe.code = CODE_HINT;
    setErrors(fe);
    if (fe.password || fe.code) return;
    disable.mutate(
      { password, code: cleanCode(code) },
      {
        onSuccess: () => {
          reset();
          toast.success('Two-step verification is off.');
        },
        onError: (err) => setErrors({ password: passwordError(err), code: codeError(err) }),
      },
    );
  };

  const genericError = [enrol.error, confirm.error, disable.error].find(
    (e) => e && !isApiError(e, 'invalid_credentials') && !isApiError(e, 'mfa_invalid'),
  );

  return (
    <section className="card" aria-labelledby="mfa-heading">
      <div className="card-header">
        <div>
          <h2 id="mfa-heading">Two-step verification</h2>
          <p>Ask for a code from an authenticator app after your password.</p>
        </div>
        {enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
      </div>
      <div className="card-body">
        <FormError error={genericError} />
        {step === 'idle' ? (
          enabled ? (
            <Button onClick={() => setStep('disable')}>Turn off</Button>
          ) : (
            <Button variant="primary" onClick={() => setStep('password')}>
              Set up two-step verification
            </Button>
          )
        ) : null}

        {step === 'password' ? (
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
            <div className="form-actions">
              <Button onClick={reset}>Cancel</Button>
              <Button type="submit" variant="primary" busy={enrol.isPending}>
                Continue
              </Button>
            </div>
          </form>
        ) : null}

        {step === 'scan' && setup ? (
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
                  <span className="field-label" id="mfa-secret-label">
                    Setup key
                  </span>
                  <div className="id-box">
                    <code aria-labelledby="mfa-secret-label">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
                    <CopyButton value={setup.secret} label="Copy setup key" />
                  </div>
                </div>
                <CodeField
                  label="Code from the app"
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  error={errors.code}
                />
              </div>
            </div>
            <div className="form-actions">
              <Button onClick={reset}>Cancel</Button>
              <Button type="submit" variant="primary" busy={confirm.isPending}>
                Turn on
              </Button>
            </div>
          </form>
        ) : null}

        {step === 'disable' ? (
          <form onSubmit={submitDisable} noValidate>
            <p className="form-note">Without a second step, anyone with your password can sign in as you.</p>
            <div className="row-2">
              <TextField
                label="Password"
                type="password"
                autoComplete="current-password"
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                error={errors.password}
              />
              <CodeField
                label="Code from the app"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                error={errors.code}
              />
            </div>
            <div className="form-actions">
              <Button onClick={reset}>Cancel</Button>
              <Button type="submit" variant="danger" busy={disable.isPending}>
                Turn off two-step verification
              </Button>
            </div>
          </form>
        ) : null}
      </div>
    </section>
  );
}

export function SettingsPage() {
  useTitle('Settings');
  // Guests of a local partner have no workspace settings, only their own security.
  const canViewWorkspace = useCan('workspace.view');
  const canUpdateWorkspace = useCan('workspace.update');
  return (
    <>
      <PageHeader title="Settings" />
      <div className="settings-grid">
        {canViewWorkspace ? <WorkspaceCard /> : null}
        {canUpdateWorkspace ? <CorporateDomainsCard /> : null}
        <h2 style={{ marginTop: 8 }}>My security</h2>
        <PasswordCard />
        <MfaCard />
        <TrustedDevicesCard />
      </div>
    </>
  );
}
