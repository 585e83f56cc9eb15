import { hashPassword } from '../src/lib/passwords';
import type { AppDeps } from '../src/deps';
import { memberships, users } from '../src/db/schema/index';
import { TEST_PASSWORD, uniqueEmail } from './harness';

let cachedHash: Promise<string> | undefined;
/** argon2 is slow by design: hash the test password once per file. */
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

/**
 * A new user with an ACTIVE membership in the workspace, inserted directly (no invite flow), so
 * tests of other modules do not depend on the members routes. Signs in with TEST_PASSWORD.
 */
export async function addMember(
  deps: Pick<AppDeps, 'db'>,
  workspaceId: string,
  opts: { role: 'admin' | 'user' | 'login_only'; email?: string; name?: string },
): Promise<{ userId: string; email: string; name: string }> {
  const email = opts.email ?? uniqueEmail(opts.role);
  const name = opts.name ?? `Test ${opts.role}`;
  const [u] = await deps.db
    .insert(users)
    .values({ email, name, passwordHash: await passwordHash() })
    .returning({ id: users.id, email: users.email, name: users.name });
  await deps.db.insert(memberships).values({ workspaceId, userId: u!.id, role: opts.role });
  return { userId: u!.id, email: u!.email, name: u!.name };
}
