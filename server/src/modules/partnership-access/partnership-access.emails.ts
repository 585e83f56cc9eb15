import { ACCOUNT_ROLE_LABELS, type AccountRole } from '@shared/permissions';
import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

/**
 * Emails of sharing through a partnership and of access requests (spec §5.2–5.4). Each carries a
 * link into the app and never a secret. Subjects are single-line.
 */
export const ACCOUNT_SHARED_TEMPLATE = 'partnership.account_shared';
export const ACCOUNT_UNSHARED_TEMPLATE = 'partnership.account_removed';
export const MEMBER_ROLE_CHANGED_TEMPLATE = 'partnership.member_role_changed';
export const MEMBER_ACCESS_REMOVED_TEMPLATE = 'partnership.member_access_removed';
export const ACCESS_REQUESTED_TEMPLATE = 'access_request.requested';
export const ACCESS_ACCEPTED_TEMPLATE = 'access_request.accepted';
export const ACCESS_DECLINED_TEMPLATE = 'access_request.declined';
export const ACCESS_CANCELLED_TEMPLATE = 'access_request.cancelled';

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const role = (r: AccountRole) => ACCOUNT_ROLE_LABELS[r];

export const accountLink = (publicUrl: string, accountId: string) => `${publicUrl}/accounts/${encodeURIComponent(accountId)}`;

function email(template: string, to: string, workspaceId: string, subject: string, content: Parameters<typeof renderEmail>[0]): OutgoingEmail {
  const { text, html } = renderEmail(content);
  return { template, to, subject: oneLine(subject), text, html, workspaceId };
}

export function accountSharedEmail(v: {
  publicUrl: string;
  to: string;
  guestWorkspaceId: string;
  hostName: string;
  accountId: string;
  accountLabel: string;
  role: AccountRole;
}): OutgoingEmail {
  return email(ACCOUNT_SHARED_TEMPLATE, v.to, v.guestWorkspaceId, `${v.hostName} shared ${v.accountLabel} with you`, {
    title: `${v.hostName} shared an account with you`,
    intro: `${v.hostName} shared ${v.accountLabel} with you as ${role(v.role)}.`,
    action: { label: 'Open in Latchkey', url: accountLink(v.publicUrl, v.accountId) },
  });
}

export function accountUnsharedEmail(v: { to: string; guestWorkspaceId: string; hostName: string; accountLabel: string; publicUrl: string }): OutgoingEmail {
  return email(ACCOUNT_UNSHARED_TEMPLATE, v.to, v.guestWorkspaceId, `${v.hostName} stopped sharing ${v.accountLabel}`, {
    title: 'Access removed',
    intro: `${v.hostName} stopped sharing ${v.accountLabel} with your workspace. You no longer have access to it.`,
    action: { label: 'Open Latchkey', url: `${v.publicUrl}/accounts` },
  });
}

export function memberRoleChangedEmail(v: {
  publicUrl: string;
  to: string;
  guestWorkspaceId: string;
  hostName: string;
  accountId: string;
  accountLabel: string;
  role: AccountRole;
}): OutgoingEmail {
  return email(MEMBER_ROLE_CHANGED_TEMPLATE, v.to, v.guestWorkspaceId, `Your role on ${v.accountLabel} changed`, {
    title: 'Your role changed',
    intro: `${v.hostName} changed your role on ${v.accountLabel} to ${role(v.role)}.`,
    action: { label: 'Open in Latchkey', url: accountLink(v.publicUrl, v.accountId) },
  });
}

export function memberAccessRemovedEmail(v: { publicUrl: string; to: string; guestWorkspaceId: string; hostName: string; accountLabel: string }): OutgoingEmail {
  return email(MEMBER_ACCESS_REMOVED_TEMPLATE, v.to, v.guestWorkspaceId, `Your access to ${v.accountLabel} was removed`, {
    title: 'Access removed',
    intro: `${v.hostName} removed your access to ${v.accountLabel}.`,
    action: { label: 'Open Latchkey', url: `${v.publicUrl}/accounts` },
  });
}

export function accessRequestedEmail(v: {
  publicUrl: string;
  to: string;
  hostWorkspaceId: string;
  guestName: string;
  requesterName: string;
  targetName: string;
  targetEmail: string;
  accountId: string;
  accountLabel: string;
  role: AccountRole;
}): OutgoingEmail {
  return email(ACCESS_REQUESTED_TEMPLATE, v.to, v.hostWorkspaceId, `Access request for ${v.accountLabel}`, {
    title: 'New access request',
    intro: `${v.requesterName} (${v.guestName}) asks you to give ${v.targetName} (${v.targetEmail}) access to ${v.accountLabel} as ${role(v.role)}.`,
    action: { label: 'Open in Latchkey', url: `${accountLink(v.publicUrl, v.accountId)}?tab=members` },
  });
}

