import { randomBytes } from 'node:crypto';
import { eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityEvents, dataKeys, memberships, users } from '../db/schema/index';
import { verifyPassword } from '../lib/passwords';
import { parseKeyringEnv } from '../modules/vault/keyring';
import { createVault } from '../modules/vault/vault.service';
import { TEST_PASSWORD, createTestApp, uniqueEmail, type TestApp } from '../../test/harness';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli, type CliContext } from './commands';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function cli(vault = createVault(parseKeyringEnv(t.deps.config.masterKey!))) {
  const out: string[] = [];
  const err: string[] = [];
  let opened = 0;
  const ctx: CliContext = { deps: { db: t.deps.db, clock: t.deps.clock, config: t.deps.config, vault }, database: { close: async () => undefined } };
  const run = (...argv: string[]) =>
    runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, async () => {
      opened += 1;
      return ctx;
    });
  return { run, out, err, opened: () => opened };
}

describe('latchkey create-workspace', () => {
  it('rejects bad usage with exit 2 before opening the database', async () => {
    const c = cli();
    expect(await c.run('create-workspace', '--name', 'Acme')).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toContain('Missing --owner-email');
    expect(await c.run('create-workspace', '--name', 'Acme', '--owner-email', 'a@b.test', '--owner-name', 'A', '--colour', 'red')).toBe(EXIT_USAGE);
    expect(await c.run('frobnicate')).toBe(EXIT_USAGE);
    expect(c.opened()).toBe(0);
  });

  it('fails with exit 1 and a clear message on a weak password; nothing is created', async () => {
    const c = cli();
    const email = uniqueEmail('weak');
    expect(await c.run('create-workspace', '--name', 'Weak Co', '--owner-email', email, '--owner-name', 'W', '--owner-password', 'short')).toBe(EXIT_FAILED);
    expect(c.err.join('\n')).toMatch(/at least 12 characters/);
    expect(await t.deps.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it('creates the workspace and Owner with a generated password printed once', async () => {
    const c = cli();
    const email = uniqueEmail('cli');
    expect(await c.run('create-workspace', '--name', ' Acme Social ', '--owner-email', email.toUpperCase(), '--owner-name', 'Bo Boss')).toBe(EXIT_OK);
    const printed = c.out.join('\n');
    const password = /shown once, store it now\): (\S+)/.exec(printed)?.[1];
    expect(password).toBeDefined();
    const [user] = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ name: 'Bo Boss' });
    expect(await verifyPassword(user!.passwordHash, password!)).toBe(true);
    const [m] = await t.deps.db.select().from(memberships).where(eq(memberships.userId, user!.id));
    expect(m).toMatchObject({ role: 'owner', status: 'active' });
    const [ev] = await t.deps.db.select().from(activityEvents).where(eq(activityEvents.workspaceId, m!.workspaceId));
    expect(ev).toMatchObject({ type: 'Workspace Created', data: { name: 'Acme Social' }, actorUserId: user!.id });
    expect(printed).toContain('Acme Social');
  });

  it('with --owner-password uses it, and an existing login keeps its password', async () => {
    const c = cli();
    const email = uniqueEmail('cli');
    expect(await c.run('create-workspace', '--name', 'One', '--owner-email', email, '--owner-name', 'O', '--owner-password', TEST_PASSWORD)).toBe(EXIT_OK);
    expect(c.out.join('\n')).not.toContain('shown once');
    expect(await c.run('create-workspace', '--name', 'Two', '--owner-email', email, '--owner-name', 'O')).toBe(EXIT_OK);
    expect(c.out.join('\n')).toContain('existing login; password unchanged');
    const [user] = await t.deps.db.select().from(users).where(eq(users.email, email));
    expect(await verifyPassword(user!.passwordHash, TEST_PASSWORD)).toBe(true);
    expect(await t.deps.db.select().from(memberships).where(eq(memberships.userId, user!.id))).toHaveLength(2);
  });
});

describe('latchkey rotate-kek (LATCHKEY_MASTER_KEY mode)', () => {
  it('with a single key explains how to add one and exits 2', async () => {
    const c = cli();
    expect(await c.run('rotate-kek')).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toMatch(/highest version/);
  });

  it('with a new highest version re-wraps every data key and records the rotation per workspace', async () => {
    const c0 = cli();
    expect(await c0.run('create-workspace', '--name', 'Rotating', '--owner-email', uniqueEmail('rot'), '--owner-name', 'R', '--owner-password', TEST_PASSWORD)).toBe(EXIT_OK);
    const vault = createVault(parseKeyringEnv(`${t.deps.config.masterKey!},v2:${randomBytes(32).toString('base64')}`));
    const c = cli(vault);
    expect(await c.run('rotate-kek')).toBe(EXIT_OK);
    expect(c.out.join('\n')).toMatch(/Re-wrapped \d+ data keys? under key-encryption key version 2/);
    expect(await t.deps.db.select().from(dataKeys).where(ne(dataKeys.kekVersion, 2))).toEqual([]);
    const events = await t.deps.db.select().from(activityEvents).where(eq(activityEvents.type, 'Encryption Key Rotated'));
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ data: { fromVersion: 1, toVersion: 2 }, actorUserId: null });
  });
});
