import { describe, expect, it } from 'vitest';
import { loadConfig, withoutEmptyValues } from './env';

const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;

describe('configuration: an empty variable means unset', () => {
  it('LATCHKEY_DEV_MAILBOX= gets the default (on without SMTP outside production, off with SMTP)', () => {
    expect(loadConfig(env({ NODE_ENV: 'development', LATCHKEY_DEV_MAILBOX: '' })).devMailbox).toBe(true);
    expect(loadConfig(env({ LATCHKEY_DEV_MAILBOX: '', LATCHKEY_SMTP_URL: 'smtp://m.example.com' })).devMailbox).toBe(false);
    // In production, empty is still "not set explicitly": SMTP or LATCHKEY_DEV_MAILBOX=1 is required.
    expect(() => loadConfig(env({ NODE_ENV: 'production', LATCHKEY_DEV_MAILBOX: '' }))).toThrow(/LATCHKEY_DEV_MAILBOX=1/);
  });

  it('every boolean treats empty and blank as unset (their defaults), and still rejects nonsense', () => {
    const c = loadConfig(env({ LATCHKEY_SKIP_SEED: '', LATCHKEY_TRUST_PROXY: '  ', LATCHKEY_DEV_MAILBOX: '' }));
    expect(c).toMatchObject({ skipSeed: false, trustProxy: false, devMailbox: true });
    expect(loadConfig(env({ LATCHKEY_SKIP_SEED: 'yes', LATCHKEY_TRUST_PROXY: '1' }))).toMatchObject({ skipSeed: true, trustProxy: true });
    expect(() => loadConfig(env({ LATCHKEY_TRUST_PROXY: 'maybe' }))).toThrow(/LATCHKEY_TRUST_PROXY/);
  });

  it('numbers, URLs and strings with a default get it too (PORT= is 8080, not port 0)', () => {
    const c = loadConfig(
      env({ PORT: '', LATCHKEY_SESSION_IDLE_MINUTES: '', LATCHKEY_PUBLIC_URL: '', LATCHKEY_LOG_LEVEL: '', DATABASE_URL: '', LATCHKEY_MASTER_KEY: '' }),
    );
    expect(c).toMatchObject({ port: 8080, sessionIdleMs: 30 * 60_000, publicUrl: 'http://localhost:8080', logLevel: 'info' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.masterKey).toBeUndefined();
  });

  it('keeps set values as they are and ignores variables it does not read', () => {
    const out = withoutEmptyValues(env({ PORT: '9000', HOST: '', UNRELATED: 'x' }));
    expect(out.PORT).toBe('9000');
    expect(out.HOST).toBeUndefined();
    expect(out).not.toHaveProperty('UNRELATED');
  });
});

describe('configuration: the demo target site', () => {
  it('refuses a port that is not one', () => {
    expect(() => loadConfig(env({ LATCHKEY_DEMO_SITE_PORT: '70000' }))).toThrow(/LATCHKEY_DEMO_SITE_PORT/);
    expect(() => loadConfig(env({ LATCHKEY_DEMO_SITE_PORT: 'eighty' }))).toThrow(/LATCHKEY_DEMO_SITE_PORT/);
  });

  it('runs on 8090 by default (also when empty), elsewhere when set, and not at all with 0', () => {
    expect(loadConfig(env({})).demoSitePort).toBe(8090);
    expect(loadConfig(env({ LATCHKEY_DEMO_SITE_PORT: '' })).demoSitePort).toBe(8090);
    expect(loadConfig(env({ LATCHKEY_DEMO_SITE_PORT: '9191' })).demoSitePort).toBe(9191);
    expect(loadConfig(env({ LATCHKEY_DEMO_SITE_PORT: '0' })).demoSitePort).toBe(0);
  });
});
