import { useEffect, useState } from 'react';
import { PENDING_PARTNERSHIP_STATES, type PartnershipDto } from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { InfoIcon, PlusIcon } from '../../components/Icons';
import { Loading } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { useToast } from '../../components/Toast';
import { formatDateTime } from '../../lib/format';
import { useSession } from '../auth/api';
import { retryAfter, usePartnership, usePartnershipCommand, useRemovePartnership, useUpdatePartnership, waitText } from './api';
import { MoreActionsMenu, type MenuItem } from './MoreActionsMenu';
import { AcceptDialog, DeclineDialog, EditRequestDialog, GuestContactDialog, OwnersDialog } from './PartnershipDialogs';
import { AccountsTab, MembersTab } from './PartnerTabs';
import { ShareAccountsDialog } from './ShareAccountsDialog';
import { StateBadge, sideText } from './StateBadge';

export type DetailTab = 'accounts' | 'members';

type Open =
  | null
  | 'share'
  | 'remove'
  | 'decline'
  | 'accept'
  | 'edit'
  | 'contact'
  | 'owners-add'
  | 'owners-remove'
  | 'owners-transfer';

/** Re-render when `iso` passes, so "Send reminder" enables itself without a refresh. */
function useNowPast(iso: string | null): boolean {
  const [, tick] = useState(0);
  const at = iso ? new Date(iso).getTime() : 0;
  const past = !iso || at <= Date.now();
  useEffect(() => {
    if (past) return;
    const t = window.setTimeout(() => tick((n) => n + 1), Math.min(at - Date.now() + 500, 2 ** 31 - 1));
    return () => window.clearTimeout(t);
  }, [past, at]);
  return past;
}

