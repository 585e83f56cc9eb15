import { WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

export const INVITE_TEMPLATE = 'member.invite';
export const GUEST_INVITE_TEMPLATE = 'guest.invite';

/**
 * The invite link. The token travels in the URL fragment, which browsers never send to a server,
 * so it cannot end up in access logs or Referer headers.
 */
export function inviteLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invite#token=${encodeURIComponent(token)}`;
}

export function inviteEmail(v: {
  publicUrl: string;
  token: string;
  to: string;
  workspaceId: string;
  workspaceName: string;
  inviterName: string;
  role: WorkspaceRole;
  expiresAt: Date;
  /** Guest invites (ADR 0012): the partner company the invitee joins as. */
  companyName?: string | null;
}): OutgoingEmail {
  const role = WORKSPACE_ROLE_LABELS[v.role];
  const guest = v.companyName != null;
  const { text, html } = renderEmail(
    guest
      ? {
          title: `Join ${v.workspaceName} on Latchkey as a guest`,
          intro: [
            `${v.inviterName} invited you to work with "${v.workspaceName}" on Latchkey as a ${role} of ${v.companyName}.`,
            `You will use the accounts ${v.workspaceName} shares with you without ever seeing their passwords. To join, choose a password, accept the Terms of Service and turn on two-step verification.`,
          ],
          action: { label: 'Join as a guest', url: inviteLink(v.publicUrl, v.token) },
          footer: `This link works once and expires on ${v.expiresAt.toUTCString()}. No password is sent by email: you choose yours when you join. If you were not expecting this invitation, you can ignore this email.`,
        }
      : {
          title: `Join ${v.workspaceName} on Latchkey`,
          intro: `${v.inviterName} invited you to join the workspace "${v.workspaceName}" on Latchkey as ${role}.`,
          action: { label: 'Accept the invitation', url: inviteLink(v.publicUrl, v.token) },
          footer: `This link works once and expires on ${v.expiresAt.toUTCString()}. If you were not expecting this invitation, you can ignore this email.`,
        },
  );
  return {
    template: guest ? GUEST_INVITE_TEMPLATE : INVITE_TEMPLATE,
    to: v.to,
    subject: (guest ? `Join ${v.workspaceName} on Latchkey as a guest of ${v.companyName}` : `You're invited to ${v.workspaceName} on Latchkey`).replace(/[\r\n]+/g, ' '),
    text,
    html,
    workspaceId: v.workspaceId,
  };
}
