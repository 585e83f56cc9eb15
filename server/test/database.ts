import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { listenPglite, openDatabase, type Database, type Db } from '../src/db/client';
import * as schema from '../src/db/schema/index';

/**
 * Test databases. Integration tests run against PGlite by default and against a real PostgreSQL
 * when LATCHKEY_TEST_DATABASE_URL is set (the same suite, run twice by `npm test`).
 *  - PGlite: each file loads a migrated snapshot made once by global-setup (fast, isolated).
 *  - PostgreSQL: each file gets its own database cloned from a migrated template.
 */
export const TEST_PG_URL = process.env.LATCHKEY_TEST_DATABASE_URL || undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by global-setup: the migrated PGlite snapshot file, or the PostgreSQL template database. */
    latchkeyTestTemplate: string;
  }
}

/** Unique per run, so several runs (two developers, two suites) never share a template. */
export function newTemplateName(): string {
  const id = randomBytes(5).toString('hex');
  return TEST_PG_URL ? `latchkey_tpl_${id}` : path.join(os.tmpdir(), `latchkey-test-snapshot-${id}.tar.gz`);
}

export function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export interface TestDatabase extends Database {
  /** PostgreSQL only: the URL of this file's database, for a second pool in race tests. */
  url?: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_PG_URL) {
    const name = `latchkey_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('latchkeyTestTemplate')}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(TEST_PG_URL, name);
    const database = await openDatabase({ databaseUrl: url, poolSize: 20 });
    return {
      ...database,
      url,
      async close() {
        await database.close();
        const a = new pg.Client({ connectionString: TEST_PG_URL });
        await a.connect();
        try {
          await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await a.end();
        }
      },
    };
  }
  const blob = new Blob([await readFile(inject('latchkeyTestTemplate'))]);
  const client = await PGlite.create({ loadDataDir: blob });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    migrate: async () => undefined,
    listen: (channel, onNotify) => listenPglite(client, channel, onNotify),
    close: () => client.close(),
  };
}
