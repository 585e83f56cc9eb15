import { describe, expect, it } from 'vitest';
import { accountKey, decideThrottle, ipKey, lockOrder, mfaKey, worstDecision } from './throttle';

const rule = { limit: 3, windowMs: 60_000 };
const now = new Date('2025-01-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('decideThrottle', () => {
  it('allows while fewer than `limit` failures are inside the window', () => {
    expect(decideThrottle([], rule, now)).toEqual({ limited: false });
    expect(decideThrottle([ago(1_000), ago(2_000)], rule, now)).toEqual({ limited: false });
  });

  it('ignores failures that have left the window', () => {
    expect(decideThrottle([ago(1_000), ago(2_000), ago(60_000)], rule, now)).toEqual({ limited: false });
  });

  it('limits at `limit` failures and says when the limit-th newest leaves the window', () => {
    expect(decideThrottle([ago(1_000), ago(2_000), ago(50_000)], rule, now)).toEqual({ limited: true, retryAfterSeconds: 10 });
  });

  it('never answers a retry-after below one second', () => {
    expect(decideThrottle([ago(1), ago(2), ago(59_999)], rule, now)).toEqual({ limited: true, retryAfterSeconds: 1 });
  });
});

describe('worstDecision', () => {
  it('allows only when every rule allows', () => {
    expect(worstDecision([])).toEqual({ limited: false });
    expect(worstDecision([{ limited: false }, { limited: false }])).toEqual({ limited: false });
  });

  it('limits when any rule limits, with the longest wait', () => {
    expect(worstDecision([{ limited: false }, { limited: true, retryAfterSeconds: 30 }])).toEqual({ limited: true, retryAfterSeconds: 30 });
    expect(
      worstDecision([
        { limited: true, retryAfterSeconds: 30 },
        { limited: true, retryAfterSeconds: 600 },
        { limited: false },
      ]),
    ).toEqual({ limited: true, retryAfterSeconds: 600 });
  });
});

describe('lockOrder', () => {
  it('sorts and de-duplicates, so every attempt takes its locks in the same order', () => {
    expect(lockOrder(['ip:10.0.0.1', 'email:ab', 'ip:10.0.0.1'])).toEqual(['email:ab', 'ip:10.0.0.1']);
    expect(lockOrder(['email:ab', 'ip:10.0.0.1'])).toEqual(lockOrder(['ip:10.0.0.1', 'email:ab']));
    expect(lockOrder([])).toEqual([]);
  });
});

describe('throttle keys', () => {
  it('hash the email so it is never stored in clear, and are stable for one normalized email', () => {
    const k = accountKey('alice@example.test');
    expect(k).toMatch(/^email:[0-9a-f]{64}$/);
    expect(k).not.toContain('alice');
    expect(accountKey('alice@example.test')).toBe(k);
    expect(accountKey('bob@example.test')).not.toBe(k);
  });

  it('name the IP and the user plainly', () => {
    expect(ipKey('10.0.0.1')).toBe('ip:10.0.0.1');
    expect(mfaKey('u1')).toBe('mfa:u1');
  });
});
