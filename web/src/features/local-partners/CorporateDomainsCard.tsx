import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CORPORATE_DOMAINS_MAX, EmailDomainSchema, WorkspaceDtoSchema } from '@shared/workspaces';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorState } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useWorkspace, workspaceKey } from '../settings/api';

function useSetCorporateDomains() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (corporateDomains: string[]) => api('PATCH', '/workspace', { body: { corporateDomains }, schema: WorkspaceDtoSchema }),
    onSuccess: (w) => qc.setQueryData(workspaceKey, w),
  });
}

/**
 * Settings → Corporate domains (R-LP-05): the organization's own email domains. Nobody on them
 * can be invited as a guest of a local partner. Shown to those who may update the workspace.
 */
export function CorporateDomainsCard() {
  const ws = useWorkspace();
  const save = useSetCorporateDomains();
  const toast = useToast();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();

  if (ws.isPending) return <div className="card"><Loading label="Loading workspace…" /></div>;
  if (ws.isError) return <div className="card card-body"><ErrorState error={ws.error} onRetry={() => ws.refetch()} /></div>;
  const domains = ws.data.corporateDomains;

  const write = (next: string[], done: string) =>
    save.mutate(next, {
      onSuccess: () => {
        setDraft('');
        toast.success(done);
      },
      onError: (e) => setError(errorMessage(e)),
    });

  const add = (e: FormEvent) => {
    e.preventDefault();
    const parsed = EmailDomainSchema.safeParse(draft);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Enter a domain such as "acme.com".');
    if (domains.includes(parsed.data)) return setError(`${parsed.data} is already listed.`);
    if (domains.length >= CORPORATE_DOMAINS_MAX) return setError(`At most ${CORPORATE_DOMAINS_MAX} domains.`);
    setError(undefined);
    write([...domains, parsed.data], `${parsed.data} is now a corporate domain.`);
  };

  return (
    <section className="card" aria-labelledby="corp-domains-heading">
      <div className="card-header">
        <div>
          <h2 id="corp-domains-heading">Corporate domains</h2>
          <p>Your organization's email domains. People on them join as members, never as guests of a local partner.</p>
        </div>
      </div>
      <div className="card-body">
        {domains.length === 0 ? (
          <p className="muted" style={{ marginBottom: 12 }}>
            No corporate domains yet.
          </p>
        ) : (
          <ul className="domain-list" aria-label="Corporate domains" style={{ listStyle: 'none', padding: 0, marginBottom: 12 }}>
            {domains.map((d) => (
              <li key={d} style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 6 }}>
                <code>{d}</code>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove ${d}`}
                  disabled={save.isPending}
                  onClick={() => write(domains.filter((x) => x !== d), `${d} is no longer a corporate domain.`)}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={add} noValidate>
          <div className="inline-form">
            <TextField
              label="Add a domain"
              placeholder="acme.com"
              autoComplete="off"
              spellCheck={false}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              error={error}
            />
            <Button type="submit" busy={save.isPending}>
              Add
            </Button>
          </div>
        </form>
      </div>
    </section>
  );
}
