import { useId, useState } from 'react';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLE_RANK } from '@shared/permissions';
import type { PartnershipAccountRole } from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorState, FormError } from '../../components/ErrorState';
import { Spinner } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { useDebounced } from '../../lib/hooks';
import { useAccessRequestCandidates, useCreateAccessRequest } from './partnership-api';

/** A person with a plus: "Request share access" (decorative; the button carries the name). */
export const RequestAccessIcon = () => (
  <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <circle cx="6" cy="5.5" r="2.5" />
    <path d="M1.5 13.5c.6-2.3 2.3-3.5 4.5-3.5s3.9 1.2 4.5 3.5M12.5 5v5M10 7.5h5" />
  </svg>
);

interface Picked {
  userId: string;
  name: string;
  email: string;
  /** Login-Only members can receive Collaborator only. */
  collaboratorOnly: boolean;
}

const ROLE_HELP: Record<PartnershipAccountRole, string> = {
  collaborator: 'Logs in with the account, without ever seeing its password.',
  manager: 'Logs in with the account and can request access for other members of your workspace.',
};

/** Messages for the errors people can cause here, in product words. */
function explain(e: unknown): string {
  if (isApiError(e, 'conflict') || isApiError(e, 'already_exists')) {
    return `A request like this one is already waiting for the account's owners. ${e.message}`;
  }
  if (isApiError(e, 'validation_failed')) {
    const first = Object.values(e.fieldErrors())[0];
    return first ?? e.message;
  }
  return errorMessage(e);
}

/**
 * "Request share access" (spec §5.4, seed 001): a Manager on a host's account picks members of
 * their own workspace and a role; any Owner of the account on the host side then accepts or
 * declines. Rendered only while open, so each opening starts empty.
 */
export function RequestAccessDialog({ account, onClose }: { account: { id: string; label: string }; onClose: () => void }) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const candidates = useAccessRequestCandidates(account.id, q, true);
  const create = useCreateAccessRequest(account.id);
  const toast = useToast();
  const [picked, setPicked] = useState<Picked[]>([]);
  const [role, setRole] = useState<PartnershipAccountRole>('collaborator');
  const [pickError, setPickError] = useState<string | null>(null);
  const searchId = useId();
  const listId = useId();
  const roleId = useId();

  const managerAllowed = candidates.data?.managerRoleAllowed === true;
  const collaboratorOnlyPicked = picked.filter((p) => p.collaboratorOnly);
  const managerDisabled = collaboratorOnlyPicked.length > 0;
  const effectiveRole: PartnershipAccountRole = managerAllowed && !managerDisabled ? role : 'collaborator';
  const pickedIds = new Set(picked.map((p) => p.userId));

  const toggle = (p: Picked) => {
    setPickError(null);
    setPicked((xs) => (xs.some((x) => x.userId === p.userId) ? xs.filter((x) => x.userId !== p.userId) : [...xs, p]));
  };

  const submit = () => {
    if (picked.length === 0) {
      setPickError('Pick at least one member.');
      return;
    }
    create.mutate(
      { userIds: picked.map((p) => p.userId), role: effectiveRole },
      {
        onSuccess: () => {
          toast.success("Request sent to the account's owners");
          onClose();
        },
      },
    );
  };

  const items = candidates.data?.items ?? [];

  return (
    <Dialog
      open
      onClose={onClose}
      title="Request share access"
      description={`Ask the Owners of “${account.label}” to give members of your workspace access. They get access once an Owner accepts.`}
      onSubmit={submit}
      size="md"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Send
          </Button>
        </>
      }
    >
      <FormError error={create.error ? explain(create.error) : null} />
      <div className={`field ${pickError ? 'field-invalid' : ''}`}>
        <label htmlFor={searchId} className="field-label">
          Members
        </label>
        <input
          id={searchId}
          className="input"
          type="search"
          placeholder="Search by name or email"
          autoComplete="off"
          value={search}
          aria-controls={listId}
          onChange={(e) => setSearch(e.target.value)}
          // Enter in the search box searches; it does not send the request.
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.preventDefault();
          }}
        />
        {pickError ? (
          <p className="field-error" role="alert">
            {pickError}
          </p>
        ) : null}
      </div>

      {picked.length > 0 ? (
        <ul className="chips" aria-label="Selected members">
          {picked.map((p) => (
            <li key={p.userId} className="chip">
              <span>{p.name}</span>
              <button type="button" className="chip-remove" aria-label={`Remove ${p.name}`} onClick={() => toggle(p)}>
                <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
                  <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <div className="candidate-list" id={listId} aria-busy={candidates.isFetching || undefined}>
        {candidates.isPending ? (
          <div className="candidate-empty">
            <Spinner size={16} /> Loading members…
          </div>
        ) : candidates.isError ? (
          <ErrorState error={candidates.error} onRetry={() => candidates.refetch()} />
        ) : items.length === 0 ? (
          <p className="candidate-empty">{q ? `No member matches “${q}”.` : 'There is nobody else in your workspace to ask for.'}</p>
        ) : (
          <ul aria-label="Members of your workspace">
            {items.map((c) => {
              const unavailable = c.unavailableReason !== null;
              const collaboratorOnly = ACCOUNT_ROLE_RANK[c.maxRole] < ACCOUNT_ROLE_RANK.manager;
              return (
                <li key={c.userId}>
                  <label className={`candidate ${unavailable ? 'candidate-disabled' : ''}`}>
                    <input
                      type="checkbox"
                      checked={pickedIds.has(c.userId)}
                      disabled={unavailable}
                      onChange={() => toggle({ userId: c.userId, name: c.name, email: c.email, collaboratorOnly })}
                    />
                    <span className="candidate-text">
                      <span className="person-name">{c.name}</span>
                      <span className="person-email">{c.email}</span>
                    </span>
                    {unavailable ? <span className="candidate-reason">{c.unavailableReason}</span> : null}
                    {!unavailable && collaboratorOnly ? <span className="candidate-reason">Collaborator only</span> : null}
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </div>

      <fieldset>
        <legend>Role</legend>
        <div className="role-options">
          {(['collaborator', 'manager'] as const)
            .filter((r) => r === 'collaborator' || managerAllowed)
            .map((r) => {
              const disabled = r === 'manager' && managerDisabled;
              return (
                <label className="role-option" key={r} aria-disabled={disabled || undefined} style={disabled ? { opacity: 0.55 } : undefined}>
                  <input
                    type="radio"
                    name="request-role"
                    value={r}
                    checked={effectiveRole === r}
                    disabled={disabled}
                    aria-labelledby={`${roleId}-${r}`}
                    aria-describedby={`${roleId}-${r}-help`}
                    onChange={() => setRole(r)}
                  />
                  <div>
                    <strong id={`${roleId}-${r}`}>{ACCOUNT_ROLE_LABELS[r]}</strong>
                    <span id={`${roleId}-${r}-help`}>
                      {disabled
                        ? `Login-Only members can be Collaborators only (${collaboratorOnlyPicked.map((p) => p.name).join(', ')}).`
                        : ROLE_HELP[r]}
                    </span>
                  </div>
                </label>
              );
            })}
        </div>
        {candidates.data && !managerAllowed ? (
          <p className="form-note">The host lets you request the Collaborator role only; an Owner can change the role later.</p>
        ) : null}
      </fieldset>
    </Dialog>
  );
}
