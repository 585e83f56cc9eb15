import { describe, expect, it } from 'vitest';
import { assertDeviceMayAct, type DeviceFacts } from './devices';

const active = (role: NonNullable<DeviceFacts['membership']>['role']): DeviceFacts['membership'] => ({ role, status: 'active' });
const codeOf = (f: DeviceFacts): string | null => {
  try {
    assertDeviceMayAct(f, 'Acme');
    return null;
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('assertDeviceMayAct (deny by default)', () => {
  it('refuses a revoked device, a removed member and one without a membership as revoked', () => {
    expect(codeOf({ revoked: true, membership: active('owner'), mfaEnabled: true })).toBe('device_revoked');
    expect(codeOf({ revoked: false, membership: { role: 'user', status: 'removed' }, mfaEnabled: true })).toBe('device_revoked');
    expect(codeOf({ revoked: false, membership: null, mfaEnabled: true })).toBe('device_revoked');
  });

  it('refuses a guest of a local partner without MFA (R-GU-04)', () => {
    expect(codeOf({ revoked: false, membership: active('guest_user'), mfaEnabled: false })).toBe('mfa_enrolment_required');
    expect(codeOf({ revoked: false, membership: active('guest_admin'), mfaEnabled: false })).toBe('mfa_enrolment_required');
  });

  it('lets an active member act (members need not have MFA; guests must)', () => {
    for (const role of ['owner', 'admin', 'user', 'login_only'] as const) {
      expect(codeOf({ revoked: false, membership: active(role), mfaEnabled: false }), role).toBeNull();
    }
    expect(codeOf({ revoked: false, membership: active('guest_user'), mfaEnabled: true })).toBeNull();
  });
});
