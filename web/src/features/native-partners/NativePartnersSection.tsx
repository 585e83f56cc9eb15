import { useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  ACCESS_LEVEL_LABELS,
  NATIVE_HUB_LABELS,
  NATIVE_PARTNER_STATUS_LABELS,
  NATIVE_SYNC_STATUS_LABELS,
  NativePlatformSchema,
  PEOPLE_VISIBILITY_LABELS,
  type NativePartnerDto,
  type NativeSyncJobDto,
} from '@shared/native-partners';
import { errorMessage } from '../../api/client';
import { Badge, type BadgeTone } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorState } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useCan } from '../auth/api';
import { progressText, useConnectPartner, useDisconnectPartner, useNativePartner, useNativePartners, useSyncNow } from './api';
import { NativeHubsPanel, TokenDialog } from './NativeHubsPanel';
import { formatDateTime } from '../../lib/format';

const JOB_TONE: Record<NativeSyncJobDto['status'], BadgeTone> = {
  queued: 'neutral',
  running: 'accent',
  retrying: 'warning',
  completed: 'success',
  not_completed: 'danger',
};

function JobStatus({ job }: { job: NativeSyncJobDto }) {
  const progress = progressText(job);
  return (
    <span className="native-job" data-testid="job-status">
      <Badge tone={JOB_TONE[job.status]}>{NATIVE_SYNC_STATUS_LABELS[job.status]}</Badge>
      {progress && job.status !== 'completed' ? <span className="muted"> {progress}</span> : null}
    </span>
  );
}

