import { PARTNERSHIP_STATE_LABELS, type PartnershipDto, type PartnershipState } from '@shared/partnerships';
import { Badge, type BadgeTone } from '../../components/Badge';

const TONES: Record<PartnershipState, BadgeTone> = {
  awaiting_host_admin: 'warning',
  awaiting_guest_admin: 'warning',
  active: 'success',
  declined_by_host: 'danger',
  declined_by_guest: 'danger',
  removed: 'neutral',
  expired: 'neutral',
};

/** The partnership's state as a badge ("Awaiting admin's decision", "Active", …). */
export function StateBadge({ state, label }: { state: PartnershipState; label?: string }) {
  return <Badge tone={TONES[state]}>{label || PARTNERSHIP_STATE_LABELS[state]}</Badge>;
}

/** "You host" / "Hosted by Acme". */
export function sideText(p: Pick<PartnershipDto, 'side' | 'host'>): string {
  return p.side === 'host' ? 'You host' : `Hosted by ${p.host.name}`;
}
