import { useState } from 'react';
import type { PartnershipAccountDto, PartnershipAccountRole, PartnershipDto, PartnershipMemberDto } from '@shared/partnerships';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { RoleSelect } from '../../components/RoleSelect';
import { PersonCell } from '../../components/PersonCell';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { formatDate, formatRelative } from '../../lib/format';
import { usePartnershipAccounts, usePartnershipMembers, useRemoveMemberAccess, useRemoveSharedAccount, useChangeMemberAccess } from './api';
import { MoreActionsMenu } from './MoreActionsMenu';
import { PARTNER_ROLE_LABELS } from './ShareAccountsDialog';

const PARTNER_ROLES: PartnershipAccountRole[] = ['collaborator', 'manager'];

function SharedAccountRow({ partnership, a }: { partnership: PartnershipDto; a: PartnershipAccountDto }) {
  const remove = useRemoveSharedAccount(partnership.id);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  return (
    <tr>
      <td>
        <span className="person-name">{a.label}</span>
        <div className="muted">{a.application}</div>
      </td>
      <td>
        <Badge tone={a.role === 'manager' ? 'accent' : 'neutral'}>{PARTNER_ROLE_LABELS[a.role]}</Badge>
      </td>
      <td className="muted">
        {a.sharedBy ? `${a.sharedBy.name}, ` : ''}
        {formatDate(a.sharedAt)}
      </td>
      <td className="muted">{a.memberCount}</td>
      <td className="actions">
        {a.abilities.remove ? (
          <MoreActionsMenu label={`Actions for ${a.label}`} items={[{ label: 'Remove', onSelect: () => setConfirming(true) }]} />
        ) : null}
        <ConfirmDialog
          open={confirming}
          onClose={() => {
            setConfirming(false);
            remove.reset();
          }}
          title="Remove account?"
          confirmLabel="Remove account"
          busy={remove.isPending}
          error={<FormError error={remove.error} />}
          onConfirm={() =>
            remove.mutate(a.accountId, {
              onSuccess: () => {
                setConfirming(false);
                toast.success(`“${a.label}” is no longer shared with ${partnership.partnerName}.`);
              },
            })
          }
        >
          <p>
            “{a.label}” stops being shared with {partnership.partnerName}. Every member of their workspace who uses it through
            this partnership loses access, and pending access requests for it are cancelled.
          </p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

export function AccountsTab({ partnership }: { partnership: PartnershipDto }) {
  const q = usePartnershipAccounts(partnership.id, partnership.abilities.viewAccounts);
  if (!partnership.abilities.viewAccounts) return null;
  if (q.isPending) return <Loading label="Loading shared accounts…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const hidden = partnership.sharedAccountCount - q.data.items.length;
  const hiddenNote =
    hidden > 0 ? (
      <p className="muted partner-hidden-note">
        {hidden} more shared account{hidden === 1 ? ' is' : 's are'} not listed: you see only the accounts you can access yourself.
      </p>
    ) : null;
  if (q.data.items.length === 0) {
    if (hiddenNote) return hiddenNote;
    return (
      <EmptyState title="No accounts shared yet">
        {partnership.side === 'host'
          ? `Accounts you share with ${partnership.partnerName} appear here.`
          : `Accounts ${partnership.partnerName} shares with your workspace appear here.`}
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      {hiddenNote}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Role given</th>
            <th scope="col">Shared</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((a) => (
            <SharedAccountRow key={a.accountId} partnership={partnership} a={a} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MemberCell({ m }: { m: PartnershipMemberDto }) {
  return (
    <PersonCell name={m.name} email={m.email} badge={m.isGuestContact ? <Badge tone="accent">Guest contact</Badge> : null} />
  );
}

function MemberAccessRows({ partnership, m }: { partnership: PartnershipDto; m: PartnershipMemberDto }) {
  const change = useChangeMemberAccess(partnership.id);
  const remove = useRemoveMemberAccess(partnership.id);
  const toast = useToast();
  const [removing, setRemoving] = useState<{ accountId: string; accountLabel: string } | null>(null);
  if (m.accounts.length === 0) {
    // The server lists every guest member to host Admins, but only the accounts they can open (R-HG-16).
    return (
      <tr>
        <td>
          <MemberCell m={m} />
        </td>
        <td colSpan={5} className="muted">
          Has access only to shared accounts you cannot open
        </td>
      </tr>
    );
  }
  return (
    <>
      {m.accounts.map((acc, i) => (
        <tr key={acc.accountId}>
          {i === 0 ? (
            <td rowSpan={m.accounts.length}>
              <MemberCell m={m} />
            </td>
          ) : null}
          <td>{acc.accountLabel}</td>
          <td>
            {acc.abilities.changeRole ? (
              <RoleSelect
                id={`prole-${m.userId}-${acc.accountId}`}
                personName={`${m.name} on ${acc.accountLabel}`}
                value={acc.role}
                roles={PARTNER_ROLES}
                labels={PARTNER_ROLE_LABELS}
                disabled={change.isPending}
                onChange={(role) =>
                  change.mutate(
                    { userId: m.userId, accountId: acc.accountId, role },
                    {
                      onSuccess: () => toast.success(`${m.name} is now ${PARTNER_ROLE_LABELS[role]} on “${acc.accountLabel}”.`),
                      onError: (e) => toast.error(errorMessage(e)),
                    },
                  )
                }
              />
            ) : (
              <Badge tone={acc.role === 'manager' ? 'accent' : 'neutral'}>{PARTNER_ROLE_LABELS[acc.role]}</Badge>
            )}
          </td>
          <td className="muted nowrap">{formatDate(acc.grantedAt)}</td>
          <td className="muted nowrap">{formatRelative(acc.lastUsedAt)}</td>
          <td className="actions">
            {acc.abilities.remove ? (
              <MoreActionsMenu
                label={`Actions for ${m.name} on ${acc.accountLabel}`}
                items={[{ label: 'Remove', onSelect: () => setRemoving({ accountId: acc.accountId, accountLabel: acc.accountLabel }) }]}
              />
            ) : null}
          </td>
        </tr>
      ))}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title="Remove member?"
        confirmLabel="Remove member"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() => {
          if (!removing) return;
          remove.mutate(
            { userId: m.userId, accountId: removing.accountId },
            {
              onSuccess: () => {
                toast.success(`${m.name} no longer has access to “${removing.accountLabel}”.`);
                setRemoving(null);
              },
            },
          );
        }}
      >
        <p>
          {m.name} loses access to “{removing?.accountLabel}” right away. They keep any other access they have.
        </p>
      </ConfirmDialog>
    </>
  );
}

export function MembersTab({ partnership }: { partnership: PartnershipDto }) {
  const q = usePartnershipMembers(partnership.id, partnership.abilities.viewMembers);
  if (!partnership.abilities.viewMembers) return null;
  if (q.isPending) return <Loading label="Loading members…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const members = q.data.items;
  if (members.length === 0) {
    return (
      <EmptyState title="No members with access yet">
        Members of {partnership.side === 'host' ? partnership.partnerName : 'your workspace'} who can use shared accounts appear
        here.
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Account</th>
            <th scope="col">Role</th>
            <th scope="col">Granted</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <MemberAccessRows key={m.userId} partnership={partnership} m={m} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
