/**
 * Local partner routes (ADR 0012) are specified by their own authorization table, with local
 * partner actors (local-partner-route-table.int.test.ts); the core table skips them.
 */
export function isLocalPartnerRoute(route: string): boolean {
  return /^[A-Z]+ \/api\/v1\/(local-partners(\/|$)|accounts\/:accountId\/guests(\/|$))/.test(route);
}
