import { useMemo, useState } from 'react';
import { SHARE_ACCOUNTS_MAX, type PartnershipAccountRole, type PartnershipDto } from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useShareAccounts, useShareableAccounts } from './api';

export const PARTNER_ROLE_LABELS: Record<PartnershipAccountRole, string> = {
  collaborator: 'Collaborator',
  manager: 'Manager',
};
const ROLES: PartnershipAccountRole[] = ['collaborator', 'manager'];

/**
 * "Share accounts" wizard: "Select accounts and roles" from the accounts the actor Owns that are
 * not shared yet, a role per selected account (Collaborator by default), Finish.
 */
export function ShareAccountsDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const q = useShareableAccounts(partnership.id, true);
  const share = useShareAccounts(partnership.id);
  const toast = useToast();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<Map<string, PartnershipAccountRole>>(new Map());
  const [error, setError] = useState<string | null>(null);

  const items = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = q.data?.items ?? [];
    if (!f) return all;
    return all.filter((a) => `${a.label} ${a.application} ${a.username}`.toLowerCase().includes(f));
  }, [q.data, filter]);

  const toggle = (accountId: string) =>
    setSelected((s) => {
      const n = new Map(s);
      if (n.has(accountId)) n.delete(accountId);
      else n.set(accountId, 'collaborator');
      return n;
    });
  const setRole = (accountId: string, role: PartnershipAccountRole) =>
    setSelected((s) => new Map(s).set(accountId, role));

  const finish = () => {
    setError(null);
    if (selected.size === 0) return setError('Select at least one account.');
    if (selected.size > SHARE_ACCOUNTS_MAX) return setError(`Share at most ${SHARE_ACCOUNTS_MAX} accounts at a time.`);
    const accounts = [...selected].map(([accountId, role]) => ({ accountId, role }));
    share.mutate(
      { accounts },
      {
        onSuccess: () => {
          toast.success(
            `${accounts.length} account${accounts.length === 1 ? '' : 's'} shared with ${partnership.partnerName}.`,
          );
          onClose();
        },
        onError: (e) => setError(isApiError(e) ? e.message : errorMessage(e)),
      },
    );
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Select accounts and roles"
      description={`Accounts you own that are not shared with ${partnership.partnerName} yet. ${
        partnership.guestContact ? partnership.guestContact.name : 'Their admin'
      } receives the role you pick and can ask for access for their colleagues.`}
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
      <div className="field">
        <label className="field-label" htmlFor="share-filter">
          Filter accounts
        </label>
        <input
          id="share-filter"
          className="input"
          type="search"
          placeholder="Search by name, application or username"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {q.isPending ? (
        <Loading label="Loading accounts…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filter ? 'No accounts match' : 'No accounts to share'}>
          {filter ? 'Try another search.' : 'Only accounts you own that are not shared with this partner yet appear here.'}
        </EmptyState>
      ) : (
        <ul className="share-list" aria-label="Accounts">
          {items.map((a) => {
            const role = selected.get(a.accountId);
            const checkId = `share-${a.accountId}`;
            return (
              <li key={a.accountId} className={role ? 'share-item share-item-selected' : 'share-item'}>
                <label className="checkbox" htmlFor={checkId}>
                  <input id={checkId} type="checkbox" checked={!!role} onChange={() => toggle(a.accountId)} />
                  <span>
                    <span className="share-label">{a.label}</span>
                    <span className="muted">
                      {' '}
                      · {a.application}
                      {a.username ? ` · ${a.username}` : ''}
                    </span>
                  </span>
                </label>
                {role ? (
                  <div className="share-roles" role="radiogroup" aria-label={`Role for ${a.label}`}>
                    {ROLES.map((r) => (
                      <label key={r} className="checkbox">
                        <input
                          type="radio"
                          name={`role-${a.accountId}`}
                          value={r}
                          checked={role === r}
                          onChange={() => setRole(a.accountId, r)}
                        />
                        {PARTNER_ROLE_LABELS[r]}
                      </label>
                    ))}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <p className="field-hint">
        Collaborators log in with the account. Managers can also ask for access for other members of their workspace.
      </p>
    </Dialog>
  );
}
