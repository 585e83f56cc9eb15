/**
 * Seed the benchmark database (dataset "M" of perf-security.md §1, without partnerships and audit
 * events) on PostgreSQL with set-based SQL.
 *
 *   node --import tsx bench/seed.ts [--reseed] [--db latchkey_bench]
 *
 * Shape (deterministic; ids are md5-derived v4-shaped UUIDs so SQL can compute them without joins):
 *  - 1,000 workspaces; the largest holds 10% of accounts and grants, the rest follow a power law.
 *  - 5,000 users who belong to one workspace each (5 per workspace: owner, admin, 3 users) plus
 *    3,000 "consultants" who belong to many workspaces (8+ per workspace, 1,500 in the big one).
 *  - 100,000 accounts (~1% deleted); each has 1 Owner grant and 9 others (1 manager, 8
 *    collaborators) on distinct members: 1,000,000 grants, ~5% revoked, ~2% expired
 *    (valid_until in the past), ~2% with a future valid_until.
 *  - One data key per workspace, made by the real vault (createWorkspaceKey).
 *  - The bench user, a member of the big workspace with a live grant on every 10th account there
 *    (~1,000 accounts), plus some revoked and expired grants that must not count; the accounts it
 *    can use have a password sealed by the real vault.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../server/src/db/client';
import { parseKeyringEnv } from '../server/src/modules/vault/keyring';
import { createVault } from '../server/src/modules/vault/vault.service';
import {
  ADMIN_URL,
  BENCH_MASTER_KEY,
  BENCH_USER_EMAIL,
  DATASET,
  SEED_VERSION,
  benchDbName,
  parseArgs,
  withDatabase,
  type Args,
} from './common';

export interface SeedInfo {
  url: string;
  dbName: string;
  reused: boolean;
  seedSeconds: number | null;
  counts: Record<string, number>;
  benchUserId: string;
  bigWorkspaceId: string;
}

interface WorkspacePlan {
  ord: number;
  nAccounts: number;
  nConsultants: number;
  firstAccount: number;
}

/** Accounts per workspace: 10% in workspace 1, the rest by a power law (k^-0.7), summing exactly. */
export function planWorkspaces(): WorkspacePlan[] {
  const rest = DATASET.accounts - DATASET.bigWorkspaceAccounts;
  const n = DATASET.workspaces - 1;
  const weights = Array.from({ length: n }, (_, i) => Math.pow(i + 1, -0.7));
  const total = weights.reduce((a, b) => a + b, 0);
  const min = 20;
  const raw = weights.map((w) => min + ((rest - min * n) * w) / total);
  const counts = raw.map(Math.floor);
  let missing = rest - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (missing-- <= 0) break;
    counts[i]! += 1;
  }
  const plans: WorkspacePlan[] = [
    { ord: 1, nAccounts: DATASET.bigWorkspaceAccounts, nConsultants: DATASET.bigWorkspaceConsultants, firstAccount: 1 },
  ];
  let next = DATASET.bigWorkspaceAccounts + 1;
  counts.forEach((c, i) => {
    plans.push({ ord: i + 2, nAccounts: c, nConsultants: 8 + Math.floor(c / 100), firstAccount: next });
    next += c;
  });
  return plans;
}

/** Expected minimum counts of a complete seed. */
function expectedCounts(): Record<string, number> {
  return {
    workspaces: DATASET.workspaces,
    accounts: DATASET.accounts,
    grants: DATASET.accounts * (1 + DATASET.othersPerAccount),
    data_keys: DATASET.workspaces,
  };
}

async function count(client: pg.Client, table: string): Promise<number> {
  const r = await client.query<{ n: string }>(`select count(*)::bigint as n from ${table}`);
  return Number(r.rows[0]!.n);
}

export async function readCounts(client: pg.Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['workspaces', 'users', 'memberships', 'accounts', 'grants', 'data_keys', 'account_secrets']) {
    out[t] = await count(client, t);
  }
  const live = await client.query<{ live: string; revoked: string; expired: string }>(
    `select count(*) filter (where revoked_at is null and (valid_until is null or valid_until > now())) as live,
            count(*) filter (where revoked_at is not null) as revoked,
            count(*) filter (where revoked_at is null and valid_until <= now()) as expired
       from grants`,
  );
  out.grants_live = Number(live.rows[0]!.live);
  out.grants_revoked = Number(live.rows[0]!.revoked);
  out.grants_expired = Number(live.rows[0]!.expired);
  const big = await client.query<{ n: string; g: string }>(
    `select (select count(*) from accounts a where a.workspace_id = w.id) as n,
            (select count(*) from grants g where g.workspace_id = w.id) as g
       from bench.ws b join workspaces w on w.id = b.id where b.ord = 1`,
  );
  out.big_workspace_accounts = Number(big.rows[0]!.n);
  out.big_workspace_grants = Number(big.rows[0]!.g);
  const bu = await client.query<{ n: string }>(
    `select count(distinct g.account_id) as n from grants g join users u on u.id = g.user_id join accounts a on a.id = g.account_id
      where u.email = $1 and g.revoked_at is null and (g.valid_until is null or g.valid_until > now()) and a.status = 'active'`,
    [BENCH_USER_EMAIL],
  );
  out.bench_user_usable_accounts = Number(bu.rows[0]!.n);
  return out;
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const r = await admin.query('select 1 from pg_database where datname = $1', [name]);
  return (r.rowCount ?? 0) > 0;
}

