import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { AccountDetailDto, SecretField } from '@shared/accounts';
import { errorMessage, isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { copyText } from '../../components/CopyButton';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { ChevronLeftIcon, EyeIcon, InfoIcon } from '../../components/Icons';
import { Loading } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { useToast } from '../../components/Toast';
import { formatDateTime } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { AccountFormDialog } from './AccountFormDialog';
import { MyAccessRequests } from './AccessRequestsPanel';
import { AccountMembersTab } from './AccountMembersTab';
import { AppIcon } from './AppIcon';
import { PartnerBadge } from './PartnerBadge';
import { RequestAccessDialog, RequestAccessIcon } from './RequestAccessDialog';
import { revealSecret, useAccount, useDeleteAccount, useRestoreAccount } from './api';
import { useSession } from '../auth/api';
import { AccountGuestsTab } from '../local-partners/AccountGuestsTab';
import { ShareWithGuestsDialog } from '../local-partners/LocalPartnerDialogs';
import { LoginButton } from '../devices/LoginButton';

/** How long a revealed or copied secret stays in memory. */
const REVEAL_MS = 20_000;

/**
 * One secret (password or authenticator key) for an Owner: masked by default, Reveal shows it for
 * 20 seconds, Copy puts it on the clipboard. The value lives only in this component's state.
 */
function SecretValue({ accountId, field, label }: { accountId: string; field: SecretField; label: string }) {
  const [value, setValue] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState<'reveal' | 'copy' | null>(null);
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const toast = useToast();

  const forgetLater = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setValue(null);
      setShown(false);
      setCopied(false);
    }, REVEAL_MS);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const fetchValue = async (): Promise<string | null> => {
    if (value !== null) return value;
    try {
      const v = await revealSecret(accountId, field);
      setValue(v);
      return v;
    } catch (e) {
      toast.error(errorMessage(e));
      return null;
    }
  };

  const reveal = async () => {
    if (shown) {
      setShown(false);
      return;
    }
    setBusy('reveal');
    const v = await fetchValue();
    setBusy(null);
    if (v !== null) {
      setShown(true);
      forgetLater();
    }
  };

  const copy = async () => {
    setBusy('copy');
    const v = await fetchValue();
    setBusy(null);
    if (v === null) return;
    if (await copyText(v)) {
      setCopied(true);
      toast.success(`${label} copied. It is cleared from this page in 20 seconds.`);
    } else {toast.error('Your browser did not allow copying. Reveal the value and copy it by hand.');}
    forgetLater();
  };

  return (
    <div className="secret-row">
      <span className="secret-value" aria-live="polite">
        {shown && value !== null ? value : <span aria-label={`${label} hidden`}>••••••••</span>}
      </span>
      <Button size="sm" busy={busy === 'reveal'} onClick={reveal} aria-label={`${shown ? 'Hide' : 'Reveal'} ${label.toLowerCase()}`}>
        <EyeIcon off={shown} />
        {shown ? 'Hide' : 'Reveal'}
      </Button>
      <Button size="sm" busy={busy === 'copy'} onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}

