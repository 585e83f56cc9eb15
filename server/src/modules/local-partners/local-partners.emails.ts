import { WORKSPACE_ROLE_LABELS, type GuestRole } from '@shared/permissions';
import { ACCOUNT_ROLE_LABELS, type AccountRole } from '@shared/permissions';
import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

/**
 * Local partner emails (ADR 0012, spec Q9: every change mails the people it affects). Recipients
 * are always members of the workspace (guests, Host Admins, Admins). No secret is ever in them:
 * they name the partner and the account and link to the page where it lives. The password reset
 * link is the one exception that carries a token, in the URL fragment, and it is single-use.
 */
export const LOCAL_PARTNER_EMAIL_TEMPLATES = {
  hostAdminAdded: 'local_partner.host_admin_added',
  hostAdminRemoved: 'local_partner.host_admin_removed',
  noHostAdmin: 'local_partner.no_host_admin',
  guestJoined: 'local_partner.guest_joined',
  guestRoleChanged: 'local_partner.guest_role_changed',
  guestRemoved: 'local_partner.guest_removed',
  partnerRemoved: 'local_partner.removed',
  accountShared: 'local_partner.account_shared',
  accountRoleChanged: 'local_partner.account_role_changed',
  accountAccessRemoved: 'local_partner.account_access_removed',
  accountRemovedFromPartner: 'local_partner.account_removed',
  mfaReset: 'member.mfa_reset',
  passwordReset: 'member.password_reset',
} as const;

type Kind = keyof typeof LOCAL_PARTNER_EMAIL_TEMPLATES;

export interface LocalPartnerEmailBase {
  publicUrl: string;
  workspaceId: string;
  workspaceName: string;
  partnerId: string | null;
  companyName: string | null;
}

export function localPartnerLink(publicUrl: string, partnerId: string): string {
  return `${publicUrl}/partners?localPartner=${encodeURIComponent(partnerId)}`;
}

export function accountLink(publicUrl: string, accountId: string): string {
  return `${publicUrl}/accounts/${encodeURIComponent(accountId)}`;
}

/** The reset link. The token travels in the URL fragment, which browsers never send to a server. */
export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password#token=${encodeURIComponent(token)}`;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