/** The Automation log of the latest job: Queued → Running → (Retrying) → Completed / Not completed. */
function AutomationLog({ job }: { job: NativeSyncJobDto }) {
  return (
    <details className="native-log" open={job.status === 'not_completed'}>
      <summary>
        Automation log <JobStatus job={job} />
      </summary>
      {job.reason ? <p className="field-error">{job.reason}</p> : null}
      <ol>
        {job.log.map((l, i) => (
          <li key={i}>
            <time dateTime={l.at}>{formatDateTime(l.at)}</time> <strong>{NATIVE_SYNC_STATUS_LABELS[l.status]}</strong> {l.message}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Partner details: assets and people with the raw platform role and the normalized level. Read-only (R-NP-05). */
function NativePartnerDetails({ id }: { id: string }) {
  const q = useNativePartner(id);
  const connect = useConnectPartner();
  const disconnect = useDisconnectPartner();
  const sync = useSyncNow();
  const toast = useToast();
  const [dialog, setDialog] = useState<'connect' | 'disconnect' | null>(null);
  if (q.isPending) return <Loading label="Loading partner…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const { partner: p, assets, people } = q.data;
  const name = p.name ?? p.externalId;
  const running = p.latestJob && ['queued', 'running', 'retrying'].includes(p.latestJob.status);
  return (
    <div className="native-details" aria-label={`${name} details`}>
      <div className="card-header">
        <div>
          <h3>{name}</h3>
          <p className="muted">
            {NATIVE_HUB_LABELS[p.platform]} partner {p.externalId} · through {p.hubName}
            {p.lastSyncAt ? ` · synced ${formatDateTime(p.lastSyncAt)}` : ' · not synced yet'}
          </p>
        </div>
        <div className="native-actions">
          {p.abilities.sync ? (
            <Button
              size="sm"
              variant="primary"
              busy={sync.isPending}
              disabled={!!running}
              onClick={() => sync.mutate(p.id, { onSuccess: () => toast.success('Sync started.'), onError: (e) => toast.error(errorMessage(e)) })}
            >
              Sync now
            </Button>
          ) : null}
          {p.abilities.connect ? (
            <Button size="sm" onClick={() => setDialog('connect')}>
              Connect partner token
            </Button>
          ) : null}
          {p.abilities.disconnect ? (
            <Button size="sm" variant="danger" onClick={() => setDialog('disconnect')}>
              Disconnect token
            </Button>
          ) : null}
        </div>
      </div>
      {p.stale ? <p className="muted">The token was disconnected: people are shown as last seen until the next successful sync.</p> : null}
      {p.latestJob ? <AutomationLog job={p.latestJob} /> : null}

      <h4>Assets shared with {name}</h4>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Partner's role</th>
              <th scope="col">Access level</th>
              <th scope="col">People</th>
            </tr>
          </thead>
          <tbody>
            {assets.map((a) => (
              <tr key={a.id} className={a.removed ? 'muted' : undefined}>
                <td>
                  {a.name ?? a.externalId} <span className="muted">{a.type.replaceAll('_', ' ').toLowerCase()}</span>
                  {a.removed ? <Badge>No longer shared</Badge> : null}
                </td>
                <td>
                  <code>{a.rawRoles.join(', ') || '—'}</code>
                </td>
                <td>{ACCESS_LEVEL_LABELS[a.level]}</td>
                <td>{a.peopleVisibility === 'visible' ? a.people : <span className="muted">{PEOPLE_VISIBILITY_LABELS[a.peopleVisibility]}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h4>People of {name} on your assets</h4>
      {people.length === 0 ? (
        <p className="muted">{p.lastSyncAt ? 'No people could be seen on your assets.' : 'Sync the partner to see its people.'}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label={`People of ${name}`}>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Asset</th>
                <th scope="col">Platform role</th>
                <th scope="col">Access level</th>
              </tr>
            </thead>
            <tbody>
              {people.flatMap((person) => {
                const label = (
                  <>
                    {person.displayName ?? person.externalId}
                    {person.email ? <span className="muted"> {person.email}</span> : null} {person.kind === 'SYSTEM' ? <Badge>System user</Badge> : null}
                    {person.removed ? <Badge>Removed</Badge> : null}
                    {person.stale ? <Badge tone="warning">Stale</Badge> : null}
                  </>
                );
                if (person.access.length === 0) {
                  return [
                    <tr key={person.id} className="muted">
                      <td>{label}</td>
                      <td colSpan={3}>No access at the last sync</td>
                    </tr>,
                  ];
                }
                return person.access.map((a, i) => (
                  <tr key={`${person.id}-${a.assetId}`}>
                    <td>{i === 0 ? label : null}</td>
                    <td>{a.assetName ?? a.assetId}</td>
                    <td>
                      <code>{a.rawRoles.join(', ') || '—'}</code>
                    </td>
                    <td>{ACCESS_LEVEL_LABELS[a.level]}</td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">Roles are read from the platform and cannot be changed in Latchkey.</p>

      {dialog === 'connect' ? (
        <TokenDialog
          title={`Connect ${name}`}
          description="Paste the partner's read-only token (shared with you securely, e.g. as a Latchkey secret). It is checked on the platform, then stored encrypted."
          busy={connect.isPending}
          onClose={() => setDialog(null)}
          onSubmit={(token, fail) =>
            connect.mutate(
              { partnerId: p.id, token },
              {
                onSuccess: () => {
                  toast.success(`${name} is onboarded.`);
                  setDialog(null);
                },
                onError: (e) => fail(errorMessage(e)),
              },
            )
          }
        />
      ) : null}
      {dialog === 'disconnect' ? (
        <Dialog
          open
          onClose={() => setDialog(null)}
          title={`Disconnect the token of ${name}?`}
          description="The partner goes back to Pending onboarding. Its people stay visible, marked as stale, until the next successful sync."
          onSubmit={() =>
            disconnect.mutate(p.id, {
              onSuccess: () => {
                toast.success(`The token of ${name} was disconnected.`);
                setDialog(null);
              },
              onError: (e) => toast.error(errorMessage(e)),
            })
          }
          footer={
            <>
              <Button onClick={() => setDialog(null)}>Cancel</Button>
              <Button type="submit" variant="danger" busy={disconnect.isPending}>
                Disconnect token
              </Button>
            </>
          }
        >
          <p>Use this when the token expired, is wrong, or your contact at the partner changed.</p>
        </Dialog>
      ) : null}
    </div>
  );
}

function PartnerRow({ p, selected, onSelect }: { p: NativePartnerDto; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <button type="button" className="native-partner" aria-current={selected ? 'true' : undefined} onClick={onSelect}>
        <span className="partner-name">{p.name ?? p.externalId}</span>
        <span className="partner-meta">
          <Badge tone={p.status === 'onboarded' ? 'success' : 'warning'}>{NATIVE_PARTNER_STATUS_LABELS[p.status]}</Badge>
          {p.stale ? <Badge tone="warning">Stale</Badge> : null}
          {p.removed ? <Badge>Nothing shared any more</Badge> : null}
          <span className="muted">
            {p.sharedAssets} {p.sharedAssets === 1 ? 'asset' : 'assets'} · {p.people} {p.people === 1 ? 'person' : 'people'}
          </span>
          {p.latestJob ? <JobStatus job={p.latestJob} /> : null}
        </span>
      </button>
    </li>
  );
}

/**
 * Native partners on the Partners page (partners-spec §5.8): business hubs, then the partners of
 * each platform with their status, and the selected partner's assets and people (read-only).
 */
export function NativePartnersSection() {
  const canView = useCan('nativePartners.view');
  const q = useNativePartners(canView);
  const [params, setParams] = useSearchParams();
  if (!canView) return null;
  const selected = params.get('nativePartner');
  const select = (id: string) => {
    const next = new URLSearchParams(params);
    if (selected === id) next.delete('nativePartner');
    else next.set('nativePartner', id);
    setParams(next, { replace: true });
  };
  const partners = q.data?.partners ?? [];
  return (
    <section className="card native-partners" aria-labelledby="native-partners-title">
      <div className="card-header">
        <div>
          <h2 id="native-partners-title">Native partners</h2>
          <p className="muted">Agencies that hold your assets on Meta, TikTok and Pinterest, with their people and roles as the platform reports them.</p>
        </div>
      </div>
      <NativeHubsPanel />
      {q.isPending ? (
        <Loading label="Loading native partners…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : partners.length === 0 ? (
        <p className="muted">No native partners yet. Connect a business hub, then use “Check for updates”.</p>
      ) : (
        NativePlatformSchema.options
          .filter((platform) => partners.some((p) => p.platform === platform))
          .map((platform) => (
            <div key={platform} className="native-platform">
              <h3>{NATIVE_HUB_LABELS[platform]} partners</h3>
              <ul className="partner-list" aria-label={`${NATIVE_HUB_LABELS[platform]} partners`}>
                {partners
                  .filter((p) => p.platform === platform)
                  .map((p) => (
                    <PartnerRow key={p.id} p={p} selected={p.id === selected} onSelect={() => select(p.id)} />
                  ))}
              </ul>
            </div>
          ))
      )}
      {selected && partners.some((p) => p.id === selected) ? <NativePartnerDetails key={selected} id={selected} /> : null}
    </section>
  );
}
