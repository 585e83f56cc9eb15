import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AccessLevel, NativePartnerStatus, NativePlatform, PeopleVisibility } from '@shared/native-partners';
import type { WorkspaceRole } from '@shared/permissions';
import { queryRows, type Db } from '../../db/client';
import {
  memberships,
  nativeAssets,
  nativeHubOwners,
  nativeHubs,
  nativePartnerAssets,
  nativePartners,
  nativePeople,
  nativePersonAccess,
  nativeSyncJobs,
  nativeSyncLog,
  nativeSyncSnapshots,
  users,
  type NativeSyncDiff,
} from '../../db/schema/index';

export type NativeHubRow = typeof nativeHubs.$inferSelect;
export type NativePartnerRow = typeof nativePartners.$inferSelect;
export type NativeSyncJobRow = typeof nativeSyncJobs.$inferSelect;
export type NativeSyncLogRow = typeof nativeSyncLog.$inferSelect;
export type SyncStatus = NativeSyncJobRow['status'];

export interface HubOwnerRow {
  hubId: string;
  userId: string;
  name: string;
  email: string;
  /** The owner's workspace role while their membership is active, else null. */
  role: WorkspaceRole | null;
}

export const LIVE_JOB_STATUSES: SyncStatus[] = ['queued', 'running', 'retrying'];

/** Insert/update in slices so one statement never carries too many parameters. */
const SLICE = 500;
function slices<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SLICE) out.push(items.slice(i, i + SLICE));
  return out;
}

/**
 * Native partners: hubs, partners, assets, grants, people, access, sync jobs and snapshots. The
 * only place with their queries. Every function takes the workspace id and filters by it.
 */
