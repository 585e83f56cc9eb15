import { ACCESS_LEVEL_LABELS, NATIVE_PLATFORM_LABELS, type AccessLevel, type NativePlatform } from '@shared/native-partners';
import type { OutgoingEmail } from '../email/outbox';
import { renderEmail } from '../email/render';

export const NATIVE_PARTNER_EMAIL_TEMPLATES = { accessAppeared: 'native_partner.access_appeared' } as const;

/** Lines listed in one email; the rest is counted ("and 12 more"). */
export const EMAIL_LINES_MAX = 20;

export function nativePartnerLink(publicUrl: string, partnerId: string): string {
  return `${publicUrl}/partners?nativePartner=${encodeURIComponent(partnerId)}`;
}

export interface AppearedLine {
  personName: string | null;
  personEmail: string | null;
  personExternalId: string;
  assetName: string | null;
  level: AccessLevel;
  rawRoles: string[];
}

/**
 * To the hub's App Owners after a sync found people or permissions that appeared on our assets
 * (ADR 0014). Names and roles only, never a token; read-only, so the action is a link to look.
 */
export function accessAppearedEmail(
  v: {
    publicUrl: string;
    workspaceId: string;
    workspaceName: string;
    partnerId: string;
    partnerName: string;
    platform: NativePlatform;
    newPeople: number;
    grantedOrChanged: number;
    lines: AppearedLine[];
  },
  to: string,
): OutgoingEmail {
  const platform = NATIVE_PLATFORM_LABELS[v.platform];
  const who = (l: AppearedLine) => l.personName ?? l.personEmail ?? `user ${l.personExternalId}`;
  const shown = v.lines.slice(0, EMAIL_LINES_MAX).map((l) => `${who(l)}: ${ACCESS_LEVEL_LABELS[l.level]} (${l.rawRoles.join(', ') || 'no role given'}) on ${l.assetName ?? 'an asset'}`);
  const more = v.lines.length - shown.length;
  const title = `New access by ${v.partnerName} on ${platform}`;
  const { text, html } = renderEmail({
    title,
    intro: [
      `The latest sync of the ${platform} partner "${v.partnerName}" in ${v.workspaceName} found ${v.newPeople} new ${v.newPeople === 1 ? 'person' : 'people'} and ${v.grantedOrChanged} new or changed ${v.grantedOrChanged === 1 ? 'permission' : 'permissions'} on your assets.`,
      ...shown,
      ...(more > 0 ? [`and ${more} more.`] : []),
      `Roles are read from ${platform} and cannot be changed in Latchkey.`,
    ],
    action: { label: 'Review the partner', url: nativePartnerLink(v.publicUrl, v.partnerId) },
    footer: `You receive this email as an App Owner of a ${platform} business hub in the Latchkey workspace "${v.workspaceName}".`,
  });
  return { template: NATIVE_PARTNER_EMAIL_TEMPLATES.accessAppeared, to, subject: title, text, html, workspaceId: v.workspaceId };
}
