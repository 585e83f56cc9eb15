import { WORKSPACE_ROLE_ACTIONS, type WorkspaceAction } from '@shared/permissions';
import { forbidden } from '../lib/errors';
import type { Actor } from '../lib/request-context';

/**
 * Workspace-level decisions come from the shared role → action table and nothing else.
 * The actor's role was read from an ACTIVE membership when the session resolved.
 */
export function workspaceCan(actor: Pick<Actor, 'role'>, action: WorkspaceAction): boolean {
  return WORKSPACE_ROLE_ACTIONS[actor.role].includes(action);
}

export function assertWorkspaceCan(actor: Pick<Actor, 'role'>, action: WorkspaceAction, message?: string): void {
  if (!workspaceCan(actor, action)) throw forbidden(message);
}

/** The workspace-level abilities the web app needs to show or hide navigation and buttons. */
export function workspaceAbilities(actor: Pick<Actor, 'role'>): Record<WorkspaceAction, boolean> {
  const allowed = new Set(WORKSPACE_ROLE_ACTIONS[actor.role]);
  return Object.fromEntries(
    (Object.values(WORKSPACE_ROLE_ACTIONS).flat() as WorkspaceAction[]).map((a) => [a, allowed.has(a)]),
  ) as Record<WorkspaceAction, boolean>;
}