export function accessAcceptedEmail(v: {
  publicUrl: string;
  to: string;
  guestWorkspaceId: string;
  forTarget: boolean;
  targetName: string;
  accountId: string;
  accountLabel: string;
  role: AccountRole;
}): OutgoingEmail {
  const intro = v.forTarget
    ? `You now have access to ${v.accountLabel} as ${role(v.role)}.`
    : `Your request was accepted: ${v.targetName} now has access to ${v.accountLabel} as ${role(v.role)}.`;
  return email(ACCESS_ACCEPTED_TEMPLATE, v.to, v.guestWorkspaceId, v.forTarget ? `You now have access to ${v.accountLabel}` : `Access request for ${v.accountLabel} accepted`, {
    title: v.forTarget ? 'You have access' : 'Access request accepted',
    intro,
    action: { label: 'Open in Latchkey', url: accountLink(v.publicUrl, v.accountId) },
  });
}

export function accessDeclinedEmail(v: { publicUrl: string; to: string; guestWorkspaceId: string; targetName: string; accountLabel: string }): OutgoingEmail {
  return email(ACCESS_DECLINED_TEMPLATE, v.to, v.guestWorkspaceId, `Access request for ${v.accountLabel} declined`, {
    title: 'Access request declined',
    intro: `The request to give ${v.targetName} access to ${v.accountLabel} was declined.`,
    action: { label: 'Open Latchkey', url: `${v.publicUrl}/accounts` },
  });
}

/** To the host Owners who were asked: the requester withdrew a pending request (Q8, Q9). */
export function accessCancelledEmail(v: {
  publicUrl: string;
  to: string;
  hostWorkspaceId: string;
  guestName: string;
  requesterName: string;
  targetName: string;
  accountId: string;
  accountLabel: string;
}): OutgoingEmail {
  return email(ACCESS_CANCELLED_TEMPLATE, v.to, v.hostWorkspaceId, `Access request for ${v.accountLabel} withdrawn`, {
    title: 'Access request withdrawn',
    intro: `${v.requesterName} (${v.guestName}) withdrew the request to give ${v.targetName} access to ${v.accountLabel}. There is nothing for you to decide.`,
    action: { label: 'Open in Latchkey', url: `${accountLink(v.publicUrl, v.accountId)}?tab=members` },
  });
}

export const SHARED_ACCOUNT_DELETED_TEMPLATE = 'partnership.account_deleted';
export const ACCESS_AUTO_CANCELLED_TEMPLATE = 'access_request.auto_cancelled';

/**
 * To a guest member who saw the account through a partnership: the host deleted it. Their grant
 * rows stay, so a restore brings the access back (spec Q13); the email says so.
 */
export function sharedAccountDeletedEmail(v: { publicUrl: string; to: string; guestWorkspaceId: string; hostName: string; accountLabel: string }): OutgoingEmail {
  return email(SHARED_ACCOUNT_DELETED_TEMPLATE, v.to, v.guestWorkspaceId, `${v.accountLabel} is no longer available`, {
    title: `${v.accountLabel} is no longer available`,
    intro: [
      `${v.accountLabel} was removed by ${v.hostName}. You can no longer open it in Latchkey.`,
      `If ${v.hostName} restores it, your access comes back as it was.`,
    ],
    action: { label: 'Open Latchkey', url: `${v.publicUrl}/accounts` },
  });
}

/** To the guest Manager who asked: their pending request was cancelled by a change they did not make (Q8, Q9). */
export function accessAutoCancelledEmail(v: {
  publicUrl: string;
  to: string;
  guestWorkspaceId: string;
  accountLabel: string;
  targetNames: string[];
  why: string;
}): OutgoingEmail {
  const whom = v.targetNames.join(', ');
  return email(ACCESS_AUTO_CANCELLED_TEMPLATE, v.to, v.guestWorkspaceId, `Access request for ${v.accountLabel} cancelled`, {
    title: 'Access request cancelled',
    intro: `Your request to give ${whom} access to ${v.accountLabel} was cancelled: ${v.why}`,
    action: { label: 'Open Latchkey', url: `${v.publicUrl}/accounts` },
  });
}
