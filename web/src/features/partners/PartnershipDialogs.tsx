import { useState } from 'react';
import {
  DECLINE_REASON_MAX,
  PARTNERSHIP_REASON_MAX,
  UpdatePartnershipRequestSchema,
  type PartnershipDto,
} from '@shared/partnerships';
import { errorMessage, isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useMembers } from '../members/api';
import {
  useAddOwner,
  useChangeGuestContact,
  usePartnershipCommand,
  useRemoveOwner,
  useTransferOwnership,
  useUpdatePartnership,
} from './api';

/** "Decline request" with an optional reason (host Admin before approval, guest Admin before acceptance). */
export function DeclineDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const decline = usePartnershipCommand(partnership.id, 'decline');
  const toast = useToast();
  const [reason, setReason] = useState('');
  const host = partnership.side === 'host';
  return (
    <Dialog
      open
      size="sm"
      onClose={onClose}
      title="Decline request?"
      description={
        host
          ? `The partnership with ${partnership.partnerName} is not created. ${partnership.requestedBy?.name ?? 'The requester'} is told, and may send a new request later.`
          : `${partnership.partnerName} is told that you declined. They may send the request again.`
      }
      onSubmit={() =>
        decline.mutate(reason.trim() ? { reason: reason.trim() } : {}, {
          onSuccess: () => {
            toast.success(`You declined the partnership request ${host ? 'for' : 'from'} ${partnership.partnerName}.`);
            onClose();
          },
        })
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" busy={decline.isPending}>
            Decline request
          </Button>
        </>
      }
    >
      <FormError error={decline.error} />
      <TextAreaField
        label="Reason"
        optional
        rows={3}
        maxLength={DECLINE_REASON_MAX}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
    </Dialog>
  );
}

/** Guest Admin: the Terms of Service checkbox enables "Accept request" (R-HG-06). */
export function AcceptDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const accept = usePartnershipCommand(partnership.id, 'accept');
  const toast = useToast();
  const [agreed, setAgreed] = useState(false);
  const [showTerms, setShowTerms] = useState(false);
  return (
    <Dialog
      open
      onClose={onClose}
      title="Terms of Service"
      description={`Accept the partnership with ${partnership.host.name}. You become their contact: accounts they share arrive with you first, and you can ask for access for your colleagues.`}
      onSubmit={() => {
        if (!agreed) return;
        accept.mutate(
          { acceptTerms: true },
          {
            onSuccess: () => {
              toast.success(`You are now partners with ${partnership.host.name}.`);
              onClose();
            },
          },
        );
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!agreed} busy={accept.isPending}>
            Accept request
          </Button>
        </>
      }
    >
      <FormError error={accept.error} />
      {showTerms ? (
        <div className="tos-text" id="tos-text" tabIndex={0}>
          <p>
            <strong>Latchkey partnership terms.</strong> {partnership.host.name} (the host) keeps full control of the accounts it
            shares: it may change roles or end access at any time, and every use is recorded in its activity trail, which your
            workspace's admins can also see for the shared accounts.
          </p>
          <p>
            Your workspace uses shared accounts only for the work agreed with the host, never shares sign-in details outside
            Latchkey, and removes people from your workspace when they should no longer have access.
          </p>
        </div>
      ) : null}
      <label className="checkbox tos-check">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
        <span>
          I confirm that I have read and accept the{' '}
          <button
            type="button"
            className="btn-link"
            aria-expanded={showTerms}
            aria-controls="tos-text"
            onClick={(e) => {
              e.preventDefault();
              setShowTerms((s) => !s);
            }}
          >
            Terms of Service
          </button>
        </span>
      </label>
    </Dialog>
  );
}

/** Edit request: the partner's email and the reason, while the request is pending or declined by the partner. */
export function EditRequestDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const update = useUpdatePartnership(partnership.id);
  const toast = useToast();
  const [partnerEmail, setPartnerEmail] = useState(partnership.partnerEmail);
  const [reason, setReason] = useState(partnership.reason ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = () => {
    const body = {
      ...(partnerEmail !== partnership.partnerEmail ? { partnerEmail } : {}),
      ...(reason !== (partnership.reason ?? '') ? { reason } : {}),
    };
    const parsed = UpdatePartnershipRequestSchema.safeParse(body);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    if (Object.keys(parsed.data).length === 0) return onClose();
    update.mutate(parsed.data, {
      onSuccess: () => {
        toast.success('The request was updated.');
        onClose();
      },
      onError: (e) => {
        if (isApiError(e, 'validation_failed')) setErrors(e.fieldErrors());
      },
    });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title="Edit request"
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save
          </Button>
        </>
      }
    >
      {update.error && !isApiError(update.error, 'validation_failed') ? <FormError error={update.error} /> : null}
      <TextField
        label="Partner's email address"
        type="email"
        value={partnerEmail}
        onChange={(e) => setPartnerEmail(e.target.value)}
        error={errors.partnerEmail}
      />
      <TextAreaField
        label="Reason for request"
        optional
        rows={3}
        maxLength={PARTNERSHIP_REASON_MAX}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={errors.reason}
      />
    </Dialog>
  );
}

