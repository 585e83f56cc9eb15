import { useMemo, useState } from 'react';
import type { PartnershipAccountRole } from '@shared/partnerships';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';

export const PARTNER_ROLE_LABELS: Record<PartnershipAccountRole, string> = {
  collaborator: 'Collaborator',
  manager: 'Manager',
};
const ROLES: PartnershipAccountRole[] = ['collaborator', 'manager'];

export interface PickableAccount {
  accountId: string;
  label: string;
  application: string;
  username: string;
  /** Already shared with this role: preselected and the only role offered. */
  sharedRole?: PartnershipAccountRole | null;
}

export type AccountRoleSelection = Map<string, PartnershipAccountRole>;

/**
 * The "Select accounts and roles" body shared by the partnership and local partner share wizards:
 * a filter, the accounts as checkboxes, and a Collaborator/Manager choice for each selected one.
 */
export function AccountRolePicker({
  idPrefix,
  query,
  selected,
  onChange,
  emptyHint,
}: {
  idPrefix: string;
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown; data?: { items: PickableAccount[] } };
  selected: AccountRoleSelection;
  onChange: (next: AccountRoleSelection) => void;
  /** Shown when nothing can be shared, under "No accounts to share". */
  emptyHint: string;
}) {
  const [filter, setFilter] = useState('');
  const items = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = query.data?.items ?? [];
    return f ? all.filter((a) => `${a.label} ${a.application} ${a.username}`.toLowerCase().includes(f)) : all;
  }, [query.data, filter]);

  const toggle = (a: PickableAccount) => {
    const next = new Map(selected);
    if (next.has(a.accountId)) next.delete(a.accountId);
    else next.set(a.accountId, a.sharedRole ?? 'collaborator');
    onChange(next);
  };

  return (
    <>
      <div className="field">
        <label className="field-label" htmlFor={`${idPrefix}-filter`}>
          Filter accounts
        </label>
        <input
          id={`${idPrefix}-filter`}
          className="input"
          type="search"
          placeholder="Search by name, application or username"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {query.isPending ? (
        <Loading label="Loading accounts…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filter ? 'No accounts match' : 'No accounts to share'}>{filter ? 'Try another search.' : emptyHint}</EmptyState>
      ) : (
        <ul className="share-list" aria-label="Accounts">
          {items.map((a) => {
            const role = selected.get(a.accountId);
            const checkId = `${idPrefix}-${a.accountId}`;
            return (
              <li key={a.accountId} className={role ? 'share-item share-item-selected' : 'share-item'}>
                <label className="checkbox" htmlFor={checkId}>
                  <input id={checkId} type="checkbox" checked={!!role} onChange={() => toggle(a)} />
                  <span>
                    <span className="share-label">{a.label}</span>
                    <span className="muted">
                      {' '}
                      · {a.application}
                      {a.username ? ` · ${a.username}` : ''}
                      {a.sharedRole ? ` · shared as ${PARTNER_ROLE_LABELS[a.sharedRole]}` : ''}
                    </span>
                  </span>
                </label>
                {role ? (
                  <div className="share-roles" role="radiogroup" aria-label={`Role for ${a.label}`}>
                    {ROLES.map((r) => (
                      <label key={r} className="checkbox">
                        <input
                          type="radio"
                          name={`${idPrefix}-role-${a.accountId}`}
                          value={r}
                          checked={role === r}
                          disabled={!!a.sharedRole && a.sharedRole !== r}
                          onChange={() => onChange(new Map(selected).set(a.accountId, r))}
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
    </>
  );
}
