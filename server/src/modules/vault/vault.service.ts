import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accountSecrets, dataKeys } from '../../db/schema/index';
import { DecryptionError, open, seal } from './aead';
import type { Keyring } from './keyring';
import type { SecretField, Vault } from './vault.types';

type Scope = { kind: 'workspace'; workspaceId: string } | { kind: 'system' };

const dekAad = (scope: Scope, version: number) =>
  `latchkey:dek:v1|${scope.kind}|${scope.kind === 'workspace' ? scope.workspaceId : '-'}|${version}`;
const secretAad = (workspaceId: string, accountId: string, field: SecretField, keyVersion: number) =>
  `latchkey:secret:v1|${workspaceId}|${accountId}|${field}|${keyVersion}`;
const systemAad = (purpose: string, version: number) => `latchkey:system:v1|${purpose}|${version}`;
const workspaceAad = (workspaceId: string, purpose: string, version: number) => `latchkey:workspace:v1|${workspaceId}|${purpose}|${version}`;

/**
 * Envelope encryption. Each workspace has a data key (DEK) wrapped by the current KEK; secrets are
 * sealed by the DEK with associated data binding workspace, account, field and key version.
 * Unwrapped DEKs are cached in memory (the DEK never changes when the KEK rotates).
 */
export function createVault(initialKeyring: Keyring): Vault & {
  /** Re-wrap every data key under the keyring's current KEK. Returns how many were re-wrapped. */
  rotateKek(db: Db, opts?: { batchSize?: number }): Promise<{ rewrapped: number; fromVersions: number[]; toVersion: number }>;
  keyring(): Keyring;
} {
  let keyring = initialKeyring;
  const dekCache = new Map<string, Buffer>();

  function kek(version: number): Buffer {
    let k = keyring.get(version);
    if (!k && keyring.source === 'file') {
      keyring = keyring.reload(); // the CLI may have added a key since we started
      k = keyring.get(version);
    }
    if (!k) throw new Error(`Key-encryption key version ${version} is not in the keyring (${keyring.source}).`);
    return k;
  }

  const cacheKey = (scope: Scope, version: number) =>
    `${scope.kind === 'workspace' ? scope.workspaceId : 'system'}:${version}`;

  async function insertDek(tx: Db, scope: Scope, version: number): Promise<void> {
    const dek = randomBytes(32);
    const kekVersion = keyring.currentVersion;
    await tx
      .insert(dataKeys)
      .values({
        scope: scope.kind,
        workspaceId: scope.kind === 'workspace' ? scope.workspaceId : null,
        version,
        kekVersion,
        wrappedKey: seal(kek(kekVersion), dek, dekAad(scope, version)),
      })
      .onConflictDoNothing();
  }

  /** The newest data key of a scope, unwrapped. */
  async function currentDek(tx: Db, scope: Scope): Promise<{ version: number; key: Buffer }> {
    const row = await loadDekRow(tx, scope, null);
    if (!row) {
      if (scope.kind === 'workspace') throw new Error('This workspace has no data key.');
      await insertDek(tx, scope, 1);
      return currentDek(tx, scope);
    }
    return { version: row.version, key: unwrap(scope, row) };
  }

  async function dekByVersion(tx: Db, scope: Scope, version: number): Promise<Buffer> {
    const cached = dekCache.get(cacheKey(scope, version));
    if (cached) return cached;
    const row = await loadDekRow(tx, scope, version);
    if (!row) throw new DecryptionError();
    return unwrap(scope, row);
  }

  /** A small value sealed under a scope's current data key as `<dek version>.<sealed>`, the AAD bound to that version. */
  async function sealSmall(tx: Db, scope: Scope, aad: (version: number) => string, plaintext: string): Promise<string> {
    const dek = await currentDek(tx, scope);
    return `${dek.version}.${seal(dek.key, Buffer.from(plaintext, 'utf8'), aad(dek.version))}`;
  }

  async function openSmall(tx: Db, scope: Scope, aad: (version: number) => string, sealed: string): Promise<string> {
    const dot = sealed.indexOf('.');
    const version = Number(sealed.slice(0, dot));
    if (!Number.isInteger(version) || version < 1) throw new DecryptionError();
    const key = await dekByVersion(tx, scope, version);
    return open(key, sealed.slice(dot + 1), aad(version)).toString('utf8');
  }

  async function loadDekRow(tx: Db, scope: Scope, version: number | null) {
    const conds = [eq(dataKeys.scope, scope.kind)];
    if (scope.kind === 'workspace') conds.push(eq(dataKeys.workspaceId, scope.workspaceId));
    if (version !== null) conds.push(eq(dataKeys.version, version));
    const [row] = await tx
      .select({ version: dataKeys.version, kekVersion: dataKeys.kekVersion, wrappedKey: dataKeys.wrappedKey })
      .from(dataKeys)
      .where(and(...conds))
      .orderBy(desc(dataKeys.version))
      .limit(1);
    return row ?? null;
  }

  function unwrap(scope: Scope, row: { version: number; kekVersion: number; wrappedKey: string }): Buffer {
    const ck = cacheKey(scope, row.version);
    const hit = dekCache.get(ck);
    if (hit) return hit;
    const key = open(kek(row.kekVersion), row.wrappedKey, dekAad(scope, row.version));
    dekCache.set(ck, key);
    return key;
  }

  return {
    keyring: () => keyring,

    async createWorkspaceKey(tx, workspaceId) {
      await insertDek(tx, { kind: 'workspace', workspaceId }, 1);
    },

    async writeAccountSecret(tx, workspaceId, accountId, field, plaintext) {
      if (plaintext === null || plaintext === '') {
        await tx
          .delete(accountSecrets)
          .where(
            and(
              eq(accountSecrets.workspaceId, workspaceId),
              eq(accountSecrets.accountId, accountId),
              eq(accountSecrets.field, field),
            ),
          );
        return;
      }
      const dek = await currentDek(tx, { kind: 'workspace', workspaceId });
      const sealed = seal(dek.key, Buffer.from(plaintext, 'utf8'), secretAad(workspaceId, accountId, field, dek.version));
      await tx
        .insert(accountSecrets)
        .values({ workspaceId, accountId, field, keyVersion: dek.version, sealed })
        .onConflictDoUpdate({
          target: [accountSecrets.workspaceId, accountSecrets.accountId, accountSecrets.field],
          set: { keyVersion: dek.version, sealed, updatedAt: sql`now()` },
        });
    },

    async readAccountSecret(tx, workspaceId, accountId, field) {
      const [row] = await tx
        .select({ keyVersion: accountSecrets.keyVersion, sealed: accountSecrets.sealed })
        .from(accountSecrets)
        .where(
          and(
            eq(accountSecrets.workspaceId, workspaceId),
            eq(accountSecrets.accountId, accountId),
            eq(accountSecrets.field, field),
          ),
        );
      if (!row) return null;
      const key = await dekByVersion(tx, { kind: 'workspace', workspaceId }, row.keyVersion);
      return open(key, row.sealed, secretAad(workspaceId, accountId, field, row.keyVersion)).toString('utf8');
    },

    async listAccountSecretFields(tx, workspaceId, accountIds) {
      const out = new Map<string, Set<SecretField>>();
      if (accountIds.length === 0) return out;
      const rows = await tx
        .select({ accountId: accountSecrets.accountId, field: accountSecrets.field })
        .from(accountSecrets)
        .where(and(eq(accountSecrets.workspaceId, workspaceId), inArray(accountSecrets.accountId, accountIds)));
      for (const r of rows) {
        const set = out.get(r.accountId) ?? new Set<SecretField>();
        set.add(r.field);
        out.set(r.accountId, set);
      }
      return out;
    },

    sealSystem: (tx, purpose, plaintext) => sealSmall(tx, { kind: 'system' }, (v) => systemAad(purpose, v), plaintext),
    openSystem: (tx, purpose, sealed) => openSmall(tx, { kind: 'system' }, (v) => systemAad(purpose, v), sealed),
    sealWorkspace: (tx, workspaceId, purpose, plaintext) =>
      sealSmall(tx, { kind: 'workspace', workspaceId }, (v) => workspaceAad(workspaceId, purpose, v), plaintext),
    openWorkspace: (tx, workspaceId, purpose, sealed) =>
      openSmall(tx, { kind: 'workspace', workspaceId }, (v) => workspaceAad(workspaceId, purpose, v), sealed),

    async rotateKek(db, opts = {}) {
      keyring = keyring.reload();
      const target = keyring.currentVersion;
      const batchSize = opts.batchSize ?? 500;
      const fromVersions = new Set<number>();
      let rewrapped = 0;
      // Each batch is its own short transaction with row locks, so the server keeps serving:
      // readers hold both KEKs and unwrap whichever version a row carries at that moment.
      for (;;) {
        const n = await db.transaction(async (tx) => {
          const rows = await tx
            .select()
            .from(dataKeys)
            .where(ne(dataKeys.kekVersion, target))
            .limit(batchSize)
            .for('update', { skipLocked: true });
          for (const row of rows) {
            const scope: Scope =
              row.scope === 'workspace' ? { kind: 'workspace', workspaceId: row.workspaceId! } : { kind: 'system' };
            const dek = open(kek(row.kekVersion), row.wrappedKey, dekAad(scope, row.version));
            fromVersions.add(row.kekVersion);
            await tx
              .update(dataKeys)
              .set({ kekVersion: target, wrappedKey: seal(kek(target), dek, dekAad(scope, row.version)), rewrappedAt: new Date() })
              .where(eq(dataKeys.id, row.id));
          }
          return rows.length;
        });
        rewrapped += n;
        // Stop only on an empty batch: a short batch may just mean rows were skipped while locked.
        if (n === 0) break;
      }
      return { rewrapped, fromVersions: [...fromVersions].sort((a, b) => a - b), toVersion: target };
    },
  };
}
