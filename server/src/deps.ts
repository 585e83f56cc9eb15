import type { Config } from './config/env';
import type { Db } from './db/client';
import type { Clock } from './lib/clock';
import type { LiveHub } from './modules/live/live.hub';
import type { NativeConnectorOverrides } from './modules/native-partners/native-partners.platform';
import type { Vault } from './modules/vault/vault.types';

/**
 * What the app is built from. Tests build the same app with their own database, clock and
 * config; production code never branches on "test mode".
 */
export interface AppDeps {
  db: Db;
  /** 'postgres' or 'pglite'; only benchmarks and diagnostics care. */
  driver: 'pglite' | 'postgres';
  config: Config;
  clock: Clock;
  vault: Vault;
  /** Live updates: publish(tx, …) inside a change's transaction; GET /live streams them. */
  live: LiveHub;
  /** Native partner connector hooks (fetch, sleep, page size) for tests and benchmarks; unset in production. */
  nativeConnectors?: NativeConnectorOverrides;
}
