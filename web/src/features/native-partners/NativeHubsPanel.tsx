import { useState } from 'react';
import {
  ConnectNativeHubRequestSchema,
  NATIVE_HUB_LABELS,
  NativePlatformSchema,
  NativeCredentialRequestSchema,
  PLATFORM_TOKEN_MAX,
  type NativeHubDto,
  type NativePlatform,
} from '@shared/native-partners';
import { errorMessage, isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { SelectField, TextField } from '../../components/Field';
import { PlusIcon } from '../../components/Icons';
import { useToast } from '../../components/Toast';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useCheckForUpdates, useConnectHub, useDisconnectHub, useNativeHubs, useReplaceHubToken } from './api';
import { formatDateTime } from '../../lib/format';

const when = (iso: string | null) => (iso ? formatDateTime(iso) : 'never');

/** "Connect a business hub": platform, business id, token. The server checks the token on the platform before saving. */
function ConnectHubDialog({ onClose }: { onClose: () => void }) {
  const connect = useConnectHub();
  const toast = useToast();
  const [platform, setPlatform] = useState<NativePlatform>('meta');
  const [businessId, setBusinessId] = useState('');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const submit = () => {
    setFormError(null);
    const parsed = ConnectNativeHubRequestSchema.safeParse({ platform, businessId, token });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    connect.mutate(parsed.data, {
      onSuccess: (hub) => {
        toast.success(`${hub.name} is connected. You are its App Owner.`);
        onClose();
      },
      onError: (e) => (isApiError(e, 'validation_failed') ? setErrors(e.fieldErrors()) : setFormError(errorMessage(e))),
    });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title="Connect a business hub"
      description="Latchkey reads partners, shared assets and roles from the platform. It never changes anything there."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={connect.isPending}>
            Connect
          </Button>
        </>
      }
    >
      {formError ? <FormError error={formError} /> : null}
      <SelectField label="Platform" value={platform} onChange={(e) => setPlatform(e.target.value as NativePlatform)}>
        {NativePlatformSchema.options.map((p) => (
          <option key={p} value={p}>
            {NATIVE_HUB_LABELS[p]}
          </option>
        ))}
      </SelectField>
      <TextField label="Business ID" autoComplete="off" spellCheck={false} value={businessId} onChange={(e) => setBusinessId(e.target.value)} error={errors.businessId} maxLength={64} />
      <TextField
        label="Token"
        type="password"
        autoComplete="off"
        hint="A system-user token with read access (expiry “Never” recommended). It is stored encrypted and never shown again."
        value={token}
        onChange={(e) => setToken(e.target.value)}
        error={errors.token}
        maxLength={PLATFORM_TOKEN_MAX}
      />
    </Dialog>
  );
}

