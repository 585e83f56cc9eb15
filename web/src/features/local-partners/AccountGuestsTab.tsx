import { useState } from 'react';
import type { AccountDetailDto } from '@shared/accounts';
import type { AccountGuestDto, LocalPartnerAccountRole } from '@shared/local-partners';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { PersonCell } from '../../components/PersonCell';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { formatRelative } from '../../lib/format';
import { useAccountGuests, useChangeAccountGuestRole, useRemoveAccountGuest } from './api';
import { LOCAL_ROLE_LABELS } from './LocalPartnerDialogs';

/**
 * The account's Guest users tab (ADR 0012): the guests of local partners it is shared with, for a
 * Host Admin who Owns it. Change a guest's role on this account, or remove them from it.
 */
export function AccountGuestsTab({ account }: { account: AccountDetailDto }) {
  const q = useAccountGuests(account.id, true);
  const change = useChangeAccountGuestRole(account.id);
  const remove = useRemoveAccountGuest(account.id);
  const toast = useToast();
  const [removing, setRemoving] = useState<AccountGuestDto | null>(null);

  if (q.isPending) return <Loading label="Loading guest users…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const items = q.data.items;
  return (
    <div className="card">
      {items.length === 0 ? (
        <EmptyState title="No guests use this account">
          Guests of {account.guestPartners.map((p) => p.companyName).join(', ')} appear here once the account reaches them.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Guest</th>
                <th scope="col">Partner</th>
                <th scope="col">Role on this account</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((g) => (
                <tr key={g.userId}>
                  <td>
                    <PersonCell name={g.name} email={g.email} />
                  </td>
                  <td>
                    {g.localPartner.companyName}
                    <div className="muted">{g.partnerRoleLabel}</div>
                  </td>
                  <td>
                    {g.abilities.changeRole && g.role !== 'owner' ? (
                      <select
                        className="input select"
                        aria-label={`Role of ${g.name} on this account`}
                        value={g.role}
                        disabled={change.isPending}
                        onChange={(e) =>
                          change.mutate(
                            { userId: g.userId, role: e.target.value as LocalPartnerAccountRole },
                            {
                              onSuccess: () => toast.success(`${g.name}'s role on ${account.label} was changed.`),
                              onError: (err) => toast.error(errorMessage(err)),
                            },
                          )
                        }
                      >
                        {(['manager', 'collaborator'] as const).map((r) => (
                          <option key={r} value={r}>
                            {LOCAL_ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      g.roleLabel
                    )}
                    {g.sharedVia === 'direct' ? <div className="muted">Shared directly</div> : null}
                  </td>
                  <td>{g.status === 'active' ? <Badge tone="success">Active</Badge> : <Badge tone="warning">MFA not set up</Badge>}</td>
                  <td className="nowrap">{formatRelative(g.lastUsedAt)}</td>
                  <td className="actions">
                    {g.abilities.remove ? (
                      <Button size="sm" variant="ghost" onClick={() => setRemoving(g)} aria-label={`Remove ${g.name} from this account`}>
                        Remove from account
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={!!removing}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title="Remove access?"
        confirmLabel="Remove access"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.userId, {
            onSuccess: () => {
              toast.success(`${removing.name} can no longer use ${account.label}.`);
              setRemoving(null);
            },
          })
        }
      >
        <p>
          {removing?.name} can no longer use {account.label}. They stay a guest of {removing?.localPartner.companyName}; their role
          there does not change.
        </p>
      </ConfirmDialog>
    </div>
  );
}
