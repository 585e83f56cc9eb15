import { Link } from 'react-router';
import { Badge } from '../../components/Badge';
import { ErrorState } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useLocalPartners } from './api';

/**
 * The Partners page's local partners (ADR 0012), listed beside the host-guest partnerships: each
 * with its "Local partner" badge, its hosts and guests, and a link to its page.
 */
export function LocalPartnersSection({ enabled }: { enabled: boolean }) {
  const q = useLocalPartners(enabled);
  if (!enabled) return null;
  if (q.isPending) return <Loading label="Loading local partners…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (q.data.items.length === 0) return null;
  return (
    <section className="card section" aria-labelledby="local-partners-heading" style={{ marginTop: 16 }}>
      <div className="card-header">
        <div>
          <h2 id="local-partners-heading">Local partners ({q.data.items.length})</h2>
          <p>Partners whose people work inside this workspace as guests.</p>
        </div>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Type</th>
              <th scope="col">Host Admins</th>
              <th scope="col">Guests</th>
              <th scope="col">Accounts</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/partners/local/${p.id}`}>{p.companyName}</Link>
                </td>
                <td>
                  <Badge tone="accent">Local partner</Badge>
                </td>
                <td>{p.hostAdmins.map((h) => h.name).join(', ')}</td>
                <td>
                  {p.guestAdminCount + p.guestUserCount}
                  {p.pendingInviteCount > 0 ? <span className="muted"> · {p.pendingInviteCount} invited</span> : null}
                </td>
                <td>{p.sharedAccountCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
