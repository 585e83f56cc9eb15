/**
 * The contract between the native-partner connectors (Meta Business Manager, TikTok Business
 * Center, Pinterest Business Access) and the app that syncs them. Read-only: every call is a GET.
 *
 * Shapes follow the normalized model of the platform research (native-partner-apis.md §4):
 * ids are strings, raw role strings are always kept next to the derived `level`.
 * Names here may grow; they do not change.
 */

export type NativePlatform = 'meta' | 'tiktok' | 'pinterest';

export const NATIVE_PLATFORMS: readonly NativePlatform[] = ['meta', 'tiktok', 'pinterest'];

/** Derived from raw roles (§4.1); the highest level of a multi-valued grant wins. */
export type AccessLevel = 'OWNER' | 'ADMIN' | 'ADVERTISE' | 'ANALYZE' | 'LIMITED' | 'UNKNOWN';

/** Highest first; `UNKNOWN` sorts last. */
export const ACCESS_LEVELS: readonly AccessLevel[] = ['OWNER', 'ADMIN', 'ADVERTISE', 'ANALYZE', 'LIMITED', 'UNKNOWN'];

export type AssetType =
  | 'AD_ACCOUNT'
  | 'PAGE'
  | 'INSTAGRAM_ACCOUNT'
  | 'PIXEL'
  | 'DATASET'
  | 'CATALOG'
  | 'APP'
  | 'TIKTOK_ACCOUNT'
  | 'TIKTOK_SHOP'
  | 'LEAD_LIBRARY'
  | 'DOMAIN'
  | 'PINTEREST_PROFILE'
  | 'ASSET_GROUP'
  | 'OTHER';

export interface ConnectorOptions {
  /**
   * Versioned API root, e.g. `https://graph.facebook.com/v25.0`. Fakes in tests; when omitted
   * the real host from `DEFAULT_BASE_URLS` is used.
   */
  baseUrl?: string;
  /** Decrypted credential. Sent only as the platform documents (a header); never logged. */
  token: string;
  /** Meta business id | TikTok bc_id | Pinterest business id. */
  businessId: string;
  /** Injectable for tests; defaults to the global (undici) fetch. */
  fetch?: typeof fetch;
  /** Injectable so tests don't wait for backoff (and can record the waits). */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt, for 429/5xx/throttle/network. Default 4. */
  maxRetries?: number;
  /** Page size asked of the platform (clamped to each endpoint's documented maximum). */
  pageSize?: number;
  /** Per-attempt timeout. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * A wait the platform asks for that is longer than this is not slept through: the call fails
   * with `rate_limited` and `retryAfterMs`, so the caller can reschedule. Default 120 000 ms.
   */
  maxWaitMs?: number;
  /** Jitter source, [0, 1). Injectable for deterministic tests. Default Math.random. */
  random?: () => number;
  /** Epoch ms, for reset headers given as timestamps. Default Date.now. */
  now?: () => number;
  /**
   * Told about each part of a read that was skipped rather than failed (an asset type an
   * endpoint refuses, a per-asset permission error), so a sync can log "not visible" coverage
   * (research §4 `SyncCoverage`). Never given the credential.
   */
  onCoverageGap?: (gap: CoverageGap) => void;
}

export interface CoverageGap {
  /** e.g. `GET /{pixel-id}/agencies`, `GET /bc/partner/asset/get/ asset_type=PIXEL`. */
  endpoint: string;
  assetExternalId: string | null;
  outcome: 'NOT_PERMITTED' | 'UNSUPPORTED' | 'NOT_FOUND';
  platformCode: string | null;
}

/** What the credential can see, for "the owner sees what the credential can read". */
export interface HubCheck {
  externalId: string;
  name: string;
  /** e.g. TikTok `user_role` ADMIN/STANDARD, Pinterest `business_roles[0]`; null when the platform doesn't say. */
  callerRole: string | null;
  /** Capabilities that answered: a subset of `HUB_CAPABILITIES`. */
  canRead: string[];
  /** Capabilities that were refused (missing permission/scope/role). */
  cannotRead: string[];
}

/** The capability names used in `HubCheck.canRead` / `cannotRead`. */
export const HUB_CAPABILITIES = ['business', 'partners', 'shared_assets', 'people'] as const;
export type HubCapability = (typeof HUB_CAPABILITIES)[number];

export interface DiscoveredPartner {
  externalId: string;
  name: string | null;
  /** Pinterest `user.email` only; null elsewhere. */
  contactEmail: string | null;
  raw: unknown;
}

export type GrantStatus = 'ACTIVE' | 'PENDING' | 'REJECTED' | 'REVOKED' | 'UNKNOWN';

export interface SharedAsset {
  /** Meta ad accounts are always `act_<id>`; other ids as the platform gives them. */
  externalId: string;
  type: AssetType;
  /** The platform's own type word, e.g. `adaccount_permissions`, `ADVERTISER`, `AD_ACCOUNT`. */
  rawType: string;
  name: string | null;
  /** The partner's permitted tasks/roles on it (raw strings, as given). */
  rawRoles: string[];
  level: AccessLevel;
  status: GrantStatus;
  /** Raw status word when the platform gives one (Meta `access_status`). */
  rawStatus?: string | null;
}

export interface AssetPerson {
  externalId: string;
  kind: 'HUMAN' | 'SYSTEM';
  displayName: string | null;
  email: string | null;
  rawRoles: string[];
  level: AccessLevel;
}

/** People on one asset, or why they cannot be seen: never confuse "not visible" with "no access". */
export type AssetPeople =
  | { visible: true; people: AssetPerson[] }
  | { visible: false; reason: 'not_visible_through_api' | 'not_permitted' | 'unsupported' };

export interface NativeConnector {
  readonly platform: NativePlatform;
  /** Checked on save: the credential works and what it can read. */
  checkHub(): Promise<HubCheck>;
  /** Partners with access to OUR assets (inbound), all pages. */
  listPartners(): Promise<DiscoveredPartner[]>;
  /** Our assets shared with one partner, with the partner's permitted tasks/roles. [] = none. */
  listSharedAssets(partnerExternalId: string): Promise<SharedAsset[]>;
  /**
   * With a connector built from the PARTNER's credential (businessId = the partner's): the
   * partner's people who hold one of our assets.
   */
  listPartnerPeopleOnAsset(asset: { externalId: string; type: AssetType }): Promise<AssetPeople>;
}

export type ConnectorErrorKind =
  | 'token_invalid'
  | 'token_expired'
  | 'rate_limited'
  | 'not_permitted'
  | 'not_found'
  | 'platform_error'
  | 'network';

export interface ConnectorErrorInit {
  retryable?: boolean;
  retryAfterMs?: number;
  platformCode?: string;
  cause?: unknown;
}

/**
 * Everything a connector throws. `message` is safe to show and to log: it never contains the
 * credential (platform messages are passed through, URLs and headers are not).
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly kind: ConnectorErrorKind;
  readonly platform: NativePlatform;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly platformCode?: string;

  constructor(platform: NativePlatform, kind: ConnectorErrorKind, message: string, init: ConnectorErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.platform = platform;
    this.kind = kind;
    this.retryable = init.retryable ?? (kind === 'rate_limited' || kind === 'network');
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.platformCode !== undefined) this.platformCode = init.platformCode;
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}