export function localPartnerEmail(
  kind: Kind,
  base: LocalPartnerEmailBase,
  to: string,
  extra: {
    actorName?: string;
    personName?: string;
    guestRole?: GuestRole;
    accountId?: string;
    accountLabel?: string;
    accountRole?: AccountRole;
    resetToken?: string;
    resetExpiresAt?: Date;
  } = {},
): OutgoingEmail {
  const ws = base.workspaceName;
  const company = base.companyName ?? 'your partner';
  const by = extra.actorName || 'An administrator';
  const partnerUrl = base.partnerId ? localPartnerLink(base.publicUrl, base.partnerId) : `${base.publicUrl}/partners`;
  const accountUrl = extra.accountId ? accountLink(base.publicUrl, extra.accountId) : `${base.publicUrl}/accounts`;
  const account = extra.accountLabel ?? 'an account';
  const role = extra.accountRole ? ACCOUNT_ROLE_LABELS[extra.accountRole] : '';
  let title: string;
  let intro: string[];
  let action: { label: string; url: string } | undefined = { label: 'Open the partner', url: partnerUrl };
  let footer = `You receive this email because of your role in the Latchkey workspace "${ws}".`;
  switch (kind) {
    case 'hostAdminAdded':
      title = `You are now a Host Admin of ${company}`;
      intro = [`${by} made you a Host Admin of the local partner "${company}" in ${ws}: you manage its guests and can share the accounts you own with it.`];
      break;
    case 'hostAdminRemoved':
      title = `You are no longer a Host Admin of ${company}`;
      intro = [`${by} removed you from the Host Admins of the local partner "${company}" in ${ws}. Your own account roles did not change.`];
      break;
    case 'noHostAdmin':
      title = `${company} has no Host Admin left`;
      intro = [`The last Host Admin of the local partner "${company}" left ${ws}. The partner and its guests keep working; assign a new Host Admin so someone manages them.`];
      action = { label: 'Assign a Host Admin', url: partnerUrl };
      break;
    case 'guestJoined':
      title = `${extra.personName ?? 'A guest'} joined ${company}`;
      intro = [`${extra.personName ?? 'A guest'} accepted the invitation and joined ${ws} as a ${extra.guestRole ? WORKSPACE_ROLE_LABELS[extra.guestRole] : 'guest'} of "${company}".`];
      break;
    case 'guestRoleChanged':
      title = `You are now a ${extra.guestRole ? WORKSPACE_ROLE_LABELS[extra.guestRole] : 'guest'} of ${company}`;
      intro = [
        `${by} changed your role in "${company}" on ${ws} to ${extra.guestRole ? WORKSPACE_ROLE_LABELS[extra.guestRole] : 'guest'}.`,
        extra.guestRole === 'guest_admin'
          ? 'You can now invite guest users and pass on the accounts you manage to them.'
          : 'You keep the accounts shared with you.',
      ];
      action = { label: 'Open Latchkey', url: `${base.publicUrl}/accounts` };
      break;
    case 'guestRemoved':
      title = `Your access to ${ws} has ended`;
      intro = [`${by} removed you from "${company}" in ${ws}. You can no longer sign in to ${ws} or use the accounts it shared with you.`];
      action = undefined;
      break;
    case 'partnerRemoved':
      title = `${ws} ended its partnership with ${company}`;
      intro = [`${by} removed the local partner "${company}" from ${ws}. Its guests can no longer sign in to ${ws} or use its accounts, and its Host Admins no longer manage it.`];
      action = undefined;
      break;
    case 'accountShared':
      title = `${account} was shared with you`;
      intro = [`${by} shared "${account}" with you in ${ws} as ${role}. You can log in with it without ever seeing its password.`];
      action = { label: 'Open the account', url: accountUrl };
      break;
    case 'accountRoleChanged':
      title = `Your role on ${account} changed`;
      intro = [`${by} changed your role on "${account}" in ${ws} to ${role}.`];
      action = { label: 'Open the account', url: accountUrl };
      break;
    case 'accountAccessRemoved':
      title = `You no longer have access to ${account}`;
      intro = [`${by} removed your access to "${account}" in ${ws}.`];
      action = { label: 'Open Latchkey', url: `${base.publicUrl}/accounts` };
      break;
    case 'accountRemovedFromPartner':
      title = `${account} is no longer shared with ${company}`;
      intro = [`${by} stopped sharing "${account}" with "${company}" in ${ws}. Access to it through "${company}" has ended.`];
      action = { label: 'Open Latchkey', url: `${base.publicUrl}/accounts` };
      break;
    case 'mfaReset':
      title = `Your two-step verification for ${ws} was reset`;
      intro = [
        `${by} reset your two-step verification in ${ws}. Your sessions were signed out.`,
        'The next time you sign in, set up your authenticator app again. If you did not expect this, tell your contact at the workspace.',
      ];
      action = { label: 'Sign in', url: `${base.publicUrl}/sign-in` };
      break;
    case 'passwordReset':
      title = `Choose a new password for Latchkey`;
      intro = [
        `${by} asked you to choose a new password for your Latchkey login (used in ${ws}). Your sessions were signed out and your current password no longer signs in.`,
      ];
      action = { label: 'Choose a new password', url: passwordResetLink(base.publicUrl, extra.resetToken ?? '') };
      footer = `This link works once and expires on ${(extra.resetExpiresAt ?? new Date()).toUTCString()}. If you did not expect this, tell your contact at ${ws}.`;
      break;
  }
  const { text, html } = renderEmail({ title, intro, ...(action ? { action } : {}), footer });
  return { template: LOCAL_PARTNER_EMAIL_TEMPLATES[kind], to, subject: oneLine(title), text, html, workspaceId: base.workspaceId };
}
