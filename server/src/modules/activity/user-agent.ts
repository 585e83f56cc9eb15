/**
 * A small user-agent parser for the Activity view: OS, browser and device class, for display only
 * (never for security decisions). Covers the browsers and systems people sign in from; anything
 * else is reported as null rather than guessed.
 */
export type DeviceKind = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

export interface ParsedUserAgent {
  os: string | null;
  browser: string | null;
  device: DeviceKind | null;
}

const EMPTY: ParsedUserAgent = { os: null, browser: null, device: null };

const BOT = /\b(?:bot|crawler|spider|slurp)\b|bot\/|curl\/|wget\/|python-requests|go-http-client|okhttp|node-fetch|undici|axios\/|httpie/i;

const WINDOWS_NT: Record<string, string> = {
  '10.0': 'Windows 10/11',
  '6.3': 'Windows 8.1',
  '6.2': 'Windows 8',
  '6.1': 'Windows 7',
  '6.0': 'Windows Vista',
  '5.1': 'Windows XP',
};

function parseOs(ua: string): string | null {
  let m: RegExpMatchArray | null;
  if ((m = ua.match(/Windows NT (\d+\.\d+)/))) return WINDOWS_NT[m[1]!] ?? 'Windows';
  if (/Windows/.test(ua)) return 'Windows';
  if ((m = ua.match(/iPad.*? OS (\d+)[_.]?(\d+)?/))) return `iPadOS ${m[1]}${m[2] ? `.${m[2]}` : ''}`;
  if ((m = ua.match(/(?:iPhone|iPod).*? OS (\d+)[_.]?(\d+)?/))) return `iOS ${m[1]}${m[2] ? `.${m[2]}` : ''}`;
  if ((m = ua.match(/Android (\d+(?:\.\d+)?)/))) return `Android ${m[1]}`;
  if (/Android/.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if ((m = ua.match(/Mac OS X (\d+)[_.](\d+)/))) {
    // Browsers freeze the reported version at 10.15 on macOS 11 and later.
    return m[1] === '10' && Number(m[2]) < 15 ? `macOS ${m[1]}.${m[2]}` : 'macOS';
  }
  if (/Macintosh|Mac OS/.test(ua)) return 'macOS';
  if (/Ubuntu/.test(ua)) return 'Ubuntu';
  if (/Fedora/.test(ua)) return 'Fedora';
  if (/Linux|X11/.test(ua)) return 'Linux';
  return null;
}

/** Order matters: Chromium-based browsers also say "Chrome" and "Safari". */
const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/(?:OPR|Opera|OPiOS)\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/YaBrowser\/(\d+)/, 'Yandex Browser'],
  [/Vivaldi\/(\d+)/, 'Vivaldi'],
  [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/(?:CriOS|Chrome)\/(\d+)/, 'Chrome'],
  [/Chromium\/(\d+)/, 'Chromium'],
  [/Version\/(\d+)(?:\.\d+)*.*Safari\//, 'Safari'],
  [/MSIE (\d+)|Trident\/.*rv:(\d+)/, 'Internet Explorer'],
];

function parseBrowser(ua: string): string | null {
  for (const [re, name] of BROWSERS) {
    const m = ua.match(re);
    if (m) {
      const version = m[1] ?? m[2];
      return version ? `${name} ${version}` : name;
    }
  }
  if (/AppleWebKit/.test(ua) && /Mobile\//.test(ua) && /iPhone|iPad|iPod/.test(ua)) return 'Safari (in-app)';
  return null;
}

function parseDevice(ua: string, os: string | null): DeviceKind {
  if (/iPad|Tablet|PlayBook|Silk\//.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/.test(ua)) return 'mobile';
  if (os && /^(Windows|macOS|Linux|ChromeOS|Ubuntu|Fedora)/.test(os)) return 'desktop';
  return 'other';
}

export function parseUserAgent(ua: string | null | undefined): ParsedUserAgent {
  const s = ua?.trim();
  if (!s) return EMPTY;
  const input = s.slice(0, 512);
  if (BOT.test(input)) {
    return { os: parseOs(input), browser: null, device: 'bot' };
  }
  const os = parseOs(input);
  return { os, browser: parseBrowser(input), device: parseDevice(input, os) };
}
