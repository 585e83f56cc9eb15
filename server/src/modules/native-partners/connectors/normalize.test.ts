import { describe, expect, it } from 'vitest';
import { compareLevels, levelOfRole, normalizeLevel, normalizeMetaAccessStatus } from './normalize';
import type { AccessLevel, NativePlatform } from './types';

/** The role normalization table of native-partner-apis.md §4.1, row by row. */
const TABLE: [NativePlatform, string, AccessLevel][] = [
  // Meta ad account tasks
  ['meta', 'MANAGE', 'ADMIN'],
  ['meta', 'ADVERTISE', 'ADVERTISE'],
  ['meta', 'ANALYZE', 'ANALYZE'],
  ['meta', 'AA_ANALYZE', 'ANALYZE'],
  ['meta', 'DRAFT', 'LIMITED'],
  // Meta Page tasks
  ['meta', 'CREATE_CONTENT', 'LIMITED'],
  ['meta', 'MODERATE', 'LIMITED'],
  ['meta', 'MODERATE_COMMUNITY', 'LIMITED'],
  ['meta', 'MESSAGING', 'LIMITED'],
  ['meta', 'PAGES_MESSAGING', 'LIMITED'],
  ['meta', 'PAGES_MESSAGING_SUBSCRIPTIONS', 'LIMITED'],
  ['meta', 'MANAGE_LEADS', 'LIMITED'],
  // Meta pixel tasks
  ['meta', 'EDIT', 'ADMIN'],
  ['meta', 'UPLOAD', 'LIMITED'],
  // Meta catalog roles
  ['meta', 'ADMIN', 'ADMIN'],
  ['meta', 'ADVERTISER', 'ADVERTISE'],
  // TikTok advertiser_role, catalog_role, business_account_roles
  ['tiktok', 'ADMIN', 'ADMIN'],
  ['tiktok', 'OPERATOR', 'ADVERTISE'],
  ['tiktok', 'ANALYST', 'ANALYZE'],
  ['tiktok', 'AD_PROMOTE', 'ADVERTISE'],
  ['tiktok', 'BUSINESS_ACCOUNT_ADMIN', 'ADMIN'],
  ['tiktok', 'BUSINESS_ACCOUNT_OPERATOR', 'ADVERTISE'],
  ['tiktok', 'BUSINESS_ACCOUNT_ANALYST', 'ANALYZE'],
  // Pinterest permissions
  ['pinterest', 'OWNER', 'OWNER'],
  ['pinterest', 'ADMIN', 'ADMIN'],
  ['pinterest', 'CAMPAIGN_MANAGER', 'ADVERTISE'],
  ['pinterest', 'ANALYST', 'ANALYZE'],
  ['pinterest', 'AUDIENCE_MANAGER', 'LIMITED'],
  ['pinterest', 'FINANCE_MANAGER', 'LIMITED'],
  ['pinterest', 'FINANCE_EDIT', 'LIMITED'],
  ['pinterest', 'FINANCE_VIEW', 'LIMITED'],
  ['pinterest', 'CATALOGS_MANAGER', 'ADMIN'],
  ['pinterest', 'CATALOGS_VIEWER', 'ANALYZE'],
  ['pinterest', 'PROFILE_PUBLISHER', 'LIMITED'],
];

describe('normalizeLevel: unknown and empty input', () => {
  it('no roles → UNKNOWN (never a guessed level)', () => {
    expect(normalizeLevel('meta', [])).toBe('UNKNOWN');
    expect(normalizeLevel('tiktok', [])).toBe('UNKNOWN');
    expect(normalizeLevel('pinterest', [])).toBe('UNKNOWN');
  });

  it('words §4.1 does not list are ignored; only unknown words → UNKNOWN', () => {
    expect(normalizeLevel('meta', ['PROFILE_PLUS_FULL_CONTROL'])).toBe('UNKNOWN');
    expect(normalizeLevel('pinterest', ['SOMETHING_NEW', 'ANALYST'])).toBe('ANALYZE');
    expect(normalizeLevel('tiktok', ['POST', 'LIVE'])).toBe('UNKNOWN');
  });

  it('a word is read per platform: OPERATOR means something on TikTok only', () => {
    expect(levelOfRole('tiktok', 'OPERATOR')).toBe('ADVERTISE');
    expect(levelOfRole('meta', 'OPERATOR')).toBe('UNKNOWN');
    expect(levelOfRole('pinterest', 'MANAGE')).toBe('UNKNOWN');
    expect(levelOfRole('meta', 'MANAGE')).toBe('ADMIN');
  });

  it('case and surrounding spaces do not matter', () => {
    expect(levelOfRole('meta', ' advertise ')).toBe('ADVERTISE');
  });
});

describe('normalizeLevel: the §4.1 table', () => {
  it.each(TABLE)('%s %s → %s', (platform, raw, level) => {
    expect(levelOfRole(platform, raw)).toBe(level);
    expect(normalizeLevel(platform, [raw])).toBe(level);
  });

  it('a multi-valued grant takes the highest level', () => {
    expect(normalizeLevel('meta', ['ANALYZE', 'MANAGE', 'ADVERTISE'])).toBe('ADMIN');
    expect(normalizeLevel('meta', ['DRAFT', 'ANALYZE'])).toBe('ANALYZE');
    expect(normalizeLevel('meta', ['ANALYZE', 'ADVERTISE', 'UPLOAD'])).toBe('ADVERTISE');
    expect(normalizeLevel('pinterest', ['FINANCE_VIEW', 'CAMPAIGN_MANAGER'])).toBe('ADVERTISE');
    expect(normalizeLevel('pinterest', ['ADMIN', 'OWNER'])).toBe('OWNER');
    expect(normalizeLevel('tiktok', ['ANALYST', 'BUSINESS_ACCOUNT_ADMIN'])).toBe('ADMIN');
  });

  it('levels order OWNER > ADMIN > ADVERTISE > ANALYZE > LIMITED > UNKNOWN', () => {
    const order: AccessLevel[] = ['OWNER', 'ADMIN', 'ADVERTISE', 'ANALYZE', 'LIMITED', 'UNKNOWN'];
    for (let i = 0; i + 1 < order.length; i++) expect(compareLevels(order[i]!, order[i + 1]!)).toBeGreaterThan(0);
  });
});

describe('normalizeMetaAccessStatus', () => {
  it.each([
    ['CONFIRMED', 'ACTIVE'],
    ['PENDING', 'PENDING'],
    ['CLIENT_RESPONSE_PENDING', 'PENDING'],
    ['DECLINED', 'REJECTED'],
    ['REVOKED', 'REVOKED'],
    ['SOMETHING_ELSE', 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ] as const)('%s → %s', (raw, status) => {
    expect(normalizeMetaAccessStatus(raw)).toBe(status);
  });
});
