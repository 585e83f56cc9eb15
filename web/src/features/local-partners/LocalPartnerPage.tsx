import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { LocalPartnerAccountDto, LocalPartnerDto, LocalPartnerGuestDto, LocalPartnerInviteDto } from '@shared/local-partners';
import type { GuestRole } from '@shared/permissions';
import { errorMessage, isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { PersonCell } from '../../components/PersonCell';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState, FormError } from '../../components/ErrorState';
import { ChevronLeftIcon } from '../../components/Icons';
import { Loading } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { useToast } from '../../components/Toast';
import { formatDate, formatRelative } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { useSession } from '../auth/api';
import { MoreActionsMenu, type MenuItem } from '../partners/MoreActionsMenu';
import {
  useChangeGuestRole,
  useLocalPartner,
  useLocalPartnerAccounts,
  useLocalPartnerUsers,
  useRemoveGuest,
  useRemoveHostAdmin,
  useRemoveLocalPartner,
  useRemoveLocalPartnerAccount,
  useResendGuestInvite,
  useResetGuest,
  useRevokeGuestInvite,
  type GuestReset,
} from './api';
import {
  AssignHostDialog,
  GUEST_ROLE_TEXT,
  InviteGuestDialog,
  LOCAL_ROLE_LABELS,
  ShareWithGuestsDialog,
  ShareWithPartnerDialog,
} from './LocalPartnerDialogs';

type Tab = 'accounts' | 'users';

const MY_ROLE_LABELS: Record<NonNullable<LocalPartnerDto['myRole']>, string> = {
  workspace_admin: 'Workspace Admin',
  host_admin: 'Host Admin',
  guest_admin: 'Guest Admin',
  guest_user: 'Guest User',
};

function AccountsTab({ partner }: { partner: LocalPartnerDto }) {
  const q = useLocalPartnerAccounts(partner.id, true);
  const remove = useRemoveLocalPartnerAccount(partner.id);
  const toast = useToast();
  const [removing, setRemoving] = useState<LocalPartnerAccountDto | null>(null);
  const [sharing, setSharing] = useState<LocalPartnerAccountDto | null>(null);

  if (q.isPending) return <Loading label="Loading accounts…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const items = q.data.items;
  return (
    <>
      {items.length === 0 ? (
        <EmptyState title="No shared accounts">
          {partner.abilities.shareAccounts
            ? `Share accounts you own with ${partner.companyName}: their Guest Admins receive them.`
            : `Accounts shared with ${partner.companyName} that you can use appear here.`}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Role</th>
                <th scope="col">Shared by</th>
                <th scope="col">Guests</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.accountId}>
                  <td>
                    <Link to={`/accounts/${a.accountId}`}>{a.label}</Link>
                    <div className="muted">{a.application}</div>
                  </td>
                  <td>{LOCAL_ROLE_LABELS[a.role]}</td>
                  <td>
                    {a.sharedBy ? a.sharedBy.name : <span className="muted">Unknown</span>}
                    <div className="muted">{formatDate(a.sharedAt)}</div>
                  </td>
                  <td>{a.guestCount}</td>
                  <td className="actions">
                    {a.abilities.shareWithGuests ? (
                      <Button size="sm" onClick={() => setSharing(a)} aria-label={`Share access to ${a.label}`}>
                        Share access
                      </Button>
                    ) : null}
                    {a.abilities.remove ? (
                      <Button size="sm" variant="ghost" onClick={() => setRemoving(a)} aria-label={`Remove ${a.label} from ${partner.companyName}`}>
                        Remove
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sharing ? (
        <ShareWithGuestsDialog partnerId={partner.id} account={sharing} onClose={() => setSharing(null)} />
      ) : null}
      <ConfirmDialog
        open={!!removing}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title="Remove account?"
        confirmLabel="Remove account"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.accountId, {
            onSuccess: () => {
              toast.success(`${removing.label} is no longer shared with ${partner.companyName}.`);
              setRemoving(null);
            },
          })
        }
      >
        <p>
          “{removing?.label}” stops being shared with {partner.companyName}: every guest who uses it through the partner loses
          access now. Access you gave people directly stays.
        </p>
      </ConfirmDialog>
    </>
  );
}

