import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, accountSecrets, dataKeys } from '../../db/schema/index';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { systemClock } from '../../lib/clock';
import { createTestDatabase, TEST_PG_URL, type TestDatabase } from '../../../test/database';
import { createTestApp, createWorkspace, type TestApp } from '../../../test/harness';
import { DecryptionError, seal } from './aead';
import { addKeyToFile, keyFilePath, loadOrCreateKeyFile, parseKeyringEnv } from './keyring';
import { createVault } from './vault.service';

async function newAccount(db: Db, workspaceId: string, createdBy: string): Promise<string> {
  const [row] = await db
    .insert(accounts)
    .values({ workspaceId, label: `Acc ${randomBytes(3).toString('hex')}`, application: 'App', createdBy })
    .returning({ id: accounts.id });
  return row!.id;
}

const secretRow = async (db: Db, accountId: string, field: 'password' | 'totp') =>
  (await db.select().from(accountSecrets).where(and(eq(accountSecrets.accountId, accountId), eq(accountSecrets.field, field))))[0]!;

describe('vault: ciphertexts are bound to their row', () => {
  let t: TestApp;
  let wsA: string;
  let wsB: string;
  let ownerA: string;
  let ownerB: string;
  beforeAll(async () => {
    t = await createTestApp();
    const a = await createWorkspace(t.deps);
    const b = await createWorkspace(t.deps);
    wsA = a.workspace.id;
    wsB = b.workspace.id;
    ownerA = a.owner.id;
    ownerB = b.owner.id;
  });
  afterAll(() => t.close());

  const tx = () => t.deps.db;

  it('round-trips a secret and reports which fields exist without decrypting', async () => {
    const id = await newAccount(tx(), wsA, ownerA);
    await t.deps.vault.writeAccountSecret(tx(), wsA, id, 'password', 'pässwörd ✓');
    expect(await t.deps.vault.readAccountSecret(tx(), wsA, id, 'password')).toBe('pässwörd ✓');
    expect(await t.deps.vault.readAccountSecret(tx(), wsA, id, 'totp')).toBeNull();
    expect((await secretRow(tx(), id, 'password')).sealed).not.toContain('pässwörd');
    const fields = await t.deps.vault.listAccountSecretFields(tx(), wsA, [id]);
    expect([...fields.get(id)!]).toEqual(['password']);
    // Another workspace id never sees this workspace's rows.
    expect((await t.deps.vault.listAccountSecretFields(tx(), wsB, [id])).size).toBe(0);
    await t.deps.vault.writeAccountSecret(tx(), wsA, id, 'password', null);
    expect(await t.deps.vault.readAccountSecret(tx(), wsA, id, 'password')).toBeNull();
  });

  it('a sealed secret copied to another account, another field or another workspace never decrypts (50 of 50)', async () => {
    for (let i = 0; i < 50; i++) {
      const src = await newAccount(tx(), wsA, ownerA);
      const sameWs = await newAccount(tx(), wsA, ownerA);
      const otherWs = await newAccount(tx(), wsB, ownerB);
      await t.deps.vault.writeAccountSecret(tx(), wsA, src, 'password', `secret-${i}`);
      const row = await secretRow(tx(), src, 'password');
      await tx()
        .insert(accountSecrets)
        .values([
          { workspaceId: wsA, accountId: sameWs, field: 'password', keyVersion: row.keyVersion, sealed: row.sealed },
          { workspaceId: wsA, accountId: src, field: 'totp', keyVersion: row.keyVersion, sealed: row.sealed },
          { workspaceId: wsB, accountId: otherWs, field: 'password', keyVersion: row.keyVersion, sealed: row.sealed },
        ]);
      await expect(t.deps.vault.readAccountSecret(tx(), wsA, sameWs, 'password')).rejects.toBeInstanceOf(DecryptionError);
      await expect(t.deps.vault.readAccountSecret(tx(), wsA, src, 'totp')).rejects.toBeInstanceOf(DecryptionError);
      await expect(t.deps.vault.readAccountSecret(tx(), wsB, otherWs, 'password')).rejects.toBeInstanceOf(DecryptionError);
      // The original still opens.
      expect(await t.deps.vault.readAccountSecret(tx(), wsA, src, 'password')).toBe(`secret-${i}`);
    }
  });

  it('changing the stored key_version fails to decrypt (missing version, and another existing data key)', async () => {
    const id = await newAccount(tx(), wsA, ownerA);
    await t.deps.vault.writeAccountSecret(tx(), wsA, id, 'password', 'versioned');
    const where = and(eq(accountSecrets.accountId, id), eq(accountSecrets.field, 'password'));
    await tx().update(accountSecrets).set({ keyVersion: 7 }).where(where);
    await expect(t.deps.vault.readAccountSecret(tx(), wsA, id, 'password')).rejects.toBeInstanceOf(DecryptionError);

    // A second, real data key (v2) for the workspace: the ciphertext is bound to v1 and fails under v2.
    const kek = parseKeyringEnv(t.deps.config.masterKey!);
    await tx()
      .insert(dataKeys)
      .values({
        scope: 'workspace',
        workspaceId: wsA,
        version: 2,
        kekVersion: kek.currentVersion,
        wrappedKey: seal(kek.get(kek.currentVersion)!, randomBytes(32), `latchkey:dek:v1|workspace|${wsA}|2`),
      });
    await tx().update(accountSecrets).set({ keyVersion: 2 }).where(where);
    await expect(t.deps.vault.readAccountSecret(tx(), wsA, id, 'password')).rejects.toBeInstanceOf(DecryptionError);
    await tx().update(accountSecrets).set({ keyVersion: 1 }).where(where);
    expect(await t.deps.vault.readAccountSecret(tx(), wsA, id, 'password')).toBe('versioned');
  });

  it('a tampered ciphertext fails to decrypt', async () => {
    const id = await newAccount(tx(), wsB, ownerB);
    await t.deps.vault.writeAccountSecret(tx(), wsB, id, 'password', 'tamper-me');
    const row = await secretRow(tx(), id, 'password');
    const buf = Buffer.from(row.sealed, 'base64url');
    buf[20] = buf[20]! ^ 0x01;
    await tx()
      .update(accountSecrets)
      .set({ sealed: buf.toString('base64url') })
      .where(and(eq(accountSecrets.accountId, id), eq(accountSecrets.field, 'password')));
    await expect(t.deps.vault.readAccountSecret(tx(), wsB, id, 'password')).rejects.toBeInstanceOf(DecryptionError);
  });

  it('system seals are bound to their purpose', async () => {
    const sealed = await t.deps.vault.sealSystem(tx(), 'mfa', 'JBSWY3DPEHPK3PXP');
    expect(await t.deps.vault.openSystem(tx(), 'mfa', sealed)).toBe('JBSWY3DPEHPK3PXP');
    await expect(t.deps.vault.openSystem(tx(), 'outbox', sealed)).rejects.toBeInstanceOf(DecryptionError);
    await expect(t.deps.vault.openSystem(tx(), 'mfa', 'garbage')).rejects.toBeInstanceOf(DecryptionError);
  });

  it('AES-GCM nonces are unique across 1000 seals of the same plaintext', () => {
    const key = randomBytes(32);
    const nonces = new Set<string>();
    const sealedSet = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = seal(key, Buffer.from('same plaintext'), 'aad');
      sealedSet.add(s);
      nonces.add(Buffer.from(s, 'base64url').subarray(0, 12).toString('hex'));
    }
    expect(nonces.size).toBe(1000);
    expect(sealedSet.size).toBe(1000);
  });
});

