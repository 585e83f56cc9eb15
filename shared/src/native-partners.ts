import { z } from 'zod';

/**
 * Native partner contracts (/native-hubs, /native-partners, /native-sync-jobs, /native-people),
 * shared by the API and the web app. The rules behind them: partners-spec §3.9, §4.5, §5.8,
 * R-NP-01…06, Q23 and docs/decisions/0014-native-partners.md. Everything here is read-only
 * platform data: Latchkey never changes a role on Meta, TikTok or Pinterest (R-NP-03, R-NP-05).
 */

export const NativePlatformSchema = z.enum(['meta', 'tiktok', 'pinterest']);
export type NativePlatform = z.infer<typeof NativePlatformSchema>;

export const NATIVE_PLATFORM_LABELS: Record<NativePlatform, string> = {
  meta: 'Meta',
  tiktok: 'TikTok',
  pinterest: 'Pinterest',
};
/** What the product calls each platform's business container. */
export const NATIVE_HUB_LABELS: Record<NativePlatform, string> = {
  meta: 'Meta Business Manager',
  tiktok: 'TikTok Business Center',
  pinterest: 'Pinterest Business',
};

export const AccessLevelSchema = z.enum(['OWNER', 'ADMIN', 'ADVERTISE', 'ANALYZE', 'LIMITED', 'UNKNOWN']);
export type AccessLevel = z.infer<typeof AccessLevelSchema>;
export const ACCESS_LEVEL_LABELS: Record<AccessLevel, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  ADVERTISE: 'Advertise',
  ANALYZE: 'Analyze',
  LIMITED: 'Limited',
  UNKNOWN: 'Unknown',
};

/** Could the partner's people on an asset be read? "Not visible" is never "no access". */
export const PeopleVisibilitySchema = z.enum(['visible', 'not_visible_through_api', 'not_permitted', 'unsupported', 'unknown']);
export type PeopleVisibility = z.infer<typeof PeopleVisibilitySchema>;
export const PEOPLE_VISIBILITY_LABELS: Record<PeopleVisibility, string> = {
  visible: 'Visible',
  not_visible_through_api: 'Not visible through the API',
  not_permitted: 'Not visible: the partner credential may not read it',
  unsupported: 'Not visible: the platform does not list people on this asset',
  unknown: 'Not synced yet',
};

export const NativeHubStatusSchema = z.enum(['connected', 'disconnected']);
export const NativePartnerStatusSchema = z.enum(['pending_onboarding', 'onboarded']);
export type NativePartnerStatus = z.infer<typeof NativePartnerStatusSchema>;
export const NATIVE_PARTNER_STATUS_LABELS: Record<NativePartnerStatus, string> = {
  pending_onboarding: 'Pending onboarding',
  onboarded: 'Onboarded',
};

export const NativeSyncStatusSchema = z.enum(['queued', 'running', 'retrying', 'completed', 'not_completed']);
export type NativeSyncStatus = z.infer<typeof NativeSyncStatusSchema>;
export const NATIVE_SYNC_STATUS_LABELS: Record<NativeSyncStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  retrying: 'Retrying',
  completed: 'Completed',
  not_completed: 'Not completed',
};

/** Platform ids are short digit or word strings; tokens are long but bounded. */
export const EXTERNAL_ID_MAX = 64;
export const PLATFORM_TOKEN_MAX = 4096;

const ExternalIdSchema = z
  .string()
  .trim()
  .min(1, 'Enter the business id.')
  .max(EXTERNAL_ID_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'A business id has only letters, digits, "-" and "_".');
const TokenSchema = z.string().trim().min(1, 'Enter the token.').max(PLATFORM_TOKEN_MAX);

const PersonRefSchema = z.object({ userId: z.uuid(), name: z.string(), email: z.string() });

export const NativeHubDtoSchema = z
  .object({
    id: z.uuid(),
    platform: NativePlatformSchema,
    externalId: z.string(),
    name: z.string(),
    status: NativeHubStatusSchema,
    /** The credential's role in the hub, as the platform reports it. */
    callerRole: z.string().nullable(),
    /** What the credential can and cannot read, checked on save (the App Owner sees it). */
    canRead: z.array(z.string()),
    cannotRead: z.array(z.string()),
    lastCheckAt: z.iso.datetime().nullable(),
    lastDiscoveryAt: z.iso.datetime().nullable(),
    connectedAt: z.iso.datetime(),
    appOwners: z.array(PersonRefSchema),
    partners: z.object({ pendingOnboarding: z.number().int(), onboarded: z.number().int() }),
    abilities: z.object({ replaceCredential: z.boolean(), disconnect: z.boolean(), checkForUpdates: z.boolean() }),
  })
  .meta({ id: 'NativeHub' });
export type NativeHubDto = z.infer<typeof NativeHubDtoSchema>;

export const NativeHubListResponseSchema = z.object({
  hubs: z.array(NativeHubDtoSchema),
  abilities: z.object({ connect: z.boolean() }),
});
export type NativeHubListResponse = z.infer<typeof NativeHubListResponseSchema>;

export const ConnectNativeHubRequestSchema = z
  .object({ platform: NativePlatformSchema, businessId: ExternalIdSchema, token: TokenSchema })
  .meta({ id: 'ConnectNativeHubRequest' });
export type ConnectNativeHubRequest = z.infer<typeof ConnectNativeHubRequestSchema>;

