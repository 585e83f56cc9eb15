import { useState } from 'react';
import { SHARE_ACCOUNTS_MAX, type PartnershipDto } from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { useToast } from '../../components/Toast';
import { AccountRolePicker, type AccountRoleSelection } from './AccountRolePicker';
import { useShareAccounts, useShareableAccounts } from './api';

export { PARTNER_ROLE_LABELS } from './AccountRolePicker';

/**
 * "Share accounts" wizard: "Select accounts and roles" from the accounts the actor Owns that are
 * not shared yet, a role per selected account (Collaborator by default), Finish.
 */
export function ShareAccountsDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const q = useShareableAccounts(partnership.id, true);
  const share = useShareAccounts(partnership.id);
  const toast = useToast();
  const [selected, setSelected] = useState<AccountRoleSelection>(new Map());
  const [error, setError] = useState<string | null>(null);

  const finish = () => {
    setError(null);
    if (selected.size === 0) return setError('Select at least one account.');
    if (selected.size > SHARE_ACCOUNTS_MAX) return setError(`Share at most ${SHARE_ACCOUNTS_MAX} accounts at a time.`);
    const accounts = [...selected].map(([accountId, role]) => ({ accountId, role }));
    share.mutate(
      { accounts },
      {
        onSuccess: () => {
          toast.success(
            `${accounts.length} account${accounts.length === 1 ? '' : 's'} shared with ${partnership.partnerName}.`,
          );
          onClose();
        },
        onError: (e) => setError(isApiError(e) ? e.message : errorMessage(e)),
      },
    );
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Select accounts and roles"
      description={`Accounts you own that are not shared with ${partnership.partnerName} yet. ${
        partnership.guestContact ? partnership.guestContact.name : 'Their admin'
      } receives the role you pick and can ask for access for their colleagues.`}
      onSubmit={finish}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={share.isPending}>
            Finish
          </Button>
        </>
      }
    >
      {error ? <FormError error={error} /> : null}
      <AccountRolePicker
        idPrefix="share"
        query={q}
        selected={selected}
        onChange={setSelected}
        emptyHint="Only accounts you own that are not shared with this partner yet appear here."
      />
      <p className="field-hint">
        Collaborators log in with the account. Managers can also ask for access for other members of their workspace.
      </p>
    </Dialog>
  );
}
