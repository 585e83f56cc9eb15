import { useState } from 'react';
import { ACCOUNT_ROLE_LABELS, type DirectAccountRole } from '@shared/permissions';
import type { AccountDetailDto, AccountMemberDto } from '@shared/accounts';
import type { PartnershipAccountRole } from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { RoleSelect } from '../../components/RoleSelect';
import { Button } from '../../components/Button';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { SelectField } from '../../components/Field';
import { PlusIcon } from '../../components/Icons';
import { PersonCell } from '../../components/PersonCell';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { formatDate, formatRelative } from '../../lib/format';
import { ACCOUNT_ROLE_DESCRIPTIONS, DIRECT_ACCOUNT_ROLES } from '../../lib/roles';
import { useMembers } from '../members/api';
import { PendingAccessRequests } from './AccessRequestsPanel';
import { useAccountMembers, useChangeAccountRole, useRemoveAccountMember, useShareAccount } from './api';
import { useChangePartnershipMemberRole, useRemovePartnershipMember } from './partnership-api';

/** Roles a guest member can hold on a host account through a partnership (never Owner, R-HG-21). */
const PARTNERSHIP_ROLES: PartnershipAccountRole[] = ['collaborator', 'manager'];

/**
 * The partnership a member's access came through, when it did (a guest workspace member on a host
 * account). Read defensively: older servers do not send the field.
 */
function partnershipOf(m: AccountMemberDto): { id: string; guestWorkspaceName: string } | null {
  const p = (m as AccountMemberDto & { partnership?: { id: string; guestWorkspaceName: string } | null }).partnership;
  return p && typeof p.id === 'string' ? p : null;
}

function sharedViaLabel(m: AccountMemberDto): string {
  const p = partnershipOf(m);
  if (p) return `Partnership with ${p.guestWorkspaceName}`;
  return m.sharedVia === 'direct' ? 'Direct' : m.sharedVia;
}

/** Messages for the errors people can cause here, in product words. */
function explain(e: unknown): string {
  if (isApiError(e, 'last_owner')) return `${e.message} Make someone else an Owner first.`;
  return errorMessage(e);
}