/** Replace a hub's token (App Owners): also how a disconnected hub is connected again. */
export function TokenDialog({
  title,
  description,
  busy,
  onSubmit,
  onClose,
  submitLabel = 'Connect',
}: {
  title: string;
  description: string;
  busy: boolean;
  onSubmit: (token: string, fail: (message: string) => void) => void;
  onClose: () => void;
  submitLabel?: string;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      description={description}
      onSubmit={() => {
        const parsed = NativeCredentialRequestSchema.safeParse({ token });
        if (!parsed.success) return setError('Enter the token.');
        setError(null);
        setFormError(null);
        onSubmit(parsed.data.token, setFormError);
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {formError ? <FormError error={formError} /> : null}
      <TextField label="Token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} error={error ?? undefined} maxLength={PLATFORM_TOKEN_MAX} />
    </Dialog>
  );
}

function HubRow({ hub }: { hub: NativeHubDto }) {
  const check = useCheckForUpdates();
  const replace = useReplaceHubToken();
  const disconnect = useDisconnectHub();
  const toast = useToast();
  const [dialog, setDialog] = useState<'replace' | 'disconnect' | null>(null);
  return (
    <li className="native-hub" data-testid={`hub-${hub.externalId}`}>
      <div className="native-hub-main">
        <strong>{hub.name}</strong> <span className="muted">{NATIVE_HUB_LABELS[hub.platform]} · {hub.externalId}</span>{' '}
        {hub.status === 'connected' ? <Badge tone="success">Connected</Badge> : <Badge tone="danger">Disconnected</Badge>}
        <div className="muted">
          App Owners: {hub.appOwners.map((o) => o.name || o.email).join(', ') || 'none'} · {hub.partners.onboarded} onboarded, {hub.partners.pendingOnboarding} pending ·
          last check {when(hub.lastDiscoveryAt)}
        </div>
        {hub.cannotRead.length > 0 ? (
          <div className="muted">
            The token cannot read: {hub.cannotRead.join(', ')}. It can read: {hub.canRead.join(', ') || 'nothing'}.
          </div>
        ) : null}
      </div>
      <div className="native-actions">
        {hub.abilities.checkForUpdates ? (
          <Button
            size="sm"
            busy={check.isPending}
            onClick={() =>
              check.mutate(hub.id, {
                onSuccess: (r) =>
                  toast.success(
                    (r.discovered > 0 ? `Found ${r.discovered} new ${r.discovered === 1 ? 'partner' : 'partners'}.` : 'No new partners.') +
                      (r.notChecked > 0 ? ` ${r.notChecked} more were not checked this time: check for updates again later.` : ''),
                  ),
                onError: (e) => toast.error(errorMessage(e)),
              })
            }
          >
            Check for updates
          </Button>
        ) : null}
        {hub.abilities.replaceCredential ? (
          <Button size="sm" onClick={() => setDialog('replace')}>
            {hub.status === 'connected' ? 'Replace token' : 'Connect again'}
          </Button>
        ) : null}
        {hub.abilities.disconnect ? (
          <Button size="sm" variant="danger" onClick={() => setDialog('disconnect')}>
            Disconnect
          </Button>
        ) : null}
      </div>
      {dialog === 'replace' ? (
        <TokenDialog
          title={`Replace the token of ${hub.name}`}
          description="The new token is checked on the platform before it replaces the old one."
          busy={replace.isPending}
          submitLabel="Replace"
          onClose={() => setDialog(null)}
          onSubmit={(token, fail) =>
            replace.mutate(
              { hubId: hub.id, token },
              {
                onSuccess: () => {
                  toast.success('The token was replaced.');
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
          title={`Disconnect ${hub.name}?`}
          description="Latchkey forgets the token. Synced partner people stay visible, marked as stale, until the next successful sync."
          onSubmit={() =>
            disconnect.mutate(hub.id, {
              onSuccess: () => {
                toast.success(`${hub.name} was disconnected.`);
                setDialog(null);
              },
              onError: (e) => toast.error(errorMessage(e)),
            })
          }
          footer={
            <>
              <Button onClick={() => setDialog(null)}>Cancel</Button>
              <Button type="submit" variant="danger" busy={disconnect.isPending}>
                Disconnect
              </Button>
            </>
          }
        >
          <p>Only App Owners can connect it again.</p>
        </Dialog>
      ) : null}
    </li>
  );
}

/** Business hubs: where Admins manage the integrations native partners come from. */
export function NativeHubsPanel() {
  const q = useNativeHubs();
  const [connecting, setConnecting] = useState(false);
  if (!q.data) return null;
  if (q.data.hubs.length === 0 && !q.data.abilities.connect) return null;
  return (
    <div className="native-hubs">
      <div className="card-header">
        <h3>Business hubs</h3>
        {q.data.abilities.connect ? (
          <Button size="sm" icon={<PlusIcon />} onClick={() => setConnecting(true)}>
            Connect a business hub
          </Button>
        ) : null}
      </div>
      {q.data.hubs.length === 0 ? (
        <p className="muted">Connect your Meta Business Manager, TikTok Business Center or Pinterest Business to see the partners that hold your assets.</p>
      ) : (
        <ul className="native-hub-list">
          {q.data.hubs.map((h) => (
            <HubRow key={h.id} hub={h} />
          ))}
        </ul>
      )}
      {connecting ? <ConnectHubDialog onClose={() => setConnecting(false)} /> : null}
    </div>
  );
}
