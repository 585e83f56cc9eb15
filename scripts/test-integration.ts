/**
 * Runs the integration suite on PGlite, then again on PostgreSQL when one is configured
 * (LATCHKEY_TEST_DATABASE_URL, or DATABASE_URL). Exits non-zero if either run fails.
 */
import { spawnSync } from 'node:child_process';

const pgUrl = process.env.LATCHKEY_TEST_DATABASE_URL || process.env.DATABASE_URL;
const extra = process.argv.slice(2);

function run(label: string, env: NodeJS.ProcessEnv): number {
  console.log(`\n=== integration suite on ${label} ===`);
  const r = spawnSync('npx', ['vitest', 'run', '--project', 'integration', ...extra], { stdio: 'inherit', env });
  return r.status ?? 1;
}

const base = { ...process.env };
delete base.LATCHKEY_TEST_DATABASE_URL;
delete base.DATABASE_URL;
let status = run('PGlite', base);
if (pgUrl) status = run('PostgreSQL', { ...base, LATCHKEY_TEST_DATABASE_URL: pgUrl }) || status;
else console.log('\n(no LATCHKEY_TEST_DATABASE_URL or DATABASE_URL: PostgreSQL run skipped)');
process.exit(status);
