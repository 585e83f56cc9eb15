import { ErrorCode } from '@shared/errors';
import type { WorkspaceDto } from '@shared/workspaces';
import { assertWorkspaceCan } from '../../authz/workspace';
import type { AppDeps } from '../../deps';
import { AppError, notFound } from '../../lib/errors';
import { assertPasswordPolicy, hashPassword } from '../../lib/passwords';
import { NO_REQUEST, type Ctx, type RequestMeta } from '../../lib/request-context';
import { newPublicId, normalizeEmail } from '../../lib/tokens';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { presentWorkspace } from './workspaces.presenter';
import { workspacesRepository as repo } from './workspaces.repository';

export interface CreateWorkspaceInput {
  name: string;
  owner: { email: string; name: string; password: string };
}

/**
 * Creating a workspace is an operator action (CLI, demo seed): it makes the workspace, its data
 * key, its Owner (a new user, or an existing one by email) and the first activity event, at once.
 */
export function createWorkspacesService(deps: Pick<AppDeps, 'db' | 'clock' | 'vault'>) {
  return {
    /** The current workspace, read fresh (the session's copy of the name may be a request old). */
    async get(ctx: Ctx): Promise<WorkspaceDto> {
      assertWorkspaceCan(ctx.actor, 'workspace.view');
      const ws = await repo.findById(deps.db, ctx.actor.workspaceId);
      if (!ws) throw notFound(`Workspace "${ctx.actor.workspaceId}"`);
      return presentWorkspace(ctx.actor, ws);
    },

    /**
     * Rename the workspace and/or set its corporate domains (Admin, Owner). One event per thing that
     * really changed; sending the current values changes nothing.
     */
    async update(ctx: Ctx, input: { name?: string | undefined; corporateDomains?: string[] | undefined }): Promise<WorkspaceDto> {
      assertWorkspaceCan(ctx.actor, 'workspace.update', 'Only Admins and the Owner can change the workspace settings.');
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const ws = await repo.lockById(tx, ctx.actor.workspaceId);
        if (!ws) throw notFound(`Workspace "${ctx.actor.workspaceId}"`);
        const refs = { workspaceId: ws.id, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, meta: ctx.meta, at: now };
        const next = { ...ws };
        if (input.name !== undefined && input.name !== ws.name) {
          next.name = input.name;
          await recordActivity(tx, { type: 'Workspace Updated', data: { from: ws.name, to: input.name } }, refs);
        }
        if (input.corporateDomains !== undefined) {
          const domains = [...new Set(input.corporateDomains)].sort();
          const added = domains.filter((d) => !ws.corporateDomains.includes(d));
          const removed = ws.corporateDomains.filter((d) => !domains.includes(d));
          if (added.length > 0 || removed.length > 0) {
            next.corporateDomains = domains;
            await recordActivity(
              tx,
              { type: 'Workspace Settings Updated', data: { corporateDomainsAdded: added, corporateDomainsRemoved: removed } },
              refs,
            );
          }
        }
        if (next.name !== ws.name || next.corporateDomains !== ws.corporateDomains) {
          await repo.update(tx, ws.id, { name: next.name, corporateDomains: next.corporateDomains }, now);
        }
        return presentWorkspace(ctx.actor, next);
      });
    },

    async createWorkspaceWithOwner(input: CreateWorkspaceInput, meta: RequestMeta = NO_REQUEST) {
      const email = normalizeEmail(input.owner.email);
      const name = input.name.trim();
      if (!name) throw new AppError(ErrorCode.VALIDATION_FAILED, 'A workspace needs a name.');
      const existing = await repo.findUserByEmail(deps.db, email);
      // Hash outside the transaction: argon2 is slow by design.
      const passwordHash = existing ? null : (assertPasswordPolicy(input.owner.password, email), await hashPassword(input.owner.password));
      try {
        return await inTransaction(deps.db, async (tx) => {
          const now = deps.clock.now();
          const ws = await repo.insert(tx, { publicId: newPublicId(), name, now });
          await deps.vault.createWorkspaceKey(tx, ws.id);
          const user =
            (await repo.findUserByEmail(tx, email)) ??
            (await repo.insertUser(tx, { email, name: input.owner.name.trim() || email, passwordHash: passwordHash!, now }));
          await repo.insertMembership(tx, { workspaceId: ws.id, userId: user.id, role: 'owner', now });
          await recordActivity(
            tx,
            { type: 'Workspace Created', data: { name } },
            { workspaceId: ws.id, actor: { userId: user.id, email: user.email }, meta, at: now },
          );
          return { workspace: ws, owner: user };
        });
      } catch (err) {
        if (isUniqueViolation(err, 'users_email_key')) {
          throw new AppError(ErrorCode.CONFLICT, `A user with email "${email}" was created at the same time. Try again.`);
        }
        throw err;
      }
    },
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
