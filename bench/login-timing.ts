/**
 * Sign-in timing for known vs unknown emails (perf-security §2 goal 10, ASVS 6.3.8): a failed
 * sign-in must cost about the same whether or not the account exists, so timing does not reveal
 * who has a login. Runs the real app in process on an in-memory PGlite and alternates the two
 * cases; each request comes from its own IP so the per-IP throttle never answers instead.
 *
 *   node --import tsx bench/login-timing.ts [--n 90]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/src/app';
import { loadConfig } from '../server/src/config/env';
import { openDatabase } from '../server/src/db/client';
import { systemClock } from '../server/src/lib/clock';
import { createLiveHub } from '../server/src/modules/live/live.hub';
import { parseKeyringEnv } from '../server/src/modules/vault/keyring';
import { createVault } from '../server/src/modules/vault/vault.service';
import { createWorkspacesService } from '../server/src/modules/workspaces/workspaces.service';

const { values } = parseArgs({ options: { n: { type: 'string', default: '90' } } });
// The per-account throttle allows 100 failures an hour: stay under it so every attempt is verified.
const n = Math.min(Number(values.n), 99);

const database = await openDatabase({ dataDir: 'memory://' });
await database.migrate();
const config = { ...loadConfig({ LATCHKEY_LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), masterKey: `v1:${randomBytes(32).toString('base64')}` };
const deps = { db: database.db, driver: database.driver, config, clock: systemClock, vault: createVault(parseKeyringEnv(config.masterKey)), live: createLiveHub(database) };
const app = await buildApp(deps, { serveWeb: false });
await app.ready();
await createWorkspacesService(deps).createWorkspaceWithOwner({
  name: 'Timing',
  owner: { email: 'known@example.test', name: 'Known', password: 'the right password 123' },
});

async function attempt(email: string, i: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: 'a wrong password 456' },
    remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode} ${res.body}`);
  return ms;
}

const known: number[] = [];
const unknown: number[] = [];
await attempt('warmup@example.test', 0);
for (let i = 1; i <= n; i++) {
  known.push(await attempt('known@example.test', 2 * i));
  unknown.push(await attempt(`nobody-${i}@example.test`, 2 * i + 1));
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const row = (name: string, xs: number[]) => `${name.padEnd(16)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(6)} ms`;
console.log(`Failed sign-ins, ${n} of each, alternated (argon2id m=19 MiB, t=2):`);
console.log(row('known email', known));
console.log(row('unknown email', unknown));
console.log(`p50 difference: ${Math.abs(pct(known, 50) - pct(unknown, 50)).toFixed(1)} ms (goal: < 5 ms)`);
await app.close();
await database.close();