export const NativeCredentialRequestSchema = z.object({ token: TokenSchema }).meta({ id: 'NativeCredentialRequest' });
export type NativeCredentialRequest = z.infer<typeof NativeCredentialRequestSchema>;

export const NativeSyncLogEntrySchema = z.object({ at: z.iso.datetime(), status: NativeSyncStatusSchema, message: z.string() });

export const NativeSyncJobDtoSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    trigger: z.enum(['manual', 'daily']),
    status: NativeSyncStatusSchema,
    done: z.number().int(),
    total: z.number().int().nullable(),
    reason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    /** The Automation log, oldest first. */
    log: z.array(NativeSyncLogEntrySchema),
  })
  .meta({ id: 'NativeSyncJob' });
export type NativeSyncJobDto = z.infer<typeof NativeSyncJobDtoSchema>;

export const NativePartnerDtoSchema = z
  .object({
    id: z.uuid(),
    hubId: z.uuid(),
    hubName: z.string(),
    platform: NativePlatformSchema,
    externalId: z.string(),
    name: z.string().nullable(),
    contactEmail: z.string().nullable(),
    status: NativePartnerStatusSchema,
    sharedAssets: z.number().int(),
    /** People seen on our assets at the last sync (not removed). */
    people: z.number().int(),
    /** Synced people are shown as last seen: the credential was disconnected (spec Q23). */
    stale: z.boolean(),
    removed: z.boolean(),
    lastSyncAt: z.iso.datetime().nullable(),
    /** The queued or running job, if any, else the latest one. */
    latestJob: NativeSyncJobDtoSchema.nullable(),
    abilities: z.object({ connect: z.boolean(), disconnect: z.boolean(), sync: z.boolean() }),
  })
  .meta({ id: 'NativePartner' });
export type NativePartnerDto = z.infer<typeof NativePartnerDtoSchema>;

export const NativePartnerListQuerySchema = z.object({
  platform: NativePlatformSchema.optional(),
  status: NativePartnerStatusSchema.optional(),
});
export const NativePartnerListResponseSchema = z.object({ partners: z.array(NativePartnerDtoSchema) });
export type NativePartnerListResponse = z.infer<typeof NativePartnerListResponseSchema>;

export const CheckForUpdatesResponseSchema = z.object({
  hub: NativeHubDtoSchema,
  partners: z.array(NativePartnerDtoSchema),
  /** Partners seen for the first time by this check. */
  discovered: z.number().int(),
  /** Partners listed by the platform but skipped: no asset shared with them (R-NP-01). */
  skippedWithoutAssets: z.number().int(),
  /** Partners the platform listed beyond one check's limit (200): not checked this time, left as they were. */
  notChecked: z.number().int(),
});
export type CheckForUpdatesResponse = z.infer<typeof CheckForUpdatesResponseSchema>;

export const NativeAssetDtoSchema = z.object({
  id: z.uuid(),
  externalId: z.string(),
  type: z.string(),
  rawType: z.string(),
  name: z.string().nullable(),
  /** The partner's permitted roles on the asset (the ceiling for its people). */
  rawRoles: z.array(z.string()),
  level: AccessLevelSchema,
  status: z.string(),
  peopleVisibility: PeopleVisibilitySchema,
  people: z.number().int(),
  removed: z.boolean(),
});
export type NativeAssetDto = z.infer<typeof NativeAssetDtoSchema>;

export const NativePersonDtoSchema = z.object({
  id: z.uuid(),
  externalId: z.string(),
  kind: z.enum(['HUMAN', 'SYSTEM']),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  removed: z.boolean(),
  stale: z.boolean(),
  access: z.array(
    z.object({ assetId: z.uuid(), assetName: z.string().nullable(), assetType: z.string(), rawRoles: z.array(z.string()), level: AccessLevelSchema }),
  ),
});
export type NativePersonDto = z.infer<typeof NativePersonDtoSchema>;

export const NativePartnerDetailsSchema = z
  .object({ partner: NativePartnerDtoSchema, assets: z.array(NativeAssetDtoSchema), people: z.array(NativePersonDtoSchema) })
  .meta({ id: 'NativePartnerDetails' });
export type NativePartnerDetails = z.infer<typeof NativePartnerDetailsSchema>;

export const NativeSyncJobListResponseSchema = z.object({ jobs: z.array(NativeSyncJobDtoSchema) });

/** Members page: "<Platform> Business guest users". */
export const NativeGuestUsersQuerySchema = z.object({ platform: NativePlatformSchema.optional() });
export const NativeGuestUserDtoSchema = z.object({
  id: z.uuid(),
  platform: NativePlatformSchema,
  partnerId: z.uuid(),
  partnerName: z.string().nullable(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  kind: z.enum(['HUMAN', 'SYSTEM']),
  assets: z.number().int(),
  /** The strongest level across the person's assets. */
  level: AccessLevelSchema,
  stale: z.boolean(),
  lastSeenAt: z.iso.datetime(),
});
export type NativeGuestUserDto = z.infer<typeof NativeGuestUserDtoSchema>;
export const NativeGuestUsersResponseSchema = z.object({ people: z.array(NativeGuestUserDtoSchema) });
export type NativeGuestUsersResponse = z.infer<typeof NativeGuestUsersResponseSchema>;

export const NativeHubParamsSchema = z.object({ id: z.uuid() });
export const NativePartnerParamsSchema = z.object({ id: z.uuid() });
export const NativeSyncJobParamsSchema = z.object({ id: z.uuid() });
