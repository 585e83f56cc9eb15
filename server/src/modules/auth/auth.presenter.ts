import type { SessionDto } from '@shared/auth';
import { isGuestRole, WORKSPACE_ROLE_LABELS, type WorkspaceRole } from '@shared/permissions';
import { workspaceAbilities } from '../../authz/workspace';
import { csrfTokenFor } from '../../plugins/session';
import type { MembershipView } from './auth.repository';

export interface SessionView {
  user: { id: string; email: string; name: string; mfaEnabled: boolean };
  workspace: { id: string; publicId: string; name: string };
  role: WorkspaceRole;
  /** Guests: their local partner in this workspace (ADR 0012). */
  localPartner: { id: string; companyName: string } | null;
  workspaces: MembershipView[];
}

/** The session view for the membership `m` (one of `all`, the user's active memberships). */
export function sessionViewOf(user: SessionView['user'], m: MembershipView, all: MembershipView[]): SessionView {
  return {
    user,
    workspace: { id: m.workspaceId, publicId: m.workspacePublicId, name: m.workspaceName },
    role: m.role,
    localPartner: m.localPartnerId ? { id: m.localPartnerId, companyName: m.localPartnerName ?? '' } : null,
    workspaces: all,
  };
}

/** The session as the web app sees it, field by field. The CSRF token derives from the raw token. */
export function presentSession(v: SessionView, sessionToken: string): SessionDto {
  const guestRole = isGuestRole(v.role) ? v.role : null;
  return {
    user: { id: v.user.id, email: v.user.email, name: v.user.name, mfaEnabled: v.user.mfaEnabled },
    workspace: { id: v.workspace.id, publicId: v.workspace.publicId, name: v.workspace.name },
    role: v.role,
    roleLabel: WORKSPACE_ROLE_LABELS[v.role],
    abilities: workspaceAbilities({ role: v.role }),
    csrfToken: csrfTokenFor(sessionToken),
    workspaces: v.workspaces.map((w) => ({ id: w.workspaceId, name: w.workspaceName, role: w.role })),
    localPartner: guestRole && v.localPartner ? { id: v.localPartner.id, companyName: v.localPartner.companyName, role: guestRole } : null,
    mfaEnrolmentRequired: guestRole !== null && !v.user.mfaEnabled,
  };
}
