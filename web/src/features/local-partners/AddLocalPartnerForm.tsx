import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { CreateLocalPartnerRequestSchema, COMPANY_NAME_MAX } from '@shared/local-partners';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorState, FormError } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useSession } from '../auth/api';
import { useMembers } from '../members/api';
import { useCreateLocalPartner } from './api';
import { refusalField } from './refusals';

/** Workspace roles that may be Host Admins (the server re-checks: Users, Admins, the Owner). */
const HOST_ROLES = new Set(['owner', 'admin', 'user']);

/**
 * "Invite your partners to your workspace": company name, the first Guest Admin's email, and the
 * Host Admins (yourself and/or other workspace users) → Send invite. The server's refusals
 * (same domain as a Host Admin, a corporate domain, already a guest) show next to the field.
 */
export function AddLocalPartnerForm({ onBack, onClose }: { onBack: () => void; onClose: () => void }) {
  const session = useSession();
  const members = useMembers();
  const create = useCreateLocalPartner();
  const toast = useToast();
  const navigate = useNavigate();
  const [companyName, setCompanyName] = useState('');
  const [guestAdminEmail, setGuestAdminEmail] = useState('');
  const [hosts, setHosts] = useState<Set<string>>(() => new Set([session.user.id]));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>(null);

  const candidates = useMemo(
    () =>
      (members.data?.members ?? [])
        .filter((m) => m.status === 'active' && HOST_ROLES.has(m.role))
        .sort((a, b) => (a.isYou === b.isYou ? a.name.localeCompare(b.name) : a.isYou ? -1 : 1)),
    [members.data],
  );

  const toggle = (userId: string) =>
    setHosts((s) => {
      const n = new Set(s);
      if (n.has(userId)) n.delete(userId);
      else n.add(userId);
      return n;
    });

  const submit = () => {
    setFormError(null);
    const parsed = CreateLocalPartnerRequestSchema.safeParse({ companyName, guestAdminEmail, hostAdminUserIds: [...hosts] });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (r) => {
        toast.success(`Invite sent to ${r.invite.email}. ${r.partner.companyName} appears under your partners.`);
        onClose();
        void navigate(`/partners/local/${r.partner.id}`);
      },
      onError: (e) => {
        const field = refusalField(e);
        if (isApiError(e, 'validation_failed') && Object.keys(e.fieldErrors()).length > 0) setErrors(e.fieldErrors());
        else if (field && isApiError(e)) setErrors({ [field]: e.message });
        else setFormError(e);
      },
    });
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Invite your partners to your workspace"
      description="Your partner's people join this workspace as guests. They sign in with two-step verification and see only the accounts shared with their company."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onBack}>Back</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Send invite
          </Button>
        </>
      }
    >
      <FormError error={formError} />
      <TextField
        label="Company name"
        autoComplete="off"
        maxLength={COMPANY_NAME_MAX}
        value={companyName}
        onChange={(e) => setCompanyName(e.target.value)}
        error={errors.companyName}
      />
      <TextField
        label="Guest Admin's email"
        type="email"
        autoComplete="off"
        placeholder="name@partner.com"
        hint="The first Guest Admin manages their company's guests. They cannot use your organization's email domain."
        value={guestAdminEmail}
        onChange={(e) => setGuestAdminEmail(e.target.value)}
        error={errors.guestAdminEmail}
      />
      <fieldset className="field" aria-describedby="host-admins-hint">
        <legend className="field-label">Host Admins</legend>
        <p id="host-admins-hint" className="field-hint">
          Host Admins share the accounts they own with this partner and manage its guests.
        </p>
        {members.isPending ? (
          <Loading label="Loading members…" />
        ) : members.isError ? (
          <ErrorState error={members.error} onRetry={() => members.refetch()} />
        ) : (
          <ul className="share-list" aria-label="Host Admins">
            {candidates.map((m) => (
              <li key={m.userId} className={hosts.has(m.userId) ? 'share-item share-item-selected' : 'share-item'}>
                <label className="checkbox">
                  <input type="checkbox" checked={hosts.has(m.userId)} onChange={() => toggle(m.userId)} />
                  <span>
                    <span className="share-label">{m.isYou ? `${m.name} (you)` : m.name}</span>
                    <span className="muted">
                      {' '}
                      · {m.email} · {m.roleLabel}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {errors.hostAdminUserIds ? (
          <p className="field-error" role="alert">
            {errors.hostAdminUserIds}
          </p>
        ) : null}
      </fieldset>
    </Dialog>
  );
}