function DetailsTab({ account }: { account: AccountDetailDto }) {
  const canReveal = account.abilities.revealSecret;
  // A guest (Manager or Collaborator through a partnership) of a host's account.
  const guestView = !canReveal && !!account.hostWorkspaceName;
  return (
    <>
      {!canReveal ? (
        <div className="callout" style={{ marginBottom: 16 }}>
          <InfoIcon />
          <p>
            You can log in with this account but cannot see its password.
            {account.abilities.requestAccess ? ' As a Manager, you can request access to it for other members of your workspace.' : ''}
          </p>
        </div>
      ) : null}
      <div className="card">
        <dl className="dl">
          <dt>Application</dt>
          <dd>{account.application}</dd>
          <dt>Login URL</dt>
          <dd>
            {account.loginUrl ? (
              <a href={account.loginUrl} target="_blank" rel="noopener noreferrer">
                {account.loginUrl}
              </a>
            ) : (
              <span className="muted">Not set</span>
            )}
          </dd>
          <dt>Username</dt>
          <dd>{account.username || <span className="muted">Not set</span>}</dd>
          {guestView ? (
            <>
              {/* The host's password and authenticator settings are not theirs to use (R-HG-12). */}
              <dt>Password</dt>
              <dd>You log in through Latchkey without seeing the password.</dd>
            </>
          ) : (
            <>
              <dt>Password</dt>
              <dd>
                {!account.hasPassword ? (
                  <span className="muted">No password saved</span>
                ) : canReveal ? (
                  <SecretValue accountId={account.id} field="password" label="Password" />
                ) : (
                  <span className="secret-value" aria-label="Password hidden">
                    ••••••••
                  </span>
                )}
              </dd>
              <dt>Authenticator key</dt>
              <dd>
                {!account.hasTotp ? (
                  <span className="muted">Not set up</span>
                ) : canReveal ? (
                  <SecretValue accountId={account.id} field="totp" label="Authenticator key" />
                ) : (
                  <Badge tone="success">Set up</Badge>
                )}
              </dd>
            </>
          )}
          <dt>Notes</dt>
          <dd className="notes">{account.notes || <span className="muted">No notes</span>}</dd>
          {account.customFields.map((f, i) => (
            <FieldPair key={i} name={f.name} value={f.value} />
          ))}
          <dt>Created</dt>
          <dd>
            {formatDateTime(account.createdAt)}
            {/* A partner's people stay anonymous to guests, as in the activity trail ("Host user"). */}
            {account.createdBy && !account.hostWorkspaceName ? ` by ${account.createdBy.name}` : ''}
          </dd>
          <dt>Last updated</dt>
          <dd>{formatDateTime(account.updatedAt)}</dd>
        </dl>
      </div>
    </>
  );
}

function FieldPair({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value || <span className="muted">Empty</span>}</dd>
    </>
  );
}

type Tab = 'details' | 'members' | 'guests';
const TAB_LABELS: Record<Tab, string> = { details: 'Details', members: 'Members', guests: 'Guest users' };

