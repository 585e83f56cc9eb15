import { describe, expect, it } from 'vitest';
import { parseUserAgent } from './user-agent';

describe('parseUserAgent', () => {
  it('answers nulls for a missing or blank user agent', () => {
    expect(parseUserAgent(null)).toEqual({ os: null, browser: null, device: null });
    expect(parseUserAgent(undefined)).toEqual({ os: null, browser: null, device: null });
    expect(parseUserAgent('   ')).toEqual({ os: null, browser: null, device: null });
  });

  it('does not guess for an unknown string', () => {
    expect(parseUserAgent('vitest')).toEqual({ os: null, browser: null, device: 'other' });
  });

  it.each([
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      { os: 'Windows 10/11', browser: 'Chrome 131', device: 'desktop' },
    ],
    [
      'Edge on Windows (says Chrome and Safari too)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      { os: 'Windows 10/11', browser: 'Edge 131', device: 'desktop' },
    ],
    [
      'Opera on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
      { os: 'Windows 10/11', browser: 'Opera 115', device: 'desktop' },
    ],
    [
      'Safari on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      { os: 'macOS', browser: 'Safari 18', device: 'desktop' },
    ],
    [
      'Firefox on an old macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.13; rv:109.0) Gecko/20100101 Firefox/115.0',
      { os: 'macOS 10.13', browser: 'Firefox 115', device: 'desktop' },
    ],
    [
      'Firefox on Ubuntu',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      { os: 'Ubuntu', browser: 'Firefox 133', device: 'desktop' },
    ],
    [
      'Chrome on Linux',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      { os: 'Linux', browser: 'Chrome 131', device: 'desktop' },
    ],
    [
      'Chrome on ChromeOS',
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      { os: 'ChromeOS', browser: 'Chrome 131', device: 'desktop' },
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
      { os: 'iOS 17.6', browser: 'Safari 17', device: 'mobile' },
    ],
    [
      'Chrome on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      { os: 'iOS 18.1', browser: 'Chrome 131', device: 'mobile' },
    ],
    [
      'an in-app browser on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0',
      { os: 'iOS 17.5', browser: 'Safari (in-app)', device: 'mobile' },
    ],
    [
      'Safari on iPad',
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { os: 'iPadOS 16.6', browser: 'Safari 16', device: 'tablet' },
    ],
    [
      'Chrome on an Android phone',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      { os: 'Android 14', browser: 'Chrome 131', device: 'mobile' },
    ],
    [
      'Samsung Internet on an Android tablet',
      'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36',
      { os: 'Android 13', browser: 'Samsung Internet 26', device: 'tablet' },
    ],
    [
      'Firefox on Android',
      'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
      { os: 'Android 14', browser: 'Firefox 133', device: 'mobile' },
    ],
    [
      'Internet Explorer 11',
      'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
      { os: 'Windows 7', browser: 'Internet Explorer 11', device: 'desktop' },
    ],
    [
      'Headless Chrome (e2e tests)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      { os: 'Linux', browser: 'Headless Chrome 131', device: 'desktop' },
    ],
    ['curl', 'curl/8.5.0', { os: null, browser: null, device: 'bot' }],
    [
      'Googlebot',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      { os: null, browser: null, device: 'bot' },
    ],
  ])('%s', (_name, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('stays fast on a hostile, very long user agent', () => {
    const ua = `Mozilla/5.0 (${'a'.repeat(100_000)}`;
    const t = performance.now();
    expect(parseUserAgent(ua).browser).toBeNull();
    expect(performance.now() - t).toBeLessThan(50);
  });
});
