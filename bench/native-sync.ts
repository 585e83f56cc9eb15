/**
 * Native partner sync benchmark (issue 6, ADR 0014): one partner with 10,000 people across 500 of
 * our assets, synced from the fake Meta Graph API (server/test/fakes/native, real HTTP on
 * loopback, the real connector with its paging) into PostgreSQL through the real sync job. Then a
 * second sync after 1% of the people changed (the diff, events and the App Owner email).
 * Records wall time and peak memory (RSS and heap, sampled every 20 ms) in bench/results/.
 *
 *   npm run bench -- --targets native          (or: node --import tsx bench/native-sync.ts)
 *   flags: --people 10000 --assets 500 --db latchkey_bench_native --no-save
 *
 * The database `latchkey_bench_native` (beside BENCH_DATABASE_URL) is dropped and rebuilt each run.
 * The fake platform runs in the same process, so its CPU and memory are included in the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../server/src/config/env';
import { openDatabase } from '../server/src/db/client';
import type { AppDeps } from '../server/src/deps';
import { systemClock } from '../server/src/lib/clock';
import { NO_REQUEST, type Ctx } from '../server/src/lib/request-context';
import { createLiveHub } from '../server/src/modules/live/live.hub';
import { createNativePartnersService } from '../server/src/modules/native-partners/native-partners.service';
import { getNativeSyncWorker } from '../server/src/modules/native-partners/native-partners.sync';
import { parseKeyringEnv } from '../server/src/modules/vault/keyring';
import { createVault } from '../server/src/modules/vault/vault.service';
import { createWorkspacesService } from '../server/src/modules/workspaces/workspaces.service';
import { createFakeNativePlatform, type FakeWorld } from '../server/test/fakes/native/index';
import { ADMIN_URL, BENCH_MASTER_KEY, parseArgs, withDatabase } from './common';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OURS = '1122334455667788';
const AGENCY = '1029384756473829';

export interface NativeSyncBenchResult {
  people: number;
  assets: number;
  accesses: number;
  runs: Array<{ label: string; seconds: number; peakRssMb: number; peakHeapMb: number; jobStatus: string; platformRequests: number }>;
}

function buildWorld(people: number, assets: number): { world: FakeWorld; accesses: number } {
  const assetIds = Array.from({ length: assets }, (_, i) => String(300000000000000 + i));
  let accesses = 0;
  const world: FakeWorld = {
    businesses: {
      [OURS]: {
        name: 'Bench Brand',
        tokens: { 'bench-hub-token': {} },
        assets: assetIds.map((id, i) => ({ id, type: 'AD_ACCOUNT' as const, name: `Bench ad account ${i}` })),
        partners: [{ businessId: AGENCY, grants: assetIds.map((assetId) => ({ assetId, roles: ['MANAGE', 'ADVERTISE', 'ANALYZE'] })) }],
        people: [],
      },
      [AGENCY]: {
        name: 'Bench Agency',
        tokens: { 'bench-agency-token': {} },
        assets: [],
        partners: [],
        people: Array.from({ length: people }, (_, i) => {
          // Everyone on one asset; every 5th person on a second one too.
          const grants = [{ assetId: assetIds[i % assets]!, roles: [i % 3 === 0 ? 'ADVERTISE' : 'ANALYZE'] }];
          if (i % 5 === 0) grants.push({ assetId: assetIds[(i + 7) % assets]!, roles: ['ANALYZE'] });
          accesses += grants.length;
          return { id: String(200000000000000 + i), name: `Agency person ${i}`, grants };
        }),
      },
    },
  };
  return { world, accesses };
}

async function resetDatabase(dbName: string): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  return withDatabase(ADMIN_URL, dbName);
}

/** Run `fn` while sampling memory; returns its duration and the peaks. */
async function measured(fn: () => Promise<void>) {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 20);
  const t0 = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    clearInterval(timer);
    sample();
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
}

