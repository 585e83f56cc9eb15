/**
 * `npm run latchkey -- <command>`: operator commands (create a workspace, rotate the
 * key-encryption key). Opens the database and vault exactly as the server does (main.ts).
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config/env';
import { openDatabase } from '../db/client';
import { systemClock } from '../lib/clock';
import { loadKeyring } from '../modules/vault/keyring';
import { createVault } from '../modules/vault/vault.service';
import { runCli, type CliContext, type CliIo } from './commands';

export { createWorkspace, runCli, type CreateWorkspaceOptions } from './commands';

async function openFromConfig(): Promise<CliContext> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  try {
    await database.migrate();
    const vault = createVault(loadKeyring(config));
    return { deps: { db: database.db, clock: systemClock, config, vault }, database };
  } catch (err) {
    await database.close();
    throw err;
  }
}

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

// Run only as the entry point, so tests and the seed can import runCli/createWorkspace.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2), io, openFromConfig).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
