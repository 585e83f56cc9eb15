import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env';
import { retryDelayMs } from './outbox.worker';
import { describeSendError } from './transport';

const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;

describe('email configuration', () => {
  it('turns the Dev mailbox on by default outside production when no SMTP URL is set', () => {
    expect(loadConfig(env({ NODE_ENV: 'development' })).devMailbox).toBe(true);
    expect(loadConfig(env({ NODE_ENV: 'test' })).devMailbox).toBe(true);
  });

  it('turns it off when an SMTP URL is set', () => {
    const c = loadConfig(env({ LATCHKEY_SMTP_URL: 'smtp://u:p@mail.example.com:587' }));
    expect(c).toMatchObject({ devMailbox: false, smtpUrl: 'smtp://u:p@mail.example.com:587' });
  });

  it('in production, requires SMTP or an explicit LATCHKEY_DEV_MAILBOX', () => {
    expect(() => loadConfig(env({ NODE_ENV: 'production' }))).toThrow(/LATCHKEY_SMTP_URL.*LATCHKEY_DEV_MAILBOX=1/s);
    expect(loadConfig(env({ NODE_ENV: 'production', LATCHKEY_DEV_MAILBOX: '1' })).devMailbox).toBe(true);
    expect(loadConfig(env({ NODE_ENV: 'production', LATCHKEY_SMTP_URL: 'smtps://m.example.com' })).devMailbox).toBe(false);
  });

  it('refuses contradictory or unusable settings', () => {
    expect(() => loadConfig(env({ LATCHKEY_SMTP_URL: 'smtp://m.example.com', LATCHKEY_DEV_MAILBOX: 'true' }))).toThrow(/unset it/);
    expect(() => loadConfig(env({ LATCHKEY_DEV_MAILBOX: '0' }))).toThrow(/somewhere to go/);
    expect(() => loadConfig(env({ LATCHKEY_SMTP_URL: 'http://m.example.com' }))).toThrow(/smtp:\/\//);
    expect(() => loadConfig(env({ LATCHKEY_DEV_MAILBOX: 'maybe' }))).toThrow(/LATCHKEY_DEV_MAILBOX/);
  });
});

describe('retry delay', () => {
  it('doubles from 15 s, caps at 1 h, and adds up to 20% jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, () => 0))).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(retryDelayMs(9, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(40, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(18_000);
    expect(retryDelayMs(1, () => 0.5)).toBe(16_500);
  });
});

describe('describeSendError', () => {
  it('keeps the code and message but never credentials in a URL', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED via smtp://mailer:hunter2@10.0.0.1:25'), { code: 'ESOCKET' });
    const text = describeSendError(err);
    expect(text).toContain('ESOCKET');
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
  });

  it('includes the SMTP response code and bounds the length', () => {
    const err = Object.assign(new Error(`550 mailbox unavailable ${'x'.repeat(1000)}`), { code: 'EENVELOPE', responseCode: 550 });
    const text = describeSendError(err);
    expect(text.startsWith('EENVELOPE 550 550 mailbox unavailable')).toBe(true);
    expect(text.length).toBe(500);
  });
});
