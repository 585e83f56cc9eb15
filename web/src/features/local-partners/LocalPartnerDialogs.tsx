import { useState } from 'react';
import { InviteGuestRequestSchema, type LocalPartnerDto } from '@shared/local-partners';
import type { GuestRole } from '@shared/permissions';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { AccountRolePicker, type AccountRoleSelection } from '../partners/AccountRolePicker';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useMembers } from '../members/api';
import {
  useAddHostAdmins,
  useInviteGuest,
  useLocalPartnerShareable,
  useShareCandidates,
  useShareWithGuests,
  useShareWithLocalPartner,
} from './api';

export const GUEST_ROLE_TEXT: Record<GuestRole, { label: string; text: string }> = {
  guest_user: { label: 'Guest User', text: 'Uses the accounts shared with them.' },
  guest_admin: { label: 'Guest Admin', text: "Also invites their company's guests and passes accounts on to them." },
};

/** Local partner account roles are the partnership ones (manager, collaborator): one set of labels. */
export { PARTNER_ROLE_LABELS as LOCAL_ROLE_LABELS } from '../partners/AccountRolePicker';

/** "Invite guest users": an email, and the guest role when the viewer may invite Guest Admins. */
export function InviteGuestDialog({ partner, onClose }: { partner: LocalPartnerDto; onClose: () => void }) {
  const invite = useInviteGuest(partner.id);
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<GuestRole>('guest_user');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<unknown>(null);

  const submit = () => {
    setFormError(null);
    const parsed = InviteGuestRequestSchema.safeParse({ email, role });
    if (!parsed.success) return setError(zodFieldErrors(parsed.error).email ?? 'Enter a valid email address.');
    setError(undefined);
    invite.mutate(parsed.data, {
      onSuccess: (r) => {
        toast.success(`Invite sent to ${r.invite.email}.`);
        onClose();
      },
      onError: (e) => {
        if (isApiError(e, 'rule_violation') || isApiError(e, 'already_exists') || isApiError(e, 'validation_failed')) setError(e.message);
        else setFormError(e);
      },
    });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Invite guest users"
      description={`They join this workspace as guests of ${partner.companyName}, with two-step verification, and see only the accounts shared with them.`}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={invite.isPending}>
            Send invite
          </Button>
        </>
      }
    >
      <FormError error={formError} />
      <TextField
        label="Email address"
        type="email"
        autoComplete="off"
        placeholder="name@partner.com"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={error}
      />
      {partner.abilities.inviteGuestAdmins ? (
        <fieldset>
          <legend className="field-label">Role</legend>
          <div className="role-options">
            {(['guest_user', 'guest_admin'] as const).map((r) => (
              <label key={r} className="role-option">
                <input type="radio" name="guest-role" value={r} checked={role === r} onChange={() => setRole(r)} />
                <div>
                  <strong>{GUEST_ROLE_TEXT[r].label}</strong>
                  <span>{GUEST_ROLE_TEXT[r].text}</span>
                </div>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
    </Dialog>
  );
}

/** "Assign partnership host": more workspace users become Host Admins of this partner. */
export function AssignHostDialog({ partner, onClose }: { partner: LocalPartnerDto; onClose: () => void }) {
  const members = useMembers();
  const add = useAddHostAdmins(partner.id);
  const toast = useToast();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const already = new Set(partner.hostAdmins.map((h) => h.userId));
  const candidates = (members.data?.members ?? []).filter(
    (m) => m.status === 'active' && ['owner', 'admin', 'user'].includes(m.role) && !already.has(m.userId),
  );

  const submit = () => {
    setError(null);
    if (picked.size === 0) return setError('Choose at least one person.');
    add.mutate([...picked], {
      onSuccess: () => {
        toast.success(`${picked.size === 1 ? 'Host Admin' : 'Host Admins'} added to ${partner.companyName}.`);
        onClose();
      },
      onError: setError,
    });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Assign partnership host"
      description="Host Admins share the accounts they own with this partner and manage its guests."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={add.isPending}>
            Assign
          </Button>
        </>
      }
    >
      <FormError error={error} />
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : candidates.length === 0 ? (
        <EmptyState title="Nobody else to assign">Every User and Admin of this workspace is already a Host Admin.</EmptyState>
      ) : (
        <ul className="share-list" aria-label="Workspace users">
          {candidates.map((m) => (
            <li key={m.userId} className={picked.has(m.userId) ? 'share-item share-item-selected' : 'share-item'}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={picked.has(m.userId)}
                  onChange={() =>
                    setPicked((s) => {
                      const n = new Set(s);
                      if (n.has(m.userId)) n.delete(m.userId);
                      else n.add(m.userId);
                      return n;
                    })
                  }
                />
                <span>
                  <span className="share-label">{m.name}</span>
                  <span className="muted"> · {m.email}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

/**
 * "Share accounts" with a local partner: accounts I Own, a role each (Manager or Collaborator) for
 * the partner's Guest Admins. An account already shared keeps its role (sharing again reaches
 * Guest Admins who lack it).
 */
export function ShareWithPartnerDialog({ partner, onClose }: { partner: LocalPartnerDto; onClose: () => void }) {
  const q = useLocalPartnerShareable(partner.id, true);
  const share = useShareWithLocalPartner(partner.id);
  const toast = useToast();
  const [selected, setSelected] = useState<AccountRoleSelection>(new Map());
  const [error, setError] = useState<string | null>(null);

  const finish = () => {
    setError(null);
    if (selected.size === 0) return setError('Select at least one account.');
    const accounts = [...selected].map(([accountId, role]) => ({ accountId, role }));
    share.mutate(
      { accounts },
      {
        onSuccess: () => {
          toast.success(`${accounts.length} account${accounts.length === 1 ? '' : 's'} shared with ${partner.companyName}.`);
          onClose();
        },
        onError: (e) => setError(errorMessage(e)),
      },
    );
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Select accounts and roles"
      description={`Accounts you own. ${partner.companyName}'s Guest Admins receive the role you pick; Managers can pass an account on to their Guest Users.`}
      onSubmit={finish}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={share.isPending}>
            Finish
          </Button>
        </>
      }
    >
      {error ? <FormError error={error} /> : null}
      <AccountRolePicker idPrefix="lp-share" query={q} selected={selected} onChange={setSelected} emptyHint="Only active accounts you own appear here." />
      <p className="field-hint">Collaborators log in with the account. Managers can also share it with their company's Guest Users.</p>
    </Dialog>
  );
}

/** A Guest Admin who is Manager passes an account on to their partner's Guest Users, as Collaborator. */
export function ShareWithGuestsDialog({
  partnerId,
  account,
  onClose,
}: {
  partnerId: string;
  account: { accountId: string; label: string };
  onClose: () => void;
}) {
  const q = useShareCandidates(partnerId, account.accountId);
  const share = useShareWithGuests(partnerId, account.accountId);
  const toast = useToast();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);

  const submit = () => {
    setError(null);
    if (picked.size === 0) return setError('Choose at least one guest user.');
    share.mutate([...picked], {
      onSuccess: (r) => {
        toast.success(`${account.label} shared with ${r.granted.map((g) => g.email).join(', ')} as Collaborator.`);
        onClose();
      },
      onError: setError,
    });
  };

  const items = q.data?.items ?? [];
  return (
    <Dialog
      open
      onClose={onClose}
      title="Share access"
      description={`Your company's Guest Users receive “${account.label}” as Collaborators: they log in with it without seeing its password.`}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={share.isPending}>
            Share
          </Button>
        </>
      }
    >
      <FormError error={error} />
      {q.isPending ? (
        <Loading label="Loading guest users…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No guest users yet">Invite your colleagues as Guest Users first; they appear here once they join.</EmptyState>
      ) : (
        <ul className="share-list" aria-label="Guest users">
          {items.map((g) => (
            <li key={g.userId} className={picked.has(g.userId) ? 'share-item share-item-selected' : 'share-item'}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  disabled={g.hasAccess}
                  checked={g.hasAccess || picked.has(g.userId)}
                  onChange={() =>
                    setPicked((s) => {
                      const n = new Set(s);
                      if (n.has(g.userId)) n.delete(g.userId);
                      else n.add(g.userId);
                      return n;
                    })
                  }
                />
                <span>
                  <span className="share-label">{g.name}</span>
                  <span className="muted">
                    {' '}
                    · {g.email}
                    {g.hasAccess ? ' · has access' : ''}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
