import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Key-encryption keys (KEKs), by version. The highest version wraps new data keys; older
 * versions stay readable until `latchkey rotate-kek` has re-wrapped everything.
 * KEKs never enter the database.
 */
export interface Keyring {
  currentVersion: number;
  get(version: number): Buffer | undefined;
  versions(): number[];
  /** Where the keys came from, for messages (never the keys). */
  source: 'env' | 'file';
  /** Re-read the source (file mode), so a running server picks up a key added by the CLI. */
  reload(): Keyring;
}

const KEY_BYTES = 32;

function decodeKey(b64: string, label: string): Buffer {
  const buf = Buffer.from(b64.trim(), 'base64');
  if (buf.length !== KEY_BYTES) {
    throw new Error(`${label} must be ${KEY_BYTES} bytes, base64-encoded (got ${buf.length} bytes).`);
  }
  return buf;
}

function fromMap(map: Map<number, Buffer>, source: 'env' | 'file', reload: () => Keyring): Keyring {
  if (map.size === 0) throw new Error('The keyring is empty.');
  const versions = [...map.keys()].sort((a, b) => a - b);
  return {
    currentVersion: versions[versions.length - 1]!,
    get: (v) => map.get(v),
    versions: () => versions,
    source,
    reload,
  };
}

/** LATCHKEY_MASTER_KEY: "<base64>" (version 1) or "v1:<base64>,v2:<base64>". */
export function parseKeyringEnv(value: string): Keyring {
  const map = new Map<number, Buffer>();
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const part of parts) {
    const m = /^v(\d+):(.+)$/.exec(part);
    if (m) map.set(Number(m[1]), decodeKey(m[2]!, `LATCHKEY_MASTER_KEY version ${m[1]}`));
    else if (parts.length === 1) map.set(1, decodeKey(part, 'LATCHKEY_MASTER_KEY'));
    else throw new Error('LATCHKEY_MASTER_KEY with several keys must use the form v1:<base64>,v2:<base64>.');
  }
  return fromMap(map, 'env', () => parseKeyringEnv(value));
}

interface KeyFile {
  keys: Record<string, string>;
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'master.key');
}

/** Load the key file, creating it (mode 0600) with one fresh key on first start. */
export function loadOrCreateKeyFile(dataDir: string): Keyring {
  const file = keyFilePath(dataDir);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const initial: KeyFile = { keys: { '1': randomBytes(KEY_BYTES).toString('base64') } };
    writeFileSync(file, JSON.stringify(initial, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const map = new Map<number, Buffer>();
  for (const [v, b64] of Object.entries(parsed.keys ?? {})) map.set(Number(v), decodeKey(b64, `${file} key ${v}`));
  return fromMap(map, 'file', () => loadOrCreateKeyFile(dataDir));
}

/** Add a new highest-version key to the key file (for rotation). Returns the new version. */
export function addKeyToFile(dataDir: string): number {
  const file = keyFilePath(dataDir);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const next = Math.max(0, ...Object.keys(parsed.keys).map(Number)) + 1;
  parsed.keys[String(next)] = randomBytes(KEY_BYTES).toString('base64');
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(parsed, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return next;
}

/** Remove retired versions from the key file once nothing is wrapped by them. */
export function pruneKeyFile(dataDir: string, keep: number[]): void {
  const file = keyFilePath(dataDir);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  for (const v of Object.keys(parsed.keys)) if (!keep.includes(Number(v))) delete parsed.keys[v];
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(parsed, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function loadKeyring(config: { masterKey: string | undefined; dataDir: string }): Keyring {
  return config.masterKey ? parseKeyringEnv(config.masterKey) : loadOrCreateKeyFile(config.dataDir);
}
