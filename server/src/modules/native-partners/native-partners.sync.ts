import type { AccessLevel } from '@shared/native-partners';
import type { ActivityEventInput } from '@shared/activity';
import { nativeCanManage } from '../../authz/native-partners';
import type { Db } from '../../db/client';
import type { NativeSyncDiff, NativeSyncDiffChange, NativeSyncDiffPerson } from '../../db/schema/index';
import type { AppDeps } from '../../deps';
import { NO_REQUEST } from '../../lib/request-context';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import type { AssetType, CoverageGap, NativeConnector, SharedAsset } from './connectors/index';
import { accessAppearedEmail, type AppearedLine } from './native-partners.emails';
import { connectorFor, connectorReason, hubPurpose, isRetryable, partnerPurpose } from './native-partners.platform';
import { nativePartnersRepository as repo, type NativePartnerRow, type NativeSyncJobRow, type SyncStatus } from './native-partners.repository';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live' | 'nativeConnectors'>;

/** Job-level retries of one platform call after the connector's own retries gave up on a retryable error. */
export const JOB_RETRIES = 3;
export const JOB_RETRY_BASE_MS = 30_000;
/** Per-person activity events written by one sync; the summary event always carries exact counts. */
export const PERSON_EVENTS_MAX = 200;
/** Entries kept per list in a snapshot's diff. */
export const DIFF_LIST_MAX = 100;
/** Publish a live update every this many assets (and at the end). */
const PROGRESS_EVERY = 10;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** A job stops with a reason in product words (never a token). */
class JobStopped extends Error {}


/**
 * Run one claimed sync job (status already `running`). Platform calls happen between short
 * transactions: shared assets through the hub's token, then per asset the partner's people through
 * the partner's token, each asset written in its own transaction with the job's progress. The last
 * transaction ends unseen access, takes the snapshot and its diff, writes the activity events and
 * the email to App Owners. A job that stops ends nothing: removal happens only at completion.
 */
