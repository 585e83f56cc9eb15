import { useState } from 'react';
import { InviteRequestSchema, type InviteDto, type MemberDto, type RemoveMemberResponse } from '@shared/members';
import { WORKSPACE_ROLE_LABELS, type AssignableWorkspaceRole } from '@shared/permissions';
import { errorMessage, isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { RoleSelect } from '../../components/RoleSelect';
import { Button } from '../../components/Button';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { TextField } from '../../components/Field';
import { PlusIcon, UsersIcon } from '../../components/Icons';
import { PageHeader } from '../../components/PageHeader';
import { PersonCell } from '../../components/PersonCell';
import { Loading } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { formatDate, formatRelative } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { ASSIGNABLE_WORKSPACE_ROLES, WORKSPACE_ROLE_DESCRIPTIONS } from '../../lib/roles';
import { zodFieldErrors } from '../../lib/zod-errors';
import { useCan } from '../auth/api';
import { hasResetActions, MemberPartnerNote, MemberResetMenu } from '../local-partners/MemberGuestBits';
import { NativeGuestUsers } from '../native-partners/NativeGuestUsers';
import { useChangeMemberRole, useInvite, useMembers, useRemoveMember, useResendInvite, useRevokeInvite } from './api';

function InviteDialog({ onClose }: { onClose: () => void }) {
  const invite = useInvite();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AssignableWorkspaceRole>('user');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = () => {
    const parsed = InviteRequestSchema.safeParse({ email, role });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    invite.mutate(parsed.data, {
      onSuccess: (r) => {
        toast.success(`Invite sent to ${r.invite.email}. The link works for 3 days.`);
        onClose();
      },
      onError: (e) => {
        if (isApiError(e, 'already_exists')) setErrors({ email: e.message });
        else if (isApiError(e, 'validation_failed')) setErrors(e.fieldErrors());
      },
    });
  };

  const showFormError = invite.error && !isApiError(invite.error, 'already_exists') && !isApiError(invite.error, 'validation_failed');
  return (
    <Dialog
      open
      onClose={onClose}
      title="Invite member"
      description="We email them a link to join this workspace. It works for 3 days."
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={invite.isPending}>
            Send invite
          </Button>
        </>
      }
    >
      {showFormError ? <FormError error={invite.error} /> : null}
      <TextField
        label="Email address"
        type="email"
        autoComplete="off"
        placeholder="name@company.com"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <fieldset>
        <legend>Role</legend>
        <div className="role-options">
          {ASSIGNABLE_WORKSPACE_ROLES.map((r) => (
            <label className="role-option" key={r}>
              <input type="radio" name="invite-role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <div>
                <strong>{WORKSPACE_ROLE_LABELS[r]}</strong>
                <span>{WORKSPACE_ROLE_DESCRIPTIONS[r]}</span>
              </div>
            </label>
          ))}
        </div>
      </fieldset>
    </Dialog>
  );
}

function removalSummary(r: RemoveMemberResponse): string {
  const parts = [`${r.member.name} was removed.`];
  if (r.ownershipsTransferred > 0) {
    parts.push(`You are now the Owner of ${r.ownershipsTransferred} account${r.ownershipsTransferred === 1 ? '' : 's'} they owned alone.`);
  }
  return parts.join(' ');
}

