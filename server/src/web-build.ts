/**
 * Builds the web app into web/dist when it is missing or older than its sources, so that
 * `npm start` on a fresh clone serves the whole product. Uses Vite's build() API with the web
 * app's own config (web/vite.config.ts). Vite is imported only when a build is needed.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_CONFIG = path.join(REPO_ROOT, 'web/vite.config.ts');
const DIST_INDEX = path.join(REPO_ROOT, 'web/dist/index.html');

/** What the built app depends on: a change to any of these makes web/dist stale. */
const SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'shared/src'];

export type WebBuildState =
  | { status: 'fresh' }
  | { status: 'missing' }
  | { status: 'stale'; newest: string }
  | { status: 'no-sources' };

/** The newest modification time under a file or folder (0 when it does not exist). */
function newestMtime(target: string): { ms: number; file: string } {
  if (!existsSync(target)) return { ms: 0, file: target };
  const stat = statSync(target);
  if (!stat.isDirectory()) return { ms: stat.mtimeMs, file: target };
  let best = { ms: 0, file: target };
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const found = newestMtime(path.join(target, entry.name));
    if (found.ms > best.ms) best = found;
  }
  return best;
}

export function webBuildState(root = REPO_ROOT): WebBuildState {
  if (!existsSync(path.join(root, 'web/index.html')) || !existsSync(path.join(root, 'web/vite.config.ts'))) {
    return { status: 'no-sources' };
  }
  const index = path.join(root, 'web/dist/index.html');
  if (!existsSync(index)) return { status: 'missing' };
  const built = statSync(index).mtimeMs;
  let newest = { ms: 0, file: '' };
  for (const source of SOURCES) {
    const found = newestMtime(path.join(root, source));
    if (found.ms > newest.ms) newest = found;
  }
  return newest.ms > built ? { status: 'stale', newest: path.relative(root, newest.file) } : { status: 'fresh' };
}

export interface EnsureWebBuildResult {
  built: boolean;
  reason: WebBuildState['status'] | 'failed' | 'skipped';
  ms: number;
  /** Why the build failed (the server then serves the API and any previous build). */
  error?: string;
}

/**
 * Build web/dist if needed. Several processes may start at once (e2e tests, a second terminal):
 * a lock directory makes the others wait for the first build instead of racing on web/dist.
 */
export async function ensureWebBuild(log: (message: string) => void): Promise<EnsureWebBuildResult> {
  const started = Date.now();
  const first = webBuildState();
  if (first.status === 'fresh') return { built: false, reason: 'fresh', ms: 0 };
  if (first.status === 'no-sources') {
    log('web/ has no index.html or vite.config.ts yet: serving the API only.');
    return { built: false, reason: 'no-sources', ms: 0 };
  }

  const release = await acquireLock();
  try {
    // Another process may have built it while we waited.
    const state = webBuildState();
    if (state.status === 'fresh' || state.status === 'no-sources') {
      return { built: false, reason: state.status, ms: Date.now() - started };
    }
    log(
      state.status === 'missing'
        ? 'Building the web app (first start; this takes a few seconds)…'
        : `Rebuilding the web app (${state.newest} changed)…`,
    );
    try {
      const { build } = await import('vite');
      await build({ configFile: WEB_CONFIG, logLevel: 'warn', mode: 'production' });
      if (!existsSync(DIST_INDEX)) throw new Error('The web build finished but web/dist/index.html is missing.');
    } catch (err) {
      // The API is still useful without the web app: report loudly and keep going.
      const error = err instanceof Error ? err.message : String(err);
      // Vite has already printed the details; one line here is enough.
      log(`The web app failed to build: ${error.split('\n')[0]}`);
      return { built: false, reason: 'failed', ms: Date.now() - started, error };
    }
    return { built: true, reason: state.status, ms: Date.now() - started };
  } finally {
    release();
  }
}

const LOCK_STALE_MS = 5 * 60_000;

async function acquireLock(): Promise<() => void> {
  const id = createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12);
  const lock = path.join(os.tmpdir(), `latchkey-web-build-${id}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      const release = () => rmSync(lock, { recursive: true, force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A crashed build leaves its lock behind: take it over once it is clearly abandoned.
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
