import { z } from 'zod';

/**
 * Roles and what they allow, as plain data. The server enforces these tables (server/src/authz);
 * the web app reads the `abilities` the server sends with each object, derived from the same tables.
 */

export const WorkspaceRoleSchema = z.enum(['owner', 'admin', 'user', 'login_only']);
export type WorkspaceRole = z.infer<typeof WorkspaceRoleSchema>;

/** Roles an invite or role change may assign. "owner" is never assigned: a workspace has exactly one. */
export const AssignableWorkspaceRoleSchema = z.enum(['admin', 'user', 'login_only']);
export type AssignableWorkspaceRole = z.infer<typeof AssignableWorkspaceRoleSchema>;

export const WORKSPACE_ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  user: 'User',
  login_only: 'Login-Only',
};

export const WorkspaceAction = z.enum([
  'workspace.view',
  'workspace.update',
  'members.view',
  'members.invite',
  'members.changeRole',
  'members.remove',
  'accounts.create',
  'activity.viewAll',
  'devMailbox.view',
  /** Open the Partners page (spec §4.1). */
  'partners.view',
  /** See every partnership of the workspace, not only the ones one owns. */
  'partners.viewAll',
  /** Ask for a host-guest partnership (R-HG-02). */
  'partners.request',
  /** Decide for the workspace: approve (host) or accept (guest) requests, manage owners, remove (R-HG-05, R-HG-17). */
  'partners.decide',
]);
export type WorkspaceAction = z.infer<typeof WorkspaceAction>;

export const WORKSPACE_ROLE_ACTIONS: Record<WorkspaceRole, readonly WorkspaceAction[]> = {
  owner: [
    'workspace.view',
    'workspace.update',
    'members.view',
    'members.invite',
    'members.changeRole',
    'members.remove',
    'accounts.create',
    'activity.viewAll',
    'devMailbox.view',
    'partners.view',
    'partners.viewAll',
    'partners.request',
    'partners.decide',
  ],
  admin: [
    'workspace.view',
    'workspace.update',
    'members.view',
    'members.invite',
    'members.changeRole',
    'members.remove',
    'accounts.create',
    'activity.viewAll',
    'devMailbox.view',
    'partners.view',
    'partners.viewAll',
    'partners.request',
    'partners.decide',
  ],
  user: ['workspace.view', 'members.view', 'accounts.create', 'partners.view', 'partners.request'],
  login_only: ['workspace.view'],
};

export function workspaceRoleAllows(role: WorkspaceRole, action: WorkspaceAction): boolean {
  return WORKSPACE_ROLE_ACTIONS[role].includes(action);
}

export const AccountRoleSchema = z.enum(['owner', 'manager', 'collaborator']);
export type AccountRole = z.infer<typeof AccountRoleSchema>;

/** Roles a workspace member can be given on an account directly. Manager comes only with partnerships. */
export const DirectAccountRoleSchema = z.enum(['owner', 'collaborator']);
export type DirectAccountRole = z.infer<typeof DirectAccountRoleSchema>;

export const ACCOUNT_ROLE_LABELS: Record<AccountRole, string> = {
  owner: 'Owner',
  manager: 'Manager',
  collaborator: 'Collaborator',
};

/** Strongest first: the effective role on an account is the strongest live grant. */
export const ACCOUNT_ROLE_RANK: Record<AccountRole, number> = { owner: 3, manager: 2, collaborator: 1 };

export const AccountAction = z.enum([
  'account.view',
  'account.login',
  'account.update',
  'account.revealSecret',
  'account.viewMembers',
  'account.share',
  'account.changeMemberRole',
  'account.removeMember',
  'account.delete',
  'account.restore',
  'account.viewActivity',
  /** Ask the host's Owners to give another member of one's own (guest) workspace access (R-HG-11). */
  'account.requestAccess',
]);
export type AccountAction = z.infer<typeof AccountAction>;

export const ACCOUNT_ROLE_ACTIONS: Record<AccountRole, readonly AccountAction[]> = {
  owner: [
    'account.view',
    'account.login',
    'account.update',
    'account.revealSecret',
    'account.viewMembers',
    'account.share',
    'account.changeMemberRole',
    'account.removeMember',
    'account.delete',
    'account.restore',
    'account.viewActivity',
  ],
  // Managers exist only in partner contexts; for secrets they are treated like Collaborators (spec Q12).
  manager: ['account.view', 'account.login', 'account.requestAccess'],
  collaborator: ['account.view', 'account.login'],
};

export function accountRoleAllows(role: AccountRole, action: AccountAction): boolean {
  return ACCOUNT_ROLE_ACTIONS[role].includes(action);
}

/** Login-Only members hold Collaborator at most on any account (R-C-01). */
export const MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE: Record<WorkspaceRole, AccountRole> = {
  owner: 'owner',
  admin: 'owner',
  user: 'owner',
  login_only: 'collaborator',
};
