import { describe, expect, it } from 'vitest';
import { LoginResultMessageSchema, UserCodeSchema, originOf } from './devices';

describe('UserCodeSchema', () => {
  it('refuses what is not an 8-letter code from the alphabet', () => {
    for (const bad of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH' /* vowels */, 'BCDF-GHJ1', 'BCDF GHJK X', 'x'.repeat(20)]) {
      expect(UserCodeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('accepts it typed loosely and answers the canonical form', () => {
    expect(UserCodeSchema.parse('bcdfghjk')).toBe('BCDF-GHJK');
    expect(UserCodeSchema.parse(' bcdf-ghjk ')).toBe('BCDF-GHJK');
    expect(UserCodeSchema.parse('BCDF GHJK')).toBe('BCDF-GHJK');
  });
});

describe('originOf', () => {
  it('is null for what is not an http(s) URL', () => {
    for (const bad of ['', 'not a url', 'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'chrome-extension://abc/popup.html']) {
      expect(originOf(bad), bad).toBeNull();
    }
  });

  it('is scheme, host and port only', () => {
    expect(originOf('https://www.instagram.com/accounts/login/?next=%2F')).toBe('https://www.instagram.com');
    expect(originOf('http://localhost:8090/login')).toBe('http://localhost:8090');
    expect(originOf('https://user:pw@Example.COM:443/x')).toBe('https://example.com');
    expect(originOf('https://example.com.evil.test/')).not.toBe(originOf('https://example.com/'));
  });
});

describe('LoginResultMessageSchema', () => {
  it('refuses a result without an account id or of another type', () => {
    expect(LoginResultMessageSchema.safeParse({ type: 'latchkey:login-result', ok: true }).success).toBe(false);
    expect(LoginResultMessageSchema.safeParse({ type: 'latchkey:login', accountId: '6f1c1b8e-3a4e-4b8e-9f3a-1b2c3d4e5f60', ok: true }).success).toBe(false);
    expect(
      LoginResultMessageSchema.safeParse({ type: 'latchkey:login-result', accountId: '6f1c1b8e-3a4e-4b8e-9f3a-1b2c3d4e5f60', ok: false, code: 'ticket_expired' }).success,
    ).toBe(true);
  });
});
