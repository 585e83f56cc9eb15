import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Database } from '../db/client';
import { workspaces } from '../db/schema/index';
import type { AppDeps } from '../deps';
import { AppError } from '../lib/errors';
import { NO_REQUEST } from '../lib/request-context';
import { normalizeEmail } from '../lib/tokens';
import { inTransaction } from '../lib/tx';
import { recordActivity } from '../modules/activity/activity.recorder';
import { addKeyToFile, keyFilePath } from '../modules/vault/keyring';
import type { createVault } from '../modules/vault/vault.service';
import { workspacesRepository } from '../modules/workspaces/workspaces.repository';
import { createWorkspacesService } from '../modules/workspaces/workspaces.service';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** What commands run against: the same deps the server uses, plus the full vault (key rotation). */
export interface CliContext {
  deps: Pick<AppDeps, 'db' | 'clock' | 'config'> & { vault: ReturnType<typeof createVault> };
  database: Pick<Database, 'close'>;
}

export class UsageError extends Error {}

export const HELP = `Latchkey administration

Usage: npm run latchkey -- <command> [options]

Commands:
  create-workspace --name <name> --owner-email <email> --owner-name <name> [--owner-password <password>]
      Create a workspace and its Owner. An existing login with that email becomes the Owner
      (its password is kept). Without --owner-password a strong password is generated and
      printed once.
  rotate-kek
      Rotate the key-encryption key and re-wrap every data key under it.
      Key file mode (no LATCHKEY_MASTER_KEY): adds a new key to <data dir>/master.key first.
      LATCHKEY_MASTER_KEY mode: add the new key yourself as the highest version
      ("v1:<old>,v2:<new>"), restart the servers with it, then run this command.
  help
      Show this help.

Exit codes: 0 done, 1 failed, 2 wrong usage.`;

/** A strong generated password: 144 random bits, 24 base64url characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface CreateWorkspaceOptions {
  name: string;
  ownerEmail: string;
  ownerName: string;
  /** Omit to generate one (returned as `generatedPassword`). */
  ownerPassword?: string;
}

/**
 * Create a workspace with its Owner. Callable from other code (the demo seed) as well as the CLI.
 */
export async function createWorkspace(deps: Pick<AppDeps, 'db' | 'clock' | 'vault'>, opts: CreateWorkspaceOptions) {
  const ownerIsNew = (await workspacesRepository.findUserByEmail(deps.db, normalizeEmail(opts.ownerEmail))) === null;
  const generatedPassword = opts.ownerPassword === undefined && ownerIsNew ? generatePassword() : null;
  const r = await createWorkspacesService(deps).createWorkspaceWithOwner(
    { name: opts.name, owner: { email: opts.ownerEmail, name: opts.ownerName, password: opts.ownerPassword ?? generatedPassword ?? '' } },
    NO_REQUEST,
  );
  return { workspace: r.workspace, owner: r.owner, ownerIsNew, generatedPassword };
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`Missing --${name}.`);
  return v;
}

async function createWorkspaceCommand(ctx: CliContext, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-password': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const opts: CreateWorkspaceOptions = {
    name: required(values, 'name'),
    ownerEmail: required(values, 'owner-email'),
    ownerName: required(values, 'owner-name'),
    ...(values['owner-password'] !== undefined ? { ownerPassword: values['owner-password'] } : {}),
  };
  if (opts.name.trim().length > 100) throw new UsageError('--name can be at most 100 characters.');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(opts.ownerEmail.trim())) throw new UsageError(`--owner-email "${opts.ownerEmail}" is not an email address.`);
  const r = await createWorkspace(ctx.deps, opts);
  io.out(`Created workspace "${r.workspace.name}".`);
  io.out(`  Workspace ID: ${r.workspace.publicId}`);
  io.out(`  Owner: ${r.owner.email}${r.ownerIsNew ? '' : ' (existing login; password unchanged)'}`);
  if (r.generatedPassword) {
    io.out(`  Owner password (shown once, store it now): ${r.generatedPassword}`);
  }
  io.out(`Sign in at ${ctx.deps.config.publicUrl}`);
  return EXIT_OK;
}

