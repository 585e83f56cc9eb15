import { and, eq } from 'drizzle-orm';
import type { WorkspaceRole } from '@shared/permissions';
import { accounts, activityEvents, grants } from '../../db/schema/index';
import type { AppDeps } from '../../deps';
import { hashPassword } from '../../lib/passwords';
import { TEST_PASSWORD, sessionFor, uniqueEmail } from '../../../test/harness';
import { workspacesRepository } from '../workspaces/workspaces.repository';

let passwordHash: Promise<string> | undefined;

/** A user with an active membership in the workspace, and a signed-in session there. */
export async function addMember(deps: AppDeps, workspaceId: string, role: WorkspaceRole, opts: { email?: string; name?: string } = {}) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const now = deps.clock.now();
  const user = await workspacesRepository.insertUser(deps.db, {
    email: opts.email ?? uniqueEmail(role),
    name: opts.name ?? `${role} person`,
    passwordHash: await passwordHash,
    now,
  });
  await workspacesRepository.insertMembership(deps.db, { workspaceId, userId: user.id, role, now });
  const session = await sessionFor(deps, user.id, workspaceId);
  return { user, session };
}

/** An account with direct grants (owner/collaborator) for the given users. */
export async function addAccount(deps: AppDeps, workspaceId: string, label: string, holders: Array<{ userId: string; role: 'owner' | 'collaborator' }>) {
  const [acc] = await deps.db
    .insert(accounts)
    .values({ workspaceId, label, application: 'Instagram', createdBy: holders[0]!.userId })
    .returning();
  for (const h of holders) {
    await deps.db.insert(grants).values({ workspaceId, subjectWorkspaceId: workspaceId, accountId: acc!.id, userId: h.userId, role: h.role, sourceKind: 'direct', sourceId: acc!.id });
  }
  return acc!;
}

export async function eventsOf(deps: AppDeps, workspaceId: string, type: string) {
  return deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, workspaceId), eq(activityEvents.type, type)));
}
