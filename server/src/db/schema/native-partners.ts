import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { workspaces } from './workspaces';

/**
 * Native partners (partners-spec §3.9, §5.8, ADR 0014): business hubs on Meta, TikTok and Pinterest,
 * the partner businesses discovered through them, the assets shared with each partner and the
 * partner's people on those assets, synced read-only by jobs. State is snapshot-based
 * (first/last seen, removed) because no platform pushes changes (native-partner-apis §4).
 * Credentials are sealed by the vault (workspace data key, purpose-bound); nothing else decrypts.
 */

export const NATIVE_PLATFORMS = ['meta', 'tiktok', 'pinterest'] as const;
export const ACCESS_LEVELS = ['OWNER', 'ADMIN', 'ADVERTISE', 'ANALYZE', 'LIMITED', 'UNKNOWN'] as const;
export const PEOPLE_VISIBILITY = ['visible', 'not_visible_through_api', 'not_permitted', 'unsupported', 'unknown'] as const;
export const SYNC_JOB_STATUSES = ['queued', 'running', 'retrying', 'completed', 'not_completed'] as const;

/** Our own container on a platform (Meta business, TikTok Business Center, Pinterest business). */
export const nativeHubs = pgTable(
  'native_hubs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    platform: text('platform', { enum: NATIVE_PLATFORMS }).notNull(),
    /** Meta business id | TikTok bc_id | Pinterest business id. */
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['connected', 'disconnected'] }).notNull(),
    /** The hub credential sealed by the vault; null once disconnected (the token is forgotten). */
    credentialSealed: text('credential_sealed'),
    callerRole: text('caller_role'),
    canRead: jsonb('can_read').$type<string[]>().notNull().default([]),
    cannotRead: jsonb('cannot_read').$type<string[]>().notNull().default([]),
    lastCheckAt: timestamp('last_check_at', { withTimezone: true }),
    /** When "Check for updates" last listed the partners. */
    lastDiscoveryAt: timestamp('last_discovery_at', { withTimezone: true }),
    connectedBy: uuid('connected_by')
      .notNull()
      .references(() => users.id),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull(),
    disconnectedBy: uuid('disconnected_by').references(() => users.id),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('native_hubs_external_idx').on(t.workspaceId, t.platform, t.externalId),
    check('native_hubs_credential_check', sql`(${t.status} = 'connected') = (${t.credentialSealed} is not null)`),
  ],
);

/** App Owners of a hub (spec §4.5): the Admin or Owner who connected it. Only they replace or disconnect. */
export const nativeHubOwners = pgTable(
  'native_hub_owners',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => nativeHubs.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hubId, t.userId] }), index('native_hub_owners_user_idx').on(t.workspaceId, t.userId)],
);

/** A partner business with access to our assets, discovered by "Check for updates" (R-NP-01: ≥1 shared asset). */
export const nativePartners = pgTable(
  'native_partners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => nativeHubs.id),
    platform: text('platform', { enum: NATIVE_PLATFORMS }).notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    contactEmail: text('contact_email'),
    status: text('status', { enum: ['pending_onboarding', 'onboarded'] }).notNull(),
    /** The partner's credential sealed by the vault; set exactly while onboarded. */
    credentialSealed: text('credential_sealed'),
    onboardedBy: uuid('onboarded_by').references(() => users.id),
    onboardedAt: timestamp('onboarded_at', { withTimezone: true }),
    /** Assets shared with the partner at the last discovery or sync. */
    sharedAssets: integer('shared_assets').notNull().default(0),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** No longer listed by the platform, or no asset shared any more. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('native_partners_external_idx').on(t.hubId, t.externalId),
    index('native_partners_workspace_idx').on(t.workspaceId, t.platform, t.status),
    check('native_partners_credential_check', sql`(${t.status} = 'onboarded') = (${t.credentialSealed} is not null)`),
  ],
);

/** One of OUR assets on the platform (ad account, page, …). */
export const nativeAssets = pgTable(
  'native_assets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => nativeHubs.id),
    externalId: text('external_id').notNull(),
    type: text('type').notNull(),
    rawType: text('raw_type').notNull(),
    name: text('name'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('native_assets_external_idx').on(t.hubId, t.externalId)],
);

/** Business-level grant: the partner ↔ one of our assets, with its permitted roles (the ceiling). */
export const nativePartnerAssets = pgTable(
  'native_partner_assets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => nativePartners.id),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => nativeAssets.id),
    rawRoles: jsonb('raw_roles').$type<string[]>().notNull(),
    level: text('level', { enum: ACCESS_LEVELS }).notNull(),
    status: text('status').notNull(),
    /** Whether the partner's people on this asset could be read at the last sync: never "no access" when not visible. */
    peopleVisibility: text('people_visibility', { enum: PEOPLE_VISIBILITY }).notNull().default('unknown'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('native_partner_assets_idx').on(t.partnerId, t.assetId), index('native_partner_assets_ws_idx').on(t.workspaceId, t.partnerId)],
);

