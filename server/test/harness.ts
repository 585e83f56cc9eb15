import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app';
import { loadConfig, type Config } from '../src/config/env';
import type { AppDeps } from '../src/deps';
import { systemClock, type Clock } from '../src/lib/clock';
import { hashToken, newToken } from '../src/lib/tokens';
import { sessionsRepository } from '../src/modules/auth/sessions.repository';
import { createLiveHub, type LiveHubOptions } from '../src/modules/live/live.hub';
import { parseKeyringEnv } from '../src/modules/vault/keyring';
import { createVault } from '../src/modules/vault/vault.service';
import { createWorkspacesService } from '../src/modules/workspaces/workspaces.service';
import { csrfTokenFor, sessionCookieName } from '../src/plugins/session';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  database: TestDatabase;
  /** Every log line the app wrote, as raw JSON text (for the canary scan). */
  logs: string[];
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', LATCHKEY_LOG_LEVEL: 'info' } as NodeJS.ProcessEnv),
    publicUrl: 'http://latchkey.test',
    masterKey: `v1:${randomBytes(32).toString('base64')}`,
    ...overrides,
  };
}

/** A fresh database, vault and app; close it in afterAll. */
export async function createTestApp(opts: { clock?: Clock; config?: Partial<Config>; live?: LiveHubOptions } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(opts.config);
  const vault = createVault(parseKeyringEnv(config.masterKey!));
  const live = createLiveHub(database, opts.live);
  const deps: AppDeps = { db: database.db, driver: database.driver, config, clock: opts.clock ?? systemClock, vault, live };
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp(deps, { logger: stream, serveWeb: false });
  await app.ready();
  return {
    app,
    deps,
    database,
    logs,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

let seq = 0;
/** A unique email for this run. */
export function uniqueEmail(prefix = 'user'): string {
  seq += 1;
  return `${prefix}.${seq}.${randomBytes(3).toString('hex')}@example.test`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A workspace with its Owner. */
export async function createWorkspace(deps: AppDeps, opts: { name?: string; ownerEmail?: string } = {}) {
  const svc = createWorkspacesService(deps);
  return svc.createWorkspaceWithOwner({
    name: opts.name ?? `Workspace ${++seq}`,
    owner: { email: opts.ownerEmail ?? uniqueEmail('owner'), name: 'Olive Owner', password: TEST_PASSWORD },
  });
}

export interface TestSession {
  userId: string;
  workspaceId: string;
  token: string;
  headers: { cookie: string; 'x-csrf-token': string };
}

/**
 * A signed-in session made directly in the database (not through POST /auth/login), so tests of
 * other modules do not depend on the sign-in route. Auth tests use the real route.
 */
export async function sessionFor(deps: AppDeps, userId: string, workspaceId: string): Promise<TestSession> {
  const token = newToken();
  const now = deps.clock.now();
  await sessionsRepository.insert(deps.db, {
    tokenHash: hashToken(token),
    userId,
    workspaceId,
    mfaPassed: true,
    now,
    expiresAt: new Date(now.getTime() + deps.config.sessionAbsoluteMs),
    ip: '127.0.0.1',
    userAgent: 'vitest',
  });
  return {
    userId,
    workspaceId,
    token,
    headers: { cookie: `${sessionCookieName(deps.config)}=${token}`, 'x-csrf-token': csrfTokenFor(token) },
  };
}

/** app.inject as a session (or anonymously with `null`). */
export function injectAs(
  t: TestApp,
  session: TestSession | null,
  req: InjectOptions & { url: string },
): Promise<LightMyRequestResponse> {
  return t.app.inject({ ...req, headers: { ...(session?.headers ?? {}), ...(req.headers ?? {}) } }) as Promise<LightMyRequestResponse>;
}

/** Assert an error response's status and code, and return its body. */
export function expectError(res: LightMyRequestResponse, status: number, code: string) {
  const body = res.json() as { error?: { code?: string; message?: string } };
  if (res.statusCode !== status || body.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.statusCode} ${res.body.slice(0, 500)}`);
  }
  return body.error!;
}
