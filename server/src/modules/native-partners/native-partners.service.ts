import { randomUUID } from 'node:crypto';
import type { ActivityEventInput } from '@shared/activity';
import { ErrorCode } from '@shared/errors';
import {
  NATIVE_HUB_LABELS,
  type CheckForUpdatesResponse,
  type ConnectNativeHubRequest,
  type NativeGuestUsersResponse,
  type NativeHubDto,
  type NativeHubListResponse,
  type NativePartnerDetails,
  type NativePartnerDto,
  type NativePartnerListResponse,
  type NativePartnerStatus,
  type NativePlatform,
  type NativeSyncJobDto,
} from '@shared/native-partners';
import {
  actsAsAppOwner,
  nativeCanManage,
  nativeCanView,
  nativeHubCan,
  nativePartnerCan,
  type NativeHubFacts,
  type NativePartnerAction,
  type NativePartnerFacts,
} from '../../authz/native-partners';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import type { DiscoveredPartner, HubCheck, SharedAsset } from './connectors/index';
import { connectorFor, hubPurpose, partnerPurpose, platformError } from './native-partners.platform';
import { presentAsset, presentGuestUser, presentHub, presentJob, presentPartner, presentPerson } from './native-partners.presenter';
import { nativePartnersRepository as repo, type HubOwnerRow, type NativeHubRow, type NativePartnerRow } from './native-partners.repository';
import { getNativeSyncWorker } from './native-partners.sync';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live' | 'nativeConnectors'>;


const hubNotFound = (id: string) => notFound(`Business hub "${id}"`);
const partnerNotFound = (id: string) => notFound(`Native partner "${id}"`);
const jobNotFound = (id: string) => notFound(`Sync job "${id}"`);

/** How many partners one "Check for updates" handles (each costs one platform call). */
export const DISCOVERY_PARTNERS_MAX = 200;
/** Jobs listed per partner. */
export const JOBS_LISTED = 20;

export function hubFacts(actorRole: Ctx['actor']['role'], actorId: string, hub: Pick<NativeHubRow, 'id' | 'status'>, owners: HubOwnerRow[]): NativeHubFacts {
  const mine = owners.filter((o) => o.hubId === hub.id);
  return {
    actorRole,
    isAppOwner: mine.some((o) => o.userId === actorId),
    hasActiveAppOwner: mine.some((o) => o.role !== null && nativeCanManage(o.role)),
    hubConnected: hub.status === 'connected',
  };
}

export function partnerFacts(hub: NativeHubFacts, p: NativePartnerRow): NativePartnerFacts {
  return { ...hub, partnerStatus: p.status, partnerRemoved: p.removedAt !== null, sharedAssets: p.sharedAssets };
}

/**
 * Native partners (partners-spec §5.8, ADR 0014): business hubs and their App Owners, partner
 * discovery ("Check for updates"), onboarding with the partner's token, syncs, and the read-only
 * views. Platform calls happen before or after transactions, never inside; every change is one
 * transaction under a row lock with its activity event and live update.
 */