export async function runNativeSyncBench(argv: string[]): Promise<NativeSyncBenchResult> {
  const args = parseArgs(argv);
  const peopleN = Math.floor(args.number('people', 10_000));
  const assetsN = Math.floor(args.number('assets', 500));
  const dbName = args.string('db', 'latchkey_bench_native');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbName)) throw new Error('--db must be a plain lower-case identifier');

  const url = await resetDatabase(dbName);
  const { world, accesses } = buildWorld(peopleN, assetsN);
  const fake = await createFakeNativePlatform('meta', world);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    LATCHKEY_MASTER_KEY: BENCH_MASTER_KEY,
    LATCHKEY_LOG_LEVEL: 'silent',
    LATCHKEY_META_API_URL: fake.baseUrl,
  } as NodeJS.ProcessEnv);
  const database = await openDatabase({ databaseUrl: url });
  await database.migrate();
  const deps: AppDeps = {
    db: database.db,
    driver: database.driver,
    config,
    clock: systemClock,
    vault: createVault(parseKeyringEnv(BENCH_MASTER_KEY)),
    live: createLiveHub(database),
  };
  const { workspace, owner } = await createWorkspacesService(deps).createWorkspaceWithOwner({
    name: 'Native bench',
    owner: { email: 'owner@native.bench', name: 'Bench Owner', password: 'a bench password that is long' },
  });
  const ctx: Ctx = {
    actor: {
      userId: owner.id,
      email: owner.email,
      name: 'Bench Owner',
      workspaceId: workspace.id,
      workspacePublicId: workspace.publicId,
      workspaceName: workspace.name,
      role: 'owner',
      localPartnerId: null,
      sessionId: 'bench',
      mfaEnabled: false,
    },
    meta: NO_REQUEST,
  };
  const svc = createNativePartnersService(deps);
  const worker = getNativeSyncWorker(deps);
  const result: NativeSyncBenchResult = { people: peopleN, assets: assetsN, accesses, runs: [] };
  try {
    const hub = await svc.connectHub(ctx, { platform: 'meta', businessId: OURS, token: 'bench-hub-token' });
    const found = await svc.checkForUpdates(ctx, hub.id);
    const partner = found.partners[0]!;
    await svc.connectPartner(ctx, partner.id, 'bench-agency-token');

    const run = async (label: string) => {
      const before = fake.requests.length;
      let status = '';
      const m = await measured(async () => {
        const job = await svc.startSync(ctx, partner.id);
        await worker.idle();
        status = (await svc.getJob(ctx, job.id)).status;
      });
      result.runs.push({ label, ...m, jobStatus: status, platformRequests: fake.requests.length - before });
      console.log(`${label}: ${m.seconds.toFixed(2)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB, peak heap ${m.peakHeapMb.toFixed(0)} MB, job ${status}, ${fake.requests.length - before} platform requests`);
    };
    await run('first sync (baseline)');
    // 1% of the people change: half promoted, half removed; 50 new people join.
    const people = fake.world.businesses[AGENCY]!.people;
    for (let i = 0; i < peopleN / 100; i += 2) people[i * 50]!.grants[0]!.roles = ['MANAGE'];
    fake.world.businesses[AGENCY]!.people = people.filter((_, i) => i % 200 !== 100);
    for (let i = 0; i < 50; i++) {
      fake.world.businesses[AGENCY]!.people.push({ id: String(290000000000000 + i), name: `New person ${i}`, grants: [{ assetId: String(300000000000000 + (i % assetsN)), roles: ['ANALYZE'] }] });
    }
    await run('second sync (1% changed)');
  } finally {
    await worker.stop();
    await fake.close();
    await database.close();
  }

  if (!args.has('no-save')) {
    mkdirSync(path.join(HERE, 'results'), { recursive: true });
    let sha = 'nogit';
    try {
      sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).trim();
    } catch {
      /* not a checkout */
    }
    const file = path.join(HERE, 'results', `native-sync-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${sha}.json`);
    writeFileSync(
      file,
      JSON.stringify({ bench: 'native-sync', at: new Date().toISOString(), machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version }, ...result }, null, 2),
    );
    console.log(`saved ${path.relative(process.cwd(), file)}`);
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runNativeSyncBench(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
