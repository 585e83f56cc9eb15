import { WorkspaceAction, WorkspaceRoleSchema, workspaceRoleAllows, type WorkspaceRole } from '@shared/permissions';
import { forbidden } from '../lib/errors';
import type { Actor } from '../lib/request-context';

/**
 * Workspace-level decisions come from the shared role → action table and nothing else.
 * The actor's role was read from an ACTIVE membership when the session resolved.
 */
export function workspaceCan(actor: Pick<Actor, 'role'>, action: WorkspaceAction): boolean {
  return workspaceRoleAllows(actor.role, action);
}

export function assertWorkspaceCan(actor: Pick<Actor, 'role'>, action: WorkspaceAction, message?: string): void {
  if (!workspaceCan(actor, action)) throw forbidden(message);
}

/** The workspace-level abilities the web app needs to show or hide navigation and buttons. */
export function workspaceAbilities(actor: Pick<Actor, 'role'>): Record<WorkspaceAction, boolean> {
  return ABILITIES_BY_ROLE[actor.role];
}

/** Every role's abilities, computed once from the shared table (they never change at run time). */
const ABILITIES_BY_ROLE = Object.fromEntries(
  WorkspaceRoleSchema.options.map((role) => [
    role,
    Object.freeze(Object.fromEntries(WorkspaceAction.options.map((a) => [a, workspaceRoleAllows(role, a)]))),
  ]),
) as Record<WorkspaceRole, Record<WorkspaceAction, boolean>>;
