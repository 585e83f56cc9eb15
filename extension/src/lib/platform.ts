/**
 * The browser and operating system names the pairing request carries (shown on the approve page
 * and under Trusted devices), from User-Agent Client Hints where the browser has them.
 */
interface UaBrand {
  brand: string;
  version: string;
}
interface UaData {
  brands?: UaBrand[];
  platform?: string;
}

export function describePlatform(nav: { userAgent: string; userAgentData?: UaData }): { browser: string; os: string } {
  const data = nav.userAgentData;
  const brands = (data?.brands ?? []).filter((b) => !/not.?a.?brand/i.test(b.brand));
  // Prefer a product brand ("Google Chrome", "Microsoft Edge") over the engine ("Chromium").
  const brand = brands.find((b) => b.brand !== 'Chromium') ?? brands[0];
  const browser = brand ? `${brand.brand} ${brand.version}` : browserFromUa(nav.userAgent);
  const os = data?.platform?.trim() || osFromUa(nav.userAgent);
  return { browser: clip(browser || 'Unknown browser'), os: clip(os || 'Unknown OS') };
}

function browserFromUa(ua: string): string {
  const rules: Array<[RegExp, string]> = [
    [/Edg\/(\d+)/, 'Microsoft Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Chrome\/(\d+)/, 'Chrome'],
    [/Firefox\/(\d+)/, 'Firefox'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1]}`;
  }
  return '';
}

function osFromUa(ua: string): string {
  if (/Windows/.test(ua)) return 'Windows';
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Android/.test(ua)) return 'Android';
  if (/Linux/.test(ua)) return 'Linux';
  return '';
}

function clip(s: string): string {
  return s.slice(0, 100);
}
