import type { Db } from '../../db/client';

export type SecretField = 'password' | 'totp';

/**
 * The only door to plaintext secrets and keys. Everything outside server/src/modules/vault handles
 * sealed strings or calls these methods; nothing else imports node:crypto ciphers.
 */
export interface Vault {
  /** Encrypt and store (upsert) an account secret; `null` deletes it. */
  writeAccountSecret(tx: Db, workspaceId: string, accountId: string, field: SecretField, plaintext: string | null): Promise<void>;
  /** Decrypt an account secret, or null when the account has none. Callers must have authorized the read. */
  readAccountSecret(tx: Db, workspaceId: string, accountId: string, field: SecretField): Promise<string | null>;
  /** Which secret fields an account has, without decrypting. */
  listAccountSecretFields(tx: Db, workspaceId: string, accountIds: string[]): Promise<Map<string, Set<SecretField>>>;
  /** Seal a small value under the system data key (MFA secrets, outbox bodies). `purpose` is bound as associated data. */
  sealSystem(tx: Db, purpose: string, plaintext: string): Promise<string>;
  openSystem(tx: Db, purpose: string, sealed: string): Promise<string>;
  /**
   * Seal a small workspace secret that is not an account field (a native partner token) under the
   * workspace data key; `purpose` (e.g. `native-hub:<id>`) is bound as associated data.
   */
  sealWorkspace(tx: Db, workspaceId: string, purpose: string, plaintext: string): Promise<string>;
  openWorkspace(tx: Db, workspaceId: string, purpose: string, sealed: string): Promise<string>;
  /** Create the workspace's data key (called when a workspace is created, in its transaction). */
  createWorkspaceKey(tx: Db, workspaceId: string): Promise<void>;
}
