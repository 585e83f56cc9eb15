import { describe, expect, it } from 'vitest';
import { matchTotp, newTotpSecret, totpCodeAt, totpStepAt, totpUri } from './totp';

const at = new Date('2025-01-01T12:00:15Z');

describe('TOTP helpers', () => {
  it('makes a 160-bit base32 secret and an otpauth URI labelled with the email', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri('alice@example.test', secret);
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    expect(uri).toContain('issuer=Latchkey');
    expect(uri).toContain(`secret=${secret}`);
    expect(decodeURIComponent(uri)).toContain('alice@example.test');
  });

  it('accepts the current code and returns its time step', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, at);
    expect(await matchTotp(secret, code, at, null)).toBe(totpStepAt(at));
  });

  it('accepts one step of drift either way, not two', async () => {
    const secret = newTotpSecret();
    const prev = await totpCodeAt(secret, new Date(at.getTime() - 30_000));
    const next = await totpCodeAt(secret, new Date(at.getTime() + 30_000));
    const old = await totpCodeAt(secret, new Date(at.getTime() - 60_000));
    expect(await matchTotp(secret, prev, at, null)).toBe(totpStepAt(at) - 1);
    expect(await matchTotp(secret, next, at, null)).toBe(totpStepAt(at) + 1);
    expect(await matchTotp(secret, old, at, null)).toBeNull();
  });

  it('refuses a code whose step is not after the last accepted step (replay)', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, at);
    expect(await matchTotp(secret, code, at, totpStepAt(at))).toBeNull();
    expect(await matchTotp(secret, code, at, totpStepAt(at) - 1)).toBe(totpStepAt(at));
  });

  it('refuses a wrong code and malformed input', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, at);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await matchTotp(secret, wrong, at, null)).toBeNull();
    expect(await matchTotp(secret, '12345', at, null)).toBeNull();
    expect(await matchTotp(secret, 'abcdef', at, null)).toBeNull();
  });
});
