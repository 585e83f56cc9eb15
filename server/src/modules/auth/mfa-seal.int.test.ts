import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema/index';
import { createTestApp, createWorkspace, sessionFor, TEST_PASSWORD, type TestApp } from '../../../test/harness';
import { insertMember } from '../../../test/world';
import { DecryptionError } from '../vault/aead';

describe('MFA seeds are sealed to their user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("a seed copied onto another user's row does not open as theirs", async () => {
    const { workspace, owner } = await createWorkspace(t.deps);
    const other = await insertMember(t.deps, workspace.id, 'user');
    const s = await sessionFor(t.deps, owner.id, workspace.id);
    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/enrol', headers: s.headers, payload: { password: TEST_PASSWORD } });
    expect(enrol.statusCode).toBe(200);
    const [row] = await t.deps.db.select({ sealed: users.mfaSecretSealed }).from(users).where(eq(users.id, owner.id));
    const sealed = row!.sealed!;
    // Opens for its owner…
    const secret = await t.deps.db.transaction((tx) => t.deps.vault.openSystem(tx as never, `user.mfa:${owner.id}`, sealed));
    expect(secret).toBe((enrol.json() as { secret: string }).secret);
    // …and not for anyone else.
    await expect(t.deps.db.transaction((tx) => t.deps.vault.openSystem(tx as never, `user.mfa:${other.userId}`, sealed))).rejects.toBeInstanceOf(
      DecryptionError,
    );
  });
});