function MemberRow({ m }: { m: MemberDto }) {
  const change = useChangeMemberRole();
  const remove = useRemoveMember();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  // Guests' roles are changed on their local partner's page.
  const assignable = m.role !== 'owner' && !m.localPartner;

  return (
    <tr>
      <td>
        <PersonCell name={m.name} badge={m.isYou ? <Badge>You</Badge> : null} />
      </td>
      <td className="muted">{m.email}</td>
      <td>
        {m.abilities.changeRole && assignable && m.status === 'active' ? (
          <RoleSelect
            id={`wsrole-${m.userId}`}
            personName={m.name}
            value={m.role as AssignableWorkspaceRole}
            roles={ASSIGNABLE_WORKSPACE_ROLES}
            labels={WORKSPACE_ROLE_LABELS}
            disabled={change.isPending}
            onChange={(role) =>
              change.mutate(
                { userId: m.userId, role },
                {
                  onSuccess: () => toast.success(`${m.name} is now ${WORKSPACE_ROLE_LABELS[role]}.`),
                  onError: (err) => toast.error(errorMessage(err)),
                },
              )
            }
          />
        ) : (
          <Badge tone={m.role === 'owner' ? 'accent' : 'neutral'}>{m.roleLabel}</Badge>
        )}
        <MemberPartnerNote m={m} />
      </td>
      <td>{m.status === 'active' ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Removed</Badge>}</td>
      <td className="muted nowrap">{formatDate(m.joinedAt)}</td>
      <td className="muted nowrap">{formatRelative(m.lastActiveAt)}</td>
      <td className="actions">
        <MemberResetMenu m={m} onRemove={() => setConfirming(true)} />
        {m.abilities.remove && m.status === 'active' && !hasResetActions(m) ? (
          <Button size="sm" variant="ghost" onClick={() => setConfirming(true)} aria-label={`Remove ${m.name}`}>
            Remove
          </Button>
        ) : null}
        <ConfirmDialog
          open={confirming}
          onClose={() => {
            setConfirming(false);
            remove.reset();
          }}
          title={`Remove ${m.name} from the workspace?`}
          confirmLabel="Remove member"
          busy={remove.isPending}
          error={<FormError error={remove.error} />}
          onConfirm={() =>
            remove.mutate(m.userId, {
              onSuccess: (r) => {
                setConfirming(false);
                toast.success(removalSummary(r));
              },
            })
          }
        >
          <p>
            {m.name} is signed out right away and loses access to every account in this workspace. Accounts only they owned
            pass to you.
          </p>
          <p>To bring them back later, send a new invite.</p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

function InviteRow({ i }: { i: InviteDto }) {
  const resend = useResendInvite();
  const revoke = useRevokeInvite();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  return (
    <tr>
      <td>{i.email}</td>
      <td>
        <Badge>{WORKSPACE_ROLE_LABELS[i.role]}</Badge>
        {i.localPartner ? <div className="muted">of {i.localPartner.companyName}</div> : null}
      </td>
      <td>{i.status === 'pending' ? <Badge tone="warning">Pending</Badge> : <Badge tone="danger">Expired</Badge>}</td>
      <td className="muted">
        {formatDate(i.sentAt)} by {i.invitedBy.name}
      </td>
      <td className="muted">{i.status === 'pending' ? formatDate(i.expiresAt) : 'Expired'}</td>
      <td className="actions">
        {i.abilities.resend ? (
          <Button
            size="sm"
            variant="ghost"
            busy={resend.isPending}
            aria-label={`Resend invite to ${i.email}`}
            onClick={() =>
              resend.mutate(i.id, {
                onSuccess: () => toast.success(`A new invite link was sent to ${i.email}. The old link no longer works.`),
                onError: (e) => toast.error(errorMessage(e)),
              })
            }
          >
            Resend
          </Button>
        ) : null}
        {i.abilities.revoke ? (
          <Button size="sm" variant="ghost" aria-label={`Revoke invite to ${i.email}`} onClick={() => setConfirming(true)}>
            Revoke
          </Button>
        ) : null}
        <ConfirmDialog
          open={confirming}
          onClose={() => {
            setConfirming(false);
            revoke.reset();
          }}
          title="Revoke this invite?"
          confirmLabel="Revoke invite"
          busy={revoke.isPending}
          error={<FormError error={revoke.error} />}
          onConfirm={() =>
            revoke.mutate(i.id, {
              onSuccess: () => {
                setConfirming(false);
                toast.success(`The invite to ${i.email} was revoked.`);
              },
            })
          }
        >
          <p>The link sent to {i.email} stops working. You can invite them again later.</p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

export function MembersPage() {
  useTitle('Members');
  const canView = useCan('members.view');
  const canInvite = useCan('members.invite');
  const q = useMembers(canView);
  const [inviting, setInviting] = useState(false);

  if (!canView) {
    return (
      <div className="card">
        <EmptyState title="Members are not visible to you">Ask a workspace Admin if you need to see who is in this workspace.</EmptyState>
      </div>
    );
  }

  const members = q.data?.members ?? [];
  const invites = q.data?.invites ?? [];
  return (
    <>
      <PageHeader
        title="Members"
        description="People in this workspace. Their role decides what they can do here; each account's own Owners decide who can use it."
        actions={
          canInvite ? (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setInviting(true)}>
              Invite member
            </Button>
          ) : null
        }
      />
      {q.isPending ? (
        <Loading label="Loading members…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <>
          <section className="card section" aria-labelledby="members-heading">
            <div className="card-header">
              <h2 id="members-heading">Members ({members.length})</h2>
            </div>
            {members.length === 0 ? (
              <EmptyState icon={<UsersIcon />} title="No members yet" />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Status</th>
                      <th scope="col">Joined</th>
                      <th scope="col">Last active</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {members.map((m) => (
                      <MemberRow key={m.userId} m={m} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          {canInvite ? (
            <section className="card section" aria-labelledby="invites-heading">
              <div className="card-header">
                <div>
                  <h2 id="invites-heading">Pending invites ({invites.length})</h2>
                  <p>Invite links work for 3 days. Resending sends a fresh link and disables the old one.</p>
                </div>
              </div>
              {invites.length === 0 ? (
                <EmptyState title="No pending invites">People you invite appear here until they join.</EmptyState>
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Email</th>
                        <th scope="col">Role</th>
                        <th scope="col">Status</th>
                        <th scope="col">Sent</th>
                        <th scope="col">Expires</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {invites.map((i) => (
                        <InviteRow key={i.id} i={i} />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ) : null}
        </>
      )}
      <NativeGuestUsers />
      {inviting ? <InviteDialog onClose={() => setInviting(false)} /> : null}
    </>
  );
}
