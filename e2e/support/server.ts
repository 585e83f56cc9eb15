import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A real Latchkey process (`npm start`'s entry) on a free port with its own data directory. */
export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** Everything the process printed so far (stdout + stderr): logs, the banner, demo sign-ins. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LATCHKEY_PUBLIC_URL: url,
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_LOG_LEVEL: 'info',
      DATABASE_URL: '',
      LATCHKEY_SMTP_URL: '',
      // No demo target site unless a test asks for one on a free port (8090 may be taken).
      LATCHKEY_DEMO_SITE_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Latchkey exited early (${child.exitCode}):\n${out.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/v1/health/ready`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Latchkey did not become ready in ${timeoutMs} ms:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo sign-ins printed by the seed: lines like "  Owner  olivia@acme.test  <password>". */
export function parseDemoLogins(output: string): Array<{ workspace: string; role: string; email: string; password: string }> {
  const logins: Array<{ workspace: string; role: string; email: string; password: string }> = [];
  let workspace = '';
  for (const line of output.split('\n')) {
    const ws = /^\s*Workspace:\s+(.+?)\s*$/.exec(line);
    if (ws) workspace = ws[1]!;
    const m = /^\s+(Owner|Admin|User|Login-Only|Guest Admin|Guest User)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line);
    if (m) logins.push({ workspace, role: m[1]!, email: m[2]!, password: m[3]! });
  }
  return logins;
}
