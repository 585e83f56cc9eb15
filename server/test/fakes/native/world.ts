import type { AssetType } from '../../../src/modules/native-partners/connectors/types';

/**
 * The mutable in-memory world the fake platforms serve. One shape for all three platforms; each
 * fake renders it in that platform's documented JSON (native-partner-apis.md §1.7, §2.7, §3.7).
 * Tests change it between calls (revoke a share, change roles, expire a token) and the next
 * request sees the change.
 */
export interface FakeWorld {
  /** Keyed by the platform business id (Meta business id, TikTok bc_id, Pinterest business id). */
  businesses: Record<string, FakeBusiness>;
}

export interface FakeBusiness {
  name: string;
  /** Pinterest: the business account's contact email (`user.email`). */
  email?: string | null;
  /** Meta `verification_status`. */
  verificationStatus?: string;
  /** Credentials that act for this business. */
  tokens: Record<string, FakeToken>;
  /** Assets this business OWNS. */
  assets: FakeAsset[];
  /** Partners that may use OUR assets (inbound), with what each may do on which of our assets. */
  partners: FakePartnerLink[];
  /** This business's own people (humans and system users) and the assets (any owner's) they hold. */
  people: FakePerson[];
}

export interface FakeToken {
  /** The platform answers with its documented "expired" error. */
  expired?: boolean;
  /** Caller's role: TikTok `user_role` (default ADMIN), Pinterest business role (default BIZ_ADMIN). */
  role?: string;
  /** What this credential may NOT read: the platform answers with its permission error. */
  denied?: FakeCapability[];
}

export type FakeCapability = 'business' | 'partners' | 'assets' | 'people';

export interface FakeAsset {
  /** Meta ad accounts: the bare number (the fake accepts and emits `act_<id>` where Meta does). */
  id: string;
  type: AssetType;
  name: string;
}

export interface FakePartnerLink {
  /** The partner's business id (it may also exist in `businesses`, for partner-side calls). */
  businessId: string;
  /** Used when the partner is not itself in `businesses`. */
  name?: string;
  email?: string | null;
  /** Our assets shared with this partner. Empty = a partner with no shared asset. */
  grants: FakeGrant[];
}

export interface FakeGrant {
  assetId: string;
  /** Raw platform words: Meta tasks/roles, TikTok advertiser_role/catalog_role, Pinterest permissions. */
  roles: string[];
  /** Meta `access_status` (default CONFIRMED). */
  status?: string;
}

export interface FakePerson {
  id: string;
  name: string;
  email?: string | null;
  kind?: 'HUMAN' | 'SYSTEM';
  /** Meta role ADMIN/EMPLOYEE, TikTok user_role ADMIN/STANDARD, Pinterest EMPLOYEE/BIZ_ADMIN. */
  businessRole?: string;
  grants: FakeGrant[];
}

/** Find an asset anywhere in the world, with its owner. */
export function findAsset(world: FakeWorld, assetId: string): { ownerId: string; asset: FakeAsset } | undefined {
  for (const [ownerId, b] of Object.entries(world.businesses)) {
    const asset = b.assets.find((a) => a.id === assetId);
    if (asset) return { ownerId, asset };
  }
  return undefined;
}

/** The business a token acts for, or undefined when no business knows the token. */
export function findToken(world: FakeWorld, token: string | null): { businessId: string; token: FakeToken } | undefined {
  if (!token) return undefined;
  for (const [businessId, b] of Object.entries(world.businesses)) {
    const t = b.tokens[token];
    if (t) return { businessId, token: t };
  }
  return undefined;
}

export function partnerName(world: FakeWorld, link: FakePartnerLink): string {
  return world.businesses[link.businessId]?.name ?? link.name ?? link.businessId;
}

/** Does `businessId` hold `assetId` (owner, or a partner it was shared with)? */
export function businessCanReach(world: FakeWorld, businessId: string, assetId: string): boolean {
  const found = findAsset(world, assetId);
  if (!found) return false;
  if (found.ownerId === businessId) return true;
  const owner = world.businesses[found.ownerId];
  return !!owner?.partners.some((p) => p.businessId === businessId && p.grants.some((g) => g.assetId === assetId));
}
