/**
 * The host workspace of an account shared with my workspace through a host-guest partnership: a
 * small tile with the first letter of the host's name, shown beside the app icon (spec §5.2, §6
 * "Account card"). Its accessible name and tooltip say "Shared by <Host>".
 */
export function PartnerBadge({ hostName, size = 'md' }: { hostName: string; size?: 'md' | 'lg' }) {
  const label = sharedByLabel(hostName);
  return (
    <span className={`partner-badge ${size === 'lg' ? 'partner-badge-lg' : ''}`} role="img" aria-label={label} title={label}>
      {(hostName.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}

export function sharedByLabel(hostName: string): string {
  return `Shared by ${hostName}`;
}
