import { WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import type { OutgoingEmail } from '../email/outbox';

export const INVITE_TEMPLATE = 'member.invite';

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

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
  const link = inviteLink(v.publicUrl, v.token);
  const role = WORKSPACE_ROLE_LABELS[v.role];
  const expires = v.expiresAt.toUTCString();
  const text = [
    `${v.inviterName} invited you to join the workspace "${v.workspaceName}" on Latchkey as ${role}.`,
    '',
    `Accept the invitation: ${link}`,
    '',
    `This link works once and expires on ${expires}.`,
    'If you were not expecting this invitation, you can ignore this email.',
  ].join('\n');
  const e = escapeHtml;
  const html = [
    `<p>${e(v.inviterName)} invited you to join the workspace <strong>${e(v.workspaceName)}</strong> on Latchkey as ${e(role)}.</p>`,
    `<p><a href="${e(link)}">Accept the invitation</a></p>`,
    `<p>Or paste this address into your browser:<br>${e(link)}</p>`,
    `<p>This link works once and expires on ${e(expires)}.<br>If you were not expecting this invitation, you can ignore this email.</p>`,
  ].join('\n');
  return {
    template: INVITE_TEMPLATE,
    to: v.to,
    subject: `You're invited to ${v.workspaceName} on Latchkey`.replace(/[\r\n]+/g, ' '),
    text,
    html,
    workspaceId: v.workspaceId,
  };
}
