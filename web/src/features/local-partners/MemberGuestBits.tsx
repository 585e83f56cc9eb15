import { useState } from 'react';
import { Link } from 'react-router';
import type { MemberDto } from '@shared/members';
import { Badge } from '../../components/Badge';
import { ConfirmDialog } from '../../components/Dialog';
import { FormError } from '../../components/ErrorState';
import { useToast } from '../../components/Toast';
import { MoreActionsMenu, type MenuItem } from '../partners/MoreActionsMenu';
import { useResetMember, type GuestReset } from './api';

/** Members page, role cell: a guest's local partner (their role is changed there) and MFA state. */
export function MemberPartnerNote({ m }: { m: MemberDto }) {
  if (!m.localPartner) return null;
  return (
    <div className="muted">
      of <Link to={`/partners/local/${m.localPartner.id}`}>{m.localPartner.companyName}</Link>
      {!m.mfaEnabled && m.status === 'active' ? (
        <>
          {' '}
          <Badge tone="warning">MFA not set up</Badge>
        </>
      ) : null}
    </div>
  );
}

const TEXTS: Record<GuestReset, { item: string; title: (n: string) => string; confirm: string; body: (m: MemberDto) => string; done: (m: MemberDto) => string }> = {
  'reset-mfa': {
    item: 'Reset MFA',
    title: (n) => `Reset two-step verification for ${n}?`,
    confirm: 'Reset MFA',
    body: (m) => `${m.email} is signed out and must set up two-step verification again at their next sign-in.`,
    done: (m) => `${m.name} sets up two-step verification again at their next sign-in.`,
  },
  'force-password-reset': {
    item: 'Force password reset',
    title: (n) => `Force a password reset for ${n}?`,
    confirm: 'Send reset link',
    body: (m) => `${m.email} is signed out and receives an email with a link to choose a new password. Until then they cannot sign in.`,
    done: (m) => `A reset link was sent to ${m.email}.`,
  },
};

/** Whether the row offers Reset MFA or Force password reset (from its abilities). */
export function hasResetActions(m: MemberDto): boolean {
  return m.status === 'active' && (m.abilities.resetMfa || m.abilities.forcePasswordReset);
}

/**
 * Members page, actions cell: an "Actions for …" menu with Reset MFA / Force password reset where
 * the row's abilities allow, and Remove (`onRemove`, the page's own confirmation) when allowed too.
 */
export function MemberResetMenu({ m, onRemove }: { m: MemberDto; onRemove: () => void }) {
  const reset = useResetMember();
  const toast = useToast();
  const [what, setWhat] = useState<GuestReset | null>(null);
  if (!hasResetActions(m)) return null;
  const items: MenuItem[] = [];
  if (m.abilities.resetMfa) items.push({ label: TEXTS['reset-mfa'].item, onSelect: () => setWhat('reset-mfa') });
  if (m.abilities.forcePasswordReset) items.push({ label: TEXTS['force-password-reset'].item, onSelect: () => setWhat('force-password-reset') });
  if (m.abilities.remove) items.push({ label: 'Remove', danger: true, onSelect: onRemove });
  return (
    <>
      <MoreActionsMenu label={`Actions for ${m.name}`} items={items} />
      {what ? (
        <ConfirmDialog
          open
          onClose={() => {
            setWhat(null);
            reset.reset();
          }}
          title={TEXTS[what].title(m.name)}
          confirmLabel={TEXTS[what].confirm}
          busy={reset.isPending}
          error={<FormError error={reset.error} />}
          onConfirm={() =>
            reset.mutate(
              { userId: m.userId, what },
              {
                onSuccess: () => {
                  toast.success(TEXTS[what].done(m));
                  setWhat(null);
                },
              },
            )
          }
        >
          <p>{TEXTS[what].body(m)}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