async function rotateKekCommand(ctx: CliContext, args: string[], io: CliIo): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const { vault, config, db, clock } = ctx.deps;
  const before = vault.keyring();
  if (before.source === 'file') {
    const version = addKeyToFile(config.dataDir);
    io.out(`Added key-encryption key version ${version} to ${keyFilePath(config.dataDir)}.`);
  } else if (before.versions().length === 1) {
    io.err(
      'LATCHKEY_MASTER_KEY holds a single key, so there is nothing to rotate to.\n' +
        'Generate a new key (e.g. `openssl rand -base64 32`), add it as the highest version\n' +
        `(LATCHKEY_MASTER_KEY="v${before.currentVersion}:<current key>,v${before.currentVersion + 1}:<new key>"), restart the servers with it,\n` +
        'then run `npm run latchkey -- rotate-kek` again to re-wrap every data key. Keep the old\n' +
        'version in the variable until this command reports success.',
    );
    return EXIT_USAGE;
  }
  const r = await vault.rotateKek(db);
  io.out(`Re-wrapped ${r.rewrapped} data key${r.rewrapped === 1 ? '' : 's'} under key-encryption key version ${r.toVersion}.`);
  if (r.rewrapped > 0) {
    await recordRotation(ctx, Math.min(...r.fromVersions), r.toVersion, clock.now());
    const old = r.fromVersions.join(', ');
    io.out(`Nothing is wrapped by version ${old} any more; keep it until every server runs with version ${r.toVersion}, then remove it.`);
  } else {
    io.out('Every data key was already wrapped by the current key.');
  }
  return EXIT_OK;
}

/**
 * One 'Encryption Key Rotated' event per workspace: the key-encryption key protects every
 * workspace's data key, and each workspace's Admins read only their own activity trail, so a
 * single event with no workspace would be invisible to all of them.
 */
async function recordRotation(ctx: CliContext, fromVersion: number, toVersion: number, at: Date): Promise<void> {
  await inTransaction(ctx.deps.db, async (tx) => {
    const all = await tx.select({ id: workspaces.id }).from(workspaces);
    for (const ws of all) {
      await recordActivity(tx, { type: 'Encryption Key Rotated', data: { fromVersion, toVersion } }, { workspaceId: ws.id, actor: null, meta: NO_REQUEST, at });
    }
  });
}

/**
 * Run one CLI command. `open` gives the database and vault (opened only for commands that need
 * them). Returns the exit code; never calls process.exit.
 */
export async function runCli(argv: string[], io: CliIo, open: () => Promise<CliContext>): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return command ? EXIT_OK : EXIT_USAGE;
  }
  const commands: Record<string, (ctx: CliContext, args: string[], io: CliIo) => Promise<number>> = {
    'create-workspace': createWorkspaceCommand,
    'rotate-kek': rotateKekCommand,
  };
  const run = commands[command];
  if (!run) {
    io.err(`Unknown command "${command}". Run \`npm run latchkey -- help\` for the list.`);
    return EXIT_USAGE;
  }
  let ctx: CliContext | null = null;
  try {
    // Check the arguments before touching the database, so a typo fails fast.
    if (command === 'create-workspace') preflightCreate(args);
    ctx = await open();
    return await run(ctx, args, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.err(`${(err as Error).message}\nRun \`npm run latchkey -- help\` for usage.`);
      return EXIT_USAGE;
    }
    if (err instanceof AppError) {
      io.err(err.message);
      return EXIT_FAILED;
    }
    io.err(`Failed: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_FAILED;
  } finally {
    await ctx?.database.close();
  }
}

function preflightCreate(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { name: { type: 'string' }, 'owner-email': { type: 'string' }, 'owner-name': { type: 'string' }, 'owner-password': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  for (const k of ['name', 'owner-email', 'owner-name']) required(values, k);
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

