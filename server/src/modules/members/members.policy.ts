import { isGuestRole, type WorkspaceRole } from '@shared/permissions';
import { workspaceCan } from '../../authz/workspace';
import type { Actor } from '../../lib/request-context';

/**
 * Per-member and per-invite abilities, on top of the workspace role table (authz/workspace):
 * the Owner is never changed or removed here, nobody changes or removes themselves, and a
 * removed member is changed only by a new invite. A guest's role is their local partner role and
 * is changed in the partner (ADR 0012); Admins still remove guests and reset their MFA or password.
 */
export function memberAbilities(
  actor: Pick<Actor, 'role' | 'userId'>,
  target: { userId: string; role: WorkspaceRole; status: 'active' | 'removed' },
): { changeRole: boolean; remove: boolean; resetMfa: boolean; forcePasswordReset: boolean } {
  const editable = target.status === 'active' && target.role !== 'owner' && target.userId !== actor.userId;
  const manage = editable && workspaceCan(actor, 'members.remove');
  return {
    changeRole: editable && !isGuestRole(target.role) && workspaceCan(actor, 'members.changeRole'),
    remove: manage,
    resetMfa: manage,
    forcePasswordReset: manage,
  };
}

export function inviteAbilities(actor: Pick<Actor, 'role'>): { resend: boolean; revoke: boolean } {
  const can = workspaceCan(actor, 'members.invite');
  return { resend: can, revoke: can };
}