/** True when the database holds a complete seed of the current version. */
async function isSeeded(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const meta = await client.query<{ version: number; complete: boolean }>(
      `select version, complete from bench.meta limit 1`,
    ).catch(() => null);
    if (!meta?.rows[0] || meta.rows[0].version !== SEED_VERSION || !meta.rows[0].complete) return false;
    for (const [table, n] of Object.entries(expectedCounts())) {
      if ((await count(client, table)) < n) return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

async function ids(url: string): Promise<{ benchUserId: string; bigWorkspaceId: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ u: string; w: string }>(
      `select (select id from users where email = $1) as u, (select id from bench.ws where ord = 1) as w`,
      [BENCH_USER_EMAIL],
    );
    return { benchUserId: r.rows[0]!.u, bigWorkspaceId: r.rows[0]!.w };
  } finally {
    await client.end();
  }
}

/** Seed unless a complete seed is there already (or `reseed`). Logs progress to stdout. */
export async function ensureSeeded(opts: {
  dbName: string;
  reseed: boolean;
  /** Fail instead of seeding when no complete seed is there. */
  requireExisting?: boolean;
  log?: (s: string) => void;
}): Promise<SeedInfo> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const url = withDatabase(ADMIN_URL, opts.dbName);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await databaseExists(admin, opts.dbName);
    if (exists && !opts.reseed && (await isSeeded(url))) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const counts = await readCounts(client).finally(() => client.end());
      log(`bench database "${opts.dbName}" already seeded (seed v${SEED_VERSION}); reusing it. Pass --reseed to rebuild.`);
      // New migrations that landed since the seed still apply.
      const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
      await database.migrate().finally(() => database.close());
      return { url, dbName: opts.dbName, reused: true, seedSeconds: null, counts, ...(await ids(url)) };
    }
    if (opts.requireExisting) {
      throw new Error(`The bench database "${opts.dbName}" is missing or incomplete: run \`npm run bench -- --seed\` (takes a few minutes).`);
    }
    if (exists) {
      log(`dropping database "${opts.dbName}"`);
      await admin.query(`drop database ${opts.dbName} with (force)`);
    }
    await admin.query(`create database ${opts.dbName}`);
  } finally {
    await admin.end();
  }

  const started = process.hrtime.bigint();
  const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
  try {
    await database.migrate();
    log('migrations applied');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await bulkSeed(client, log);
      // Data keys through the real vault: the accounts list and reveal need them.
      const vault = createVault(parseKeyringEnv(BENCH_MASTER_KEY));
      const t0 = Date.now();
      const wsIds = (await client.query<{ id: string }>('select id from bench.ws order by ord')).rows.map((r) => r.id);
      await database.db.transaction(async (tx) => {
        for (const id of wsIds) await vault.createWorkspaceKey(tx, id);
      });
      // A sealed password on every account the bench user can use (hasPassword in the list).
      const usable = (
        await client.query<{ account_id: string; workspace_id: string }>(
          `select distinct g.account_id, g.workspace_id from grants g join users u on u.id = g.user_id
            where u.email = $1 and g.revoked_at is null and (g.valid_until is null or g.valid_until > now())`,
          [BENCH_USER_EMAIL],
        )
      ).rows;
      await database.db.transaction(async (tx) => {
        for (const r of usable) await vault.writeAccountSecret(tx, r.workspace_id, r.account_id, 'password', `pw-${r.account_id.slice(0, 8)}`);
      });
      log(`vault: ${wsIds.length} workspace data keys, ${usable.length} sealed passwords (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

      const t1 = Date.now();
      for (const t of ['workspaces', 'users', 'memberships', 'accounts', 'grants', 'data_keys', 'account_secrets', 'sessions']) {
        await client.query(`vacuum (analyze) ${t}`);
      }
      log(`vacuum analyze (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
      await client.query('update bench.meta set complete = true');
      const seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const counts = await readCounts(client);
      log(`seeded in ${seedSeconds.toFixed(1)} s`);
      return { url, dbName: opts.dbName, reused: false, seedSeconds, counts, ...(await ids(url)) };
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
  }
}

/** The set-based part: a helper schema `bench`, then INSERT … SELECT … generate_series in chunks. */
async function bulkSeed(client: pg.Client, log: (s: string) => void): Promise<void> {
  const timed = async (label: string, fn: () => Promise<unknown>) => {
    const t = Date.now();
    await fn();
    log(`  ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  // Bulk-load settings for this session only. The generated rows are consistent by construction,
  // so foreign-key triggers are skipped (replica mode; needs a superuser, optional).
  await client.query('set synchronous_commit = off');
  await client.query("set maintenance_work_mem = '256MB'");
  await client.query("set work_mem = '64MB'");
  const replica = await client.query('set session_replication_role = replica').then(
    () => true,
    () => false,
  );
  log(`bulk seed (foreign-key triggers ${replica ? 'skipped: session_replication_role = replica' : 'ON: not a superuser'})`);

  await client.query(`
    create schema bench;
    create table bench.meta (version int not null, complete boolean not null, seeded_at timestamptz not null default now());
    insert into bench.meta (version, complete) values (${SEED_VERSION}, false);
    -- Deterministic ids, shaped as RFC 4122 v4 UUIDs (Zod's z.uuid() checks version and variant).
    create function bench.uid(k text, n bigint) returns uuid language sql immutable parallel safe as
      $$ select overlay(overlay(md5(k || ':' || n) placing '4' from 13) placing '8' from 17)::uuid $$;
    create table bench.ws (
      ord int primary key, id uuid not null, n_accounts int not null, n_consultants int not null,
      first_account int not null, n_members int generated always as (${DATASET.ownMembersPerWorkspace} + n_consultants) stored
    );
    -- Member j (0-based) of workspace ord: 5 own users first (j = 0 is the workspace Owner), then consultants.
    create function bench.member(ord int, j int) returns uuid language sql immutable parallel safe as $$
      select case when j < ${DATASET.ownMembersPerWorkspace}
        then bench.uid('u', (ord - 1) * ${DATASET.ownMembersPerWorkspace} + j + 1)
        else bench.uid('c', (ord * 37 + j - ${DATASET.ownMembersPerWorkspace}) % ${DATASET.consultants}) end $$;
  `);

  const plans = planWorkspaces();
  await client.query(
    `insert into bench.ws (ord, id, n_accounts, n_consultants, first_account)
     select ord, bench.uid('w', ord), n, c, f from unnest($1::int[], $2::int[], $3::int[], $4::int[]) as t(ord, n, c, f)`,
    [plans.map((p) => p.ord), plans.map((p) => p.nAccounts), plans.map((p) => p.nConsultants), plans.map((p) => p.firstAccount)],
  );

  await timed('workspaces, users, memberships', async () => {
    await client.query(`
      insert into workspaces (id, public_id, name, created_at, updated_at)
      select id, 'bench' || lpad(to_hex(ord), 27, '0'), case when ord = 1 then 'Bench Big Co' else 'Bench Workspace ' || ord end,
             now() - interval '400 days', now() - interval '400 days'
        from bench.ws;

      insert into users (id, email, name, password_hash, created_at, updated_at)
      select bench.uid('u', n), 'u' || n || '@members.bench', 'Member ' || n, 'bench-no-password', now() - interval '400 days', now()
        from generate_series(1, ${DATASET.workspaces * DATASET.ownMembersPerWorkspace}) n
      union all
      select bench.uid('c', n), 'c' || n || '@consultants.bench', 'Consultant ' || n, 'bench-no-password', now() - interval '400 days', now()
        from generate_series(0, ${DATASET.consultants - 1}) n
      union all
      select bench.uid('bench', 1), '${BENCH_USER_EMAIL}', 'Bench User', 'bench-no-password', now() - interval '400 days', now();

      insert into memberships (workspace_id, user_id, role, status, joined_at)
      select w.id, bench.member(w.ord, j),
             case when j = 0 then 'owner' when j = 1 then 'admin' when j % 17 = 0 then 'login_only' else 'user' end,
             'active', now() - interval '300 days'
        from bench.ws w, generate_series(0, w.n_members - 1) j
      union all
      select id, bench.uid('bench', 1), 'user', 'active', now() - interval '300 days' from bench.ws where ord = 1;
    `);
  });

  // Chunks of whole workspaces, ~10,000 accounts (~100,000 grants) each.
  const chunks: Array<[number, number]> = [];
  let lo = 1;
  let acc = 0;
  for (const p of plans) {
    acc += p.nAccounts;
    if (acc >= 10_000 || p.ord === plans.length) {
      chunks.push([lo, p.ord]);
      lo = p.ord + 1;
      acc = 0;
    }
  }

  const apps = `(array['Salesforce','Google Workspace','AWS Console','Stripe','HubSpot','GitHub','Slack','Zendesk','QuickBooks','Mailchimp','Shopify','Atlassian'])`;
  await timed(`accounts (${chunks.length} chunks)`, async () => {
    for (const [a, b] of chunks) {
      await client.query(
        `insert into accounts (id, workspace_id, label, application, login_url, username, notes, status, created_by, created_at, updated_at, deleted_at, deleted_by)
         select bench.uid('a', n), w.id,
                ${apps}[1 + n % 12] || ' ' || to_char(n, 'FM000000'),
                ${apps}[1 + n % 12],
                'https://login.example.test/' || (n % 12),
                'shared+' || n || '@client.example',
                '',
                case when n % 97 = 0 then 'deleted' else 'active' end,
                bench.member(w.ord, n % w.n_members),
                now() - make_interval(days => 30 + n % 365), now() - make_interval(days => n % 30),
                case when n % 97 = 0 then now() - interval '3 days' end,
                case when n % 97 = 0 then bench.member(w.ord, n % w.n_members) end
           from bench.ws w, generate_series(w.first_account, w.first_account + w.n_accounts - 1) n
          where w.ord between $1 and $2`,
        [a, b],
      );
    }
  });

  await timed(`grants (${chunks.length} chunks)`, async () => {
    for (const [a, b] of chunks) {
      // t = 0: the Owner (member n % m, also the creator); t = 1..9: the next members, distinct.
      await client.query(
        `insert into grants (workspace_id, subject_workspace_id, account_id, user_id, role, source_kind, source_id, granted_by, granted_at,
                             valid_until, revoked_at, revoked_by, revoke_reason)
         select w.id, w.id, bench.uid('a', n), bench.member(w.ord, (n + t) % w.n_members),
                case when t = 0 then 'owner' when t = 1 then 'manager' else 'collaborator' end,
                'direct', bench.uid('a', n), bench.member(w.ord, n % w.n_members),
                now() - make_interval(days => 1 + (n + t) % 365),
                case when t > 0 and (n * 13 + t) % 50 = 0 then now() - make_interval(days => 1 + t)
                     when t > 0 and (n * 11 + t) % 50 = 1 then now() + interval '30 days' end,
                case when t > 0 and (n * 7 + t) % 20 = 0 then now() - make_interval(hours => 1 + n % 500) end,
                case when t > 0 and (n * 7 + t) % 20 = 0 then bench.member(w.ord, n % w.n_members) end,
                case when t > 0 and (n * 7 + t) % 20 = 0 then 'bench: access removed' end
           from bench.ws w, generate_series(w.first_account, w.first_account + w.n_accounts - 1) n,
                generate_series(0, ${DATASET.othersPerAccount}) t
          where w.ord between $1 and $2`,
        [a, b],
      );
    }
    // The bench user: live grants on every 10th account of the big workspace (a few as manager),
    // plus revoked and expired grants on others that must not show up.
    await client.query(
      `insert into grants (workspace_id, subject_workspace_id, account_id, user_id, role, source_kind, source_id, granted_by, granted_at,
                           valid_until, revoked_at, revoked_by, revoke_reason)
       select w.id, w.id, bench.uid('a', n), bench.uid('bench', 1),
              case when k % 10 = 5 then 'manager' when k % 97 = 3 then 'owner' else 'collaborator' end,
              'direct', bench.uid('a', n), bench.member(w.ord, n % w.n_members), now() - make_interval(days => 1 + n % 200),
              case when k % 50 = 7 then now() + interval '60 days' end, null, null, null
         from bench.ws w, generate_series(0, w.n_accounts / ${DATASET.benchUserEvery} - 1) k,
              lateral (select w.first_account + k * ${DATASET.benchUserEvery} as n) x
        where w.ord = 1
       union all
       select w.id, w.id, bench.uid('a', n), bench.uid('bench', 1), 'collaborator', 'direct', bench.uid('a', n),
              bench.member(w.ord, n % w.n_members), now() - interval '90 days',
              case when k % 2 = 1 then now() - interval '1 day' end,
              case when k % 2 = 0 then now() - interval '10 days' end,
              case when k % 2 = 0 then bench.member(w.ord, n % w.n_members) end,
              case when k % 2 = 0 then 'bench: access removed' end
         from bench.ws w, generate_series(0, 99) k,
              lateral (select w.first_account + 5 + k * 40 as n) x
        where w.ord = 1`,
    );
  });
}

async function main(): Promise<void> {
  const args: Args = parseArgs(process.argv.slice(2));
  const info = await ensureSeeded({ dbName: benchDbName(args), reseed: args.has('reseed') });
  console.log(`database: ${info.dbName}${info.reused ? ' (reused)' : ''}`);
  if (info.seedSeconds !== null) console.log(`seeding took ${info.seedSeconds.toFixed(1)} s`);
  console.table(info.counts);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
