/**
 * Benchmarks on PostgreSQL (perf-security.md §1, goals 1–5). See bench/README.md.
 *
 *   npm run bench -- --seed            seed dataset M when missing, then measure
 *   npm run bench -- --reseed          rebuild the dataset, then measure
 *   flags: --duration 15 --warmup 3 --connections 50 --authz-n 20000 --db latchkey_bench
 *          --targets bare,live,accounts,authz  --explain-only  --no-save  --update-baseline
 *          --log-level warn|silent  --gate (exit 1 when a p99 regresses > 20% vs baseline.json)
 *   targets: node (bare node:http, opt-in), bare, live, accounts, authz, native (opt-in: bench/native-sync.ts)
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../server/src/app';
import { loadAccountAccess } from '../server/src/authz/accounts';
import { loadConfig, type Config } from '../server/src/config/env';
import { openDatabase, type Db } from '../server/src/db/client';
import * as schema from '../server/src/db/schema/index';
import type { AppDeps } from '../server/src/deps';
import { systemClock } from '../server/src/lib/clock';
import { createLiveHub } from '../server/src/modules/live/live.hub';
import { hashToken, newToken } from '../server/src/lib/tokens';
import { sessionsRepository } from '../server/src/modules/auth/sessions.repository';
import { parseKeyringEnv } from '../server/src/modules/vault/keyring';
import { createVault } from '../server/src/modules/vault/vault.service';
import { csrfTokenFor, sessionCookieName } from '../server/src/plugins/session';
import { BENCH_MASTER_KEY, benchDbName, parseArgs, sleep } from './common';
import { ensureSeeded, type SeedInfo } from './seed';
import { summarize, type LatencySummary, type LoadJob, type LoadResult } from './stats';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');

const args = parseArgs(process.argv.slice(2));
const opts = {
  duration: args.number('duration', 15),
  warmup: args.number('warmup', 3),
  connections: Math.max(1, Math.floor(args.number('connections', 50))),
  authzN: Math.floor(args.number('authz-n', 20_000)),
  targets: new Set(args.string('targets', 'bare,live,accounts,authz').split(',').map((s) => s.trim())),
  explainOnly: args.has('explain-only'),
  save: !args.has('no-save'),
  updateBaseline: args.has('update-baseline'),
  gate: args.has('gate'),
  logLevel: args.string('log-level', 'warn') as Config['logLevel'],
};

interface Row extends LatencySummary {
  target: string;
  /** 1-minute load average when the target started (the box is shared: see README). */
  loadavg?: number;
  rps: number | null;
  requests: number;
  errors: number;
  non2xx: number;
}

// ---------------------------------------------------------------------------------------------
// SQL capture and EXPLAIN
// ---------------------------------------------------------------------------------------------

interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/** A Drizzle handle on its own small pool that records every statement it sends. */
function capturingDb(url: string): { db: Db; captured: CapturedQuery[]; pool: pg.Pool } {
  const captured: CapturedQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = drizzle(pool, {
    schema,
    logger: { logQuery: (sql: string, params: unknown[]) => void captured.push({ sql, params }) },
  }) as unknown as Db;
  return { db, captured, pool };
}

interface Plan {
  label: string;
  sql: string;
  plan: string;
  seqScanOnGrants: boolean;
}

