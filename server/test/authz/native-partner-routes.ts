/**
 * Native partner routes (ADR 0014) are specified by their own authorization table, with an App
 * Owner among the actors (native-partner-route-table.int.test.ts); the core table skips them.
 */
export function isNativePartnerRoute(route: string): boolean {
  return /^[A-Z]+ \/api\/v1\/(native-hubs|native-partners|native-sync-jobs|native-people)(\/|$)/.test(route);
}
