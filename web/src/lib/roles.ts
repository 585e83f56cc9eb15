import type { AssignableWorkspaceRole, DirectAccountRole } from '@shared/permissions';

/** One line per workspace role, shown where people pick one (invite, change role). */
export const WORKSPACE_ROLE_DESCRIPTIONS: Record<AssignableWorkspaceRole, string> = {
  admin: 'Manages members, invites and workspace settings, sees all activity, and can add accounts.',
  user: 'Adds accounts, shares the ones they own, and uses accounts shared with them.',
  login_only: 'Logs in with accounts shared with them as Collaborator; never sees a password.',
};

/** One line per account role, shown in the Share dialog. */
export const ACCOUNT_ROLE_DESCRIPTIONS: Record<DirectAccountRole, string> = {
  owner: 'Full control: sees and changes the password, edits details, shares and removes access.',
  collaborator: 'Logs in with the account and sees its details, but never the password.',
};

export const ASSIGNABLE_WORKSPACE_ROLES: AssignableWorkspaceRole[] = ['admin', 'user', 'login_only'];
export const DIRECT_ACCOUNT_ROLES: DirectAccountRole[] = ['owner', 'collaborator'];
