import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

/**
 * Partnership emails. Recipients are always members of the workspaces involved (their Admins, the
 * Partnership Owners, guest members who lost access) — never the raw "Partner's email address"
 * typed by the requester, so Latchkey cannot be used to mail arbitrary addresses (ADR 0011).
 * No secret ever goes in these emails: they name the partnership and link to the Partners page.
 */
export const PARTNERSHIP_EMAIL_TEMPLATES = {
  requestToHost: 'partnership.request_host',
  requestToGuest: 'partnership.request_guest',
  reminder: 'partnership.reminder',
  declined: 'partnership.declined',
  accepted: 'partnership.accepted',
  removed: 'partnership.removed',
  expired: 'partnership.expired',
  ownerAdded: 'partnership.owner_added',
  ownerRemoved: 'partnership.owner_removed',
  orphaned: 'partnership.orphaned',
  guestContact: 'partnership.guest_contact',
  guestContactReplaced: 'partnership.guest_contact_replaced',
  withdrawn: 'partnership.withdrawn',
  settingChanged: 'partnership.setting_changed',
} as const;

export function partnershipLink(publicUrl: string, partnershipId: string): string {
  return `${publicUrl}/partners?partnership=${encodeURIComponent(partnershipId)}`;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

export interface PartnershipEmailBase {
  publicUrl: string;
  partnershipId: string;
  hostName: string;
  guestName: string;
}

type Kind = keyof typeof PARTNERSHIP_EMAIL_TEMPLATES;

/** One email per recipient; `workspaceId` is the recipient's workspace (the Dev mailbox scopes by it). */
export function partnershipEmail(
  kind: Kind,
  base: PartnershipEmailBase,
  to: { email: string; workspaceId: string },
  extra: {
    actorName?: string;
    reason?: string | null;
    partnerEmail?: string;
    newContactName?: string;
    /** requestToGuest: the pending request was edited (ADR 0011). */
    updated?: boolean;
    /** settingChanged: the new value of allowManagerRequests. */
    allowManagerRequests?: boolean;
  } = {},
): OutgoingEmail {
  const { hostName, guestName } = base;
  const by = extra.actorName ? `${extra.actorName}` : 'Someone';
  let title: string;
  let intro: string[];
  let action = 'Open the partnership';
  switch (kind) {
    case 'requestToHost':
      title = `Approve a partnership with ${guestName}?`;
      intro = [`${by} asked to connect ${hostName} with the workspace "${guestName}" as a partner on Latchkey.`, 'An Admin of your workspace must approve or decline the request.'];
      if (extra.reason) intro.push(`Reason given: ${extra.reason}`);
      action = 'Review the request';
      break;
    case 'requestToGuest':
      title = `${extra.updated ? 'Updated request: ' : ''}${hostName} wants to partner with ${guestName}`;
      intro = [
        ...(extra.updated ? [`${hostName} updated its pending partnership request.`] : []),`The workspace "${hostName}" asked to connect with "${guestName}" on Latchkey, so they can share accounts with you without handing over passwords.`, 'An Admin of your workspace must accept the Terms of Service to accept the request, or decline it.'];
      action = 'Review the request';
      break;
    case 'reminder':
      title = `Reminder: a partnership with ${guestName} is waiting for approval`;
      intro = [`${by} is still waiting for an Admin of ${hostName} to approve or decline the partnership with "${guestName}".`];
      action = 'Review the request';
      break;
    case 'declined':
      title = `The partnership between ${hostName} and ${guestName} was declined`;
      intro = [`${by} declined the partnership request between "${hostName}" and "${guestName}".`];
      if (extra.reason) intro.push(`Reason given: ${extra.reason}`);
      break;
    case 'accepted':
      title = `${guestName} accepted the partnership`;
      intro = [`"${guestName}" accepted the partnership with "${hostName}". Partnership Owners can now share accounts with them.`];
      break;
    case 'removed':
      title = `The partnership between ${hostName} and ${guestName} ended`;
      intro = [`The partnership between "${hostName}" and "${guestName}" was removed. Access to accounts shared through it has ended.`];
      break;
    case 'expired':
      title = `The partnership request to ${guestName} expired`;
      intro = [`The partnership request between "${hostName}" and "${guestName}" was not answered in time and has expired. You can send a new request.`];
      break;
    case 'ownerAdded':
      title = `You are now a Partnership Owner for ${guestName}`;
      intro = [`${by} made you a Partnership Owner of the partnership between "${hostName}" and "${guestName}".`];
      break;
    case 'ownerRemoved':
      title = `You are no longer a Partnership Owner for ${guestName}`;
      intro = [`${by} removed you from the Partnership Owners of the partnership between "${hostName}" and "${guestName}". The partnership itself goes on.`];
      break;
    case 'orphaned':
      title = `The partnership with ${guestName} has no owner`;
      intro = [`The last Partnership Owner of the partnership between "${hostName}" and "${guestName}" left the workspace. The partnership stays as it is; an Admin should add a new Partnership Owner.`];
      break;
    case 'guestContact':
      title = `You are now the contact for ${hostName}'s partnership`;
      intro = [`${by} made you the contact of "${guestName}" for the partnership with "${hostName}". Accounts ${hostName} shares with your workspace are now shared with you.`];
      break;
    case 'withdrawn':
      title = `The partnership request to ${guestName} was withdrawn`;
      intro = [`${by} withdrew the request to connect ${hostName} with "${guestName}" before it was approved. Nothing is left to approve.`];
      break;
    case 'settingChanged':
      title = extra.allowManagerRequests
        ? `${hostName} now lets Managers ask for the Manager role`
        : `${hostName} no longer lets Managers ask for the Manager role`;
      intro = [
        extra.allowManagerRequests
          ? `In the partnership with "${hostName}", Managers of "${guestName}" can now ask to give other members the Manager role on shared accounts, not only the Collaborator role.`
          : `In the partnership with "${hostName}", Managers of "${guestName}" can now only ask to give other members the Collaborator role on shared accounts.`,
      ];
      break;
    case 'guestContactReplaced':
      title = `You are no longer the contact for ${hostName}'s partnership`;
      intro = [
        `${by} made ${extra.newContactName ?? 'another Admin'} the contact of "${guestName}" for the partnership with "${hostName}".`,
        `Your access to the accounts ${hostName} shares through the partnership moved to the new contact.`,
      ];
      break;
  }
  const { text, html } = renderEmail({
    title,
    intro,
    action: { label: action, url: partnershipLink(base.publicUrl, base.partnershipId) },
    footer: 'You receive this email because of your role in a Latchkey workspace.',
  });
  return { template: PARTNERSHIP_EMAIL_TEMPLATES[kind], to: to.email, subject: oneLine(title), text, html, workspaceId: to.workspaceId };
}