export function AccountDetailPage() {
  const { accountId = '' } = useParams();
  const q = useAccount(accountId);
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [requesting, setRequesting] = useState(false);
  const [sharingWithGuests, setSharingWithGuests] = useState(false);
  const guestOf = useSession().localPartner;
  const del = useDeleteAccount(accountId);
  const restore = useRestoreAccount(accountId);
  const toast = useToast();
  useTitle(q.data?.label ?? 'Account');

  if (q.isPending) return <Loading label="Loading account…" />;
  if (q.isError) {
    if (isApiError(q.error, 'not_found') || isApiError(q.error, 'validation_failed')) {
      return (
        <div className="card">
          <EmptyState
            title="Account not found"
            action={
              <Link className="btn btn-primary" to="/accounts">
                Back to All accounts
              </Link>
            }
          >
            It may have been removed, or it was never shared with you.
          </EmptyState>
        </div>
      );
    }
    return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  }

  const a = q.data;
  const tabs: Tab[] = a.abilities.viewMembers ? ['details', 'members'] : ['details'];
  // Host Admins who Own it manage the guests of its local partners on their own tab (ADR 0012).
  if (a.guestPartners.length > 0) tabs.push('guests');
  const tabParam = params.get('tab');
  const requested: Tab = tabParam === 'members' || tabParam === 'guests' ? tabParam : 'details';
  const tab: Tab = tabs.includes(requested) ? requested : 'details';
  const selectTab = (t: Tab) => setParams(t === 'details' ? {} : { tab: t }, { replace: true });

  return (
    <>
      <Link to="/accounts" className="back-link">
        <ChevronLeftIcon /> All accounts
      </Link>
      <div className="page-header">
        <div className="detail-head">
          <span className="app-icon-stack">
            <AppIcon application={a.application} size="lg" />
            {a.hostWorkspaceName ? <PartnerBadge hostName={a.hostWorkspaceName} size="lg" /> : null}
          </span>
          <div>
            <h1>{a.label}</h1>
            <p className="sub">
              {a.application} · <Badge tone={a.myRole === 'owner' ? 'accent' : 'neutral'}>Your role: {a.myRoleLabel}</Badge>{' '}
              {a.status === 'deleted' ? <Badge tone="danger">Deleted</Badge> : null}
            </p>
            {a.hostWorkspaceName ? <p className="shared-by-line">Shared by {a.hostWorkspaceName} through a partnership</p> : null}
          </div>
        </div>
        <div className="page-actions">
          {a.abilities.login && a.status === 'active' && a.loginUrl ? <LoginButton accountId={a.id} label={a.label} /> : null}
          {a.abilities.shareWithGuests && guestOf && a.status === 'active' ? (
            <Button onClick={() => setSharingWithGuests(true)}>Share access</Button>
          ) : null}
          {a.abilities.requestAccess && a.status === 'active' ? (
            <Button icon={<RequestAccessIcon />} onClick={() => setRequesting(true)}>
              Request share access
            </Button>
          ) : null}
          {a.abilities.update ? <Button onClick={() => setEditing(true)}>Edit</Button> : null}
          {a.abilities.delete ? (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          ) : null}
          {a.abilities.restore && a.status === 'deleted' ? (
            <Button
              variant="primary"
              busy={restore.isPending}
              onClick={() =>
                restore.mutate(undefined, {
                  onSuccess: (r) => toast.success(`“${r.label}” was restored. Everyone who had access has it again.`),
                  onError: (e) => toast.error(errorMessage(e)),
                })
              }
            >
              Restore
            </Button>
          ) : null}
        </div>
      </div>

      {a.status === 'deleted' ? (
        <div className="callout callout-warning" style={{ marginBottom: 16 }} role="note">
          <InfoIcon />
          <p>
            This account was deleted{a.deletedAt ? ` on ${formatDateTime(a.deletedAt)}` : ''}. Nobody can use it until an Owner
            restores it.
          </p>
        </div>
      ) : null}

      <Tabs
        label="Account sections"
        tabs={tabs.map((t) => ({ id: t, label: TAB_LABELS[t] }))}
        selected={tab}
        onSelect={selectTab}
      >
        {tab === 'details' ? <DetailsTab account={a} /> : tab === 'guests' ? <AccountGuestsTab account={a} /> : <AccountMembersTab account={a} />}
      </Tabs>
      {a.abilities.requestAccess ? <MyAccessRequests account={a} /> : null}
      {requesting ? <RequestAccessDialog account={a} onClose={() => setRequesting(false)} /> : null}
      {sharingWithGuests && guestOf ? (
        <ShareWithGuestsDialog partnerId={guestOf.id} account={{ accountId: a.id, label: a.label }} onClose={() => setSharingWithGuests(false)} />
      ) : null}

      <AccountFormDialog open={editing} onClose={() => setEditing(false)} account={a} />
      <ConfirmDialog
        open={confirmDelete}
        onClose={() => {
          setConfirmDelete(false);
          del.reset();
        }}
        title={`Delete “${a.label}”?`}
        confirmLabel="Delete account"
        busy={del.isPending}
        error={<FormError error={del.error} />}
        onConfirm={() =>
          del.mutate(undefined, {
            onSuccess: (r) => {
              setConfirmDelete(false);
              toast.success(`“${r.label}” was deleted. You can restore it from Show deleted.`);
            },
          })
        }
      >
        <p>Nobody can use this account while it is deleted, including its Collaborators.</p>
        <p>Owners can restore it later, with everyone's access as it was.</p>
      </ConfirmDialog>
    </>
  );
}
