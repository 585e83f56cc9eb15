import type { SessionDto } from '@shared/auth';
import { WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import { workspaceAbilities } from '../../authz/workspace';
import { csrfTokenFor } from '../../plugins/session';
import type { MembershipView } from './auth.repository';

export interface SessionView {
  user: { id: string; email: string; name: string; mfaEnabled: boolean };
  workspace: { id: string; publicId: string; name: string };
  role: WorkspaceRole;
  workspaces: MembershipView[];
}

/** The session as the web app sees it, field by field. The CSRF token derives from the raw token. */
export function presentSession(v: SessionView, sessionToken: string): SessionDto {
  return {
    user: { id: v.user.id, email: v.user.email, name: v.user.name, mfaEnabled: v.user.mfaEnabled },
    workspace: { id: v.workspace.id, publicId: v.workspace.publicId, name: v.workspace.name },
    role: v.role,
    roleLabel: WORKSPACE_ROLE_LABELS[v.role],
    abilities: workspaceAbilities({ role: v.role }),
    csrfToken: csrfTokenFor(sessionToken),
    workspaces: v.workspaces.map((w) => ({ id: w.workspaceId, name: w.workspaceName, role: w.role })),
  };
}
