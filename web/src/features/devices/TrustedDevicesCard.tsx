import { useState } from 'react';
import type { TrustedDeviceDto } from '@shared/devices';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorState, FormError } from '../../components/ErrorState';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useRevokeDevice, useTrustedDevices } from './api';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');

/** Settings → Trusted devices: the browser extensions I approved, with Revoke (at once). */
export function TrustedDevicesCard() {
  const list = useTrustedDevices();
  const revoke = useRevokeDevice();
  const toast = useToast();
  const [confirm, setConfirm] = useState<TrustedDeviceDto | null>(null);

  return (
    <section className="card" aria-labelledby="devices-heading">
      <div className="card-header">
        <div>
          <h2 id="devices-heading">Trusted devices</h2>
          <p>Browsers where the Latchkey extension logs you in to accounts. Revoke one you no longer use.</p>
        </div>
      </div>
      <div className="card-body">
        {list.isPending ? (
          <Loading label="Loading devices…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.devices.length === 0 ? (
          <p className="muted">No trusted devices. Pair the Latchkey extension to log in to accounts with one click.</p>
        ) : (
          <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Workspace</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.devices.map((d) => (
                <tr key={d.id}>
                  <td>
                    <strong>{d.browser}</strong> on {d.os}
                  </td>
                  <td>{d.workspaceName}</td>
                  <td>{when(d.createdAt)}</td>
                  <td>
                    {when(d.lastUsedAt)}
                    {d.lastIp ? <span className="muted"> · {d.lastIp}</span> : null}
                  </td>
                  <td className="actions">
                    <Button size="sm" variant="danger" onClick={() => setConfirm(d)} aria-label={`Revoke ${d.browser} on ${d.os}`}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </div>
      <Dialog
        open={!!confirm}
        onClose={() => setConfirm(null)}
        title="Revoke this device?"
        description={confirm ? `${confirm.browser} on ${confirm.os} will stop logging you in at once. You can pair it again later.` : undefined}
        size="sm"
        footer={
          <>
            <Button onClick={() => setConfirm(null)}>Cancel</Button>
            <Button
              variant="danger"
              busy={revoke.isPending}
              onClick={() =>
                confirm &&
                revoke.mutate(confirm.id, {
                  onSuccess: () => {
                    toast.success(`Revoked ${confirm.browser} on ${confirm.os}.`);
                    setConfirm(null);
                  },
                })
              }
            >
              Revoke
            </Button>
          </>
        }
      >
        {revoke.error ? <FormError error={revoke.error} /> : null}
      </Dialog>
    </section>
  );
}
