import type { InviteRole } from '@shared/members';
import type { AssignableWorkspaceRole, DirectAccountRole } from '@shared/permissions';

/** One line per workspace role, shown where people pick one (invite, change role). */
export const WORKSPACE_ROLE_DESCRIPTIONS: Record<AssignableWorkspaceRole, string> = {
  admin: 'Manages members, invites and workspace settings, sees all activity, and can add accounts.',
  user: 'Adds accounts, shares the ones they own, and uses accounts shared with them.',
  login_only: 'Logs in with accounts shared with them as Collaborator; never sees a password.',
};

/** The same, addressed to the person joining (invite page). */
export const WORKSPACE_ROLE_FOR_YOU: Record<InviteRole, string> = {
  admin: 'You will manage members, invites and workspace settings, see all activity, and add accounts.',
  user: 'You will add accounts, share the ones you own, and use accounts shared with you.',
  login_only: 'You will log in with the accounts shared with you, without ever seeing their passwords.',
  guest_admin:
    'You will use the accounts shared with your company without ever seeing their passwords, invite your colleagues as guest users and pass accounts on to them.',
  guest_user: 'You will use the accounts shared with you without ever seeing their passwords.',
};

/** One line per account role, shown in the Share dialog. */
export const ACCOUNT_ROLE_DESCRIPTIONS: Record<DirectAccountRole, string> = {
  owner: 'Full control: sees and changes the password, edits details, shares and removes access.',
  collaborator: 'Logs in with the account and sees its details, but never the password.',
};

export const ASSIGNABLE_WORKSPACE_ROLES: AssignableWorkspaceRole[] = ['admin', 'user', 'login_only'];
export const DIRECT_ACCOUNT_ROLES: DirectAccountRole[] = ['owner', 'collaborator'];
