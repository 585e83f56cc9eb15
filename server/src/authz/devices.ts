import { ErrorCode } from '@shared/errors';
import { isGuestRole, type WorkspaceRole } from '@shared/permissions';
import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import { accountCan, loadAccountAccess, type AccountAccess } from './accounts';

/**
 * Trusted devices (issue 5, ADR 0013): whether a device may act at all, and whether its user may
 * log in to an account through it. Deny by default; every answer is computed from facts read
 * fresh on each request (the device row, the user's membership, the live grant).
 */

/** Who a device acts for, as the device routes see it. */
export interface DeviceActor {
  deviceId: string;
  browser: string;
  os: string;
  userId: string;
  email: string;
  name: string;
  workspaceId: string;
  workspaceName: string;
  role: WorkspaceRole;
  localPartnerId: string | null;
  mfaEnabled: boolean;
}

/** The facts a device token resolves to. */
export interface DeviceFacts {
  revoked: boolean;
  /** The user's membership in the device's workspace, or null when there is none. */
  membership: { role: WorkspaceRole; status: 'active' | 'removed' } | null;
  mfaEnabled: boolean;
}

/**
 * May this device act? A revoked device, or one whose user left (or was removed from) the
 * workspace, is refused as revoked (401: pair again). A guest of a local partner without MFA is
 * refused like on the web (R-GU-04): 403 mfa_enrolment_required.
 */
export function assertDeviceMayAct(f: DeviceFacts, workspaceName: string): void {
  if (f.revoked || !f.membership || f.membership.status !== 'active') {
    throw new AppError(ErrorCode.DEVICE_REVOKED, 'This device is no longer trusted. Pair the extension again from Latchkey.');
  }
  if (isGuestRole(f.membership.role) && !f.mfaEnabled) {
    throw new AppError(
      ErrorCode.MFA_ENROLMENT_REQUIRED,
      `Turn on two-step verification in Latchkey to use ${workspaceName}: guests must protect their sign-in with an authenticator app.`,
    );
  }
}

/**
 * May the device's user log in to this account? Anyone with a live, reachable grant on it from the
 * device's workspace (Owner, Manager or Collaborator, guests through partnerships and local
 * partners included) while the account is active. Returns the access, or null (the caller answers
 * 404 when asking for a ticket, ticket_access_revoked when redeeming one).
 */
export async function loadLoginAccess(db: Db, actor: Pick<DeviceActor, 'userId' | 'workspaceId' | 'role'>, accountId: string, now: Date): Promise<AccountAccess | null> {
  const access = await loadAccountAccess(db, actor, accountId, now);
  if (!access || !accountCan(access, 'account.login')) return null;
  return access;
}