export async function runSyncJob(deps: Deps, job: NativeSyncJobRow): Promise<NativeSyncJobRow> {
  const { db, clock, vault, live } = deps;
  const ws = job.workspaceId;
  const sleep = deps.nativeConnectors?.sleep ?? defaultSleep;
  const publish = (tx: Db, activity = false) => live.publish(tx, { workspaceIds: [ws], topics: activity ? ['native-partners', 'activity'] : ['native-partners'] });
  let platform: NativePartnerRow['platform'] | null = null;
  let partnerName = '';

  const setStatus = (status: SyncStatus, message: string) =>
    inTransaction(db, async (tx) => {
      await repo.updateJob(tx, ws, job.id, { status });
      await repo.addLog(tx, ws, job.id, status, message, clock.now());
      await publish(tx);
    });

  /** Locks the partner FOR SHARE and re-checks it is still onboarded under a connected hub. */
  async function stillOnboarded(tx: Db): Promise<NativePartnerRow> {
    const p = await repo.findPartner(tx, ws, job.partnerId, { lock: 'share' });
    if (!p || p.status !== 'onboarded') throw new JobStopped("The partner's token was disconnected during the sync.");
    const hub = await repo.findHub(tx, ws, p.hubId);
    if (!hub || hub.status !== 'connected') throw new JobStopped('The business hub was disconnected during the sync.');
    return p;
  }

  async function withRetry<T>(what: string, whose: 'hub' | 'partner', call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await call();
        if (attempt > 0) await setStatus('running', `Running again: ${what} answered.`);
        return out;
      } catch (err) {
        if (!isRetryable(err) || attempt >= JOB_RETRIES) throw new JobStopped(connectorReason(err, platform ?? 'meta', whose));
        const wait = err.retryAfterMs ?? JOB_RETRY_BASE_MS * 2 ** attempt;
        await setStatus('retrying', `Retrying ${what} in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 2} of ${JOB_RETRIES + 1}): ${connectorReason(err, err.platform, whose)}`);
        await sleep(wait);
      }
    }
  }

  try {
    // 1. Credentials, decrypted in a short read transaction.
    const start = await inTransaction(db, async (tx) => {
      const partner = await stillOnboarded(tx);
      const hub = (await repo.findHub(tx, ws, partner.hubId))!;
      const hubToken = await vault.openWorkspace(tx, ws, hubPurpose(hub.id), hub.credentialSealed!);
      const partnerToken = await vault.openWorkspace(tx, ws, partnerPurpose(partner.id), partner.credentialSealed!);
      await repo.addLog(tx, ws, job.id, 'running', 'Running: reading the assets shared with the partner.', clock.now());
      await publish(tx);
      return { partner, hub, hubToken, partnerToken };
    });
    const { partner, hub } = start;
    platform = partner.platform;
    partnerName = partner.name ?? partner.externalId;
    // Reads the platform skipped (not permitted, unsupported): summed up in the Automation log.
    const gaps = new Map<string, number>();
    const onCoverageGap = (g: CoverageGap) => {
      const key = `${g.endpoint} (${g.outcome.toLowerCase().replace('_', ' ')})`;
      gaps.set(key, (gaps.get(key) ?? 0) + 1);
    };
    const hubConnector: NativeConnector = connectorFor(deps, hub.platform, start.hubToken, hub.externalId, { onCoverageGap });
    const partnerConnector: NativeConnector = connectorFor(deps, partner.platform, start.partnerToken, partner.externalId, { onCoverageGap });

    // 2. Our assets shared with the partner (hub token).
    const shared: SharedAsset[] = (await withRetry('the shared assets', 'hub', () => hubConnector.listSharedAssets(partner.externalId))).filter(
      (a) => a.status !== 'REVOKED' && a.status !== 'REJECTED',
    );
    const assets = await inTransaction(db, async (tx) => {
      const now = clock.now();
      await stillOnboarded(tx);
      const ids = await repo.upsertAssets(tx, ws, hub.id, shared.map((a) => ({ externalId: a.externalId, type: a.type, rawType: a.rawType, name: a.name })), now);
      await repo.replaceGrants(tx, ws, partner.id, shared.map((a) => ({ assetId: ids.get(a.externalId)!, rawRoles: [...a.rawRoles].sort(), level: a.level, status: a.status })), now);
      await repo.updatePartner(tx, ws, partner.id, { sharedAssets: shared.length, lastSeenAt: now, ...(shared.length > 0 ? { removedAt: null } : {}) });
      await repo.updateJob(tx, ws, job.id, { total: shared.length, done: 0 });
      await repo.addLog(tx, ws, job.id, 'running', `Running: ${shared.length} ${shared.length === 1 ? 'asset' : 'assets'} shared with the partner.`, now);
      await publish(tx);
      return shared.map((a) => ({ assetId: ids.get(a.externalId)!, externalId: a.externalId, type: a.type as AssetType }));
    });

    // 3. Per asset: the partner's people (partner token), written in a short transaction each.
    let done = 0;
    const seenVisibility = new Map<string, string>();
    for (const asset of assets) {
      const seen = await withRetry(`asset ${asset.externalId}`, 'partner', () => partnerConnector.listPartnerPeopleOnAsset({ externalId: asset.externalId, type: asset.type }));
      done += 1;
      seenVisibility.set(asset.assetId, seen.visible ? 'visible' : seen.reason);
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        await stillOnboarded(tx);
        if (seen.visible) {
          await repo.setGrantVisibility(tx, ws, partner.id, asset.assetId, 'visible');
          const ids = await repo.upsertPeople(
            tx,
            ws,
            partner.id,
            job.id,
            dedupe(seen.people, (p) => p.externalId).map((p) => ({ externalId: p.externalId, kind: p.kind, displayName: p.displayName, email: p.email })),
            now,
          );
          await repo.upsertAccess(
            tx,
            ws,
            partner.id,
            job.id,
            asset.assetId,
            dedupe(seen.people, (p) => p.externalId).map((p) => ({ personId: ids.get(p.externalId)!, rawRoles: p.rawRoles, level: p.level })),
            now,
          );
        } else {
          // Never "no access": the people on this asset are unknown, their last-seen rows stay.
          await repo.setGrantVisibility(tx, ws, partner.id, asset.assetId, seen.reason);
        }
        await repo.updateJob(tx, ws, job.id, { done });
        if (done % PROGRESS_EVERY === 0 || done === assets.length) await publish(tx);
      });
    }

    // 4. Completion: end what was not seen, snapshot + diff, events, email.
    return await inTransaction(db, async (tx) => {
      const now = clock.now();
      await stillOnboarded(tx);
      const baseline = (await repo.lastSnapshot(tx, ws, partner.id)) === null;
      const revoked = await repo.endUnseenAccess(tx, ws, partner.id, job.id, now);
      const lost = await repo.removePeopleWithoutAccess(tx, ws, partner.id, now);
      await repo.clearStale(tx, ws, partner.id);
      const { newPeople, accessChanges } = await repo.jobAppearances(tx, ws, partner.id, job.id);
      const newIds = new Set(newPeople.map((p) => p.id));
      const lostIds = new Set(lost.map((p) => p.id));
      const revokedKept = revoked.filter((r) => !lostIds.has(r.person_id));
      const people = new Map(
        (await repo.peopleByIds(tx, ws, [...new Set([...accessChanges.map((c) => c.person_id), ...revokedKept.map((r) => r.person_id)])])).map((p) => [p.id, p]),
      );
      const revokedAssets = new Map((await repo.assetsByIds(tx, ws, [...new Set(revokedKept.map((r) => r.asset_id))])).map((a) => [a.id, a]));
      const ref = (p: { externalId: string; displayName: string | null; email: string | null }): NativeSyncDiffPerson => ({
        externalId: p.externalId,
        name: p.displayName,
        email: p.email,
      });
      const changes: NativeSyncDiffChange[] = [
        ...accessChanges
          .filter((c) => !newIds.has(c.person_id) || !c.granted)
          .map((c) => ({
            ...ref(people.get(c.person_id)!),
            change: c.granted ? ('granted' as const) : ('changed' as const),
            assetExternalId: c.asset_external_id,
            assetName: c.asset_name,
            fromRoles: c.granted ? [] : (c.previous_raw_roles ?? []),
            toRoles: c.raw_roles,
            fromLevel: c.granted ? null : c.previous_level,
            toLevel: c.level,
          })),
        ...revokedKept.map((r) => ({
          ...ref(people.get(r.person_id)!),
          change: 'revoked' as const,
          assetExternalId: revokedAssets.get(r.asset_id)?.externalId ?? '',
          assetName: revokedAssets.get(r.asset_id)?.name ?? null,
          fromRoles: r.raw_roles,
          toRoles: [],
          fromLevel: r.level,
          toLevel: 'UNKNOWN',
        })),
      ];
      const diff: NativeSyncDiff = {
        newPeople: newPeople.slice(0, DIFF_LIST_MAX).map(ref),
        lostPeople: lost.slice(0, DIFF_LIST_MAX).map(ref),
        changes: changes.slice(0, DIFF_LIST_MAX),
      };
      const counts = await repo.counts(tx, ws, partner.id);
      await repo.insertSnapshot(tx, {
        workspaceId: ws,
        partnerId: partner.id,
        jobId: job.id,
        takenAt: now,
        ...counts,
        newPeople: newPeople.length,
        lostPeople: lost.length,
        changedAccesses: changes.length,
        diff,
      });

      const pref = { nativePartnerId: partner.id, platform: partner.platform, partnerName };
      const refs = { workspaceId: ws, actor: null, meta: NO_REQUEST, at: now };
      await recordActivity(
        tx,
        {
          type: 'Native Sync Completed',
          data: {
            ...pref,
            jobId: job.id,
            trigger: job.trigger,
            assets: counts.assets,
            people: counts.people,
            newPeople: baseline ? 0 : newPeople.length,
            lostPeople: baseline ? 0 : lost.length,
            changedAccesses: baseline ? 0 : changes.length,
            baseline,
          },
        },
        refs,
      );
      if (!baseline) {
        // The first sync is the baseline: everything would "appear". Later syncs report the difference.
        const events: ActivityEventInput[] = [
          ...newPeople.map(
            (p): ActivityEventInput => ({
              type: 'Native Partner Person Added',
              data: {
                ...pref,
                personExternalId: p.externalId,
                personName: p.displayName,
                personEmail: p.email,
                assets: accessChanges.filter((c) => c.person_id === p.id).map((c) => ({ assetName: c.asset_name, level: c.level, rawRoles: c.raw_roles })),
              },
            }),
          ),
          ...lost.map((p): ActivityEventInput => ({ type: 'Native Partner Person Removed', data: { ...pref, personExternalId: p.externalId, personName: p.displayName, personEmail: p.email } })),
          ...changes.map(
            (c): ActivityEventInput => ({
              type: 'Native Partner Permission Changed',
              data: {
                ...pref,
                personExternalId: c.externalId,
                personName: c.name,
                personEmail: c.email,
                change: c.change,
                assetExternalId: c.assetExternalId,
                assetName: c.assetName,
                fromRoles: c.fromRoles,
                toRoles: c.toRoles,
                fromLevel: c.fromLevel,
                toLevel: c.change === 'revoked' ? null : c.toLevel,
              },
            }),
          ),
        ];
        for (const e of events.slice(0, PERSON_EVENTS_MAX)) await recordActivity(tx, e, refs);

        const appeared: AppearedLine[] = accessChanges
          .filter((c) => c.granted || c.previous_raw_roles !== null)
          .map((c) => {
            const p = people.get(c.person_id)!;
            return { personName: p.displayName, personEmail: p.email, personExternalId: p.externalId, assetName: c.asset_name, level: c.level as AccessLevel, rawRoles: c.raw_roles };
          });
        if (appeared.length > 0) {
          const owners = (await repo.hubOwners(tx, ws, [hub.id])).filter((o) => o.role !== null && nativeCanManage(o.role));
          const workspaceName = await repo.workspaceName(tx, ws);
          for (const o of owners) {
            await enqueueEmail(
              tx,
              vault,
              accessAppearedEmail(
                {
                  publicUrl: deps.config.publicUrl,
                  workspaceId: ws,
                  workspaceName,
                  partnerId: partner.id,
                  partnerName,
                  platform: partner.platform,
                  newPeople: newPeople.length,
                  grantedOrChanged: changes.filter((c) => c.change !== 'revoked').length,
                  lines: appeared,
                },
                o.email,
              ),
              now,
            );
          }
        }
      }
      await repo.updatePartner(tx, ws, partner.id, { lastSyncAt: now });
      const hidden = [...seenVisibility.values()].filter((v) => v !== 'visible').length;
      if (hidden > 0 || gaps.size > 0) {
        const detail = [...gaps].slice(0, 10).map(([k, n]) => `${k} ×${n}`);
        await repo.addLog(
          tx,
          ws,
          job.id,
          'running',
          `Not visible through the API: people on ${hidden} ${hidden === 1 ? 'asset' : 'assets'}${detail.length ? `; skipped reads: ${detail.join(', ')}` : ''}. Their last-seen people are kept.`,
          now,
        );
      }
      const finished = await repo.updateJob(tx, ws, job.id, { status: 'completed', done: assets.length, finishedAt: now });
      await repo.addLog(
        tx,
        ws,
        job.id,
        'completed',
        baseline
          ? `Completed: ${counts.assets} assets, ${counts.people} people (the first sync, kept as the baseline).`
          : `Completed: ${counts.assets} assets, ${counts.people} people; ${newPeople.length} new, ${lost.length} gone, ${changes.length} permission changes.`,
        now,
      );
      await publish(tx, true);
      return finished;
    });
  } catch (err) {
    const reason = err instanceof JobStopped ? err.message : 'An unexpected error stopped the sync; see the server log.';
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      const finished = await repo.updateJob(tx, ws, job.id, { status: 'not_completed', reason, finishedAt: now });
      await repo.addLog(tx, ws, job.id, 'not_completed', `Not completed: ${reason}`, now);
      const partner = await repo.findPartner(tx, ws, job.partnerId);
      if (partner) {
        await recordActivity(
          tx,
          {
            type: 'Native Sync Not Completed',
            data: { nativePartnerId: partner.id, platform: partner.platform, partnerName: partner.name ?? partner.externalId, jobId: job.id, trigger: job.trigger, reason },
          },
          { workspaceId: ws, actor: null, meta: NO_REQUEST, at: now },
        );
      }
      await publish(tx, true);
      if (!(err instanceof JobStopped)) throw Object.assign(err as Error, { finishedJob: finished });
      return finished;
    });
  }
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const i of items) seen.set(key(i), i);
  return [...seen.values()];
}

