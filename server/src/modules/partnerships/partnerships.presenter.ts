import { PARTNERSHIP_NUDGE_INTERVAL_HOURS, PARTNERSHIP_STATE_LABELS, type PartnershipDto, type PartnershipPerson } from '@shared/partnerships';
import { partnershipAbilities } from './partnerships.policy';
import type { PartnershipCounts, PartnershipForActor, PersonRow } from './partnerships.repository';

const NUDGE_MS = PARTNERSHIP_NUDGE_INTERVAL_HOURS * 3_600_000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const person = (p: PersonRow | undefined | null): PartnershipPerson | null => (p ? { userId: p.userId, name: p.name, email: p.email } : null);

/** When "Send reminder" (awaiting host) or "Resend request" (declined by guest) is next allowed; null when now. */
export function nextNudgeAt(row: PartnershipForActor['row'], now: Date): Date | null {
  const last = row.state === 'awaiting_host_admin' ? row.lastReminderAt : row.state === 'declined_by_guest' ? row.lastResentAt : null;
  if (!last) return null;
  const next = new Date(last.getTime() + NUDGE_MS);
  return next.getTime() > now.getTime() ? next : null;
}

/**
 * The partnership as one side sees it. Host people are hidden from the guest side (they appear as
 * "Host user", spec Q10): no requester, no owners, no host decider. The guest's Workspace ID is
 * shown to the host side only.
 */
export function presentPartnership(
  p: PartnershipForActor,
  x: { owners: PersonRow[]; people: Map<string, PersonRow>; counts: PartnershipCounts | undefined; now: Date },
): PartnershipDto {
  const r = p.row;
  const host = p.facts.side === 'host';
  const counts = x.counts ?? { sharedAccountCount: 0, memberCount: 0, pendingAccessRequestCount: 0 };
  const next = nextNudgeAt(r, x.now);
  return {
    id: r.id,
    side: p.facts.side,
    state: r.state,
    stateLabel: PARTNERSHIP_STATE_LABELS[r.state],
    host: { name: p.hostName },
    guest: { name: p.guestName, workspaceId: host ? p.guestPublicId : null },
    partnerName: host ? p.guestName : p.hostName,
    partnerEmail: r.partnerEmail,
    // The reason is the requester's word to their own Admins (R-HG-05), not to the partner.
    reason: host ? r.reason : null,
    requestedBy: host ? person(x.people.get(r.requestedBy)) : null,
    requestedAt: r.requestedAt.toISOString(),
    hostDecision: r.hostDecidedAt
      ? { by: host ? person(r.hostDecidedBy ? x.people.get(r.hostDecidedBy) : null) : null, at: r.hostDecidedAt.toISOString(), reason: r.hostDeclineReason }
      : null,
    guestDecision: r.guestDecidedAt
      ? { by: person(r.guestDecidedBy ? x.people.get(r.guestDecidedBy) : null), at: r.guestDecidedAt.toISOString(), reason: r.guestDeclineReason }
      : null,
    tosAcceptedAt: iso(r.tosAcceptedAt),
    owners: host ? x.owners.map((o) => ({ userId: o.userId, name: o.name, email: o.email })) : [],
    guestContact: person(r.guestContactUserId ? x.people.get(r.guestContactUserId) : null),
    allowManagerRequests: r.allowManagerRequests,
    sharedAccountCount: counts.sharedAccountCount,
    memberCount: counts.memberCount,
    pendingAccessRequestCount: counts.pendingAccessRequestCount,
    expiresAt: r.state === 'awaiting_host_admin' || r.state === 'awaiting_guest_admin' ? iso(r.expiresAt) : null,
    lastReminderAt: iso(r.lastReminderAt),
    nextNudgeAt: iso(next),
    removedAt: iso(r.removedAt),
    abilities: partnershipAbilities(p.facts),
  };
}
