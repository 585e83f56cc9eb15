/**
 * Process entry: `npm start`. Loads config, builds the web app when web/dist is missing or stale,
 * opens the database (PGlite under .data/ by default, PostgreSQL with DATABASE_URL), applies
 * migrations, seeds demo data on an empty database, starts background workers, listens, and
 * prints a banner with the URL.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app';
import { loadConfig, type Config } from './config/env';
import { openDatabase } from './db/client';
import { formatDemoLogins, saveDemoLogins, seedDemoData, type DemoLogin } from './db/seed';
import type { AppDeps } from './deps';
import { systemClock } from './lib/clock';
import { startHousekeeping } from './modules/auth/housekeeping';
import { startPartnershipExpiry } from './modules/partnerships/partnerships.jobs';
import { startOutboxWorker } from './modules/email/outbox.worker';
import { startNativeSyncSchedule } from './modules/native-partners/native-partners.sync';
import { createLiveHub } from './modules/live/live.hub';
import { loadKeyring } from './modules/vault/keyring';
import { createVault } from './modules/vault/vault.service';
import { ensureWebBuild, type EnsureWebBuildResult } from './web-build';
import { startDemoSite, type DemoSite } from '../../demo-site/server';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();

  // The web build (Vite) and the database start (PGlite + migrations) are independent: overlap them.
  const [web, database] = await Promise.all([
    // `npm run dev` passes --no-web-build: Vite's dev server serves the app from source there.
    process.argv.includes('--no-web-build')
      ? Promise.resolve<EnsureWebBuildResult>({ built: false, reason: 'skipped', ms: 0 })
      : ensureWebBuild((message) => console.log(message)),
    openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` }).then(async (db) => {
      await db.migrate();
      return db;
    }),
  ]);
  const vault = createVault(loadKeyring(config));
  // The app's logger exists only once the app is built; the hub reports through it from then on.
  let reportLive: (err: unknown, what: string) => void = (err, what) => console.error(what, err);
  const live = createLiveHub(database, { onError: (err, what) => reportLive(err, what) });
  const deps: AppDeps = { db: database.db, driver: database.driver, config, clock: systemClock, vault, live };

  // Demo data on an empty database, before we listen: the first page load already has something to show.
  let demo: DemoLogin[] | null = null;
  let demoFile: string | null = null;
  if (!config.skipSeed) {
    demo = await seedDemoData(deps);
    if (demo) {
      mkdirSync(config.dataDir, { recursive: true }); // with PostgreSQL and an env key nothing else creates it
      demoFile = await saveDemoLogins(config.dataDir, demo);
    }
  }
  if (!demo && existsSync(path.join(config.dataDir, 'demo-logins.txt'))) demoFile = path.join(config.dataDir, 'demo-logins.txt');

  const app = await buildApp(deps);
  reportLive = (err, what) => app.log.warn({ err }, what);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: database.driver, ms: Date.now() - started, webBuildMs: web.ms },
    `Latchkey is running at ${config.publicUrl}`,
  );
  // The demo target site (demo-site/): the "Demo Analytics" account's login page, for trying the extension.
  let demoSite: DemoSite | null = null;
  if (config.demoSitePort !== 0) {
    demoSite = await startDemoSite({ port: config.demoSitePort, host: config.host }).catch((err: unknown) => {
      app.log.warn({ err, port: config.demoSitePort }, 'the demo target site did not start (set LATCHKEY_DEMO_SITE_PORT, or 0 to turn it off)');
      return null;
    });
  }
  printBanner(config, { driver: database.driver, seconds: (Date.now() - started) / 1000, web: web.reason, demo, demoFile, demoSite });

  if (config.devMailbox) {
    app.log.warn(
      `DEV MAILBOX IS ON: no SMTP server is configured (LATCHKEY_SMTP_URL), so email is NOT sent. ` +
        `Every message (invite links included) is kept and readable by the workspace's Owner and Admins at ${config.publicUrl}/dev/mailbox. ` +
        `Set LATCHKEY_SMTP_URL before real use.`,
    );
  }
  const outboxWorker = startOutboxWorker(deps, { logger: app.log.child({ component: 'outbox' }) });
  const housekeeping = startHousekeeping(deps, app.log.child({ component: 'housekeeping' }));
  const partnershipExpiry = startPartnershipExpiry(deps, app.log.child({ component: 'partnership-expiry' }));
  const nativeSync = startNativeSyncSchedule(deps, app.log.child({ component: 'native-sync' }));

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await outboxWorker.stop();
    await housekeeping.stop();
    await partnershipExpiry.stop();
    await demoSite?.close();
    await nativeSync.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

interface BannerInfo {
  driver: 'pglite' | 'postgres';
  seconds: number;
  web: EnsureWebBuildResult['reason'];
  /** Sign-ins created by the demo seed on this start, if it ran. */
  demo: DemoLogin[] | null;
  /** Where earlier demo sign-ins are kept (data directory), if any. */
  demoFile: string | null;
  /** The demo target site, when it runs. */
  demoSite: DemoSite | null;
}

function printBanner(config: Config, info: BannerInfo): void {
  const lines = [
    '',
    `  Latchkey is running at ${config.publicUrl}   (ready in ${info.seconds.toFixed(1)} s)`,
    '',
    `  Database   ${info.driver === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Email      ${config.devMailbox ? `not sent: kept for the Dev mailbox at ${config.publicUrl}/dev/mailbox` : 'sent through SMTP (LATCHKEY_SMTP_URL)'}`,
    `  API docs   ${config.publicUrl}/api/docs`,
  ];
  if (info.web === 'skipped') lines.push('  Web app    served by Vite in development (npm run dev)');
  if (info.web === 'no-sources') lines.push('  Web app    not built (web/ has no sources yet): API only');
  if (info.web === 'failed') lines.push('  Web app    BUILD FAILED (see the error above): serving the API and any previous build');
  if (info.demoSite) {
    lines.push(`  Demo site  ${info.demoSite.url}/login  ("Demo Analytics": Log in to it through the browser extension, extension/README.md)`);
  }
  if (info.demo) {
    lines.push('', ...formatDemoLogins(info.demo).split('\n').map((l) => `  ${l}`));
  } else if (info.demoFile) {
    lines.push(`  Demo       sign-ins from the first start are in ${info.demoFile}`);
  }
  lines.push('', '  Press Ctrl+C to stop.', '');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
