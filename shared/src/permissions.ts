import { z } from 'zod';

/**
 * Roles and what they allow, as plain data. The server enforces these tables (server/src/authz);
 * the web app reads the `abilities` the server sends with each object, derived from the same tables.
 */

export const WorkspaceRoleSchema = z.enum(['owner', 'admin', 'user', 'login_only', 'guest_admin', 'guest_user']);
export type WorkspaceRole = z.infer<typeof WorkspaceRoleSchema>;

/**
 * Guests of a local partner (ADR 0012): their workspace role is their partner role (spec Q21).
 * They are never given a role through the Members page; their partner manages it.
 */
export const GuestRoleSchema = z.enum(['guest_admin', 'guest_user']);
export type GuestRole = z.infer<typeof GuestRoleSchema>;
export const GUEST_ROLES: readonly WorkspaceRole[] = GuestRoleSchema.options;
export function isGuestRole(role: WorkspaceRole): role is GuestRole {
  return role === 'guest_admin' || role === 'guest_user';
}

/** Roles an invite or role change may assign. "owner" is never assigned: a workspace has exactly one. */
export const AssignableWorkspaceRoleSchema = z.enum(['admin', 'user', 'login_only']);
export type AssignableWorkspaceRole = z.infer<typeof AssignableWorkspaceRoleSchema>;

export const WORKSPACE_ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  user: 'User',
  login_only: 'Login-Only',
  guest_admin: 'Guest Admin',
  guest_user: 'Guest User',
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
  /** Add a local partner (R-LP-01). */
  'localPartners.create',
  /** See and manage the people of every local partner, remove any partner (ADR 0012). */
  'localPartners.manageAll',
  /** See native partners, their assets and their synced people (read-only, spec §4.5). */
  'nativePartners.view',
  /** Manage integrations: connect a business hub, check for updates, sync (ADR 0014). Replacing or disconnecting a credential also needs App Ownership. */
  'nativePartners.manage',
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
    'localPartners.create',
    'localPartners.manageAll',
    'nativePartners.view',
    'nativePartners.manage',
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
    'localPartners.create',
    'localPartners.manageAll',
    'nativePartners.view',
    'nativePartners.manage',
  ],
  user: ['workspace.view', 'members.view', 'accounts.create', 'partners.view', 'partners.request', 'nativePartners.view'],
  login_only: ['workspace.view'],
  // Guests see no members, policies or settings, add no accounts or partners (R-LP-16, §4.1).
  // A Guest Admin opens the Partners page for their own partner only.
  guest_admin: ['partners.view'],
  guest_user: [],
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
  /** Pass the account on to Guest Users of one's own local partner, as Collaborator (R-LP-07). */
  'account.shareWithGuests',
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
  // requestAccess applies to a host's account seen from a guest workspace, shareWithGuests to a
  // Guest Admin of a local partner (authz/accounts.ts decides which one the context allows).
  manager: ['account.view', 'account.login', 'account.requestAccess', 'account.shareWithGuests'],
  collaborator: ['account.view', 'account.login'],
};

export function accountRoleAllows(role: AccountRole, action: AccountAction): boolean {
  return ACCOUNT_ROLE_ACTIONS[role].includes(action);
}

/**
 * The strongest role a DIRECT share may give (R-C-01): Login-Only members and guests hold
 * Collaborator at most. Guests reach Manager only through their local partner (R-LP-06).
 */
export const MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE: Record<WorkspaceRole, AccountRole> = {
  owner: 'owner',
  admin: 'owner',
  user: 'owner',
  login_only: 'collaborator',
  guest_admin: 'collaborator',
  guest_user: 'collaborator',
};