function GuestRow({ partner, g }: { partner: LocalPartnerDto; g: LocalPartnerGuestDto }) {
  const changeRole = useChangeGuestRole(partner.id);
  const removeGuest = useRemoveGuest(partner.id);
  const reset = useResetGuest(partner.id);
  const toast = useToast();
  const [confirm, setConfirm] = useState<'remove' | GuestReset | null>(null);

  const items: MenuItem[] = [];
  if (g.abilities.resetMfa) items.push({ label: 'Reset MFA', onSelect: () => setConfirm('reset-mfa') });
  if (g.abilities.forcePasswordReset) items.push({ label: 'Force password reset', onSelect: () => setConfirm('force-password-reset') });
  if (g.abilities.remove) items.push({ label: g.isYou ? 'Leave' : 'Remove', danger: true, onSelect: () => setConfirm('remove') });

  const busy = removeGuest.isPending || reset.isPending;
  const error = removeGuest.error ?? reset.error;
  const texts = {
    remove: {
      title: 'Remove user?',
      label: 'Remove user',
      body: `${g.email} leaves ${partner.companyName} and this workspace, is signed out, and loses every account shared with them here.`,
    },
    'reset-mfa': {
      title: `Reset two-step verification for ${g.name}?`,
      label: 'Reset MFA',
      body: `${g.email} is signed out and must set up two-step verification again at their next sign-in.`,
    },
    'force-password-reset': {
      title: `Force a password reset for ${g.name}?`,
      label: 'Send reset link',
      body: `${g.email} is signed out and receives an email with a link to choose a new password. Until then they cannot sign in.`,
    },
  } as const;

  return (
    <tr>
      <td>
        <PersonCell name={g.name} email={g.email} badge={g.isYou ? <Badge>You</Badge> : null} />
      </td>
      <td>
        {g.abilities.changeRole ? (
          <select
            className="input select"
            aria-label={`Role of ${g.name}`}
            value={g.role}
            disabled={changeRole.isPending}
            onChange={(e) =>
              changeRole.mutate(
                { userId: g.userId, role: e.target.value as GuestRole },
                {
                  onSuccess: (r) => toast.success(`${g.name} is now a ${r.guest.roleLabel}.`),
                  onError: (err) => toast.error(errorMessage(err)),
                },
              )
            }
          >
            {(['guest_user', 'guest_admin'] as const).map((r) => (
              <option key={r} value={r}>
                {GUEST_ROLE_TEXT[r].label}
              </option>
            ))}
          </select>
        ) : (
          g.roleLabel
        )}
      </td>
      <td className="nowrap">{formatDate(g.joinedAt)}</td>
      <td>{g.status === 'active' ? <Badge tone="success">Active</Badge> : <Badge tone="warning">MFA not set up</Badge>}</td>
      <td className="nowrap">{formatRelative(g.lastActiveAt)}</td>
      <td className="actions">
        <MoreActionsMenu label={`Actions for ${g.name}`} items={items} />
        {confirm ? (
          <ConfirmDialog
            open
            onClose={() => {
              setConfirm(null);
              removeGuest.reset();
              reset.reset();
            }}
            title={texts[confirm].title}
            confirmLabel={texts[confirm].label}
            busy={busy}
            error={<FormError error={error} />}
            onConfirm={() => {
              const done = () => setConfirm(null);
              if (confirm === 'remove') {
                removeGuest.mutate(g.userId, {
                  onSuccess: () => {
                    toast.success(`${g.name} was removed from ${partner.companyName}.`);
                    done();
                  },
                });
              } else {
                reset.mutate(
                  { userId: g.userId, what: confirm },
                  {
                    onSuccess: () => {
                      toast.success(confirm === 'reset-mfa' ? `${g.name} sets up two-step verification again at their next sign-in.` : `A reset link was sent to ${g.email}.`);
                      done();
                    },
                  },
                );
              }
            }}
          >
            <p>{texts[confirm].body}</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

function InviteRow({ partner, i }: { partner: LocalPartnerDto; i: LocalPartnerInviteDto }) {
  const resend = useResendGuestInvite(partner.id);
  const revoke = useRevokeGuestInvite(partner.id);
  const toast = useToast();
  return (
    <tr>
      <td>{i.email}</td>
      <td>{i.roleLabel}</td>
      <td>{i.status === 'pending' ? <Badge tone="warning">Pending</Badge> : <Badge tone="danger">Expired</Badge>}</td>
      <td className="nowrap">{formatRelative(i.sentAt)}</td>
      <td className="actions">
        {i.abilities.resend ? (
          <Button
            size="sm"
            busy={resend.isPending}
            onClick={() =>
              resend.mutate(i.id, {
                onSuccess: () => toast.success(`A fresh invite link was sent to ${i.email}.`),
                onError: (e) => toast.error(errorMessage(e)),
              })
            }
          >
            Resend
          </Button>
        ) : null}
        {i.abilities.revoke ? (
          <Button
            size="sm"
            variant="ghost"
            busy={revoke.isPending}
            onClick={() =>
              revoke.mutate(i.id, {
                onSuccess: () => toast.success(`The invite to ${i.email} was revoked.`),
                onError: (e) => toast.error(errorMessage(e)),
              })
            }
          >
            Revoke
          </Button>
        ) : null}
      </td>
    </tr>
  );
}

function UsersTab({ partner }: { partner: LocalPartnerDto }) {
  const q = useLocalPartnerUsers(partner.id, true);
  const removeHost = useRemoveHostAdmin(partner.id);
  const toast = useToast();
  if (q.isPending) return <Loading label="Loading users…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const { hostAdmins, guests, invites } = q.data;
  return (
    <>
      <section className="card section" aria-labelledby="lp-guests">
        <div className="card-header">
          <h2 id="lp-guests">Guests ({guests.length})</h2>
        </div>
        {guests.length === 0 ? (
          <EmptyState title="No guests yet">People you invite appear here once they join.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {guests.map((g) => (
                  <GuestRow key={g.userId} partner={partner} g={g} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {invites.length > 0 ? (
        <section className="card section" aria-labelledby="lp-invites">
          <div className="card-header">
            <h2 id="lp-invites">Pending invites ({invites.length})</h2>
          </div>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Sent</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invites.map((i) => (
                  <InviteRow key={i.id} partner={partner} i={i} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <section className="card section" aria-labelledby="lp-hosts">
        <div className="card-header">
          <h2 id="lp-hosts">Host Admins ({hostAdmins.length})</h2>
        </div>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {hostAdmins.map((h) => (
                <tr key={h.userId}>
                  <td>
                    <PersonCell name={h.name} email={h.email} badge={h.isYou ? <Badge>You</Badge> : null} />
                  </td>
                  <td className="nowrap">{formatDate(h.addedAt)}</td>
                  <td className="actions">
                    {h.abilities.remove ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        busy={removeHost.isPending && removeHost.variables === h.userId}
                        onClick={() =>
                          removeHost.mutate(h.userId, {
                            onSuccess: () => toast.success(`${h.name} is no longer a Host Admin of ${partner.companyName}.`),
                            onError: (e) => toast.error(errorMessage(e)),
                          })
                        }
                      >
                        Remove
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** A local partner's page (/partners/local/:id): Accounts and Users tabs, More options from abilities. */
export function LocalPartnerPage() {
  const { partnerId = '' } = useParams();
  const q = useLocalPartner(partnerId);
  const session = useSession();
  const navigate = useNavigate();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<'invite' | 'hosts' | 'share' | 'remove' | null>(null);
  const remove = useRemoveLocalPartner(partnerId);
  useTitle(q.data?.companyName ?? 'Partner');

  if (q.isPending) return <Loading label="Loading partner…" />;
  if (q.isError) {
    if (isApiError(q.error, 'not_found') || isApiError(q.error, 'validation_failed')) {
      return (
        <div className="card">
          <EmptyState
            title="Partner not found"
            action={
              <Link className="btn btn-primary" to="/accounts">
                Go to All accounts
              </Link>
            }
          >
            It may have been removed, or you are not one of its hosts.
          </EmptyState>
        </div>
      );
    }
    return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  }

  const p = q.data;
  const tabs: Tab[] = [...(p.abilities.viewAccounts ? (['accounts'] as const) : []), ...(p.abilities.viewUsers ? (['users'] as const) : [])];
  const requested: Tab = params.get('tab') === 'users' ? 'users' : 'accounts';
  const tab: Tab | undefined = tabs.includes(requested) ? requested : tabs[0];
  const menu: MenuItem[] = [];
  if (p.abilities.inviteGuests) menu.push({ label: 'Invite guest users', onSelect: () => setDialog('invite') });
  if (p.abilities.manageHostAdmins) menu.push({ label: 'Assign partnership host', onSelect: () => setDialog('hosts') });
  if (p.abilities.remove) menu.push({ label: 'Remove partner', danger: true, onSelect: () => setDialog('remove') });

  return (
    <>
      {session.localPartner ? null : (
        <Link to="/partners" className="back-link">
          <ChevronLeftIcon /> Partners
        </Link>
      )}
      <div className="page-header">
        <div>
          <h1>{p.companyName}</h1>
          <p className="sub">
            <Badge tone="accent">Local partner</Badge> {p.status === 'removed' ? <Badge tone="danger">Removed</Badge> : null}{' '}
            {p.myRole ? <Badge>You: {MY_ROLE_LABELS[p.myRole]}</Badge> : null}
          </p>
          <p className="muted">
            Hosted by {p.hostAdmins.map((h) => h.name).join(', ') || 'nobody'} · {p.guestAdminCount} Guest Admin
            {p.guestAdminCount === 1 ? '' : 's'} · {p.guestUserCount} Guest User{p.guestUserCount === 1 ? '' : 's'}
          </p>
        </div>
        <div className="page-actions">
          {p.abilities.shareAccounts ? (
            <Button variant="primary" onClick={() => setDialog('share')}>
              Share accounts
            </Button>
          ) : null}
          <MoreActionsMenu label="More options" text="More options" items={menu} />
        </div>
      </div>

      {tab ? (
        <Tabs
          label="Partner sections"
          tabs={tabs.map((t) => ({ id: t, label: t === 'accounts' ? 'Accounts' : 'Users' }))}
          selected={tab}
          onSelect={(t) => setParams(t === 'accounts' ? {} : { tab: t }, { replace: true })}
        >
          {tab === 'accounts' ? (
            <div className="card">
              <AccountsTab partner={p} />
            </div>
          ) : (
            <UsersTab partner={p} />
          )}
        </Tabs>
      ) : null}

      {dialog === 'invite' ? <InviteGuestDialog partner={p} onClose={() => setDialog(null)} /> : null}
      {dialog === 'hosts' ? <AssignHostDialog partner={p} onClose={() => setDialog(null)} /> : null}
      {dialog === 'share' ? <ShareWithPartnerDialog partner={p} onClose={() => setDialog(null)} /> : null}
      <ConfirmDialog
        open={dialog === 'remove'}
        onClose={() => {
          setDialog(null);
          remove.reset();
        }}
        title="Remove partner?"
        confirmLabel="Remove partner"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: (r) => {
              toast.success(
                `${p.companyName} was removed: ${r.removedGuests} guest${r.removedGuests === 1 ? '' : 's'} signed out and disabled here.`,
              );
              setDialog(null);
              void navigate('/partners', { replace: true });
            },
          })
        }
      >
        <p>
          Every guest of {p.companyName} is removed from this workspace and signed out, pending invites are revoked, and every
          account shared with them stops working for them. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