function ShareDialog({ account, existing, onClose }: { account: AccountDetailDto; existing: Set<string>; onClose: () => void }) {
  const members = useMembers();
  const share = useShareAccount(account.id);
  const toast = useToast();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<DirectAccountRole>('collaborator');
  const [errors, setErrors] = useState<{ userId?: string }>({});

  const candidates = (members.data?.members ?? []).filter((m) => m.status === 'active' && !existing.has(m.userId));
  const picked = candidates.find((m) => m.userId === userId);
  const ownerNotAllowed = picked?.role === 'login_only';

  const submit = () => {
    if (!userId) return setErrors({ userId: 'Choose a member to share with.' });
    setErrors({});
    const effectiveRole = ownerNotAllowed ? 'collaborator' : role;
    share.mutate(
      { userId, role: effectiveRole },
      {
        onSuccess: (m) => {
          toast.success(`Shared with ${m.name} as ${m.roleLabel}.`);
          onClose();
        },
      },
    );
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Share “${account.label}”`}
      description="Give a workspace member access to this account. They are told by email."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={share.isPending} disabled={members.isPending}>
            Share
          </Button>
        </>
      }
    >
      <FormError error={share.error ? explain(share.error) : null} />
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : candidates.length === 0 ? (
        <p className="form-note">Everyone in the workspace already has access. Invite more people from the Members page.</p>
      ) : (
        <>
          <SelectField label="Member" value={userId} onChange={(e) => setUserId(e.target.value)} error={errors.userId}>
            <option value="">Choose a member…</option>
            {candidates.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name} ({m.email})
              </option>
            ))}
          </SelectField>
          <fieldset>
            <legend>Role on this account</legend>
            <div className="role-options">
              {DIRECT_ACCOUNT_ROLES.map((r) => {
                const disabled = r === 'owner' && ownerNotAllowed;
                return (
                  <label className="role-option" key={r} aria-disabled={disabled || undefined} style={disabled ? { opacity: 0.55 } : undefined}>
                    <input
                      type="radio"
                      name="share-role"
                      value={r}
                      checked={(ownerNotAllowed ? 'collaborator' : role) === r}
                      disabled={disabled}
                      onChange={() => setRole(r)}
                    />
                    <div>
                      <strong>{ACCOUNT_ROLE_LABELS[r]}</strong>
                      <span>{disabled ? 'Login-Only members can be Collaborators only.' : ACCOUNT_ROLE_DESCRIPTIONS[r]}</span>
                    </div>
                  </label>
                );
              })}
            </div>
          </fieldset>
        </>
      )}
    </Dialog>
  );
}

function MemberRow({ m, account, onError }: { m: AccountMemberDto; account: AccountDetailDto; onError: (msg: string | null) => void }) {
  const partnership = partnershipOf(m);
  const change = useChangeAccountRole(account.id);
  const remove = useRemoveAccountMember(account.id);
  const changeGuest = useChangePartnershipMemberRole(account.id);
  const removeGuest = useRemovePartnershipMember(account.id);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const roleIsDirect = m.role === 'owner' || m.role === 'collaborator';
  const roleIsPartnership = m.role === 'collaborator' || m.role === 'manager';
  const removing = partnership ? removeGuest : remove;

  const roleCell = (() => {
    if (partnership && m.abilities.changeRole && roleIsPartnership) {
      return (
        <RoleSelect
          id={`role-${m.userId}`}
          personName={m.name}
          value={m.role as PartnershipAccountRole}
          roles={PARTNERSHIP_ROLES}
          labels={ACCOUNT_ROLE_LABELS}
          disabled={changeGuest.isPending}
          onChange={(role) => {
            onError(null);
            changeGuest.mutate(
              { partnershipId: partnership.id, userId: m.userId, role },
              {
                onSuccess: () => toast.success(`${m.name} is now ${ACCOUNT_ROLE_LABELS[role]}.`),
                onError: (err) => onError(explain(err)),
              },
            );
          }}
        />
      );
    }
    if (!partnership && m.abilities.changeRole && roleIsDirect) {
      return (
        <RoleSelect
          id={`role-${m.userId}`}
          personName={m.name}
          value={m.role as DirectAccountRole}
          roles={DIRECT_ACCOUNT_ROLES}
          labels={ACCOUNT_ROLE_LABELS}
          disabled={change.isPending}
          onChange={(role) => {
            onError(null);
            change.mutate(
              { userId: m.userId, role },
              {
                onSuccess: () => toast.success(`${m.name} is now ${ACCOUNT_ROLE_LABELS[role]}.`),
                onError: (err) => onError(explain(err)),
              },
            );
          }}
        />
      );
    }
    return <Badge tone={m.role === 'owner' ? 'accent' : 'neutral'}>{m.roleLabel}</Badge>;
  })();

  const confirmRemove = () => {
    const done = {
      onSuccess: () => {
        setConfirming(false);
        toast.success(`${m.name} no longer has access to “${account.label}”.`);
      },
    };
    if (partnership) removeGuest.mutate({ partnershipId: partnership.id, userId: m.userId }, done);
    else remove.mutate(m.userId, done);
  };

  return (
    <tr>
      <td>
        <PersonCell name={m.name} badge={m.isYou ? <Badge>You</Badge> : null} />
      </td>
      <td className="muted">{m.email}</td>
      <td>{roleCell}</td>
      <td className="muted">{sharedViaLabel(m)}</td>
      <td className="muted" title={m.grantedBy ? `By ${m.grantedBy.name}` : undefined}>
        {formatDate(m.grantedAt)}
      </td>
      <td className="muted nowrap">{formatRelative(m.lastUsedAt)}</td>
      <td className="actions">
        {m.abilities.remove ? (
          <Button size="sm" variant="ghost" onClick={() => setConfirming(true)} aria-label={`Remove ${m.name}`}>
            Remove
          </Button>
        ) : null}
        <ConfirmDialog
          open={confirming}
          onClose={() => {
            setConfirming(false);
            removing.reset();
          }}
          title={`Remove ${m.name}?`}
          confirmLabel="Remove access"
          busy={removing.isPending}
          error={removing.error ? <FormError error={explain(removing.error)} /> : null}
          onConfirm={confirmRemove}
        >
          <p>
            {m.isYou ? 'You' : m.name} will no longer be able to use “{account.label}”.{' '}
            {partnership
              ? `Their access came through the partnership with ${partnership.guestWorkspaceName}; an Owner can accept a new access request later.`
              : 'You can share it again later.'}
          </p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

export function AccountMembersTab({ account }: { account: AccountDetailDto }) {
  const q = useAccountMembers(account.id, account.abilities.viewMembers);
  const [sharing, setSharing] = useState(false);
  const [rowError, setRowError] = useState<string | null>(null);
  const items = q.data?.items ?? [];
  const canShare = account.abilities.share && account.status === 'active';

  return (
    <div className="card">
      <div className="card-header">
        <div>
          <h2>People with access</h2>
          <p>Owners manage the account and its password. Collaborators log in without seeing it.</p>
        </div>
        {canShare ? (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setSharing(true)}>
            Share
          </Button>
        ) : null}
      </div>
      {account.abilities.viewMembers ? <PendingAccessRequests account={account} /> : null}
      {rowError ? (
        <div style={{ padding: '12px 16px 0' }}>
          <FormError error={rowError} />
        </div>
      ) : null}
      {q.isPending ? (
        <Loading label="Loading people…" />
      ) : q.isError ? (
        <div className="card-body">
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        </div>
      ) : items.length === 0 ? (
        <EmptyState title="Nobody has access yet">Share this account with a workspace member to get started.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Shared via</th>
                <th scope="col">Granted</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <MemberRow key={m.userId} m={m} account={account} onError={setRowError} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sharing ? <ShareDialog account={account} existing={new Set(items.map((m) => m.userId))} onClose={() => setSharing(false)} /> : null}
    </div>
  );
}
