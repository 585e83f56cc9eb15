import { rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client';
import { TEST_PG_URL, newTemplateName, withDatabase } from './database';

/**
 * Runs once per test run: migrate a template (PostgreSQL) or a snapshot (PGlite) that every test
 * file clones, and remove it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = newTemplateName();
  project.provide('latchkeyTestTemplate', template);
  if (TEST_PG_URL) {
    await adminQuery(`CREATE DATABASE ${template}`);
    const database = await openDatabase({ databaseUrl: withDatabase(TEST_PG_URL, template) });
    await database.migrate();
    await database.close();
    return () => adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  const client = (database.db as unknown as { $client: import('@electric-sql/pglite').PGlite }).$client;
  const blob = await client.dumpDataDir('gzip');
  await writeFile(template, Buffer.from(await blob.arrayBuffer()));
  await database.close();
  return () => rm(template, { force: true });
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}
