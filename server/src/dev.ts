/**
 * `npm run dev`: the API under `tsx watch` (restarts when a server file changes) plus Vite's dev
 * server with hot reload for the web app. Vite proxies /api to the API, so the browser talks to
 * one origin (http://localhost:5173) exactly as in production.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';
import { REPO_ROOT, WEB_CONFIG } from './web-build';

const apiPort = Number(process.env.PORT ?? 8080);
const webPort = 5173;
const webUrl = `http://localhost:${webPort}`;
const apiUrl = `http://localhost:${apiPort}`;

async function dev(): Promise<void> {
  // The API: main.ts under tsx watch. Emailed links point at the Vite server, where the app lives
  // in development; the API does not build web/dist (Vite serves the app from source).
  const api = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'watch', '--clear-screen=false', 'server/src/main.ts', '--no-web-build'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_ENV: process.env.NODE_ENV ?? 'development',
        PORT: String(apiPort),
        LATCHKEY_PUBLIC_URL: process.env.LATCHKEY_PUBLIC_URL ?? webUrl,
      },
    },
  );

  const web = await createServer({
    configFile: WEB_CONFIG,
    server: {
      port: webPort,
      strictPort: true,
      proxy: { '/api': { target: apiUrl, changeOrigin: false } },
    },
  });
  await web.listen();

  console.log(
    [
      '',
      '  Latchkey dev servers',
      `  Web app (hot reload)      ${webUrl}   <- open this`,
      `  API (restarts on change)  ${apiUrl}   (proxied under ${webUrl}/api)`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (api.exitCode === null) api.kill('SIGTERM');
    await web.close();
    process.exit(code);
  };
  api.once('exit', (code) => {
    if (!stopping) {
      console.error(`The API process exited (${code ?? 'signal'}).`);
      void stop(code ?? 1);
    }
  });
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
}

dev().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
