import { useState } from 'react';
import { useNavigate } from 'react-router';
import {
  ACCOUNT_APPLICATION_MAX,
  ACCOUNT_LABEL_MAX,
  ACCOUNT_NOTES_MAX,
  CreateAccountRequestSchema,
  UpdateAccountRequestSchema,
  type AccountDetailDto,
  type CreateAccountRequest,
  type UpdateAccountRequest,
} from '@shared/accounts';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { Field, TextAreaField, TextField } from '../../components/Field';
import { EyeIcon, PlusIcon, TrashIcon } from '../../components/Icons';
import { useToast } from '../../components/Toast';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useCreateAccount, useUpdateAccount } from './api';

interface Row {
  key: number;
  name: string;
  value: string;
}

let rowKey = 1;

/** A password input with a show/hide toggle that lives only inside this form. */
function SecretInput({ label, value, onChange, error, hint, autoComplete = 'new-password', optional }: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: string;
  autoComplete?: string;
  optional?: boolean;
}) {
  const [shown, setShown] = useState(false);
  return (
    <Field label={label} error={error} hint={hint} optional={optional}>
      {(c) => (
        <div className="input-group">
          <input
            className="input mono"
            type={shown ? 'text' : 'password'}
            autoComplete={autoComplete}
            spellCheck={false}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            {...c}
          />
          <button
            type="button"
            className="btn btn-secondary"
            aria-pressed={shown}
            onClick={() => setShown((s) => !s)}
          >
            <EyeIcon off={shown} />
            {shown ? 'Hide' : 'Show'}
          </button>
        </div>
      )}
    </Field>
  );
}

/** Create a new account, or edit an existing one (`account` set). Secrets are never pre-filled. */
export function AccountFormDialog({ open, onClose, account }: { open: boolean; onClose: () => void; account?: AccountDetailDto }) {
  return open ? <AccountForm onClose={onClose} account={account} /> : null;
}

