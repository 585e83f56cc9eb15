import { workspaceRoleAllows, type WorkspaceRole } from '@shared/permissions';

/**
 * Who may do what with native partners (partners-spec §4.5, R-NP-03, R-NP-06, ADR 0014). Pure
 * functions over facts the service loads fresh in its transaction; the service asserts with them
 * and the presenter sends their answers as `abilities`. Guests never see native partners.
 *
 * - See hubs, partners and synced people: `nativePartners.view` (Owner, Admin, User).
 * - Connect a hub, Check for updates, Sync: `nativePartners.manage` (Owner, Admin).
 * - Replace or disconnect a token (the hub's or a partner's), connect a partner's token: the hub's
 *   App Owners only, while they can still manage integrations. When no App Owner can any more
 *   (they left or lost the role), the workspace Owner may, so a hub is never orphaned.
 */
export interface NativeHubFacts {
  actorRole: WorkspaceRole;
  /** The actor is one of the hub's App Owners. */
  isAppOwner: boolean;
  /** At least one App Owner is an active member who may manage integrations. */
  hasActiveAppOwner: boolean;
  hubConnected: boolean;
}

export type NativeHubAction = 'replaceCredential' | 'disconnect' | 'checkForUpdates';
export type NativePartnerAction = 'connect' | 'disconnect' | 'sync';

export interface NativePartnerFacts extends NativeHubFacts {
  partnerStatus: 'pending_onboarding' | 'onboarded';
  partnerRemoved: boolean;
  sharedAssets: number;
}

export const nativeCanView = (role: WorkspaceRole) => workspaceRoleAllows(role, 'nativePartners.view');
export const nativeCanManage = (role: WorkspaceRole) => workspaceRoleAllows(role, 'nativePartners.manage');

/** App Owner rights: an App Owner who may manage, or the workspace Owner of an orphaned hub. */
export function actsAsAppOwner(f: NativeHubFacts): boolean {
  if (!nativeCanManage(f.actorRole)) return false;
  return f.isAppOwner || (f.actorRole === 'owner' && !f.hasActiveAppOwner);
}

export function nativeHubCan(f: NativeHubFacts, action: NativeHubAction): boolean {
  switch (action) {
    case 'replaceCredential':
      return actsAsAppOwner(f);
    case 'disconnect':
      return actsAsAppOwner(f) && f.hubConnected;
    case 'checkForUpdates':
      return nativeCanManage(f.actorRole) && f.hubConnected;
  }
}

export function nativePartnerCan(f: NativePartnerFacts, action: NativePartnerAction): boolean {
  switch (action) {
    case 'connect':
      // R-NP-01: only a partner with at least one of our assets shared with it.
      return actsAsAppOwner(f) && f.hubConnected && !f.partnerRemoved && f.partnerStatus === 'pending_onboarding' && f.sharedAssets > 0;
    case 'disconnect':
      return actsAsAppOwner(f) && f.partnerStatus === 'onboarded';
    case 'sync':
      return nativeCanManage(f.actorRole) && f.hubConnected && !f.partnerRemoved && f.partnerStatus === 'onboarded';
  }
}