export const nativePartnersRepository = {
  // ── Hubs ─────────────────────────────────────────────────────────────────────────────────
  async insertHub(tx: Db, v: typeof nativeHubs.$inferInsert): Promise<NativeHubRow> {
    const [row] = await tx.insert(nativeHubs).values(v).returning();
    return row!;
  },

  async findHub(tx: Db, workspaceId: string, hubId: string, opts: { lock?: boolean } = {}): Promise<NativeHubRow | null> {
    const q = tx
      .select()
      .from(nativeHubs)
      .where(and(eq(nativeHubs.workspaceId, workspaceId), eq(nativeHubs.id, hubId)));
    const [row] = opts.lock ? await q.for('update') : await q;
    return row ?? null;
  },

  async findHubByExternal(tx: Db, workspaceId: string, platform: NativePlatform, externalId: string): Promise<NativeHubRow | null> {
    const [row] = await tx
      .select()
      .from(nativeHubs)
      .where(and(eq(nativeHubs.workspaceId, workspaceId), eq(nativeHubs.platform, platform), eq(nativeHubs.externalId, externalId)));
    return row ?? null;
  },

  async listHubs(tx: Db, workspaceId: string): Promise<NativeHubRow[]> {
    return tx.select().from(nativeHubs).where(eq(nativeHubs.workspaceId, workspaceId)).orderBy(asc(nativeHubs.platform), asc(nativeHubs.name));
  },

  async updateHub(tx: Db, workspaceId: string, hubId: string, patch: Partial<typeof nativeHubs.$inferInsert>): Promise<NativeHubRow> {
    const [row] = await tx
      .update(nativeHubs)
      .set(patch)
      .where(and(eq(nativeHubs.workspaceId, workspaceId), eq(nativeHubs.id, hubId)))
      .returning();
    return row!;
  },

  async addHubOwner(tx: Db, workspaceId: string, hubId: string, userId: string, now: Date): Promise<void> {
    await tx.insert(nativeHubOwners).values({ workspaceId, hubId, userId, addedAt: now }).onConflictDoNothing();
  },

  async hubOwners(tx: Db, workspaceId: string, hubIds: string[]): Promise<HubOwnerRow[]> {
    if (hubIds.length === 0) return [];
    const rows = await tx
      .select({
        hubId: nativeHubOwners.hubId,
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        status: memberships.status,
      })
      .from(nativeHubOwners)
      .innerJoin(users, eq(users.id, nativeHubOwners.userId))
      .leftJoin(memberships, and(eq(memberships.workspaceId, nativeHubOwners.workspaceId), eq(memberships.userId, nativeHubOwners.userId)))
      .where(and(eq(nativeHubOwners.workspaceId, workspaceId), inArray(nativeHubOwners.hubId, hubIds)))
      .orderBy(asc(nativeHubOwners.addedAt));
    return rows.map((r) => ({ hubId: r.hubId, userId: r.userId, name: r.name, email: r.email, role: r.status === 'active' ? r.role : null }));
  },

  async partnerCountsByHub(tx: Db, workspaceId: string, hubIds: string[]): Promise<Map<string, { pendingOnboarding: number; onboarded: number }>> {
    const out = new Map<string, { pendingOnboarding: number; onboarded: number }>();
    if (hubIds.length === 0) return out;
    const rows = await tx
      .select({ hubId: nativePartners.hubId, status: nativePartners.status, n: sql<number>`count(*)::int` })
      .from(nativePartners)
      .where(and(eq(nativePartners.workspaceId, workspaceId), inArray(nativePartners.hubId, hubIds), isNull(nativePartners.removedAt)))
      .groupBy(nativePartners.hubId, nativePartners.status);
    for (const r of rows) {
      const c = out.get(r.hubId) ?? { pendingOnboarding: 0, onboarded: 0 };
      if (r.status === 'onboarded') c.onboarded = r.n;
      else c.pendingOnboarding = r.n;
      out.set(r.hubId, c);
    }
    return out;
  },

  // ── Partners ─────────────────────────────────────────────────────────────────────────────
  async findPartner(tx: Db, workspaceId: string, partnerId: string, opts: { lock?: 'update' | 'share' } = {}): Promise<NativePartnerRow | null> {
    const q = tx
      .select()
      .from(nativePartners)
      .where(and(eq(nativePartners.workspaceId, workspaceId), eq(nativePartners.id, partnerId)));
    const [row] = opts.lock ? await q.for(opts.lock) : await q;
    return row ?? null;
  },

  async listPartners(
    tx: Db,
    workspaceId: string,
    f: { hubId?: string; platform?: NativePlatform; status?: NativePartnerStatus } = {},
  ): Promise<NativePartnerRow[]> {
    const conds = [eq(nativePartners.workspaceId, workspaceId)];
    if (f.hubId) conds.push(eq(nativePartners.hubId, f.hubId));
    if (f.platform) conds.push(eq(nativePartners.platform, f.platform));
    if (f.status) conds.push(eq(nativePartners.status, f.status));
    return tx
      .select()
      .from(nativePartners)
      .where(and(...conds))
      .orderBy(asc(nativePartners.platform), sql`${nativePartners.removedAt} is not null`, asc(nativePartners.name));
  },

  async insertPartner(tx: Db, v: typeof nativePartners.$inferInsert): Promise<NativePartnerRow> {
    const [row] = await tx.insert(nativePartners).values(v).returning();
    return row!;
  },

  async updatePartner(tx: Db, workspaceId: string, partnerId: string, patch: Partial<typeof nativePartners.$inferInsert>): Promise<NativePartnerRow> {
    const [row] = await tx
      .update(nativePartners)
      .set(patch)
      .where(and(eq(nativePartners.workspaceId, workspaceId), eq(nativePartners.id, partnerId)))
      .returning();
    return row!;
  },

  /** Live people (not removed) per partner, and whether any is stale. */
  async peopleCounts(tx: Db, workspaceId: string, partnerIds: string[]): Promise<Map<string, { people: number; stale: number }>> {
    const out = new Map<string, { people: number; stale: number }>();
    if (partnerIds.length === 0) return out;
    const rows = await tx
      .select({
        partnerId: nativePeople.partnerId,
        people: sql<number>`count(*)::int`,
        stale: sql<number>`count(*) filter (where ${nativePeople.stale})::int`,
      })
      .from(nativePeople)
      .where(and(eq(nativePeople.workspaceId, workspaceId), inArray(nativePeople.partnerId, partnerIds), isNull(nativePeople.removedAt)))
      .groupBy(nativePeople.partnerId);
    for (const r of rows) out.set(r.partnerId, { people: r.people, stale: r.stale });
    return out;
  },

  /** Q23: people stay as last seen, marked stale, until the next successful sync. Returns how many. */
  async markPeopleStale(tx: Db, workspaceId: string, partnerIds: string[]): Promise<number> {
    if (partnerIds.length === 0) return 0;
    const rows = await tx
      .update(nativePeople)
      .set({ stale: true })
      .where(and(eq(nativePeople.workspaceId, workspaceId), inArray(nativePeople.partnerId, partnerIds), isNull(nativePeople.removedAt)))
      .returning({ id: nativePeople.id });
    return rows.length;
  },

  // ── Assets and the partner's grants ──────────────────────────────────────────────────────
  /** Upsert our assets by external id; returns externalId → asset id. */
  async upsertAssets(
    tx: Db,
    workspaceId: string,
    hubId: string,
    assets: Array<{ externalId: string; type: string; rawType: string; name: string | null }>,
    now: Date,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of slices(assets)) {
      const rows = await tx
        .insert(nativeAssets)
        .values(part.map((a) => ({ workspaceId, hubId, ...a, firstSeenAt: now, lastSeenAt: now })))
        .onConflictDoUpdate({
          target: [nativeAssets.hubId, nativeAssets.externalId],
          set: { type: sql`excluded.type`, rawType: sql`excluded.raw_type`, name: sql`excluded.name`, lastSeenAt: now },
          setWhere: eq(nativeAssets.workspaceId, workspaceId),
        })
        .returning({ id: nativeAssets.id, externalId: nativeAssets.externalId });
      for (const r of rows) out.set(r.externalId, r.id);
    }
    return out;
  },

  /**
   * The partner's grants as the platform lists them now: upsert these, mark the others removed.
   * Returns how many grants ended.
   */
  async replaceGrants(
    tx: Db,
    workspaceId: string,
    partnerId: string,
    grants: Array<{ assetId: string; rawRoles: string[]; level: AccessLevel; status: string }>,
    now: Date,
  ): Promise<number> {
    for (const part of slices(grants)) {
      await tx
        .insert(nativePartnerAssets)
        .values(part.map((g) => ({ workspaceId, partnerId, ...g, firstSeenAt: now, lastSeenAt: now })))
        .onConflictDoUpdate({
          target: [nativePartnerAssets.partnerId, nativePartnerAssets.assetId],
          set: {
            rawRoles: sql`excluded.raw_roles`,
            level: sql`excluded.level`,
            status: sql`excluded.status`,
            lastSeenAt: now,
            removedAt: null,
          },
          setWhere: eq(nativePartnerAssets.workspaceId, workspaceId),
        });
    }
    const keep = grants.map((g) => g.assetId);
    const ended = await tx
      .update(nativePartnerAssets)
      .set({ removedAt: now })
      .where(
        and(
          eq(nativePartnerAssets.workspaceId, workspaceId),
          eq(nativePartnerAssets.partnerId, partnerId),
          isNull(nativePartnerAssets.removedAt),
          ...(keep.length ? [sql`${nativePartnerAssets.assetId} not in (${sql.join(keep.map((k) => sql`${k}::uuid`), sql`, `)})`] : []),
        ),
      )
      .returning({ id: nativePartnerAssets.id });
    return ended.length;
  },

  async setGrantVisibility(tx: Db, workspaceId: string, partnerId: string, assetId: string, visibility: PeopleVisibility): Promise<void> {
    await tx
      .update(nativePartnerAssets)
      .set({ peopleVisibility: visibility })
      .where(and(eq(nativePartnerAssets.workspaceId, workspaceId), eq(nativePartnerAssets.partnerId, partnerId), eq(nativePartnerAssets.assetId, assetId)));
  },

  /** The partner's assets with the grant and the count of live people on each. */
  async partnerAssets(tx: Db, workspaceId: string, partnerId: string) {
    return queryRows<{
      id: string;
      external_id: string;
      type: string;
      raw_type: string;
      name: string | null;
      raw_roles: string[];
      level: AccessLevel;
      status: string;
      people_visibility: PeopleVisibility;
      removed: boolean;
      people: number;
    }>(
      tx,
      sql`select a.id, a.external_id, a.type, a.raw_type, a.name, g.raw_roles, g.level, g.status, g.people_visibility,
                 g.removed_at is not null as removed,
                 (select count(*)::int from native_person_access x
                   where x.workspace_id = ${workspaceId} and x.partner_id = g.partner_id and x.asset_id = a.id and x.removed_at is null) as people
            from native_partner_assets g
            join native_assets a on a.id = g.asset_id and a.workspace_id = g.workspace_id
           where g.workspace_id = ${workspaceId} and g.partner_id = ${partnerId}
           order by g.removed_at is not null, a.type, a.name`,
    );
  },

  /** Live grants of a partner (the assets a sync walks). */
  async liveGrants(tx: Db, workspaceId: string, partnerId: string) {
    return tx
      .select({ assetId: nativeAssets.id, externalId: nativeAssets.externalId, type: nativeAssets.type, name: nativeAssets.name })
      .from(nativePartnerAssets)
      .innerJoin(nativeAssets, eq(nativeAssets.id, nativePartnerAssets.assetId))
      .where(and(eq(nativePartnerAssets.workspaceId, workspaceId), eq(nativePartnerAssets.partnerId, partnerId), isNull(nativePartnerAssets.removedAt)))
      .orderBy(asc(nativeAssets.externalId));
  },

  // ── People and their access ──────────────────────────────────────────────────────────────
  /** Upsert people seen in this job; a person who was removed re-appears (appearedJobId = job). */
  async upsertPeople(
    tx: Db,
    workspaceId: string,
    partnerId: string,
    jobId: string,
    people: Array<{ externalId: string; kind: 'HUMAN' | 'SYSTEM'; displayName: string | null; email: string | null }>,
    now: Date,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of slices(people)) {
      const rows = await tx
        .insert(nativePeople)
        .values(part.map((p) => ({ workspaceId, partnerId, ...p, firstSeenAt: now, lastSeenAt: now, appearedJobId: jobId })))
        .onConflictDoUpdate({
          target: [nativePeople.partnerId, nativePeople.externalId],
          set: {
            kind: sql`excluded.kind`,
            displayName: sql`excluded.display_name`,
            email: sql`excluded.email`,
            lastSeenAt: now,
            appearedJobId: sql`case when ${nativePeople.removedAt} is not null then excluded.appeared_job_id else ${nativePeople.appearedJobId} end`,
            removedAt: null,
          },
          setWhere: eq(nativePeople.workspaceId, workspaceId),
        })
        .returning({ id: nativePeople.id, externalId: nativePeople.externalId });
      for (const r of rows) out.set(r.externalId, r.id);
    }
    return out;
  },

  /**
   * Record the access seen on one asset in this job. New or re-granted rows get firstSeenJobId =
   * job; rows whose raw roles differ keep the previous roles and changedJobId = job (the diff).
   */
  async upsertAccess(
    tx: Db,
    workspaceId: string,
    partnerId: string,
    jobId: string,
    assetId: string,
    rows: Array<{ personId: string; rawRoles: string[]; level: AccessLevel }>,
    now: Date,
  ): Promise<void> {
    const a = nativePersonAccess;
    for (const part of slices(rows)) {
      await tx
        .insert(a)
        .values(
          part.map((r) => ({
            workspaceId,
            partnerId,
            personId: r.personId,
            assetId,
            rawRoles: [...r.rawRoles].sort(),
            level: r.level,
            firstSeenAt: now,
            lastSeenAt: now,
            firstSeenJobId: jobId,
            lastSeenJobId: jobId,
          })),
        )
        .onConflictDoUpdate({
          target: [a.personId, a.assetId],
          set: {
            firstSeenJobId: sql`case when ${a.removedAt} is not null then excluded.first_seen_job_id else ${a.firstSeenJobId} end`,
            changedJobId: sql`case when ${a.removedAt} is null and ${a.rawRoles} <> excluded.raw_roles then excluded.last_seen_job_id else ${a.changedJobId} end`,
            previousRawRoles: sql`case when ${a.removedAt} is null and ${a.rawRoles} <> excluded.raw_roles then ${a.rawRoles} else ${a.previousRawRoles} end`,
            previousLevel: sql`case when ${a.removedAt} is null and ${a.rawRoles} <> excluded.raw_roles then ${a.level} else ${a.previousLevel} end`,
            rawRoles: sql`excluded.raw_roles`,
            level: sql`excluded.level`,
            lastSeenAt: now,
            lastSeenJobId: jobId,
            removedAt: null,
          },
          setWhere: eq(a.workspaceId, workspaceId),
        });
    }
  },

  /**
   * End the access this job did not see, on assets whose people were visible in it or that are no
   * longer shared with the partner. Assets whose people could not be read keep their last-seen rows.
   */
  async endUnseenAccess(tx: Db, workspaceId: string, partnerId: string, jobId: string, now: Date) {
    return queryRows<{ person_id: string; asset_id: string; raw_roles: string[]; level: AccessLevel }>(
      tx,
      sql`update native_person_access x set removed_at = ${now}
           where x.workspace_id = ${workspaceId} and x.partner_id = ${partnerId} and x.removed_at is null
             and x.last_seen_job_id <> ${jobId}
             and not exists (select 1 from native_partner_assets g
                              where g.workspace_id = ${workspaceId} and g.partner_id = ${partnerId} and g.asset_id = x.asset_id
                                and g.removed_at is null and g.people_visibility <> 'visible')
       returning x.person_id, x.asset_id, x.raw_roles, x.level`,
    );
  },

  /** People with no live access left: removed. Returns them. */
  async removePeopleWithoutAccess(tx: Db, workspaceId: string, partnerId: string, now: Date) {
    return tx
      .update(nativePeople)
      .set({ removedAt: now, stale: false })
      .where(
        and(
          eq(nativePeople.workspaceId, workspaceId),
          eq(nativePeople.partnerId, partnerId),
          isNull(nativePeople.removedAt),
          sql`not exists (select 1 from native_person_access x where x.workspace_id = ${workspaceId} and x.person_id = ${nativePeople.id} and x.removed_at is null)`,
        ),
      )
      .returning({ id: nativePeople.id, externalId: nativePeople.externalId, displayName: nativePeople.displayName, email: nativePeople.email });
  },

  async clearStale(tx: Db, workspaceId: string, partnerId: string): Promise<void> {
    await tx
      .update(nativePeople)
      .set({ stale: false })
      .where(and(eq(nativePeople.workspaceId, workspaceId), eq(nativePeople.partnerId, partnerId), eq(nativePeople.stale, true)));
  },

  /**
   * People who (re)appeared, and access granted or changed, since the last completed sync: in this
   * job or in a job that stopped before completing (its writes stayed, its diff was never reported).
   */
  async jobAppearances(tx: Db, workspaceId: string, partnerId: string, jobId: string) {
    const unreported = sql`(select j.id from native_sync_jobs j where j.workspace_id = ${workspaceId} and j.partner_id = ${partnerId}
      and (j.id = ${jobId} or (j.status = 'not_completed' and j.created_at > coalesce(
        (select max(c.created_at) from native_sync_jobs c where c.workspace_id = ${workspaceId} and c.partner_id = ${partnerId} and c.status = 'completed'),
        '-infinity'::timestamptz))))`;
    const newPeople = await tx
      .select({ id: nativePeople.id, externalId: nativePeople.externalId, displayName: nativePeople.displayName, email: nativePeople.email })
      .from(nativePeople)
      .where(
        and(
          eq(nativePeople.workspaceId, workspaceId),
          eq(nativePeople.partnerId, partnerId),
          sql`${nativePeople.appearedJobId} in ${unreported}`,
          isNull(nativePeople.removedAt),
        ),
      );
    const accessChanges = await queryRows<{
      person_id: string;
      asset_id: string;
      asset_external_id: string;
      asset_name: string | null;
      raw_roles: string[];
      level: AccessLevel;
      previous_raw_roles: string[] | null;
      previous_level: AccessLevel | null;
      granted: boolean;
    }>(
      tx,
      sql`select x.person_id, x.asset_id, a.external_id as asset_external_id, a.name as asset_name, x.raw_roles, x.level,
                 x.previous_raw_roles, x.previous_level, x.first_seen_job_id in ${unreported} as granted
            from native_person_access x join native_assets a on a.id = x.asset_id
           where x.workspace_id = ${workspaceId} and x.partner_id = ${partnerId} and x.removed_at is null
             and (x.first_seen_job_id in ${unreported} or x.changed_job_id in ${unreported})`,
    );
    return { newPeople, accessChanges };
  },

  async peopleByIds(tx: Db, workspaceId: string, ids: string[]) {
    if (ids.length === 0) return [];
    return tx
      .select({ id: nativePeople.id, externalId: nativePeople.externalId, displayName: nativePeople.displayName, email: nativePeople.email })
      .from(nativePeople)
      .where(and(eq(nativePeople.workspaceId, workspaceId), inArray(nativePeople.id, ids)));
  },

  async assetsByIds(tx: Db, workspaceId: string, ids: string[]) {
    if (ids.length === 0) return [];
    return tx
      .select({ id: nativeAssets.id, externalId: nativeAssets.externalId, name: nativeAssets.name })
      .from(nativeAssets)
      .where(and(eq(nativeAssets.workspaceId, workspaceId), inArray(nativeAssets.id, ids)));
  },

  async counts(tx: Db, workspaceId: string, partnerId: string): Promise<{ assets: number; people: number; accesses: number }> {
    const [r] = await queryRows<{ assets: number; people: number; accesses: number }>(
      tx,
      sql`select
            (select count(*)::int from native_partner_assets where workspace_id = ${workspaceId} and partner_id = ${partnerId} and removed_at is null) as assets,
            (select count(*)::int from native_people where workspace_id = ${workspaceId} and partner_id = ${partnerId} and removed_at is null) as people,
            (select count(*)::int from native_person_access where workspace_id = ${workspaceId} and partner_id = ${partnerId} and removed_at is null) as accesses`,
    );
    return r!;
  },

  /** A partner's people (live first, then removed), with their live access. */
  async partnerPeople(tx: Db, workspaceId: string, partnerId: string) {
    const people = await tx
      .select()
      .from(nativePeople)
      .where(and(eq(nativePeople.workspaceId, workspaceId), eq(nativePeople.partnerId, partnerId)))
      .orderBy(sql`${nativePeople.removedAt} is not null`, asc(nativePeople.displayName), asc(nativePeople.externalId));
    const access = await tx
      .select({
        personId: nativePersonAccess.personId,
        assetId: nativePersonAccess.assetId,
        assetName: nativeAssets.name,
        assetType: nativeAssets.type,
        rawRoles: nativePersonAccess.rawRoles,
        level: nativePersonAccess.level,
      })
      .from(nativePersonAccess)
      .innerJoin(nativeAssets, eq(nativeAssets.id, nativePersonAccess.assetId))
      .where(and(eq(nativePersonAccess.workspaceId, workspaceId), eq(nativePersonAccess.partnerId, partnerId), isNull(nativePersonAccess.removedAt)))
      .orderBy(asc(nativeAssets.name));
    return { people, access };
  },

  /** Members page: every live person of every partner, with their asset count and strongest level. */
  async guestUsers(tx: Db, workspaceId: string, platform?: NativePlatform) {
    return queryRows<{
      id: string;
      platform: NativePlatform;
      partner_id: string;
      partner_name: string | null;
      display_name: string | null;
      email: string | null;
      kind: 'HUMAN' | 'SYSTEM';
      stale: boolean;
      last_seen_at: Date | string;
      assets: number;
      levels: AccessLevel[] | null;
    }>(
      tx,
      sql`select p.id, np.platform, np.id as partner_id, np.name as partner_name, p.display_name, p.email, p.kind, p.stale, p.last_seen_at,
                 (select count(*)::int from native_person_access x where x.workspace_id = ${workspaceId} and x.person_id = p.id and x.removed_at is null) as assets,
                 (select array_agg(distinct x.level) from native_person_access x where x.workspace_id = ${workspaceId} and x.person_id = p.id and x.removed_at is null) as levels
            from native_people p join native_partners np on np.id = p.partner_id and np.workspace_id = p.workspace_id
           where p.workspace_id = ${workspaceId} and p.removed_at is null ${platform ? sql`and np.platform = ${platform}` : sql``}
           order by np.platform, p.display_name nulls last, p.external_id
           limit 5000`,
    );
  },

  async workspaceName(tx: Db, workspaceId: string): Promise<string> {
    const [r] = await queryRows<{ name: string }>(tx, sql`select name from workspaces where id = ${workspaceId}`);
    return r?.name ?? '';
  },

  /** Jobs left queued-or-running by a process that stopped (the worker runs in-process). */
  async abandonLiveJobs(tx: Db, now: Date, reason: string): Promise<NativeSyncJobRow[]> {
    const rows = await tx
      .update(nativeSyncJobs)
      .set({ status: 'not_completed', reason, finishedAt: now })
      .where(inArray(nativeSyncJobs.status, ['running', 'retrying']))
      .returning();
    for (const r of rows) await tx.insert(nativeSyncLog).values({ workspaceId: r.workspaceId, jobId: r.id, status: 'not_completed', message: `Not completed: ${reason}`, at: now });
    return rows;
  },

  // ── Sync jobs ────────────────────────────────────────────────────────────────────────────
  async liveJob(tx: Db, workspaceId: string, partnerId: string): Promise<NativeSyncJobRow | null> {
    const [row] = await tx
      .select()
      .from(nativeSyncJobs)
      .where(and(eq(nativeSyncJobs.workspaceId, workspaceId), eq(nativeSyncJobs.partnerId, partnerId), inArray(nativeSyncJobs.status, LIVE_JOB_STATUSES)));
    return row ?? null;
  },

  async insertJob(tx: Db, v: typeof nativeSyncJobs.$inferInsert): Promise<NativeSyncJobRow> {
    const [row] = await tx.insert(nativeSyncJobs).values(v).returning();
    return row!;
  },

  async findJob(tx: Db, workspaceId: string, jobId: string, opts: { lock?: boolean } = {}): Promise<NativeSyncJobRow | null> {
    const q = tx
      .select()
      .from(nativeSyncJobs)
      .where(and(eq(nativeSyncJobs.workspaceId, workspaceId), eq(nativeSyncJobs.id, jobId)));
    const [row] = opts.lock ? await q.for('update') : await q;
    return row ?? null;
  },

  async updateJob(tx: Db, workspaceId: string, jobId: string, patch: Partial<typeof nativeSyncJobs.$inferInsert>): Promise<NativeSyncJobRow> {
    const [row] = await tx
      .update(nativeSyncJobs)
      .set(patch)
      .where(and(eq(nativeSyncJobs.workspaceId, workspaceId), eq(nativeSyncJobs.id, jobId)))
      .returning();
    return row!;
  },

  async addLog(tx: Db, workspaceId: string, jobId: string, status: SyncStatus, message: string, at: Date): Promise<void> {
    await tx.insert(nativeSyncLog).values({ workspaceId, jobId, status, message, at });
  },

  async jobLogs(tx: Db, workspaceId: string, jobIds: string[]): Promise<NativeSyncLogRow[]> {
    if (jobIds.length === 0) return [];
    return tx
      .select()
      .from(nativeSyncLog)
      .where(and(eq(nativeSyncLog.workspaceId, workspaceId), inArray(nativeSyncLog.jobId, jobIds)))
      .orderBy(asc(nativeSyncLog.seq));
  },

  async jobsOfPartner(tx: Db, workspaceId: string, partnerId: string, limit: number): Promise<NativeSyncJobRow[]> {
    return tx
      .select()
      .from(nativeSyncJobs)
      .where(and(eq(nativeSyncJobs.workspaceId, workspaceId), eq(nativeSyncJobs.partnerId, partnerId)))
      .orderBy(desc(nativeSyncJobs.createdAt))
      .limit(limit);
  },

  /** The live job of each partner, else its latest. */
  async latestJobs(tx: Db, workspaceId: string, partnerIds: string[]): Promise<Map<string, NativeSyncJobRow>> {
    const out = new Map<string, NativeSyncJobRow>();
    if (partnerIds.length === 0) return out;
    const rows = await tx
      .selectDistinctOn([nativeSyncJobs.partnerId])
      .from(nativeSyncJobs)
      .where(and(eq(nativeSyncJobs.workspaceId, workspaceId), inArray(nativeSyncJobs.partnerId, partnerIds)))
      .orderBy(nativeSyncJobs.partnerId, desc(nativeSyncJobs.createdAt));
    for (const r of rows) out.set(r.partnerId, r);
    return out;
  },

  /** Claim the oldest queued job of any workspace (the worker is not a request: no tenant yet). */
  async claimQueuedJob(tx: Db, now: Date): Promise<NativeSyncJobRow | null> {
    const [row] = await tx
      .select()
      .from(nativeSyncJobs)
      .where(eq(nativeSyncJobs.status, 'queued'))
      .orderBy(asc(nativeSyncJobs.createdAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!row) return null;
    return nativePartnersRepository.updateJob(tx, row.workspaceId, row.id, { status: 'running', startedAt: now });
  },

  /** Onboarded partners of connected hubs with no live job and no sync since `before` (the daily schedule). */
  async partnersDueForSync(tx: Db, before: Date) {
    return queryRows<{ id: string; workspace_id: string }>(
      tx,
      sql`select p.id, p.workspace_id from native_partners p join native_hubs h on h.id = p.hub_id and h.workspace_id = p.workspace_id
           where p.status = 'onboarded' and p.removed_at is null and h.status = 'connected'
             and (p.last_sync_at is null or p.last_sync_at < ${before})
             and not exists (select 1 from native_sync_jobs j where j.partner_id = p.id and j.status in ('queued', 'running', 'retrying'))
           limit 500`,
    );
  },

  async lastSnapshot(tx: Db, workspaceId: string, partnerId: string) {
    const [row] = await tx
      .select({ id: nativeSyncSnapshots.id })
      .from(nativeSyncSnapshots)
      .where(and(eq(nativeSyncSnapshots.workspaceId, workspaceId), eq(nativeSyncSnapshots.partnerId, partnerId)))
      .orderBy(desc(nativeSyncSnapshots.takenAt))
      .limit(1);
    return row ?? null;
  },

  async insertSnapshot(tx: Db, v: typeof nativeSyncSnapshots.$inferInsert & { diff: NativeSyncDiff }): Promise<void> {
    await tx.insert(nativeSyncSnapshots).values(v);
  },

  /** Partners whose people are stale when a hub goes: all partners of the hub. */
  async partnerIdsOfHub(tx: Db, workspaceId: string, hubId: string): Promise<string[]> {
    const rows = await tx
      .select({ id: nativePartners.id })
      .from(nativePartners)
      .where(and(eq(nativePartners.workspaceId, workspaceId), eq(nativePartners.hubId, hubId)));
    return rows.map((r) => r.id);
  },

  /** Partners the platform no longer lists (or with nothing shared): removed. */
  async markPartnersRemoved(tx: Db, workspaceId: string, hubId: string, keepIds: string[], now: Date): Promise<number> {
    const rows = await tx
      .update(nativePartners)
      .set({ removedAt: now })
      .where(
        and(
          eq(nativePartners.workspaceId, workspaceId),
          eq(nativePartners.hubId, hubId),
          isNull(nativePartners.removedAt),
          ...(keepIds.length ? [sql`${nativePartners.id} not in (${sql.join(keepIds.map((k) => sql`${k}::uuid`), sql`, `)})`] : []),
        ),
      )
      .returning({ id: nativePartners.id });
    return rows.length;
  },
};