function AccountForm({ onClose, account }: { onClose: () => void; account?: AccountDetailDto | undefined }) {
  const editing = !!account;
  const create = useCreateAccount();
  const update = useUpdateAccount(account?.id ?? '');
  const navigate = useNavigate();
  const toast = useToast();

  const [label, setLabel] = useState(account?.label ?? '');
  const [application, setApplication] = useState(account?.application ?? '');
  const [loginUrl, setLoginUrl] = useState(account?.loginUrl ?? '');
  const [username, setUsername] = useState(account?.username ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [totp, setTotp] = useState('');
  const [clearTotp, setClearTotp] = useState(false);
  const [notes, setNotes] = useState(account?.notes ?? '');
  const [rows, setRows] = useState<Row[]>(() => (account?.customFields ?? []).map((f) => ({ key: rowKey++, ...f })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>(null);

  const busy = create.isPending || update.isPending;
  /** Wrap a setter so editing a field clears its error message. */
  const edit =
    <T,>(key: string, set: (v: T) => void) =>
    (v: T) => {
      set(v);
      if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
    };
  const customFields = rows.map(({ name, value }) => ({ name, value }));

  const onServerError = (e: unknown) => {
    if (isApiError(e, 'validation_failed')) {
      const fe = e.fieldErrors();
      setErrors(fe);
      if (Object.keys(fe).length === 0) setFormError(e);
    } else {setFormError(e);}
  };

  const submit = () => {
    setFormError(null);
    if (!editing) {
      const body: CreateAccountRequest = {
        label,
        application,
        loginUrl,
        username,
        notes,
        customFields,
        ...(password ? { password } : {}),
        ...(totp.trim() ? { totpSecret: totp } : {}),
      };
      const parsed = CreateAccountRequestSchema.safeParse(body);
      if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
      setErrors({});
      create.mutate(parsed.data, {
        onSuccess: (a) => {
          toast.success(`“${a.label}” was added. You are its Owner.`);
          onClose();
          void navigate(`/accounts/${a.id}`);
        },
        onError: onServerError,
      });
      return;
    }
    const body: UpdateAccountRequest = { label, application, loginUrl, username, notes, customFields };
    if (password) body.password = password;
    else if (clearPassword) body.password = null;
    if (totp.trim()) body.totpSecret = totp;
    else if (clearTotp) body.totpSecret = null;
    const parsed = UpdateAccountRequestSchema.safeParse(body);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    update.mutate(parsed.data, {
      onSuccess: (a) => {
        toast.success(`“${a.label}” was saved.`);
        onClose();
      },
      onError: onServerError,
    });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={editing ? `Edit “${account.label}”` : 'New account'}
      description={
        editing
          ? 'Leave the password and authenticator key empty to keep the saved ones.'
          : 'Save a shared login once. You become its Owner and choose who can use it; Collaborators log in without ever seeing the password.'
      }
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {editing ? 'Save changes' : 'Create account'}
          </Button>
        </>
      }
    >
      <FormError error={formError} />
      <div className="row-2">
        <TextField
          label="Label"
          value={label}
          maxLength={ACCOUNT_LABEL_MAX}
          placeholder="Acme on Instagram"
          onChange={(e) => edit('label', setLabel)(e.target.value)}
          error={errors.label}
        />
        <TextField
          label="Application"
          value={application}
          maxLength={ACCOUNT_APPLICATION_MAX}
          placeholder="Instagram"
          onChange={(e) => edit('application', setApplication)(e.target.value)}
          error={errors.application}
        />
      </div>
      <TextField
        label="Login URL"
        optional
        type="url"
        inputMode="url"
        placeholder="https://www.instagram.com/accounts/login"
        value={loginUrl}
        onChange={(e) => edit('loginUrl', setLoginUrl)(e.target.value)}
        error={errors.loginUrl}
      />
      <div className="row-2">
        <TextField
          label="Username or email"
          optional
          autoComplete="off"
          spellCheck={false}
          value={username}
          onChange={(e) => edit('username', setUsername)(e.target.value)}
          error={errors.username}
        />
        <SecretInput
          label="Password"
          optional={!editing}
          value={password}
          onChange={(v) => {
            edit('password', setPassword)(v);
            if (v) setClearPassword(false);
          }}
          error={errors.password}
          hint={editing && account.hasPassword ? 'A password is saved. Type a new one to replace it.' : undefined}
        />
      </div>
      {editing && account.hasPassword && !password ? (
        <label className="checkbox" style={{ marginTop: -8, marginBottom: 16 }}>
          <input type="checkbox" checked={clearPassword} onChange={(e) => setClearPassword(e.target.checked)} />
          Remove the saved password
        </label>
      ) : null}
      <SecretInput
        label="Authenticator key (TOTP secret)"
        optional
        autoComplete="off"
        value={totp}
        onChange={(v) => {
          edit('totpSecret', setTotp)(v);
          if (v) setClearTotp(false);
        }}
        error={errors.totpSecret}
        hint={
          editing && account.hasTotp
            ? 'An authenticator key is saved. Paste a new one to replace it.'
            : 'The base32 key shown when you set up two-step verification on the app, e.g. “JBSW Y3DP EHPK 3PXP”.'
        }
      />
      {editing && account.hasTotp && !totp ? (
        <label className="checkbox" style={{ marginTop: -8, marginBottom: 16 }}>
          <input type="checkbox" checked={clearTotp} onChange={(e) => setClearTotp(e.target.checked)} />
          Remove the saved authenticator key
        </label>
      ) : null}
      <TextAreaField
        label="Notes"
        optional
        rows={3}
        maxLength={ACCOUNT_NOTES_MAX}
        value={notes}
        onChange={(e) => edit('notes', setNotes)(e.target.value)}
        error={errors.notes}
      />
      <fieldset>
        <legend>Custom fields</legend>
        {rows.length === 0 ? <p className="muted" style={{ marginBottom: 8 }}>Extra details people need, like a recovery email or a PIN hint.</p> : null}
        {rows.map((r, i) => (
          <div className="custom-field-row" key={r.key}>
            <TextField
              label={`Field ${i + 1} name`}
              value={r.name}
              onChange={(e) => setRows((xs) => xs.map((x) => (x.key === r.key ? { ...x, name: e.target.value } : x)))}
              error={errors[`customFields.${i}.name`]}
            />
            <TextField
              label={`Field ${i + 1} value`}
              value={r.value}
              onChange={(e) => setRows((xs) => xs.map((x) => (x.key === r.key ? { ...x, value: e.target.value } : x)))}
              error={errors[`customFields.${i}.value`]}
            />
            <button
              type="button"
              className="icon-btn"
              aria-label={`Remove field ${i + 1}${r.name ? ` (${r.name})` : ''}`}
              onClick={() => setRows((xs) => xs.filter((x) => x.key !== r.key))}
            >
              <TrashIcon />
            </button>
          </div>
        ))}
        <Button size="sm" icon={<PlusIcon />} onClick={() => setRows((xs) => [...xs, { key: rowKey++, name: '', value: '' }])}>
          Add field
        </Button>
      </fieldset>
    </Dialog>
  );
}
