import { useState } from 'react';
import { Link } from 'react-router';
import type { AccountSummaryDto } from '@shared/accounts';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { KeyIcon, PlusIcon } from '../../components/Icons';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { useDebounced, useTitle } from '../../lib/hooks';
import { useCan } from '../auth/api';
import { AccountFormDialog } from './AccountFormDialog';
import { AppIcon } from './AppIcon';
import { PartnerBadge, sharedByLabel } from './PartnerBadge';
import { RequestAccessDialog, RequestAccessIcon } from './RequestAccessDialog';
import { useAccountsList } from './api';
import { LoginButton } from '../devices/LoginButton';

/**
 * One account. The card is a link to the account; a host's account shared with my workspace
 * through a partnership carries the host's initial beside the app icon and "Shared by <Host>".
 * Actions (Request share access) sit beside the link, not inside it.
 */
function AccountCard({ a, onRequestAccess }: { a: AccountSummaryDto; onRequestAccess: (a: AccountSummaryDto) => void }) {
  const canRequest = a.abilities.requestAccess && a.status === 'active';
  return (
    <div className={`account-card-wrap ${canRequest ? 'has-card-actions' : ''}`}>
      <Link to={`/accounts/${a.id}`} className="card account-card">
        <div className="account-card-top">
          <span className="app-icon-stack">
            <AppIcon application={a.application} />
            {a.hostWorkspaceName ? <PartnerBadge hostName={a.hostWorkspaceName} /> : null}
          </span>
          <div className="account-title">
            <strong>{a.label}</strong>
            <span>{a.application}</span>
          </div>
        </div>
        <div className="account-username">{a.username || <span className="muted">No username</span>}</div>
        {a.hostWorkspaceName ? <div className="account-shared-by">{sharedByLabel(a.hostWorkspaceName)}</div> : null}
        <div className="account-card-foot">
          <Badge tone={a.myRole === 'owner' ? 'accent' : 'neutral'}>Your role: {a.myRoleLabel}</Badge>
          {a.status === 'deleted' ? <Badge tone="danger">Deleted</Badge> : null}
        </div>
      </Link>
      {a.abilities.login && a.status === 'active' && a.loginUrl ? (
        <LoginButton accountId={a.id} label={a.label} size="sm" className="account-card-login" />
      ) : null}
      {canRequest ? (
        <div className="account-card-actions">
          <button
            type="button"
            className="icon-btn"
            aria-label={`Request share access for ${a.label}`}
            title={`Request share access for “${a.label}”`}
            onClick={() => onRequestAccess(a)}
          >
            <RequestAccessIcon />
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function AccountsPage() {
  useTitle('All accounts');
  const canCreate = useCan('accounts.create');
  const [search, setSearch] = useState('');
  const [showDeleted, setShowDeleted] = useState(false);
  const [creating, setCreating] = useState(false);
  const [requesting, setRequesting] = useState<AccountSummaryDto | null>(null);
  const q = useDebounced(search.trim(), 300);
  const status = showDeleted ? 'deleted' : 'active';
  const list = useAccountsList({ q, status });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = q !== '' || showDeleted;

  const newButton = canCreate ? (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
      New account
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="All accounts"
        description="The shared logins you can use. Owners manage an account and its password; Collaborators log in without seeing it."
        actions={newButton}
      />
      <div className="toolbar" role="search">
        <div className="field search">
          <label htmlFor="account-search" className="visually-hidden">
            Search accounts
          </label>
          <input
            id="account-search"
            className="input"
            type="search"
            placeholder="Search by label, application or username"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        {canCreate ? (
          <label className="checkbox">
            <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />
            Show deleted
          </label>
        ) : null}
      </div>

      {list.isPending ? (
        <Loading label="Loading accounts…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : items.length === 0 ? (
        filtered ? (
          <div className="card">
            <EmptyState title={showDeleted && !q ? 'No deleted accounts' : 'No accounts match'}>
              {showDeleted && !q
                ? 'Accounts you delete as an Owner appear here, and you can restore them.'
                : `Nothing matches “${q}”. Try a shorter search or another spelling.`}
            </EmptyState>
          </div>
        ) : (
          <div className="card">
            <EmptyState icon={<KeyIcon />} title="No accounts yet" action={newButton}>
              <p>
                An account is a shared login, like your brand's Instagram or an ads manager. Save it once in the vault, then
                share it: Owners manage it and its password, Collaborators can log in but never see the password.
              </p>
              {!canCreate ? <p style={{ marginTop: 8 }}>When someone shares an account with you, it appears here.</p> : null}
            </EmptyState>
          </div>
        )
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {items.length} account{items.length === 1 ? '' : 's'} shown
          </p>
          <div className="account-grid">
            {items.map((a) => (
              <AccountCard key={a.id} a={a} onRequestAccess={setRequesting} />
            ))}
          </div>
          {list.hasNextPage ? (
            <div className="load-more">
              <Button busy={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : null}
        </>
      )}
      <AccountFormDialog open={creating} onClose={() => setCreating(false)} />
      {requesting ? <RequestAccessDialog account={requesting} onClose={() => setRequesting(null)} /> : null}
    </>
  );
}
