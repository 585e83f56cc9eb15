import { EXTENSION_PRESENCE_ATTRIBUTE } from '@shared/devices';
import { describe, expect, it } from 'vitest';
import { PRESENCE_ATTRIBUTE } from './constants';
import { describePlatform } from './platform';
import { normalizeServerUrl } from './settings';

describe('normalizeServerUrl', () => {
  it('refuses what is not an http(s) address', () => {
    for (const bad of ['', '   ', 'latchkey', 'ftp://x.test', 'javascript:alert(1)', 'chrome-extension://abc/', 'https://user:pw@x.test', `https://${'a'.repeat(2100)}.test`]) {
      expect(normalizeServerUrl(bad), bad).toBeNull();
    }
  });

  it('keeps only the origin (scheme, host, port)', () => {
    expect(normalizeServerUrl(' https://latchkey.example.com/accounts?x=1 ')).toBe('https://latchkey.example.com');
    expect(normalizeServerUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(normalizeServerUrl('HTTP://LOCALHOST:8080')).toBe('http://localhost:8080');
  });
});

describe('describePlatform', () => {
  it('prefers the product brand from client hints over the engine and the GREASE brand', () => {
    const p = describePlatform({
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0',
      userAgentData: {
        brands: [
          { brand: 'Not/A)Brand', version: '99' },
          { brand: 'Chromium', version: '156' },
          { brand: 'Google Chrome', version: '156' },
        ],
        platform: 'macOS',
      },
    });
    expect(p).toEqual({ browser: 'Google Chrome 156', os: 'macOS' });
  });

  it('falls back to the user agent string', () => {
    expect(describePlatform({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/150.0 Safari/537.36 Edg/150.0' })).toEqual({
      browser: 'Microsoft Edge 150',
      os: 'Windows',
    });
    expect(describePlatform({ userAgent: 'something else' })).toEqual({ browser: 'Unknown browser', os: 'Unknown OS' });
  });
});

it('announces itself with the attribute the web app looks for', () => {
  expect(PRESENCE_ATTRIBUTE).toBe(EXTENSION_PRESENCE_ATTRIBUTE);
});