async function explain(pool: pg.Pool, label: string, q: CapturedQuery): Promise<Plan> {
  await pool.query(q.sql, q.params); // warm the cache like a running server would have it
  const res = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${q.sql}`, q.params);
  const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
  return { label, sql: q.sql, plan, seqScanOnGrants: /Seq Scan on grants\b/.test(plan) };
}

const mentionsGrants = (sql: string) => /\bfrom "grants"|join "grants"|"grants"\./i.test(sql);

// ---------------------------------------------------------------------------------------------
// Load generation (a worker thread per target)
// ---------------------------------------------------------------------------------------------

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it inside the worker, then load the TS module.
    const entry = JSON.stringify(new URL('./load-worker.ts', import.meta.url).href);
    const src = `import('tsx/esm/api').then((m) => { m.register(); return import(${entry}); })`;
    const worker = new Worker(src, { eval: true, workerData: job });
    worker.once('message', (m: LoadResult | { error: string }) => {
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).trim();
  } catch {
    return 'nogit';
  }
}

const fmt = (n: number | null, d = 2) => (n === null || Number.isNaN(n) ? '-' : n.toFixed(d));

function printTable(rows: Row[], baseline: Row[] | null): void {
  const head = ['target', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'req/s', 'requests', 'errors/non-2xx', 'load avg'];
  if (baseline) head.push('p99 vs baseline');
  const body = rows.map((r) => {
    const cells = [
      r.target,
      fmt(r.p50, 3),
      fmt(r.p95, 3),
      fmt(r.p99, 3),
      fmt(r.max, 2),
      r.rps === null ? '-' : fmt(r.rps, 0),
      String(r.requests),
      `${r.errors}/${r.non2xx}`,
      r.loadavg === undefined ? '' : fmt(r.loadavg, 1),
    ];
    if (baseline) {
      const b = baseline.find((x) => x.target === r.target);
      cells.push(b ? `${(((r.p99 - b.p99) / b.p99) * 100).toFixed(0)}%` : '-');
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  // Native partner sync (bench/native-sync.ts): its own database and fake platform, no dataset M.
  if (opts.targets.has('native')) {
    const { runNativeSyncBench } = await import('./native-sync');
    await runNativeSyncBench(process.argv.slice(2));
    opts.targets.delete('native');
    if (opts.targets.size === 0) return;
  }
  const dbName = benchDbName(args);
  const seedWanted = args.has('seed') || args.has('reseed');
  let seed: SeedInfo;
  if (seedWanted) {
    seed = await ensureSeeded({ dbName, reseed: args.has('reseed') });
  } else {
    seed = await ensureSeeded({ dbName, reseed: false, requireExisting: true });
  }
  console.table(seed.counts);
  const cpus = os.cpus().length;
  if (os.loadavg()[0]! > cpus) {
    console.warn(`WARNING: load average ${os.loadavg()[0]!.toFixed(1)} on ${cpus} cores: other work is running, figures will be noisy and low.`);
  }

  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: seed.url,
    LATCHKEY_MASTER_KEY: BENCH_MASTER_KEY,
    LATCHKEY_LOG_LEVEL: opts.logLevel,
    LATCHKEY_PUBLIC_URL: 'http://127.0.0.1:8080',
    // Never used by the routes measured here; set so production config validation is satisfied.
    LATCHKEY_SMTP_URL: 'smtp://127.0.0.1:2525',
    LATCHKEY_SKIP_SEED: '1',
    HOST: '127.0.0.1',
    PORT: '0',
  } as NodeJS.ProcessEnv);
  // Same pool as production (main.ts: openDatabase with the default size).
  const database = await openDatabase({ databaseUrl: config.databaseUrl });
  const vault = createVault(parseKeyringEnv(BENCH_MASTER_KEY));
  const deps: AppDeps = { db: database.db, driver: database.driver, config, clock: systemClock, vault, live: createLiveHub(database) };

  // A session made directly in the database (as sessionFor in server/test/harness.ts).
  const token = newToken();
  const now = new Date();
  await sessionsRepository.insert(deps.db, {
    tokenHash: hashToken(token),
    userId: seed.benchUserId,
    workspaceId: seed.bigWorkspaceId,
    mfaPassed: true,
    now,
    expiresAt: new Date(now.getTime() + config.sessionAbsoluteMs),
    ip: '127.0.0.1',
    userAgent: 'latchkey-bench',
  });
  const authHeaders = { cookie: `${sessionCookieName(config)}=${token}`, 'x-csrf-token': csrfTokenFor(token) };
  const actor = { userId: seed.benchUserId, workspaceId: seed.bigWorkspaceId, role: 'user' as const };

  // Accounts the bench user can and cannot use (the latter: same workspace, and other workspaces).
  const admin = new pg.Pool({ connectionString: seed.url, max: 2 });
  const allowedIds = (
    await admin.query<{ id: string }>(
      `select distinct g.account_id as id from grants g join accounts a on a.id = g.account_id
        where g.user_id = $1 and g.workspace_id = $2 and g.revoked_at is null
          and (g.valid_until is null or g.valid_until > now()) and a.status = 'active'`,
      [actor.userId, actor.workspaceId],
    )
  ).rows.map((r) => r.id);
  const deniedIds = (
    await admin.query<{ id: string }>(
      `(select a.id from accounts a where a.workspace_id = $2 and not exists (
          select 1 from grants g where g.account_id = a.id and g.user_id = $1 and g.revoked_at is null
            and (g.valid_until is null or g.valid_until > now())) order by md5(a.id::text) limit 1500)
       union all
       (select a.id from accounts a where a.workspace_id <> $2 order by md5(a.id::text) limit 500)`,
      [actor.userId, actor.workspaceId],
    )
  ).rows.map((r) => r.id);
  console.log(`bench user: ${allowedIds.length} usable accounts; sampled ${deniedIds.length} it cannot use`);

  // ---- EXPLAIN (ANALYZE, BUFFERS): the accounts list as the route issues it, and the authz query.
  const cap = capturingDb(seed.url);
  const capApp = await buildApp({ ...deps, db: cap.db }, { logger: { write: () => undefined }, serveWeb: false });
  await capApp.ready();
  const probe = await capApp.inject({ method: 'GET', url: '/api/v1/accounts?limit=50', headers: authHeaders });
  if (probe.statusCode !== 200) throw new Error(`GET /api/v1/accounts answered ${probe.statusCode}: ${probe.body.slice(0, 300)}`);
  const listBody = probe.json() as { items: unknown[]; nextCursor: string | null };
  const listQueries = cap.captured.splice(0).filter((q) => /^\s*select/i.test(q.sql));
  console.log(`GET /api/v1/accounts?limit=50: ${listBody.items.length} items, nextCursor ${listBody.nextCursor ? 'set' : 'null'}, ${listQueries.length} SQL statements`);
  const plans: Plan[] = [];
  for (const [i, q] of listQueries.entries()) {
    if (mentionsGrants(q.sql)) plans.push(await explain(cap.pool, `accounts list: statement ${i + 1} of ${listQueries.length}`, q));
  }
  if (!plans.length) throw new Error('No statement of GET /api/v1/accounts reads "grants": the capture failed or the query changed.');
  const a1 = await loadAccountAccess(cap.db, actor, allowedIds[0]!, new Date());
  const q1 = cap.captured.splice(0);
  const a2 = await loadAccountAccess(cap.db, actor, deniedIds[0]!, new Date());
  const q2 = cap.captured.splice(0);
  if (!a1 || a2) throw new Error('loadAccountAccess disagrees with the seed: allowed/denied probe failed.');
  for (const q of q1) plans.push(await explain(cap.pool, 'authz loadAccountAccess (allowed account)', q));
  for (const q of q2) plans.push(await explain(cap.pool, 'authz loadAccountAccess (denied account)', q));
  await capApp.close();
  await cap.pool.end();

  for (const p of plans) {
    console.log(`\n=== EXPLAIN (ANALYZE, BUFFERS): ${p.label}${p.seqScanOnGrants ? '   <-- SEQ SCAN ON grants' : ''}`);
    console.log(p.sql);
    console.log(p.plan);
  }
  const bad = plans.filter((p) => p.seqScanOnGrants);
  if (bad.length) {
    console.error(`\nFAIL (perf goal 2): Seq Scan on grants in ${bad.map((p) => p.label).join('; ')}.`);
    await admin.end();
    await database.close();
    process.exit(1);
  }
  console.log('\nplans: no Seq Scan on grants (perf goal 2)');
  if (opts.explainOnly) {
    await admin.end();
    await database.close();
    return;
  }

  // ---- HTTP targets
  const nodeHttp = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((r) => nodeHttp.listen(0, '127.0.0.1', r));
  const nodePort = (nodeHttp.address() as { port: number }).port;
  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => ({ status: 'ok' }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const app = await buildApp(deps, { serveWeb: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (f: typeof bare) => {
    const a = f.server.address();
    if (!a || typeof a === 'string') throw new Error('no port');
    return a.port;
  };
  const appBase = `http://127.0.0.1:${portOf(app as unknown as typeof bare)}`;
  const targets: Array<{ key: string; name: string; url: string; headers: Record<string, string> }> = [
    { key: 'node', name: '(a0) bare node:http', url: `http://127.0.0.1:${nodePort}/`, headers: {} },
    { key: 'bare', name: '(a) bare Fastify GET /bare', url: `http://127.0.0.1:${portOf(bare)}/bare`, headers: {} },
    { key: 'live', name: '(b) app GET /api/v1/health/live', url: `${appBase}/api/v1/health/live`, headers: {} },
    { key: 'accounts', name: '(c) app GET /api/v1/accounts?limit=50', url: `${appBase}/api/v1/accounts?limit=50`, headers: authHeaders },
  ];
  const rows: Row[] = [];
  for (const t of targets) {
    if (!opts.targets.has(t.key)) continue;
    const loadavg = os.loadavg()[0]!;
    console.log(`\n${t.name}: ${opts.connections} connections, warm-up ${opts.warmup} s, measuring ${opts.duration} s (load average ${loadavg.toFixed(1)}) …`);
    const r = await load({ url: t.url, headers: t.headers, connections: opts.connections, warmup: opts.warmup, duration: opts.duration });
    rows.push({ target: t.name, ...r, rps: r.rps, requests: r.requests, errors: r.errors + r.timeouts, non2xx: r.non2xx, loadavg });
    console.log(`  ${r.requests} responses, ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(2)} ms, status ${JSON.stringify(r.statusCodes)}`);
    await sleep(1000);
  }
  await app.close();
  await bare.close();
  await new Promise((r) => nodeHttp.close(r));

  // ---- (d) one authorization decision, in process, sequential
  let authz: { allowed: LatencySummary; denied: LatencySummary; wrong: number } | null = null;
  if (opts.targets.has('authz') && opts.authzN > 0) {
    const loadavg = os.loadavg()[0]!;
    console.log(`\n(d) loadAccountAccess in process: ${opts.authzN} sequential calls (half allowed, half denied; load average ${loadavg.toFixed(1)}) …`);
    const pick = (ids: string[]) => ids[Math.floor(Math.random() * ids.length)]!;
    for (let i = 0; i < 500; i++) await loadAccountAccess(deps.db, actor, pick(i % 2 ? allowedIds : deniedIds), new Date()); // warm-up
    const all: number[] = [];
    const allowed: number[] = [];
    const denied: number[] = [];
    let wrong = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < opts.authzN; i++) {
      const allow = Math.random() < 0.5;
      const id = pick(allow ? allowedIds : deniedIds);
      const s = process.hrtime.bigint();
      const access = await loadAccountAccess(deps.db, actor, id, new Date());
      const ms = Number(process.hrtime.bigint() - s) / 1e6;
      all.push(ms);
      (allow ? allowed : denied).push(ms);
      if (Boolean(access) !== allow) wrong++;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    authz = { allowed: summarize(allowed), denied: summarize(denied), wrong };
    rows.push({ target: '(d) authz loadAccountAccess, in process', ...summarize(all), rps: all.length / seconds, requests: all.length, errors: wrong, non2xx: 0, loadavg });
    rows.push({ target: '    of which allowed', ...authz.allowed, rps: null, requests: allowed.length, errors: 0, non2xx: 0 });
    rows.push({ target: '    of which denied', ...authz.denied, rps: null, requests: denied.length, errors: 0, non2xx: 0 });
  }
  await admin.end();
  await database.close();

  // ---- report
  const baselineFile = path.join(RESULTS, 'baseline.json');
  const baseline = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as { rows: Row[] }).rows : null;
  console.log(`\nResults (${opts.connections} connections, no pipelining, ${opts.duration} s measured after ${opts.warmup} s warm-up; ` +
    `(d) is ${opts.authzN} sequential calls, errors = wrong decisions; req/s for (d) = calls/s):\n`);
  printTable(rows, baseline);
  const bareRow = rows.find((r) => r.target.startsWith('(a)'));
  const liveRow = rows.find((r) => r.target.startsWith('(b)'));
  if (bareRow?.rps && liveRow?.rps) {
    console.log(`\nframework overhead (b vs a): ${(((bareRow.rps - liveRow.rps) / bareRow.rps) * 100).toFixed(1)}% fewer req/s with all production hooks (goal 5 budget: 15% vs bare node:http)`);
  }

  const nodeRow = rows.find((r) => r.target.startsWith('(a0)'));
  if (nodeRow?.rps && liveRow?.rps) {
    console.log(`framework overhead (b vs a0): ${(((nodeRow.rps - liveRow.rps) / nodeRow.rps) * 100).toFixed(1)}% fewer req/s than bare node:http (goal 5: ≤ 15%)`);
  }

  let regressions: string[] = [];
  if (baseline) {
    regressions = rows
      .filter((r) => !r.target.startsWith(' '))
      .flatMap((r) => {
        const b = baseline.find((x) => x.target === r.target);
        return b && r.p99 > b.p99 * 1.2 ? [`${r.target}: p99 ${r.p99.toFixed(2)} ms vs baseline ${b.p99.toFixed(2)} ms`] : [];
      });
    if (regressions.length) console.log(`\np99 more than 20% above baseline (goal 12):\n  ${regressions.join('\n  ')}`);
  }

  if (opts.save) {
    mkdirSync(RESULTS, { recursive: true });
    const sha = gitSha();
    const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\..+$/, 'Z');
    const out = {
      date: new Date().toISOString(),
      git: sha,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      options: { ...opts, targets: [...opts.targets] },
      dataset: { db: seed.dbName, reused: seed.reused, seedSeconds: seed.seedSeconds, counts: seed.counts },
      accountsListStatements: listQueries.length,
      rows,
      plans: plans.map((p) => ({ label: p.label, sql: p.sql, plan: p.plan })),
    };
    const file = path.join(RESULTS, `${stamp}-${sha}.json`);
    writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    console.log(`\nsaved ${path.relative(process.cwd(), file)}`);
    const full = ['bare', 'live', 'accounts', 'authz'].every((t) => opts.targets.has(t));
    if (full && (!baseline || opts.updateBaseline)) {
      writeFileSync(baselineFile, JSON.stringify(out, null, 2) + '\n');
      console.log(`saved ${path.relative(process.cwd(), baselineFile)}`);
    }
  }
  if (opts.gate && regressions.length) {
    console.error('FAIL (--gate): p99 regression above 20% (compare only runs on the same quiet machine).');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
