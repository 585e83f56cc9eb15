import { useState } from 'react';
import { CreatePartnershipRequestSchema, PARTNERSHIP_REASON_MAX, type PartnershipDto } from '@shared/partnerships';
import { isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { TextAreaField, TextField } from '../../components/Field';
import { useToast } from '../../components/Toast';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useCan } from '../auth/api';
import { AddLocalPartnerForm } from '../local-partners/AddLocalPartnerForm';
import { retryAfter, useCreatePartnership, waitText } from './api';

type Step = 'choose' | 'details';

/**
 * "Add partner": "Invite your partners" (Connect with another partner) → Next → "Enter your
 * partner's information" → Send request. Admins are approved automatically and are not asked for a
 * reason (R-HG-05); everyone else must give one.
 */
export function AddPartnerDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (p: PartnershipDto) => void }) {
  const isAdmin = useCan('partners.decide');
  const canAddLocal = useCan('localPartners.create');
  const [kind, setKind] = useState<'host_guest' | 'local'>('host_guest');
  const create = useCreatePartnership();
  const toast = useToast();
  const [step, setStep] = useState<Step>('choose');
  const [workspaceId, setWorkspaceId] = useState('');
  const [partnerEmail, setPartnerEmail] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = () => {
    setFormError(null);
    const parsed = CreatePartnershipRequestSchema.safeParse({
      workspaceId,
      partnerEmail,
      ...(isAdmin ? {} : { reason }),
    });
    const next = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (!isAdmin && !reason.trim()) next.reason = 'Tell your admin why you want this partnership.';
    if (!parsed.success || Object.keys(next).length > 0) return setErrors(next);
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (p) => {
        toast.success(
          p.state === 'awaiting_host_admin'
            ? `Request sent. An admin of your workspace decides on the partnership with ${p.partnerName}.`
            : `Request sent to ${p.partnerName}. Their admin must accept it.`,
        );
        onCreated(p);
      },
      onError: (e) => {
        if (isApiError(e, 'validation_failed') && Object.keys(e.fieldErrors()).length > 0) {
          setErrors(e.fieldErrors());
        } else if (isApiError(e, 'rate_limited')) {
          const s = retryAfter(e);
          setFormError(`You have sent too many partnership requests. Try again ${s !== null ? waitText(s) : 'later'}.`);
        } else {
          setFormError(e.message || 'The request could not be sent.');
        }
      },
    });
  };

  if (step === 'details' && kind === 'local') {
    return <AddLocalPartnerForm onBack={() => setStep('choose')} onClose={onClose} />;
  }

  if (step === 'choose') {
    return (
      <Dialog
        open
        onClose={onClose}
        title="Invite your partners"
        description="Partners let people outside your organization use the accounts you share with them, without ever seeing a password."
        onSubmit={() => setStep('details')}
        footer={
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary">
              Next
            </Button>
          </>
        }
      >
        <fieldset>
          <legend className="visually-hidden">Partner type</legend>
          <div className="role-options">
            <label className="role-option">
              <input
                type="radio"
                name="partner-kind"
                value="host_guest"
                checked={kind === 'host_guest'}
                onChange={() => setKind('host_guest')}
              />
              <div>
                <strong>Connect with another partner</strong>
                <span>Connect with your partner's own Latchkey workspace using their Workspace ID.</span>
              </div>
            </label>
            <label className={canAddLocal ? 'role-option' : 'role-option role-option-disabled'}>
              <input
                type="radio"
                name="partner-kind"
                value="local"
                disabled={!canAddLocal}
                checked={kind === 'local'}
                onChange={() => setKind('local')}
              />
              <div>
                <strong>
                  Invite your partners to your workspace {canAddLocal ? null : <Badge>Admins only</Badge>}
                </strong>
                <span>Create guest users for your partners inside this workspace.</span>
              </div>
            </label>
          </div>
        </fieldset>
      </Dialog>
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title="Enter your partner's information"
      description={
        isAdmin
          ? 'As an admin, your request is approved automatically. Your partner\'s admin then accepts it.'
          : 'An admin of your workspace reviews the request first; then your partner\'s admin accepts it.'
      }
      onSubmit={submit}
      footer={
        <>
          <Button onClick={() => setStep('choose')}>Back</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Send request
          </Button>
        </>
      }
    >
      {formError ? <FormError error={formError} /> : null}
      <TextField
        label="Workspace ID"
        hint="Your partner's admin finds it at the top right of their Partners page."
        autoComplete="off"
        spellCheck={false}
        value={workspaceId}
        onChange={(e) => setWorkspaceId(e.target.value)}
        error={errors.workspaceId}
        maxLength={100}
      />
      <TextField
        label="Partner's email address"
        type="email"
        autoComplete="off"
        placeholder="name@partner.com"
        value={partnerEmail}
        onChange={(e) => setPartnerEmail(e.target.value)}
        error={errors.partnerEmail}
      />
      {isAdmin ? null : (
        <TextAreaField
          label="Reason for request"
          rows={3}
          value={reason}
          maxLength={PARTNERSHIP_REASON_MAX}
          onChange={(e) => setReason(e.target.value)}
          error={errors.reason}
        />
      )}
    </Dialog>
  );
}
