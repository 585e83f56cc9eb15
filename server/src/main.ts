/**
 * Process entry: `npm start`. Loads config, opens the database (PGlite under .data/ by default,
 * PostgreSQL with DATABASE_URL), applies migrations, seeds demo data on an empty database,
 * builds the web app when needed, starts background workers and listens.
 */
import { buildApp } from './app';
import { loadConfig } from './config/env';
import { openDatabase } from './db/client';
import type { AppDeps } from './deps';
import { systemClock } from './lib/clock';
import { loadKeyring } from './modules/vault/keyring';
import { createVault } from './modules/vault/vault.service';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  await database.migrate();
  const vault = createVault(loadKeyring(config));
  const deps: AppDeps = { db: database.db, driver: database.driver, config, clock: systemClock, vault };

  const app = await buildApp(deps);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: database.driver, ms: Date.now() - started },
    `Latchkey is running at ${config.publicUrl} (${database.driver === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
  );

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