/** A person (or system user) of the partner seen on our assets. Read-only in Latchkey (R-NP-05). */
export const nativePeople = pgTable(
  'native_people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => nativePartners.id),
    externalId: text('external_id').notNull(),
    kind: text('kind', { enum: ['HUMAN', 'SYSTEM'] }).notNull(),
    displayName: text('display_name'),
    email: text('email'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** Seen on none of our assets at the last successful sync. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** The sync in which the person (re)appeared on our assets: "new people" of that sync's diff. */
    appearedJobId: uuid('appeared_job_id'),
    /** The credential was disconnected: kept as last seen until the next successful sync (spec Q23). */
    stale: boolean('stale').notNull().default(false),
  },
  (t) => [uniqueIndex('native_people_external_idx').on(t.partnerId, t.externalId), index('native_people_ws_idx').on(t.workspaceId, t.partnerId)],
);

/** A person's access to one of our assets: raw platform roles kept, level derived. */
export const nativePersonAccess = pgTable(
  'native_person_access',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => nativePartners.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => nativePeople.id),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => nativeAssets.id),
    rawRoles: jsonb('raw_roles').$type<string[]>().notNull(),
    level: text('level', { enum: ACCESS_LEVELS }).notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** The sync that first saw this access, that last saw it, and that last saw it change (for the diff). */
    firstSeenJobId: uuid('first_seen_job_id').notNull(),
    lastSeenJobId: uuid('last_seen_job_id').notNull(),
    changedJobId: uuid('changed_job_id'),
    previousRawRoles: jsonb('previous_raw_roles').$type<string[]>(),
    previousLevel: text('previous_level', { enum: ACCESS_LEVELS }),
  },
  (t) => [
    uniqueIndex('native_person_access_idx').on(t.personId, t.assetId),
    index('native_person_access_partner_idx').on(t.workspaceId, t.partnerId, t.assetId),
  ],
);

/** A sync of one onboarded partner: on demand (manual) or daily. At most one live job per partner. */
export const nativeSyncJobs = pgTable(
  'native_sync_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => nativePartners.id),
    trigger: text('trigger', { enum: ['manual', 'daily'] }).notNull(),
    status: text('status', { enum: SYNC_JOB_STATUSES }).notNull(),
    done: integer('done').notNull().default(0),
    total: integer('total'),
    /** Why it did not complete, in product words. */
    reason: text('reason'),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('native_sync_jobs_one_live_idx')
      .on(t.partnerId)
      .where(sql`${t.status} in ('queued', 'running', 'retrying')`),
    index('native_sync_jobs_partner_idx').on(t.workspaceId, t.partnerId, t.createdAt),
    index('native_sync_jobs_queued_idx').on(t.status, t.createdAt),
  ],
);

/** The Automation log: one line per state change of a job. */
export const nativeSyncLog = pgTable(
  'native_sync_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    jobId: uuid('job_id')
      .notNull()
      .references(() => nativeSyncJobs.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Write order: lines written in one transaction share `at`. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    status: text('status', { enum: SYNC_JOB_STATUSES }).notNull(),
    message: text('message').notNull(),
  },
  (t) => [index('native_sync_log_job_idx').on(t.jobId, t.seq)],
);

/** What a completed sync saw, and its difference from the previous one (lists capped; counts exact). */
export const nativeSyncSnapshots = pgTable(
  'native_sync_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => nativePartners.id),
    jobId: uuid('job_id')
      .notNull()
      .references(() => nativeSyncJobs.id),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    assets: integer('assets').notNull(),
    people: integer('people').notNull(),
    accesses: integer('accesses').notNull(),
    newPeople: integer('new_people').notNull(),
    lostPeople: integer('lost_people').notNull(),
    changedAccesses: integer('changed_accesses').notNull(),
    diff: jsonb('diff').$type<NativeSyncDiff>().notNull(),
  },
  (t) => [uniqueIndex('native_sync_snapshots_job_idx').on(t.jobId), index('native_sync_snapshots_partner_idx').on(t.workspaceId, t.partnerId, t.takenAt)],
);

export interface NativeSyncDiffPerson {
  externalId: string;
  name: string | null;
  email: string | null;
}
export interface NativeSyncDiffChange extends NativeSyncDiffPerson {
  change: 'granted' | 'revoked' | 'changed';
  assetExternalId: string;
  assetName: string | null;
  fromRoles: string[];
  toRoles: string[];
  fromLevel: string | null;
  toLevel: string;
}
export interface NativeSyncDiff {
  newPeople: NativeSyncDiffPerson[];
  lostPeople: NativeSyncDiffPerson[];
  /** Access granted on an asset (also to people already known), revoked, or with changed roles. */
  changes: NativeSyncDiffChange[];
}