/** Host Admin, while the request awaits them: Learn more / Decline request / Approve request. */
function ReviewPanel({ p, onDecline }: { p: PartnershipDto; onDecline: () => void }) {
  const approve = usePartnershipCommand(p.id, 'approve');
  const toast = useToast();
  const [more, setMore] = useState(false);
  return (
    <section className="card review-panel" aria-labelledby={`review-${p.id}`}>
      <div className="card-body">
        <h3 id={`review-${p.id}`}>Review partnership request</h3>
        <p className="muted">
          {p.requestedBy?.name ?? 'A member'} wants to share accounts with {p.partnerName}. Once you approve, their admin is asked
          to accept.
        </p>
        <button
          type="button"
          className="btn-link"
          aria-expanded={more}
          aria-controls={`review-more-${p.id}`}
          onClick={() => setMore((m) => !m)}
        >
          Learn more
        </button>
        {more ? (
          <dl className="dl review-details" id={`review-more-${p.id}`}>
            <dt>Workspace ID</dt>
            <dd className="mono">{p.guest.workspaceId ?? '—'}</dd>
            <dt>Partner's email address</dt>
            <dd>{p.partnerEmail}</dd>
            <dt>Reason for request</dt>
            <dd className="notes">{p.reason || <span className="muted">No reason given</span>}</dd>
            <dt>Requested by</dt>
            <dd>{p.requestedBy ? `${p.requestedBy.name} (${p.requestedBy.email})` : 'Host user'}</dd>
            <dt>Requested</dt>
            <dd>{formatDateTime(p.requestedAt)}</dd>
            {p.expiresAt ? (
              <>
                <dt>Expires</dt>
                <dd>{formatDateTime(p.expiresAt)}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        <FormError error={approve.error} />
        <div className="review-actions">
          <Button variant="secondary" onClick={onDecline}>
            Decline request
          </Button>
          <Button
            variant="primary"
            busy={approve.isPending}
            onClick={() =>
              approve.mutate(undefined, {
                onSuccess: () => toast.success(`Approved. ${p.partnerName}'s admin is asked to accept the partnership.`),
              })
            }
          >
            Approve request
          </Button>
        </div>
      </div>
    </section>
  );
}

/** Send reminder / Resend request, disabled until nextNudgeAt (once per 24 hours). */
function NudgeButton({ p, command }: { p: PartnershipDto; command: 'remind' | 'resend' }) {
  const nudge = usePartnershipCommand(p.id, command);
  const toast = useToast();
  const ready = useNowPast(p.nextNudgeAt);
  const label = command === 'remind' ? 'Send reminder' : 'Resend request';
  return (
    <div className="nudge">
      <Button
        disabled={!ready}
        busy={nudge.isPending}
        aria-describedby={!ready ? `nudge-${p.id}` : undefined}
        onClick={() =>
          nudge.mutate(undefined, {
            onSuccess: () =>
              toast.success(
                command === 'remind'
                  ? 'Reminder sent to the admins of your workspace.'
                  : `The request was sent to ${p.partnerName} again.`,
              ),
            onError: (e) => {
              const s = retryAfter(e);
              toast.error(s !== null ? `You can do this again ${waitText(s)}.` : errorMessage(e));
            },
          })
        }
      >
        {label}
      </Button>
      {!ready && p.nextNudgeAt ? (
        <span className="field-hint" id={`nudge-${p.id}`}>
          {command === 'remind' ? 'You can send another reminder' : 'You can resend it'} after {formatDateTime(p.nextNudgeAt)}
        </span>
      ) : null}
    </div>
  );
}

function describeState(p: PartnershipDto): string | null {
  const host = p.side === 'host';
  switch (p.state) {
    case 'awaiting_host_admin':
      return `An admin of your workspace must approve this request before ${p.partnerName} is asked.`;
    case 'awaiting_guest_admin':
      return host ? `${p.partnerName}'s admin must accept the partnership.` : `${p.partnerName} wants to share accounts with your workspace.`;
    case 'declined_by_host':
      return `An admin declined this request${p.hostDecision?.reason ? `: “${p.hostDecision.reason}”` : '.'}`;
    case 'declined_by_guest':
      return host
        ? `${p.partnerName} declined${p.guestDecision?.reason ? `: “${p.guestDecision.reason}”` : '.'}`
        : 'Your workspace declined this request.';
    case 'removed':
      return `This partnership was removed${p.removedAt ? ` on ${formatDateTime(p.removedAt)}` : ''}. Access shared through it has ended.`;
    case 'expired':
      return 'This request expired before it was answered.';
    default:
      return null;
  }
}

export function PartnershipDetails({
  id,
  tab,
  onTab,
  onGone,
}: {
  id: string;
  tab: DetailTab;
  onTab: (t: DetailTab) => void;
  onGone: () => void;
}) {
  const q = usePartnership(id);
  const session = useSession();
  const remove = useRemovePartnership(id);
  const settings = useUpdatePartnership(id);
  const toast = useToast();
  const [open, setOpen] = useState<Open>(null);

  if (q.isPending) return <Loading label="Loading partner…" />;
  if (q.isError) {
    if (isApiError(q.error, 'not_found') || isApiError(q.error, 'validation_failed')) {
      return (
        <EmptyState title="Partner not found" action={<Button onClick={onGone}>Back to your partners</Button>}>
          It may have been removed, or it is not visible to you.
        </EmptyState>
      );
    }
    return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  }

  const p = q.data;
  const a = p.abilities;
  const host = p.side === 'host';
  const isOwner = p.owners.some((o) => o.userId === session.user.id);
  const canDecide = session.abilities['partners.decide'] === true;
  const waiting = PENDING_PARTNERSHIP_STATES.includes(p.state) || p.state === 'declined_by_guest';
  const showShareDisabled = host && !a.shareAccounts && waiting && (isOwner || canDecide);
  const close = () => setOpen(null);

  const items: MenuItem[] = [];
  if (a.edit) items.push({ label: 'Edit request', onSelect: () => setOpen('edit') });
  if (a.changeSettings) {
    items.push({
      label: 'Allow Managers to request Manager',
      checked: p.allowManagerRequests,
      onSelect: () =>
        settings.mutate(
          { allowManagerRequests: !p.allowManagerRequests },
          {
            onSuccess: (r) =>
              toast.success(
                r.allowManagerRequests
                  ? `Managers at ${p.partnerName} can now ask for the Manager role.`
                  : `Managers at ${p.partnerName} can now ask for the Collaborator role only.`,
              ),
            onError: (e) => toast.error(errorMessage(e)),
          },
        ),
    });
  }
  if (a.manageOwners) {
    items.push({ label: 'Add Partnership Owner', onSelect: () => setOpen('owners-add') });
    if (p.owners.length > 0) {
      items.push({ label: 'Remove Partnership Owner', onSelect: () => setOpen('owners-remove') });
      items.push({ label: 'Transfer partnership', onSelect: () => setOpen('owners-transfer') });
    }
  }
  if (a.changeGuestContact) items.push({ label: 'Change guest contact', onSelect: () => setOpen('contact') });
  if (a.remove) items.push({ label: 'Remove partner', danger: true, onSelect: () => setOpen('remove') });

  const tabs: DetailTab[] = [...(a.viewAccounts ? (['accounts'] as const) : []), ...(a.viewMembers ? (['members'] as const) : [])];
  const current: DetailTab = tabs.includes(tab) ? tab : (tabs[0] ?? 'accounts');
  const stateText = describeState(p);

  return (
    <div className="partner-details">
      <div className="partner-details-head">
        <div>
          <h2>{p.partnerName}</h2>
          <p className="sub">
            <StateBadge state={p.state} label={p.stateLabel} /> <span className="muted">{sideText(p)}</span>
          </p>
        </div>
        <div className="page-actions">
          {a.remind ? <NudgeButton p={p} command="remind" /> : null}
          {a.resend ? <NudgeButton p={p} command="resend" /> : null}
          {a.shareAccounts ? (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setOpen('share')}>
              Share accounts
            </Button>
          ) : showShareDisabled ? (
            <Button variant="primary" icon={<PlusIcon />} disabled aria-describedby={`share-why-${p.id}`}>
              Share accounts
            </Button>
          ) : null}
          <MoreActionsMenu items={items} text="More actions" />
        </div>
      </div>

      {showShareDisabled ? (
        <div className="callout" role="note" id={`share-why-${p.id}`}>
          <InfoIcon />
          <p>
            {p.state === 'declined_by_guest' && stateText ? `${stateText} ` : ''}
            You can share accounts once {p.partnerName} accepts the partnership.
            {p.state === 'awaiting_host_admin' ? ' An admin of your workspace must approve the request first.' : ''}
          </p>
        </div>
      ) : stateText && !a.approve ? (
        <div className={p.state === 'removed' || p.state.startsWith('declined') || p.state === 'expired' ? 'callout callout-warning' : 'callout'} role="note">
          <InfoIcon />
          <p>{stateText}</p>
        </div>
      ) : null}

      {!host && a.accept ? (
        <div className="review-actions">
          <Button onClick={() => setOpen('decline')}>Decline request</Button>
          <Button variant="primary" onClick={() => setOpen('accept')}>
            Accept request
          </Button>
        </div>
      ) : null}

      <dl className="dl partner-facts">
        {host && p.guest.workspaceId ? (
          <>
            <dt>Workspace ID</dt>
            <dd className="mono">{p.guest.workspaceId}</dd>
          </>
        ) : null}
        <dt>{host ? "Partner's email address" : 'Invited email address'}</dt>
        <dd>{p.partnerEmail}</dd>
        {p.guestContact ? (
          <>
            <dt>Guest contact</dt>
            <dd>{p.guestContact.name}</dd>
          </>
        ) : null}
        {host && p.owners.length > 0 ? (
          <>
            <dt>Partnership Owners</dt>
            <dd>{p.owners.map((o) => o.name).join(', ')}</dd>
          </>
        ) : null}
        <dt>Requested</dt>
        <dd>
          {formatDateTime(p.requestedAt)}
          {p.requestedBy ? ` by ${p.requestedBy.name}` : ''}
        </dd>
        {p.expiresAt ? (
          <>
            <dt>Expires</dt>
            <dd>{formatDateTime(p.expiresAt)}</dd>
          </>
        ) : null}
        {p.state === 'active' ? (
          <>
            <dt>Shared</dt>
            <dd>
              {p.sharedAccountCount} account{p.sharedAccountCount === 1 ? '' : 's'} · {p.memberCount} member
              {p.memberCount === 1 ? '' : 's'} with access
            </dd>
          </>
        ) : null}
      </dl>

      {tabs.length > 0 ? (
        <Tabs
          label="Partner sections"
          tabs={tabs.map((t) => ({ id: t, label: t === 'accounts' ? 'Accounts' : 'Members' }))}
          selected={current}
          onSelect={onTab}
          idPrefix="p"
        >
          {current === 'accounts' ? (
            <>
              {a.approve ? <ReviewPanel p={p} onDecline={() => setOpen('decline')} /> : null}
              <AccountsTab partnership={p} />
            </>
          ) : (
            <MembersTab partnership={p} />
          )}
        </Tabs>
      ) : null}

      {open === 'share' ? <ShareAccountsDialog partnership={p} onClose={close} /> : null}
      {open === 'decline' ? <DeclineDialog partnership={p} onClose={close} /> : null}
      {open === 'accept' ? <AcceptDialog partnership={p} onClose={close} /> : null}
      {open === 'edit' ? <EditRequestDialog partnership={p} onClose={close} /> : null}
      {open === 'contact' ? <GuestContactDialog partnership={p} onClose={close} /> : null}
      {open === 'owners-add' ? <OwnersDialog partnership={p} mode="add" onClose={close} /> : null}
      {open === 'owners-remove' ? <OwnersDialog partnership={p} mode="remove" onClose={close} /> : null}
      {open === 'owners-transfer' ? <OwnersDialog partnership={p} mode="transfer" onClose={close} /> : null}
      <ConfirmDialog
        open={open === 'remove'}
        onClose={() => {
          close();
          remove.reset();
        }}
        title="Remove partner?"
        confirmLabel="Remove"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              close();
              toast.success(`The partnership with ${p.partnerName} was removed.`);
            },
          })
        }
      >
        <p>
          Every access shared through this partnership ends: members of {host ? p.partnerName : 'your workspace'} can no longer
          use {host ? 'your' : `${p.partnerName}'s`} accounts, and pending access requests are cancelled.
        </p>
        <p>{host ? 'Account Owners in your workspace keep their own access.' : 'To work together again, the host must send a new request.'}</p>
      </ConfirmDialog>
    </div>
  );
}
