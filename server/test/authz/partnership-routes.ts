/**
 * Host-guest partnership routes are specified by their own authorization table, with partner
 * actors (partnership-route-table.int.test.ts); the core table skips them.
 */
export function isPartnershipRoute(route: string): boolean {
  return /^[A-Z]+ \/api\/v1\/(partnerships|access-requests)(\/|$)/.test(route);
}