describe('vault: key file and KEK rotation', () => {
  let dir: string;
  let database: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-keys-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the key file with mode 0600, and tightens a looser mode on load', () => {
    const sub = path.join(dir, 'fresh');
    const ring = loadOrCreateKeyFile(sub);
    expect(ring.currentVersion).toBe(1);
    expect(ring.get(1)).toHaveLength(32);
    expect(statSync(keyFilePath(sub)).mode & 0o777).toBe(0o600);
    chmodSync(keyFilePath(sub), 0o644);
    const again = loadOrCreateKeyFile(sub);
    expect(statSync(keyFilePath(sub)).mode & 0o777).toBe(0o600);
    expect(again.get(1)!.equals(ring.get(1)!)).toBe(true);
    expect(addKeyToFile(sub)).toBe(2);
    expect(statSync(keyFilePath(sub)).mode & 0o777).toBe(0o600);
  });

  it('refuses a malformed key', () => {
    const sub = path.join(dir, 'bad');
    loadOrCreateKeyFile(sub);
    writeFileSync(keyFilePath(sub), JSON.stringify({ keys: { '1': 'c2hvcnQ=' } }));
    expect(() => loadOrCreateKeyFile(sub)).toThrow(/32 bytes/);
  });

  it('rotateKek re-wraps every data key to v2; secrets stay readable, also by a vault holding only v2', async () => {
    const keyDir = path.join(dir, 'rotate');
    const vault = createVault(loadOrCreateKeyFile(keyDir));
    const deps = { db: database.db, clock: systemClock, vault } as unknown as AppDeps;
    const secrets: Array<{ ws: string; account: string; value: string }> = [];
    for (let i = 0; i < 3; i++) {
      const { workspace, owner } = await createWorkspace(deps);
      const account = await newAccount(database.db, workspace.id, owner.id);
      const value = `rotate-secret-${i}`;
      await vault.writeAccountSecret(database.db, workspace.id, account, 'password', value);
      secrets.push({ ws: workspace.id, account, value });
    }
    const systemSealed = await vault.sealSystem(database.db, 'mfa', 'system-secret');
    const [{ n: total } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(dataKeys);
    expect(total).toBe(4); // three workspaces + the system key

    expect(addKeyToFile(keyDir)).toBe(2);
    const result = await vault.rotateKek(database.db, { batchSize: 3 });
    expect(result).toEqual({ rewrapped: 4, fromVersions: [1], toVersion: 2 });
    const left = await database.db.select().from(dataKeys).where(ne(dataKeys.kekVersion, 2));
    expect(left).toHaveLength(0);
    expect((await database.db.select().from(dataKeys)).every((r) => r.rewrappedAt instanceof Date)).toBe(true);
    // A second run has nothing left to do.
    expect((await vault.rotateKek(database.db)).rewrapped).toBe(0);

    for (const s of secrets) expect(await vault.readAccountSecret(database.db, s.ws, s.account, 'password')).toBe(s.value);

    // A fresh vault (no cached data keys) holding ONLY the new KEK reads everything.
    const file = JSON.parse(readFileSync(keyFilePath(keyDir), 'utf8')) as { keys: Record<string, string> };
    const onlyV2 = createVault(parseKeyringEnv(`v2:${file.keys['2']}`));
    for (const s of secrets) expect(await onlyV2.readAccountSecret(database.db, s.ws, s.account, 'password')).toBe(s.value);
    expect(await onlyV2.openSystem(database.db, 'mfa', systemSealed)).toBe('system-secret');

    // And a vault holding only the retired KEK no longer can.
    const onlyV1 = createVault(parseKeyringEnv(`v1:${file.keys['1']}`));
    await expect(onlyV1.readAccountSecret(database.db, secrets[0]!.ws, secrets[0]!.account, 'password')).rejects.toThrow(
      /version 2 is not in the keyring/,
    );
  });
});

describe.runIf(TEST_PG_URL)('vault: concurrent KEK rotations (PostgreSQL)', () => {
  let dir: string;
  let database: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'latchkey-keys-race-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two rotations at once re-wrap every data key exactly once between them', async () => {
    const vault = createVault(loadOrCreateKeyFile(dir));
    const deps = { db: database.db, clock: systemClock, vault } as unknown as AppDeps;
    for (let i = 0; i < 6; i++) await createWorkspace(deps);
    addKeyToFile(dir);
    const other = createVault(loadOrCreateKeyFile(dir));
    const [a, b] = await Promise.all([
      vault.rotateKek(database.db, { batchSize: 1 }),
      other.rotateKek(database.db, { batchSize: 1 }),
    ]);
    expect(a.rewrapped + b.rewrapped).toBe(6);
    expect(await database.db.select().from(dataKeys).where(ne(dataKeys.kekVersion, 2))).toHaveLength(0);
  });
});
