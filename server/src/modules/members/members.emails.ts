import { WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

export const INVITE_TEMPLATE = 'member.invite';

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
}): OutgoingEmail {
  const role = WORKSPACE_ROLE_LABELS[v.role];
  const { text, html } = renderEmail({
    title: `Join ${v.workspaceName} on Latchkey`,
    intro: `${v.inviterName} invited you to join the workspace "${v.workspaceName}" on Latchkey as ${role}.`,
    action: { label: 'Accept the invitation', url: inviteLink(v.publicUrl, v.token) },
    footer: `This link works once and expires on ${v.expiresAt.toUTCString()}. If you were not expecting this invitation, you can ignore this email.`,
  });
  return {
    template: INVITE_TEMPLATE,
    to: v.to,
    subject: `You're invited to ${v.workspaceName} on Latchkey`.replace(/[\r\n]+/g, ' '),
    text,
    html,
    workspaceId: v.workspaceId,
  };
}