export function createNativePartnersService(deps: Deps) {
  const { db, clock, vault, live } = deps;
  const actorRef = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

  async function record(tx: Db, ctx: Ctx, event: ActivityEventInput, now: Date) {
    await recordActivity(tx, event, { workspaceId: ctx.actor.workspaceId, actor: actorRef(ctx), meta: ctx.meta, at: now });
  }
  const publish = (tx: Db, ctx: Ctx) => live.publish(tx, { workspaceIds: [ctx.actor.workspaceId], topics: ['native-partners', 'activity'] });

  function assertView(ctx: Ctx, list = false) {
    if (nativeCanView(ctx.actor.role)) return;
    if (list) throw forbidden('Only members of the workspace can see native partners.');
  }

  /** The hub as the actor may know it (404 otherwise), with fresh facts; `lock` for changes. */
  async function loadHub(tx: Db, ctx: Ctx, hubId: string, lock = false) {
    if (!nativeCanView(ctx.actor.role)) throw hubNotFound(hubId);
    const hub = await repo.findHub(tx, ctx.actor.workspaceId, hubId, { lock });
    if (!hub) throw hubNotFound(hubId);
    const owners = await repo.hubOwners(tx, ctx.actor.workspaceId, [hub.id]);
    return { hub, owners, facts: hubFacts(ctx.actor.role, ctx.actor.userId, hub, owners) };
  }

  async function loadPartner(tx: Db, ctx: Ctx, partnerId: string, lock?: 'update' | 'share') {
    if (!nativeCanView(ctx.actor.role)) throw partnerNotFound(partnerId);
    const partner = await repo.findPartner(tx, ctx.actor.workspaceId, partnerId, lock ? { lock } : {});
    if (!partner) throw partnerNotFound(partnerId);
    const hub = (await repo.findHub(tx, ctx.actor.workspaceId, partner.hubId))!;
    const owners = await repo.hubOwners(tx, ctx.actor.workspaceId, [hub.id]);
    return { partner, hub, owners, facts: partnerFacts(hubFacts(ctx.actor.role, ctx.actor.userId, hub, owners), partner) };
  }

  function assertPartnerCan(facts: NativePartnerFacts, p: NativePartnerRow, action: NativePartnerAction) {
    if (nativePartnerCan(facts, action)) return;
    const name = p.name ?? p.externalId;
    if (action !== 'sync' && !actsAsAppOwner(facts)) {
      throw forbidden(`Only the App Owners of the business hub can ${action === 'connect' ? 'connect' : 'disconnect'} the token of "${name}".`);
    }
    if (!nativeCanManage(facts.actorRole)) throw forbidden('Only Admins and the Owner manage integrations.');
    if (!facts.hubConnected) throw conflict(`The business hub of "${name}" is disconnected: connect it again first.`, { hubStatus: 'disconnected' });
    if (facts.partnerRemoved) throw conflict(`"${name}" no longer has any of your assets shared with it.`, { removed: true });
    if (action === 'connect' && facts.partnerStatus === 'onboarded') throw conflict(`"${name}" is already onboarded.`, { status: facts.partnerStatus });
    if (action === 'connect' && facts.sharedAssets === 0) {
      throw new AppError(ErrorCode.RULE_VIOLATION, `"${name}" can be onboarded only when at least one of your assets is shared with it.`);
    }
    if (action !== 'connect' && facts.partnerStatus !== 'onboarded') throw conflict(`"${name}" is not onboarded: connect its token first.`, { status: facts.partnerStatus });
    throw forbidden();
  }

  async function presentHubs(tx: Db, ctx: Ctx, hubs: NativeHubRow[]): Promise<NativeHubDto[]> {
    const ws = ctx.actor.workspaceId;
    const ids = hubs.map((h) => h.id);
    const [owners, counts] = [await repo.hubOwners(tx, ws, ids), await repo.partnerCountsByHub(tx, ws, ids)];
    return hubs.map((h) =>
      presentHub(
        h,
        hubFacts(ctx.actor.role, ctx.actor.userId, h, owners),
        owners.filter((o) => o.hubId === h.id),
        counts.get(h.id) ?? { pendingOnboarding: 0, onboarded: 0 },
      ),
    );
  }

  async function presentPartners(tx: Db, ctx: Ctx, partners: NativePartnerRow[]): Promise<NativePartnerDto[]> {
    const ws = ctx.actor.workspaceId;
    const hubIds = [...new Set(partners.map((p) => p.hubId))];
    const hubs = new Map((await repo.listHubs(tx, ws)).map((h) => [h.id, h]));
    const owners = await repo.hubOwners(tx, ws, hubIds);
    const ids = partners.map((p) => p.id);
    const counts = await repo.peopleCounts(tx, ws, ids);
    const jobs = await repo.latestJobs(tx, ws, ids);
    const logs = await repo.jobLogs(tx, ws, [...jobs.values()].map((j) => j.id));
    return partners.map((p) => {
      const hub = hubs.get(p.hubId)!;
      const job = jobs.get(p.id);
      return presentPartner(
        p,
        hub.name,
        partnerFacts(hubFacts(ctx.actor.role, ctx.actor.userId, hub, owners), p),
        counts.get(p.id) ?? { people: 0, stale: 0 },
        job ? presentJob(job, logs) : null,
      );
    });
  }

  /** Decrypt a hub's credential in a short read transaction (no platform call inside). */
  async function hubToken(hub: NativeHubRow): Promise<string> {
    if (!hub.credentialSealed) throw conflict(`The business hub "${hub.name}" is disconnected: connect it again first.`, { hubStatus: 'disconnected' });
    return inTransaction(db, (tx) => vault.openWorkspace(tx, hub.workspaceId, hubPurpose(hub.id), hub.credentialSealed!));
  }

  async function checkHubCredential(platform: NativePlatform, token: string, businessId: string): Promise<HubCheck> {
    try {
      return await connectorFor(deps, platform, token, businessId).checkHub();
    } catch (err) {
      throw platformError(err, platform, 'hub');
    }
  }

  return {
    async listHubs(ctx: Ctx): Promise<NativeHubListResponse> {
      assertView(ctx, true);
      return inTransaction(db, async (tx) => ({
        hubs: await presentHubs(tx, ctx, await repo.listHubs(tx, ctx.actor.workspaceId)),
        abilities: { connect: nativeCanManage(ctx.actor.role) },
      }));
    },

    /** Connect a business hub: the credential is checked on the platform first, then stored sealed. */
    async connectHub(ctx: Ctx, input: ConnectNativeHubRequest): Promise<NativeHubDto> {
      assertView(ctx, true);
      if (!nativeCanManage(ctx.actor.role)) throw forbidden('Only Admins and the Owner connect business hubs.');
      const check = await checkHubCredential(input.platform, input.token, input.businessId);
      const hubId = randomUUID();
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const ws = ctx.actor.workspaceId;
          const existing = await repo.findHubByExternal(tx, ws, input.platform, check.externalId || input.businessId);
          if (existing) {
            throw conflict(`The ${NATIVE_HUB_LABELS[input.platform]} "${existing.name}" is already connected: replace its token instead.`, { hubId: existing.id });
          }
          const hub = await repo.insertHub(tx, {
            id: hubId,
            workspaceId: ws,
            platform: input.platform,
            externalId: check.externalId || input.businessId,
            name: check.name || input.businessId,
            status: 'connected',
            credentialSealed: await vault.sealWorkspace(tx, ws, hubPurpose(hubId), input.token),
            callerRole: check.callerRole,
            canRead: check.canRead,
            cannotRead: check.cannotRead,
            lastCheckAt: now,
            connectedBy: ctx.actor.userId,
            connectedAt: now,
          });
          await repo.addHubOwner(tx, ws, hub.id, ctx.actor.userId, now);
          await record(tx, ctx, { type: 'Native Hub Connected', data: { nativeHubId: hub.id, platform: hub.platform, hubName: hub.name, canRead: check.canRead, cannotRead: check.cannotRead } }, now);
          await publish(tx, ctx);
          return (await presentHubs(tx, ctx, [hub]))[0]!;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'native_hubs_external_idx')) {
          throw conflict(`This ${NATIVE_HUB_LABELS[input.platform]} is already connected: replace its token instead.`);
        }
        throw err;
      }
    },

    /** Replace the hub token (App Owners, R-NP-06); a disconnected hub is connected again. */
    async replaceHubCredential(ctx: Ctx, hubId: string, token: string): Promise<NativeHubDto> {
      const before = await inTransaction(db, (tx) => loadHub(tx, ctx, hubId));
      if (!nativeHubCan(before.facts, 'replaceCredential')) {
        throw forbidden(`Only the App Owners of "${before.hub.name}" can replace its token.`);
      }
      const check = await checkHubCredential(before.hub.platform, token, before.hub.externalId);
      if (check.externalId && check.externalId !== before.hub.externalId) {
        throw new AppError(
          ErrorCode.PLATFORM_CREDENTIAL_INVALID,
          `This token belongs to business ${check.externalId}, not to "${before.hub.name}" (${before.hub.externalId}). Nothing was saved.`,
        );
      }
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const { hub, facts } = await loadHub(tx, ctx, hubId, true);
        if (!nativeHubCan(facts, 'replaceCredential')) throw forbidden(`Only the App Owners of "${hub.name}" can replace its token.`);
        const updated = await repo.updateHub(tx, ctx.actor.workspaceId, hub.id, {
          status: 'connected',
          credentialSealed: await vault.sealWorkspace(tx, ctx.actor.workspaceId, hubPurpose(hub.id), token),
          callerRole: check.callerRole,
          canRead: check.canRead,
          cannotRead: check.cannotRead,
          lastCheckAt: now,
          disconnectedAt: null,
          disconnectedBy: null,
        });
        // The workspace Owner acting for an orphaned hub becomes its App Owner.
        await repo.addHubOwner(tx, ctx.actor.workspaceId, hub.id, ctx.actor.userId, now);
        await record(tx, ctx, { type: 'Native Hub Credential Replaced', data: { nativeHubId: hub.id, platform: hub.platform, hubName: hub.name } }, now);
        await publish(tx, ctx);
        return (await presentHubs(tx, ctx, [updated]))[0]!;
      });
    },

    /** Disconnect the hub (App Owners): the token is forgotten; synced people stay, stale (Q23). */
    async disconnectHub(ctx: Ctx, hubId: string): Promise<NativeHubDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const { hub, facts } = await loadHub(tx, ctx, hubId, true);
        if (!nativeHubCan(facts, 'disconnect')) {
          if (hub.status === 'disconnected' && nativeHubCan({ ...facts, hubConnected: true }, 'disconnect')) {
            throw conflict(`"${hub.name}" is already disconnected.`, { status: hub.status });
          }
          throw forbidden(`Only the App Owners of "${hub.name}" can disconnect it.`);
        }
        const updated = await repo.updateHub(tx, ctx.actor.workspaceId, hub.id, {
          status: 'disconnected',
          credentialSealed: null,
          disconnectedAt: now,
          disconnectedBy: ctx.actor.userId,
        });
        const stalePeople = await repo.markPeopleStale(tx, ctx.actor.workspaceId, await repo.partnerIdsOfHub(tx, ctx.actor.workspaceId, hub.id));
        await record(tx, ctx, { type: 'Native Hub Disconnected', data: { nativeHubId: hub.id, platform: hub.platform, hubName: hub.name, stalePeople } }, now);
        await publish(tx, ctx);
        return (await presentHubs(tx, ctx, [updated]))[0]!;
      });
    },

    /**
     * "Check for updates": list the hub's partners and what is shared with each (platform calls,
     * outside any transaction), then record them in one transaction. A partner with nothing shared
     * is not added (R-NP-01); one the platform no longer lists is marked removed.
     */
    async checkForUpdates(ctx: Ctx, hubId: string): Promise<CheckForUpdatesResponse> {
      const { hub, facts, lastSeen } = await inTransaction(db, async (tx) => {
        const loaded = await loadHub(tx, ctx, hubId);
        const known = await repo.listPartners(tx, ctx.actor.workspaceId, { hubId });
        return { ...loaded, lastSeen: new Map(known.map((p) => [p.externalId, p.lastSeenAt.getTime()])) };
      });
      if (!nativeHubCan(facts, 'checkForUpdates')) {
        if (!nativeCanManage(ctx.actor.role)) throw forbidden('Only Admins and the Owner check business hubs for updates.');
        throw conflict(`"${hub.name}" is disconnected: connect it again first.`, { status: hub.status });
      }
      const token = await hubToken(hub);
      const connector = connectorFor(deps, hub.platform, token, hub.externalId);
      let found: Array<{ partner: DiscoveredPartner; assets: SharedAsset[] }>;
      /** Listed by the platform beyond this check's limit: left as they were, never marked removed. */
      let notChecked: string[];
      try {
        // New partners first, then the ones checked longest ago, so repeated checks reach every partner.
        const listed = (await connector.listPartners()).sort(
          (a, b) => (lastSeen.get(a.externalId) ?? -1) - (lastSeen.get(b.externalId) ?? -1),
        );
        const partners = listed.slice(0, DISCOVERY_PARTNERS_MAX);
        notChecked = listed.slice(DISCOVERY_PARTNERS_MAX).map((p) => p.externalId);
        found = [];
        for (const partner of partners) found.push({ partner, assets: await connector.listSharedAssets(partner.externalId) });
      } catch (err) {
        throw platformError(err, hub.platform, 'hub');
      }
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const locked = await loadHub(tx, ctx, hubId, true);
        if (!nativeHubCan(locked.facts, 'checkForUpdates')) throw conflict(`"${hub.name}" was disconnected meanwhile; nothing was recorded.`);
        const existing = new Map((await repo.listPartners(tx, ws, { hubId })).map((p) => [p.externalId, p]));
        const keep: string[] = [];
        let discovered = 0;
        let skipped = 0;
        for (const { partner, assets } of found) {
          const active = assets.filter((a) => a.status !== 'REVOKED' && a.status !== 'REJECTED');
          if (active.length === 0) {
            skipped += 1;
            continue;
          }
          let row = existing.get(partner.externalId);
          if (!row) {
            row = await repo.insertPartner(tx, {
              workspaceId: ws,
              hubId,
              platform: hub.platform,
              externalId: partner.externalId,
              name: partner.name,
              contactEmail: partner.contactEmail,
              status: 'pending_onboarding',
              sharedAssets: active.length,
              firstSeenAt: now,
              lastSeenAt: now,
            });
            discovered += 1;
            await record(
              tx,
              ctx,
              { type: 'Native Partner Discovered', data: { nativePartnerId: row.id, platform: hub.platform, partnerName: row.name ?? row.externalId, sharedAssets: active.length } },
              now,
            );
          } else {
            row = await repo.updatePartner(tx, ws, row.id, {
              name: partner.name ?? row.name,
              contactEmail: partner.contactEmail ?? row.contactEmail,
              sharedAssets: active.length,
              lastSeenAt: now,
              removedAt: null,
            });
          }
          keep.push(row.id);
          const assetIds = await repo.upsertAssets(
            tx,
            ws,
            hubId,
            active.map((a) => ({ externalId: a.externalId, type: a.type, rawType: a.rawType, name: a.name })),
            now,
          );
          await repo.replaceGrants(
            tx,
            ws,
            row.id,
            active.map((a) => ({ assetId: assetIds.get(a.externalId)!, rawRoles: [...a.rawRoles].sort(), level: a.level, status: a.status })),
            now,
          );
        }
        for (const externalId of notChecked) {
          const row = existing.get(externalId);
          if (row) keep.push(row.id);
        }
        await repo.markPartnersRemoved(tx, ws, hubId, keep, now);
        await repo.updateHub(tx, ws, hubId, { lastDiscoveryAt: now, lastCheckAt: now });
        await publish(tx, ctx);
        const hubNow = (await repo.findHub(tx, ws, hubId))!;
        return {
          hub: (await presentHubs(tx, ctx, [hubNow]))[0]!,
          partners: await presentPartners(tx, ctx, await repo.listPartners(tx, ws, { hubId })),
          discovered,
          skippedWithoutAssets: skipped,
          notChecked: notChecked.length,
        };
      });
    },

    async listPartners(ctx: Ctx, f: { platform?: NativePlatform; status?: NativePartnerStatus }): Promise<NativePartnerListResponse> {
      assertView(ctx, true);
      return inTransaction(db, async (tx) => ({ partners: await presentPartners(tx, ctx, await repo.listPartners(tx, ctx.actor.workspaceId, f)) }));
    },

    /** Partner details: its assets (with the partner's permitted roles) and its people, read-only. */
    async getPartner(ctx: Ctx, partnerId: string): Promise<NativePartnerDetails> {
      return inTransaction(db, async (tx) => {
        const { partner } = await loadPartner(tx, ctx, partnerId);
        const ws = ctx.actor.workspaceId;
        const assets = await repo.partnerAssets(tx, ws, partner.id);
        const { people, access } = await repo.partnerPeople(tx, ws, partner.id);
        const byPerson = new Map<string, typeof access>();
        for (const a of access) byPerson.set(a.personId, [...(byPerson.get(a.personId) ?? []), a]);
        return {
          partner: (await presentPartners(tx, ctx, [partner]))[0]!,
          assets: assets.map(presentAsset),
          people: people.map((p) => presentPerson(p, byPerson.get(p.id) ?? [])),
        };
      });
    },

    /** Connect the partner's token (App Owners): checked on the platform first → Onboarded. */
    async connectPartner(ctx: Ctx, partnerId: string, token: string): Promise<NativePartnerDto> {
      const before = await inTransaction(db, (tx) => loadPartner(tx, ctx, partnerId));
      assertPartnerCan(before.facts, before.partner, 'connect');
      try {
        await connectorFor(deps, before.partner.platform, token, before.partner.externalId).checkHub();
      } catch (err) {
        throw platformError(err, before.partner.platform, 'partner');
      }
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const { partner, facts } = await loadPartner(tx, ctx, partnerId, 'update');
        assertPartnerCan(facts, partner, 'connect');
        const updated = await repo.updatePartner(tx, ctx.actor.workspaceId, partner.id, {
          status: 'onboarded',
          credentialSealed: await vault.sealWorkspace(tx, ctx.actor.workspaceId, partnerPurpose(partner.id), token),
          onboardedBy: ctx.actor.userId,
          onboardedAt: now,
        });
        await record(tx, ctx, { type: 'Native Partner Onboarded', data: { nativePartnerId: partner.id, platform: partner.platform, partnerName: partner.name ?? partner.externalId } }, now);
        await publish(tx, ctx);
        return (await presentPartners(tx, ctx, [updated]))[0]!;
      });
    },

    /** Disconnect the partner's token (App Owners): back to Pending onboarding; people stay, stale (Q23). */
    async disconnectPartner(ctx: Ctx, partnerId: string): Promise<NativePartnerDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const { partner, facts } = await loadPartner(tx, ctx, partnerId, 'update');
        assertPartnerCan(facts, partner, 'disconnect');
        const updated = await repo.updatePartner(tx, ctx.actor.workspaceId, partner.id, { status: 'pending_onboarding', credentialSealed: null, onboardedAt: null, onboardedBy: null });
        const stalePeople = await repo.markPeopleStale(tx, ctx.actor.workspaceId, [partner.id]);
        await record(
          tx,
          ctx,
          { type: 'Native Partner Disconnected', data: { nativePartnerId: partner.id, platform: partner.platform, partnerName: partner.name ?? partner.externalId, stalePeople } },
          now,
        );
        await publish(tx, ctx);
        return (await presentPartners(tx, ctx, [updated]))[0]!;
      });
    },

    /** Sync now: queue a job (one live job per partner) and wake the in-process worker. */
    async startSync(ctx: Ctx, partnerId: string): Promise<NativeSyncJobDto> {
      let job;
      try {
        job = await inTransaction(db, async (tx) => {
          const now = clock.now();
          const { partner, facts } = await loadPartner(tx, ctx, partnerId, 'update');
          assertPartnerCan(facts, partner, 'sync');
          const running = await repo.liveJob(tx, ctx.actor.workspaceId, partner.id);
          if (running) throw conflict(`A sync of "${partner.name ?? partner.externalId}" is already ${running.status}.`, { jobId: running.id });
          const row = await repo.insertJob(tx, {
            workspaceId: ctx.actor.workspaceId,
            partnerId: partner.id,
            trigger: 'manual',
            status: 'queued',
            requestedBy: ctx.actor.userId,
            createdAt: now,
          });
          await repo.addLog(tx, ctx.actor.workspaceId, row.id, 'queued', `Queued by ${ctx.actor.name || ctx.actor.email}.`, now);
          await live.publish(tx, { workspaceIds: [ctx.actor.workspaceId], topics: ['native-partners'] });
          return presentJob(row, await repo.jobLogs(tx, ctx.actor.workspaceId, [row.id]));
        });
      } catch (err) {
        if (isUniqueViolation(err, 'native_sync_jobs_one_live_idx')) throw conflict('A sync of this partner is already queued or running.');
        throw err;
      }
      getNativeSyncWorker(deps).kick();
      return job;
    },

    async listJobs(ctx: Ctx, partnerId: string): Promise<{ jobs: NativeSyncJobDto[] }> {
      return inTransaction(db, async (tx) => {
        const { partner } = await loadPartner(tx, ctx, partnerId);
        const jobs = await repo.jobsOfPartner(tx, ctx.actor.workspaceId, partner.id, JOBS_LISTED);
        const logs = await repo.jobLogs(tx, ctx.actor.workspaceId, jobs.map((j) => j.id));
        return { jobs: jobs.map((j) => presentJob(j, logs)) };
      });
    },

    async getJob(ctx: Ctx, jobId: string): Promise<NativeSyncJobDto> {
      if (!nativeCanView(ctx.actor.role)) throw jobNotFound(jobId);
      return inTransaction(db, async (tx) => {
        const job = await repo.findJob(tx, ctx.actor.workspaceId, jobId);
        if (!job) throw jobNotFound(jobId);
        return presentJob(job, await repo.jobLogs(tx, ctx.actor.workspaceId, [job.id]));
      });
    },

    /** Members page: "<Platform> Business guest users" (read-only). */
    async guestUsers(ctx: Ctx, platform?: NativePlatform): Promise<NativeGuestUsersResponse> {
      assertView(ctx, true);
      return inTransaction(db, async (tx) => ({ people: (await repo.guestUsers(tx, ctx.actor.workspaceId, platform)).map(presentGuestUser) }));
    },
  };
}

