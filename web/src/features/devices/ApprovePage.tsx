import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { UserCodeSchema } from '@shared/devices';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorState, FormError } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { useTitle } from '../../lib/hooks';
import { useApprovePairing, useDenyPairing, usePairing } from './api';

/**
 * /devices/approve?code=BCDF-GHJK — the extension opened this page (device flow, ADR 0013).
 * The signed-in user checks the code the extension shows, then approves or denies. Approving
 * binds the device to the user and the current workspace.
 */
export function ApprovePage() {
  useTitle('Approve a device');
  const [params] = useSearchParams();
  const parsed = UserCodeSchema.safeParse(params.get('code') ?? '');
  const code = parsed.success ? parsed.data : null;
  const pairing = usePairing(code);
  const approve = useApprovePairing();
  const deny = useDenyPairing();
  const [outcome, setOutcome] = useState<'approved' | 'denied' | null>(null);

  let body;
  if (!code) {
    body = <p>This link has no valid pairing code. Start pairing again from the extension.</p>;
  } else if (outcome === 'approved') {
    body = (
      <>
        <p>
          <strong>Device approved.</strong> Go back to the extension: it finishes pairing by itself. You can revoke it any time under{' '}
          <Link to="/settings">Settings → Trusted devices</Link>.
        </p>
      </>
    );
  } else if (outcome === 'denied') {
    body = <p>Pairing denied. The extension will not be able to use your account.</p>;
  } else if (pairing.isPending) {
    body = <Loading label="Loading the pairing…" />;
  } else if (pairing.isError) {
    body =
      isApiError(pairing.error, 'pairing_expired') || isApiError(pairing.error, 'not_found') ? (
        <p>This pairing code has expired or was already used. Start pairing again from the extension.</p>
      ) : (
        <ErrorState error={pairing.error} onRetry={() => pairing.refetch()} />
      );
  } else {
    const p = pairing.data;
    body = (
      <>
        <p>A browser extension asks to log in to accounts for you in <strong>{p.workspaceName}</strong>. Approve only if you started this and the code matches.</p>
        <dl className="pairing-facts">
          <dt>Code</dt>
          <dd className="pairing-code">{p.userCode}</dd>
          <dt>Browser</dt>
          <dd>{p.browser}</dd>
          <dt>Operating system</dt>
          <dd>{p.os}</dd>
        </dl>
        {approve.error ? <FormError error={approve.error} /> : null}
        {deny.error ? <FormError error={deny.error} /> : null}
        <div className="form-actions">
          <Button onClick={() => deny.mutate(p.userCode, { onSuccess: () => setOutcome('denied') })} busy={deny.isPending} disabled={approve.isPending}>
            Deny
          </Button>
          <Button
            variant="primary"
            onClick={() => approve.mutate(p.userCode, { onSuccess: () => setOutcome('approved') })}
            busy={approve.isPending}
            disabled={deny.isPending}
          >
            Approve this device
          </Button>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Approve a device" />
      <section className="card" aria-label="Pairing">
        <div className="card-body">{body}</div>
      </section>
    </>
  );
}
