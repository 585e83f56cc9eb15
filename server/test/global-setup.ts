import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { openDatabase } from '../src/db/client';
import { PG_TEMPLATE_DB, PGLITE_SNAPSHOT, TEST_PG_URL, withDatabase } from './database';

/** Runs once per test run: migrate a template (PostgreSQL) or a snapshot (PGlite) that every file clones. */
export default async function setup(): Promise<void> {
  if (TEST_PG_URL) {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DB}`);
    } finally {
      await admin.end();
    }
    const database = await openDatabase({ databaseUrl: withDatabase(TEST_PG_URL, PG_TEMPLATE_DB) });
    await database.migrate();
    await database.close();
    return;
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  const client = (database.db as unknown as { $client: import('@electric-sql/pglite').PGlite }).$client;
  const blob = await client.dumpDataDir('gzip');
  await writeFile(PGLITE_SNAPSHOT, Buffer.from(await blob.arrayBuffer()));
  await database.close();
}
