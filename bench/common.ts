/**
 * Settings shared by bench/seed.ts and bench/run.ts. Everything here is about the benchmark
 * database only; nothing in server/ depends on it.
 */
import { createHash } from 'node:crypto';

/** Admin connection (any database on the server); the bench database is created beside it. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The bench data keys are wrapped by this KEK, so seed and run must agree on it. It is derived
 * from a public string on purpose: the benchmark database holds generated data only. Override
 * with BENCH_MASTER_KEY (same format as LATCHKEY_MASTER_KEY) if you like.
 */
export const BENCH_MASTER_KEY =
  process.env.BENCH_MASTER_KEY || `v1:${createHash('sha256').update('latchkey-bench-kek-not-a-secret').digest('base64')}`;

export const BENCH_USER_EMAIL = 'bench.user@latchkey.bench';

/** Bump when the shape of the generated data changes: an older database is then reseeded. */
export const SEED_VERSION = 1;

/** The reference dataset M (perf-security.md §1), minus partnerships and audit events. */
export const DATASET = {
  workspaces: 1_000,
  accounts: 100_000,
  /** Accounts in the largest workspace (10% of rows). */
  bigWorkspaceAccounts: 10_000,
  /** Members owned by one workspace each. */
  ownMembersPerWorkspace: 5,
  /** A pool of outside users who are members of many workspaces (consultants, agencies). */
  consultants: 3_000,
  /** Consultants in the largest workspace. */
  bigWorkspaceConsultants: 1_500,
  /** Grants per account: 1 Owner + this many others (some revoked, a few expired). */
  othersPerAccount: 9,
  /** The bench user holds a live grant on every Nth account of the big workspace (10,000 / 10 = ~1,000). */
  benchUserEvery: 10,
} as const;

export function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export function benchDbName(args: Args): string {
  const name = args.string('db', process.env.BENCH_DB_NAME || 'latchkey_bench');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`--db must be a plain lower-case identifier, got "${name}".`);
  return name;
}

/** Minimal `--flag`, `--flag value` and `--flag=value` parsing. */
export interface Args {
  has(name: string): boolean;
  string(name: string, fallback: string): string;
  number(name: string, fallback: number): number;
}

export function parseArgs(argv: string[]): Args {
  const map = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`Unexpected argument "${a}".`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      map.set(a.slice(2, eq), a.slice(eq + 1));
    } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
      map.set(a.slice(2), argv[++i]!);
    } else {
      map.set(a.slice(2), true);
    }
  }
  return {
    has: (n) => map.has(n),
    string: (n, fb) => {
      const v = map.get(n);
      return typeof v === 'string' ? v : fb;
    },
    number: (n, fb) => {
      const v = map.get(n);
      if (v === undefined) return fb;
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw new Error(`--${n} needs a non-negative number.`);
      return x;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
