import { ACCESS_LEVEL_LABELS, NATIVE_PLATFORM_LABELS, NativePlatformSchema } from '@shared/native-partners';
import { Badge } from '../../components/Badge';
import { useCan } from '../auth/api';
import { useNativeGuestUsers } from './api';
import { formatDate } from '../../lib/format';

/**
 * Members page: "<Platform> Business guest users" — the native partners' people seen on our assets
 * at the last sync. Read-only: they never sign in to Latchkey (R-NP-03), their roles live on the platform.
 */
export function NativeGuestUsers() {
  const canView = useCan('nativePartners.view');
  const q = useNativeGuestUsers(undefined, canView);
  const people = q.data?.people ?? [];
  if (!canView || people.length === 0) return null;
  return (
    <>
      {NativePlatformSchema.options
        .filter((platform) => people.some((p) => p.platform === platform))
        .map((platform) => (
          <section key={platform} className="card" aria-labelledby={`native-guests-${platform}`}>
            <div className="card-header">
              <h2 id={`native-guests-${platform}`}>{NATIVE_PLATFORM_LABELS[platform]} Business guest users</h2>
              <p className="muted">People of your native partners on your assets, as of the last sync. Their roles are managed on the platform.</p>
            </div>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Partner</th>
                    <th scope="col">Assets</th>
                    <th scope="col">Highest access</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {people
                    .filter((p) => p.platform === platform)
                    .map((p) => (
                      <tr key={p.id}>
                        <td>
                          {p.displayName ?? 'Unnamed'}
                          {p.email ? <span className="muted"> {p.email}</span> : null} {p.kind === 'SYSTEM' ? <Badge>System user</Badge> : null}
                          {p.stale ? <Badge tone="warning">Stale</Badge> : null}
                        </td>
                        <td>{p.partnerName ?? '—'}</td>
                        <td>{p.assets}</td>
                        <td>{ACCESS_LEVEL_LABELS[p.level]}</td>
                        <td>{formatDate(p.lastSeenAt)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
    </>
  );
}