type OwnerMode = 'add' | 'remove' | 'transfer';

/** Host Admins: add, remove or transfer Partnership Owners (spec Q4). */
export function OwnersDialog({ partnership, mode, onClose }: { partnership: PartnershipDto; mode: OwnerMode; onClose: () => void }) {
  const members = useMembers();
  const add = useAddOwner(partnership.id);
  const remove = useRemoveOwner(partnership.id);
  const transfer = useTransferOwnership(partnership.id);
  const toast = useToast();
  const ownerIds = new Set(partnership.owners.map((o) => o.userId));
  const candidates = (members.data?.members ?? []).filter(
    (m) => m.status === 'active' && m.role !== 'login_only' && !ownerIds.has(m.userId),
  );
  const [from, setFrom] = useState(partnership.owners[0]?.userId ?? '');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pending = add.isPending || remove.isPending || transfer.isPending;
  const nameOf = (id: string) =>
    partnership.owners.find((o) => o.userId === id)?.name ?? members.data?.members.find((m) => m.userId === id)?.name ?? 'They';

  const submit = () => {
    setError(null);
    const onError = (e: unknown) => setError(errorMessage(e));
    if (mode === 'remove') {
      if (!from) return setError('Choose a Partnership Owner.');
      return remove.mutate(from, {
        onSuccess: () => {
          toast.success(`${nameOf(from)} is no longer a Partnership Owner.`);
          onClose();
        },
        onError,
      });
    }
    if (!to) return setError('Choose a member.');
    if (mode === 'add') {
      return add.mutate(to, {
        onSuccess: () => {
          toast.success(`${nameOf(to)} is now a Partnership Owner.`);
          onClose();
        },
        onError,
      });
    }
    if (!from) return setError('Choose the current Partnership Owner.');
    transfer.mutate(
      { fromUserId: from, toUserId: to },
      {
        onSuccess: () => {
          toast.success(`${nameOf(to)} is now a Partnership Owner instead of ${nameOf(from)}.`);
          onClose();
        },
        onError,
      },
    );
  };

  const title = mode === 'add' ? 'Add Partnership Owner' : mode === 'remove' ? 'Remove Partnership Owner' : 'Transfer partnership';
  const confirm = mode === 'add' ? 'Add owner' : mode === 'remove' ? 'Remove owner' : 'Transfer';
  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      description="Partnership Owners share their accounts with the partner and manage the partnership."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant={mode === 'remove' ? 'danger' : 'primary'} busy={pending}>
            {confirm}
          </Button>
        </>
      }
    >
      {error ? <FormError error={error} /> : null}
      {members.isError ? <FormError error={members.error} /> : null}
      {mode !== 'add' ? (
        <SelectField label={mode === 'transfer' ? 'From' : 'Partnership Owner'} value={from} onChange={(e) => setFrom(e.target.value)}>
          <option value="">Choose…</option>
          {partnership.owners.map((o) => (
            <option key={o.userId} value={o.userId}>
              {o.name} ({o.email})
            </option>
          ))}
        </SelectField>
      ) : null}
      {mode !== 'remove' ? (
        <SelectField label={mode === 'transfer' ? 'To' : 'Member'} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">{members.isPending ? 'Loading members…' : 'Choose…'}</option>
          {candidates.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} ({m.email})
            </option>
          ))}
        </SelectField>
      ) : null}
    </Dialog>
  );
}

/** Guest Admin: hand the guest contact (who receives shares) over to another Admin (spec Q6). */
export function GuestContactDialog({ partnership, onClose }: { partnership: PartnershipDto; onClose: () => void }) {
  const members = useMembers();
  const change = useChangeGuestContact(partnership.id);
  const toast = useToast();
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const admins = (members.data?.members ?? []).filter(
    (m) => m.status === 'active' && (m.role === 'admin' || m.role === 'owner') && m.userId !== partnership.guestContact?.userId,
  );
  return (
    <Dialog
      open
      onClose={onClose}
      title="Change guest contact"
      description={`The guest contact receives the accounts ${partnership.host.name} shares and can ask for access for colleagues. ${
        partnership.guestContact ? `Today it is ${partnership.guestContact.name}.` : ''
      }`}
      onSubmit={() => {
        setError(null);
        if (!userId) return setError('Choose an admin.');
        change.mutate(userId, {
          onSuccess: () => {
            toast.success(`${admins.find((a) => a.userId === userId)?.name ?? 'They'} is now the guest contact.`);
            onClose();
          },
          onError: (e) => setError(errorMessage(e)),
        });
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={change.isPending}>
            Change contact
          </Button>
        </>
      }
    >
      {error ? <FormError error={error} /> : null}
      <SelectField label="New guest contact" value={userId} onChange={(e) => setUserId(e.target.value)}>
        <option value="">{members.isPending ? 'Loading admins…' : 'Choose…'}</option>
        {admins.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name} ({m.email})
          </option>
        ))}
      </SelectField>
    </Dialog>
  );
}
