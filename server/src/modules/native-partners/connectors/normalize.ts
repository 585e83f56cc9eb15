import type { AccessLevel, GrantStatus, NativePlatform } from './types';

/**
 * Role normalization (native-partner-apis.md §4.1). Raw strings are kept by the caller; the
 * level is derived and can be recomputed. A multi-valued grant takes the highest level among
 * its raw values (OWNER > ADMIN > ADVERTISE > ANALYZE > LIMITED). Values the table does not
 * list are ignored; when none is recognised the level is UNKNOWN (never a guess).
 */
const RANK: Record<AccessLevel, number> = { OWNER: 5, ADMIN: 4, ADVERTISE: 3, ANALYZE: 2, LIMITED: 1, UNKNOWN: 0 };

const META: Record<string, AccessLevel> = {
  // ad account tasks
  MANAGE: 'ADMIN',
  ADVERTISE: 'ADVERTISE',
  ANALYZE: 'ANALYZE',
  AA_ANALYZE: 'ANALYZE',
  DRAFT: 'LIMITED',
  // Page tasks
  CREATE_CONTENT: 'LIMITED',
  MODERATE: 'LIMITED',
  MODERATE_COMMUNITY: 'LIMITED',
  MESSAGING: 'LIMITED',
  PAGES_MESSAGING: 'LIMITED',
  PAGES_MESSAGING_SUBSCRIPTIONS: 'LIMITED',
  MANAGE_LEADS: 'LIMITED',
  // pixel / dataset tasks
  EDIT: 'ADMIN',
  UPLOAD: 'LIMITED',
  // catalog roles (`permitted_roles`)
  ADMIN: 'ADMIN',
  ADVERTISER: 'ADVERTISE',
};

const TIKTOK: Record<string, AccessLevel> = {
  // advertiser_role
  ADMIN: 'ADMIN',
  OPERATOR: 'ADVERTISE',
  ANALYST: 'ANALYZE',
  // catalog_role
  AD_PROMOTE: 'ADVERTISE',
  // business_account_roles
  BUSINESS_ACCOUNT_ADMIN: 'ADMIN',
  BUSINESS_ACCOUNT_OPERATOR: 'ADVERTISE',
  BUSINESS_ACCOUNT_ANALYST: 'ANALYZE',
};

const PINTEREST: Record<string, AccessLevel> = {
  OWNER: 'OWNER',
  ADMIN: 'ADMIN',
  CAMPAIGN_MANAGER: 'ADVERTISE',
  ANALYST: 'ANALYZE',
  AUDIENCE_MANAGER: 'LIMITED',
  FINANCE_MANAGER: 'LIMITED',
  FINANCE_EDIT: 'LIMITED',
  FINANCE_VIEW: 'LIMITED',
  CATALOGS_MANAGER: 'ADMIN',
  CATALOGS_VIEWER: 'ANALYZE',
  PROFILE_PUBLISHER: 'LIMITED',
};

const TABLES: Record<NativePlatform, Record<string, AccessLevel>> = { meta: META, tiktok: TIKTOK, pinterest: PINTEREST };

/** The level of one raw role/task, or UNKNOWN when §4.1 does not list it. */
export function levelOfRole(platform: NativePlatform, rawRole: string): AccessLevel {
  const table = TABLES[platform];
  const key = rawRole.trim().toUpperCase();
  if (platform === 'meta' && key.startsWith('PAGES_MESSAGING')) return 'LIMITED';
  return Object.hasOwn(table, key) ? (table[key] as AccessLevel) : 'UNKNOWN';
}

export function normalizeLevel(platform: NativePlatform, rawRoles: string[]): AccessLevel {
  let best: AccessLevel = 'UNKNOWN';
  for (const role of rawRoles) {
    const level = levelOfRole(platform, role);
    if (RANK[level] > RANK[best]) best = level;
  }
  return best;
}

/** Compare levels: positive when `a` is higher than `b`. */
export function compareLevels(a: AccessLevel, b: AccessLevel): number {
  return RANK[a] - RANK[b];
}

/**
 * Meta `access_status` (documented: CONFIRMED, PENDING, CLIENT_RESPONSE_PENDING; anything else
 * is opaque). Absent → UNKNOWN: `access_status` is missing from some edges' field tables.
 */
export function normalizeMetaAccessStatus(raw: string | null | undefined): GrantStatus {
  if (!raw) return 'UNKNOWN';
  const s = raw.toUpperCase();
  if (s === 'CONFIRMED' || s === 'ACTIVE' || s === 'APPROVED') return 'ACTIVE';
  if (s.includes('PENDING')) return 'PENDING';
  if (s.includes('DECLINED') || s.includes('REJECTED')) return 'REJECTED';
  if (s.includes('REVOKED') || s.includes('CANCELED') || s.includes('CANCELLED')) return 'REVOKED';
  return 'UNKNOWN';
}
