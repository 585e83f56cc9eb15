import { useId, useState } from 'react';
import { ACCOUNT_ROLE_LABELS } from '@shared/permissions';
import type { AccessRequestDto } from '@shared/partnerships';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorState, FormError } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { formatDateTime, formatRelative, initials } from '../../lib/format';
import { useAccessRequests, useDecideAccessRequest } from './partnership-api';

/**
 * Pending access requests on one host account, for its Owners (spec §5.4): shown at the top of
 * the account's Members tab as pending members, with Accept and Decline in the Status column.
 * Only requests the viewer may decide are listed (their abilities say so).
 */
export function PendingAccessRequests({ account }: { account: { id: string; label: string } }) {
  const q = useAccessRequests(account.id, 'pending', true);
  const [error, setError] = useState<string | null>(null);
  const items = (q.data?.items ?? []).filter((r) => r.abilities.accept || r.abilities.decline);
  const headingId = useId();

  if (q.isPending) return <Loading label="Loading access requests…" />;
  if (q.isError) {
    return (
      <div className="card-body">
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="Access requests could not be loaded" />
      </div>
    );
  }
  if (items.length === 0) return null;

  return (
    <section className="access-requests" aria-labelledby={headingId}>
      <h3 id={headingId} className="access-requests-title">
        Pending access requests <Badge>{items.length}</Badge>
      </h3>
      {error ? (
        <div style={{ padding: '0 16px 12px' }}>
          <FormError error={error} />
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Requested role</th>
              <th scope="col">Requested by</th>
              <th scope="col">Requested</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <PendingRow key={r.id} r={r} accountId={account.id} accountLabel={account.label} onError={setError} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PendingRow({
  r,
  accountId,
  accountLabel,
  onError,
}: {
  r: AccessRequestDto;
  accountId: string;
  accountLabel: string;
  onError: (msg: string | null) => void;
}) {
  const decide = useDecideAccessRequest(accountId);
  const toast = useToast();
  const [confirmDecline, setConfirmDecline] = useState(false);
  const nameId = useId();
  const busy = decide.isPending ? decide.variables?.action : undefined;

  const accept = () => {
    onError(null);
    decide.mutate(
      { id: r.id, action: 'accept' },
      {
        onSuccess: () => toast.success(`${r.target.name} now has access to “${accountLabel}” as ${ACCOUNT_ROLE_LABELS[r.role]}.`),
        onError: (e) => onError(errorMessage(e)),
      },
    );
  };

  return (
    <tr>
      <td>
        <div className="person">
          <span className="avatar avatar-pending" aria-hidden="true">
            {initials(r.target.name)}
          </span>
          <div>
            <div className="person-name">
              <span id={nameId}>{r.target.name}</span> <Badge tone="warning">Pending request</Badge>
            </div>
            <div className="person-email">{r.target.email}</div>
          </div>
        </div>
      </td>
      <td>
        <Badge>{ACCOUNT_ROLE_LABELS[r.role]}</Badge>
      </td>
      <td className="muted">
        {r.requester.name}
        <div className="person-email">{r.partnerName}</div>
      </td>
      <td className="muted nowrap" title={formatDateTime(r.createdAt)}>
        {formatRelative(r.createdAt)}
      </td>
      <td className="actions">
        <div className="status-actions">
          {r.abilities.accept ? (
            <Button size="sm" variant="primary" busy={busy === 'accept'} disabled={decide.isPending} onClick={accept} aria-describedby={nameId}>
              Accept
            </Button>
          ) : null}
          {r.abilities.decline ? (
            <Button size="sm" busy={busy === 'decline'} disabled={decide.isPending} onClick={() => setConfirmDecline(true)} aria-describedby={nameId}>
              Decline
            </Button>
          ) : null}
        </div>
        <ConfirmDialog
          open={confirmDecline}
          onClose={() => {
            setConfirmDecline(false);
            decide.reset();
          }}
          title={`Decline access for ${r.target.name}?`}
          confirmLabel="Decline request"
          busy={decide.isPending}
          error={decide.error ? <FormError error={decide.error} /> : null}
          onConfirm={() =>
            decide.mutate(
              { id: r.id, action: 'decline' },
              {
                onSuccess: () => {
                  setConfirmDecline(false);
                  toast.success(`The request for ${r.target.name} was declined.`);
                },
              },
            )
          }
        >
          <p>
            {r.requester.name} asked for {r.target.name} ({r.partnerName}) to get access to “{accountLabel}” as{' '}
            {ACCOUNT_ROLE_LABELS[r.role]}. They will be told the request was declined.
          </p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

/**
 * "My requests": the pending access requests the signed-in member sent for this account, each
 * with Cancel (shown on the account page of a guest Manager).
 */
export function MyAccessRequests({ account }: { account: { id: string; label: string } }) {
  const q = useAccessRequests(account.id, 'pending', true);
  const decide = useDecideAccessRequest(account.id);
  const toast = useToast();
  const items = (q.data?.items ?? []).filter((r) => r.abilities.cancel);
  const headingId = useId();

  if (q.isPending || q.isError || items.length === 0) {
    return q.isError ? <ErrorState error={q.error} onRetry={() => q.refetch()} title="Your requests could not be loaded" /> : null;
  }

  return (
    <section className="card my-requests" aria-labelledby={headingId}>
      <div className="card-header">
        <div>
          <h2 id={headingId}>My requests</h2>
          <p>Waiting for an Owner of “{account.label}” to accept or decline.</p>
        </div>
      </div>
      <FormError error={decide.error} />
      <ul className="request-list">
        {items.map((r) => (
          <li key={r.id} className="request-item">
            <div className="person">
              <span className="avatar" aria-hidden="true">
                {initials(r.target.name)}
              </span>
              <div>
                <div className="person-name" id={`req-${r.id}`}>
                  {r.target.name}
                </div>
                <div className="person-email">
                  {r.target.email} · {ACCOUNT_ROLE_LABELS[r.role]} · requested {formatRelative(r.createdAt)}
                </div>
              </div>
            </div>
            <Button
              size="sm"
              busy={decide.isPending && decide.variables?.id === r.id}
              disabled={decide.isPending}
              aria-describedby={`req-${r.id}`}
              onClick={() =>
                decide.mutate(
                  { id: r.id, action: 'cancel' },
                  { onSuccess: () => toast.success(`The request for ${r.target.name} was cancelled.`) },
                )
              }
            >
              Cancel
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
