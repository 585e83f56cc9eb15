import { describe, expect, it } from 'vitest';
import { WorkspaceRoleSchema, type WorkspaceRole } from '@shared/permissions';
import { actsAsAppOwner, nativeCanManage, nativeCanView, nativeHubCan, nativePartnerCan, type NativePartnerFacts } from './native-partners';

const facts = (over: Partial<NativePartnerFacts> = {}): NativePartnerFacts => ({
  actorRole: 'admin',
  isAppOwner: true,
  hasActiveAppOwner: true,
  hubConnected: true,
  partnerStatus: 'pending_onboarding',
  partnerRemoved: false,
  sharedAssets: 2,
  ...over,
});

describe('native partner policy (partners-spec §4.5, ADR 0014)', () => {
  it('lets Owner, Admin and User see native partners; Login-Only and guests never', () => {
    const viewers = WorkspaceRoleSchema.options.filter((r) => nativeCanView(r));
    expect(viewers).toEqual(['owner', 'admin', 'user']);
    expect(WorkspaceRoleSchema.options.filter((r) => nativeCanManage(r))).toEqual(['owner', 'admin']);
  });

  it('gives token changes to App Owners only, and to the workspace Owner only when no App Owner is left', () => {
    expect(nativeHubCan(facts({ isAppOwner: false }), 'replaceCredential')).toBe(false);
    expect(nativeHubCan(facts({ actorRole: 'owner', isAppOwner: false }), 'replaceCredential')).toBe(false);
    expect(nativeHubCan(facts({ actorRole: 'owner', isAppOwner: false, hasActiveAppOwner: false }), 'replaceCredential')).toBe(true);
    expect(nativeHubCan(facts({ actorRole: 'admin', isAppOwner: false, hasActiveAppOwner: false }), 'replaceCredential')).toBe(false);
    // An App Owner demoted to User loses the rights with the role.
    expect(actsAsAppOwner(facts({ actorRole: 'user' }))).toBe(false);
    for (const role of ['login_only', 'guest_admin', 'guest_user'] as WorkspaceRole[]) {
      expect(nativeHubCan(facts({ actorRole: role }), 'disconnect')).toBe(false);
    }
  });

  it('disconnect and check for updates need a connected hub', () => {
    expect(nativeHubCan(facts({ hubConnected: false }), 'disconnect')).toBe(false);
    expect(nativeHubCan(facts({ hubConnected: false }), 'checkForUpdates')).toBe(false);
    expect(nativeHubCan(facts({ hubConnected: false }), 'replaceCredential')).toBe(true); // reconnects it
    expect(nativeHubCan(facts({ isAppOwner: false }), 'checkForUpdates')).toBe(true);
    expect(nativeHubCan(facts({ actorRole: 'user', isAppOwner: false }), 'checkForUpdates')).toBe(false);
  });

  it('onboards only a listed partner with at least one shared asset (R-NP-01), once', () => {
    expect(nativePartnerCan(facts(), 'connect')).toBe(true);
    expect(nativePartnerCan(facts({ sharedAssets: 0 }), 'connect')).toBe(false);
    expect(nativePartnerCan(facts({ partnerRemoved: true }), 'connect')).toBe(false);
    expect(nativePartnerCan(facts({ partnerStatus: 'onboarded' }), 'connect')).toBe(false);
    expect(nativePartnerCan(facts({ isAppOwner: false }), 'connect')).toBe(false);
  });

  it('syncs onboarded partners of connected hubs, for any Admin or the Owner', () => {
    const onboarded = facts({ partnerStatus: 'onboarded' });
    expect(nativePartnerCan({ ...onboarded, isAppOwner: false }, 'sync')).toBe(true);
    expect(nativePartnerCan({ ...onboarded, actorRole: 'user' }, 'sync')).toBe(false);
    expect(nativePartnerCan({ ...onboarded, hubConnected: false }, 'sync')).toBe(false);
    expect(nativePartnerCan(facts(), 'sync')).toBe(false);
    expect(nativePartnerCan({ ...onboarded, isAppOwner: false }, 'disconnect')).toBe(false);
    expect(nativePartnerCan(onboarded, 'disconnect')).toBe(true);
  });
});