export interface NativeSyncWorker {
  /** Look for queued jobs now (after a job was queued). */
  kick(): void;
  /** Resolves when no job is running (tests, shutdown). */
  idle(): Promise<void>;
  /** Queue daily jobs for partners not synced within `intervalMs`, then kick. Returns how many were queued. */
  queueDue(intervalMs: number): Promise<number>;
  stop(): Promise<void>;
  onError(fn: (err: unknown, jobId: string) => void): void;
}

const workers = new WeakMap<object, NativeSyncWorker>();

/**
 * The in-process sync worker of this database (one per app): jobs run one at a time, outside any
 * request. Claimed FOR UPDATE SKIP LOCKED, so two processes on one database never run one job twice.
 */
export function getNativeSyncWorker(deps: Deps): NativeSyncWorker {
  const existing = workers.get(deps.db);
  if (existing) return existing;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let report: (err: unknown, jobId: string) => void = () => {};

  async function loop() {
    for (;;) {
      if (stopped) return;
      const job = await inTransaction(deps.db, async (tx) => {
        const claimed = await repo.claimQueuedJob(tx, deps.clock.now());
        if (claimed) await deps.live.publish(tx, { workspaceIds: [claimed.workspaceId], topics: ['native-partners'] });
        return claimed;
      });
      if (!job) return;
      await runSyncJob(deps, job).catch((err: unknown) => report(err, job.id));
    }
  }

  const worker: NativeSyncWorker = {
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = loop()
        .catch((err: unknown) => report(err, ''))
        .finally(() => {
          running = null;
          if (again) {
            again = false;
            worker.kick();
          }
        });
    },
    async idle() {
      while (running) await running;
    },
    async queueDue(intervalMs) {
      const now = deps.clock.now();
      const due = await inTransaction(deps.db, (tx) => repo.partnersDueForSync(tx, new Date(now.getTime() - intervalMs + 60_000)));
      let queued = 0;
      for (const p of due) {
        try {
          await inTransaction(deps.db, async (tx) => {
            const row = await repo.insertJob(tx, { workspaceId: p.workspace_id, partnerId: p.id, trigger: 'daily', status: 'queued', createdAt: now });
            await repo.addLog(tx, p.workspace_id, row.id, 'queued', 'Queued by the daily sync.', now);
          });
          queued += 1;
        } catch (err) {
          if (!isUniqueViolation(err, 'native_sync_jobs_one_live_idx')) throw err;
        }
      }
      if (queued) worker.kick();
      return queued;
    },
    async stop() {
      stopped = true;
      await worker.idle();
    },
    onError(fn) {
      report = fn;
    },
  };
  workers.set(deps.db, worker);
  return worker;
}

/**
 * The daily schedule (spec §5.8 "daily scheduled sync"): at start, jobs a stopped process left
 * running end as Not completed; then every hour, partners not synced within the interval are queued.
 */
export function startNativeSyncSchedule(deps: Deps, log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void }) {
  const worker = getNativeSyncWorker(deps);
  worker.onError((err, jobId) => log.warn({ err, jobId }, 'native partner sync failed'));
  const intervalMs = deps.config.nativeSyncIntervalMs;
  const tick = () => {
    worker
      .queueDue(intervalMs)
      .then((n) => {
        if (n) log.info({ queued: n }, 'native partner daily syncs queued');
      })
      .catch((err: unknown) => log.warn({ err }, 'queueing native partner syncs failed; will retry'));
  };
  void inTransaction(deps.db, (tx) => repo.abandonLiveJobs(tx, deps.clock.now(), 'Latchkey restarted during the sync. Start it again.'))
    .then(() => {
      worker.kick();
      if (intervalMs > 0) tick();
    })
    .catch((err: unknown) => log.warn({ err }, 'recovering native partner syncs failed'));
  const timer = intervalMs > 0 ? setInterval(tick, Math.min(intervalMs, 3_600_000)) : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await worker.stop();
    },
  };
}

