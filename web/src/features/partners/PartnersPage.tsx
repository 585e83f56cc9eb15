import { useRef, useState, type KeyboardEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import type { PartnershipDto } from '@shared/partnerships';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PlusIcon, UsersIcon } from '../../components/Icons';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { useTitle } from '../../lib/hooks';
import { Badge } from '../../components/Badge';
import { useCan, useSession } from '../auth/api';
import { LocalPartnersSection } from '../local-partners/LocalPartnersSection';
import { useLocalPartners } from '../local-partners/api';
import { NativePartnersSection } from '../native-partners/NativePartnersSection';
import { AddPartnerDialog } from './AddPartnerDialog';
import { usePartnerships } from './api';
import { AcceptDialog, DeclineDialog } from './PartnershipDialogs';
import { PartnershipDetails, type DetailTab } from './PartnershipDetails';
import { StateBadge, sideText } from './StateBadge';

/** Guest Admin: one "Partnership request" banner per request awaiting their acceptance. */
function RequestBanner({ p }: { p: PartnershipDto }) {
  const [open, setOpen] = useState<'accept' | 'decline' | null>(null);
  return (
    <section className="partner-banner" aria-labelledby={`banner-${p.id}`}>
      <div>
        <h2 id={`banner-${p.id}`}>Partnership request</h2>
        <p>
          {p.host.name} wants to share accounts with your workspace.
          {p.reason ? <span className="muted"> “{p.reason}”</span> : null}
        </p>
      </div>
      <div className="review-actions">
        <Button onClick={() => setOpen('decline')}>Decline request</Button>
        <Button variant="primary" onClick={() => setOpen('accept')}>
          Accept request
        </Button>
      </div>
      {open === 'accept' ? <AcceptDialog partnership={p} onClose={() => setOpen(null)} /> : null}
      {open === 'decline' ? <DeclineDialog partnership={p} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

function PartnerList({
  items,
  selectedId,
  onSelect,
}: {
  items: PartnershipDto[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const refs = useRef<Map<string, HTMLButtonElement>>(new Map());
  const onKey = (e: KeyboardEvent, index: number) => {
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, index + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const p = items[next]!;
    onSelect(p.id);
    refs.current.get(p.id)?.focus();
  };
  return (
    <ul className="partner-list" aria-label="Your partners">
      {items.map((p, i) => (
        <li key={p.id}>
          <button
            ref={(el) => {
              if (el) refs.current.set(p.id, el);
              else refs.current.delete(p.id);
            }}
            type="button"
            aria-current={p.id === selectedId ? 'true' : undefined}
            onClick={() => onSelect(p.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            <span className="partner-name">{p.partnerName}</span>
            <span className="partner-meta">
              <Badge>Host-guest</Badge>
              <StateBadge state={p.state} label={p.stateLabel} />
              <span className="muted">{sideText(p)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function PartnersPage() {
  useTitle('Partners');
  const canView = useCan('partners.view');
  const canRequest = useCan('partners.request');
  // A guest of a local partner sees only their own partner's page (ADR 0012).
  const guestOf = useSession().localPartner;
  const [showEnded, setShowEnded] = useState(false);
  const q = usePartnerships(showEnded ? 'all' : 'current', canView && !guestOf);
  // The same query LocalPartnersSection reads (deduplicated): with local partners, an empty list of
  // host-guest partnerships is a small note, not the page's "No partners yet" welcome.
  const local = useLocalPartners(canView && !guestOf);
  const hasLocalPartners = (local.data?.items.length ?? 0) > 0;
  const [params, setParams] = useSearchParams();
  const [adding, setAdding] = useState(false);

  if (guestOf && canView) return <Navigate to={`/partners/local/${guestOf.id}`} replace />;
  if (!canView) {
    return (
      <div className="card">
        <EmptyState title="Partners are not available to you">Ask a workspace Admin if you need to work with partners.</EmptyState>
      </div>
    );
  }

  const items = q.data?.items ?? [];
  const requested = params.get('partnership');
  const selectedId = requested ?? items[0]?.id ?? null;
  const tab: DetailTab = params.get('tab') === 'members' ? 'members' : 'accounts';
  const select = (id: string | null, t: DetailTab = 'accounts') => {
    const next: Record<string, string> = {};
    if (id) next.partnership = id;
    if (id && t === 'members') next.tab = t;
    setParams(next, { replace: id === selectedId });
  };
  const mayAdd = q.data?.abilities.request ?? canRequest;
  const banners = items.filter((p) => p.side === 'guest' && p.abilities.accept);
  const addButton = (label: string, variant: 'primary' | 'secondary') =>
    mayAdd ? (
      <Button variant={variant} icon={<PlusIcon />} onClick={() => setAdding(true)}>
        {label}
      </Button>
    ) : null;

  return (
    <>
      <PageHeader
        title="Partners"
        description="Share accounts with the people you work with outside your organization, in their own workspace."
        actions={
          q.data ? (
            <div className="workspace-id">
              <span className="workspace-id-label">Workspace ID</span>
              <div className="id-box">
                <code data-testid="workspace-id">{q.data.workspaceId}</code>
                <CopyButton value={q.data.workspaceId} label="Copy Workspace ID" />
              </div>
            </div>
          ) : null
        }
      />
      {q.isPending ? (
        <Loading label="Loading partners…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <>
          {banners.map((p) => (
            <RequestBanner key={p.id} p={p} />
          ))}
          {items.length === 0 && !requested && !showEnded && hasLocalPartners ? (
            <section className="card section" aria-labelledby="host-guest-heading">
              <div className="card-header">
                <div>
                  <h2 id="host-guest-heading">Host-guest partnerships</h2>
                  <p>None yet. Link with an agency, contractor or client's own workspace and share accounts with them.</p>
                </div>
                {addButton('Add partner', 'secondary')}
              </div>
            </section>
          ) : items.length === 0 && !requested && !showEnded ? (
            <div className="card">
              {q.data.abilities.viewAll ? (
                <EmptyState icon={<UsersIcon />} title="No partners yet" action={addButton('Add partner', 'primary')}>
                  Connect with an agency, contractor or client's own workspace, then share accounts with them. They never see your
                  passwords, and you can end their access at any time.
                </EmptyState>
              ) : (
                <EmptyState icon={<UsersIcon />} title="You are not part of a partnership yet" action={addButton('Add partner', 'primary')}>
                  Partnerships you request or own appear here; your workspace's Admins see all of them. Add a partner to connect with
                  an agency, contractor or client's own workspace and share accounts with them, without their seeing your
                  passwords.
                </EmptyState>
              )}
            </div>
          ) : (
            <div className="partners-layout">
              <section className="card partners-side" aria-labelledby="your-partners">
                <div className="card-header">
                  <h2 id="your-partners">Your partners</h2>
                  {addButton('Add', 'secondary')}
                </div>
                {items.length === 0 ? (
                  <p className="muted partner-list-empty">{showEnded ? 'No partnerships yet.' : 'No current partnerships.'}</p>
                ) : (
                  <PartnerList items={items} selectedId={selectedId} onSelect={(id) => select(id)} />
                )}
                <label className="checkbox partner-ended">
                  <input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />
                  Show ended partnerships
                </label>
              </section>
              <section className="card partners-main" aria-label="Partner details">
                {selectedId ? (
                  <PartnershipDetails
                    key={selectedId}
                    id={selectedId}
                    tab={tab}
                    onTab={(t) => select(selectedId, t)}
                    onGone={() => select(null)}
                  />
                ) : (
                  <EmptyState title="Select a partner">Choose a partner on the left to see its details.</EmptyState>
                )}
              </section>
            </div>
          )}
        </>
      )}
      <LocalPartnersSection enabled={canView} />
      <NativePartnersSection />
      {adding ? (
        <AddPartnerDialog
          onClose={() => setAdding(false)}
          onCreated={(p) => {
            setAdding(false);
            select(p.id);
          }}
        />
      ) : null}
    </>
  );
}
