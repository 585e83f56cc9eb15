import { useState } from 'react';
import { ActivityEventTypeSchema, type ActivityRangePreset } from '@shared/activity';
import { ACTIVITY_PARTNERSHIP_EVENT_TYPES, type ActivityItemDto } from '@shared/activity-api';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { SelectField, TextField } from '../../components/Field';
import { ActivityIcon } from '../../components/Icons';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { formatDateTime } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { useAllAccountsForSelect } from '../accounts/api';
import { useCan } from '../auth/api';
import { useMembers } from '../members/api';
import { activityExportUrl, useActivity, type ActivityFilters } from './api';

const PARTNERSHIP_TYPES = new Set<string>(ACTIVITY_PARTNERSHIP_EVENT_TYPES);
const CORE_TYPES = ActivityEventTypeSchema.options.filter((t) => !PARTNERSHIP_TYPES.has(t));

const PRESETS: { value: ActivityRangePreset; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: 'last_7_days', label: 'Last 7 days' },
  { value: 'last_30_days', label: 'Last 30 days' },
  { value: 'last_3_months', label: 'Last 3 months' },
  { value: 'custom', label: 'Custom range' },
];

/** "2026-11-01" (a local calendar day) → the ISO instant of its start or end in local time. */
function dayToIso(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d, 0, 0, 0, 0);
  return date.toISOString();
}

function todayStr(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function Row({ e }: { e: ActivityItemDto }) {
  const client = [e.os, e.browser].filter(Boolean).join(' · ');
  return (
    <tr>
      <td className="muted" style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
      </td>
      <td>
        <div className="person-name">{e.type}</div>
        <div className="person-email">{e.summary}</div>
      </td>
      <td>{e.account ? e.account.label : <span className="muted">—</span>}</td>
      <td>
        {!e.actor ? (
          <span className="muted">System</span>
        ) : e.actor.email === null ? (
          // A host person seen from the guest workspace (spec Q10): a name only, nothing to open.
          <span className="muted" title="Someone in the host workspace of a partnership">
            {e.actor.name}
          </span>
        ) : (
          e.actor.email
        )}
      </td>
      <td className="muted">
        <div className="mono">{e.ip ?? '—'}</div>
        {client ? <div style={{ fontSize: 12 }}>{client}</div> : null}
      </td>
    </tr>
  );
}

export function ActivityPage() {
  useTitle('Activity');
  const canSeeMembers = useCan('members.view');
  const [range, setRange] = useState<ActivityRangePreset>('last_7_days');
  const [from, setFrom] = useState(todayStr(-7));
  const [to, setTo] = useState(todayStr());
  const [accountId, setAccountId] = useState('');
  const [userId, setUserId] = useState('');
  const [type, setType] = useState('');

  const accounts = useAllAccountsForSelect();
  const members = useMembers(canSeeMembers);

  const fromIso = dayToIso(from, false);
  const toIso = dayToIso(to, true);
  const customError =
    range !== 'custom'
      ? undefined
      : !fromIso || !toIso
        ? 'Choose both dates.'
        : toIso < fromIso
          ? 'The end date must not be before the start date.'
          : undefined;

  const parsedType = ActivityEventTypeSchema.safeParse(type);
  const filters: ActivityFilters = {
    range,
    ...(range === 'custom' && !customError ? { from: fromIso, to: toIso } : {}),
    ...(accountId ? { accountId } : {}),
    ...(userId ? { userId } : {}),
    ...(parsedType.success ? { type: parsedType.data } : {}),
  };
  const q = useActivity(filters, !customError);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title="Activity"
        description="Every sign-in, change, share and password retrieval, newest first. Times are in your time zone."
        actions={
          <a className="btn btn-secondary" href={customError ? undefined : activityExportUrl(filters)} download aria-disabled={!!customError || undefined}>
            Export CSV
          </a>
        }
      />
      <div className="toolbar" role="group" aria-label="Filters">
        <SelectField label="Date range" value={range} onChange={(e) => setRange(e.target.value as ActivityRangePreset)}>
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </SelectField>
        {range === 'custom' ? (
          <>
            <TextField label="From" type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
            <TextField label="To" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
          </>
        ) : null}
        <SelectField label="Account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
          <option value="">All accounts</option>
          {(accounts.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </SelectField>
        {canSeeMembers ? (
          <SelectField label="User" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Everyone</option>
            {(members.data?.members ?? []).map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name} ({m.email})
              </option>
            ))}
          </SelectField>
        ) : null}
        <SelectField label="Event type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">All events</option>
          <optgroup label="Workspace and accounts">
            {CORE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </optgroup>
          <optgroup label="Partnerships">
            {ACTIVITY_PARTNERSHIP_EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </optgroup>
        </SelectField>
      </div>
      {customError ? (
        <p className="field-error" role="alert" style={{ marginBottom: 16 }}>
          {customError}
        </p>
      ) : null}

      <div className="card">
        {customError ? (
          <EmptyState title="Choose a date range">Pick a start and an end date to see activity.</EmptyState>
        ) : q.isPending ? (
          <Loading label="Loading activity…" />
        ) : q.isError ? (
          <div className="card-body">
            <ErrorState error={q.error} onRetry={() => q.refetch()} />
          </div>
        ) : items.length === 0 ? (
          <EmptyState icon={<ActivityIcon />} title="No activity in this view">
            Try a longer date range or clear a filter.
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Time (local)</th>
                    <th scope="col">Event</th>
                    <th scope="col">Account</th>
                    <th scope="col">User</th>
                    <th scope="col">IP / OS / Browser</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <Row key={e.id} e={e} />
                  ))}
                </tbody>
              </table>
            </div>
            {q.hasNextPage ? (
              <div className="load-more">
                <Button busy={q.isFetchingNextPage} onClick={() => q.fetchNextPage()}>
                  Load more
                </Button>
              </div>
            ) : null}
          </>
        )}
      </div>
    </>
  );
}
