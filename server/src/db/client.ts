import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQLWrapper } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema/index';

export type Schema = typeof schema;

/** The database handle every repository takes. A transaction is also a `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Apply the committed SQL migrations (idempotent). */
  migrate(): Promise<void>;
  /**
   * LISTEN on a notification channel; `onNotify` gets each payload (delivered by PostgreSQL only
   * once the notifying transaction commits). PostgreSQL: one dedicated connection per call, outside
   * the pool, reconnecting with backoff until unsubscribed. PGlite: its own listen().
   */
  listen(channel: string, onNotify: (payload: string) => void, opts?: ListenOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Called after the listener reconnected (PostgreSQL): notifications sent while it was down are lost. */
  onReconnect?: () => void;
  /** A lost or failed listener connection (it is retried). */
  onError?: (err: unknown) => void;
}

/** Channel names are identifiers we choose; refuse anything else rather than quote it. */
function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`Invalid notification channel name: ${channel}`);
}

/**
 * LISTEN on a dedicated pg.Client (a pooled connection would be handed to queries). On error or
 * disconnect it reconnects with backoff (0.5 s doubling, at most 30 s); notifications sent while it
 * was down are lost, which live updates tolerate (they are hints to refetch, not data).
 */
export async function listenPg(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  opts: ListenOptions = {},
): Promise<() => Promise<void>> {
  assertChannel(channel);
  let stopped = false;
  let client: pg.Client | null = null;
  let delayMs = 500;
  let retry: NodeJS.Timeout | null = null;
  let connectedOnce = false;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    client = c;
    let dropped = false;
    const drop = (err?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (err) opts.onError?.(err);
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (stopped) return;
      retry = setTimeout(() => {
        retry = null;
        connect().catch(() => undefined);
      }, delayMs);
      retry.unref();
      delayMs = Math.min(delayMs * 2, 30_000);
    };
    c.on('error', drop);
    c.on('end', () => drop());
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) onNotify(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      delayMs = 500;
      if (connectedOnce && !stopped) opts.onReconnect?.();
      connectedOnce = true;
    } catch (err) {
      drop(err);
      throw err;
    }
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    if (c) await c.end().catch(() => undefined);
  };
}

/** PGlite's listen(), with the same contract as listenPg. */
export async function listenPglite(client: PGlite, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  assertChannel(channel);
  const unsubscribe = await client.listen(channel, onNotify);
  return async () => {
    if (!client.closed) await unsubscribe();
  };
}

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) for an in-memory database. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client error (e.g. the server restarted) must not crash the process.
    pool.on('error', () => undefined);
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      migrate: () => migratePg(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
      listen: (channel, onNotify, listenOpts) => listenPg(opts.databaseUrl!, channel, onNotify, listenOpts),
      close: () => pool.end(),
    };
  }
  let client: PGlite;
  if (!opts.dataDir || opts.dataDir === 'memory://') {
    client = new PGlite();
  } else {
    mkdirSync(opts.dataDir, { recursive: true });
    client = new PGlite(opts.dataDir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    listen: (channel, onNotify) => listenPglite(client, channel, onNotify),
    close: () => client.close(),
  };
}

/** Run a raw SQL query and return its rows (both drivers answer `{ rows }`). For the odd report; prefer the query builder. */
export async function queryRows<T>(db: Db, query: SQLWrapper): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
