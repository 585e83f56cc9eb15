import { createMetaConnector } from './meta';
import { createPinterestConnector } from './pinterest';
import { createTikTokConnector } from './tiktok';
import { ConnectorError, type ConnectorOptions, type NativeConnector, type NativePlatform } from './types';

export * from './types';
export { normalizeLevel, levelOfRole, compareLevels } from './normalize';

/** The real API roots (pinned versions, native-partner-apis.md §1.1, §2.1, §3.1). */
export const DEFAULT_BASE_URLS: Record<NativePlatform, string> = {
  meta: 'https://graph.facebook.com/v25.0',
  tiktok: 'https://business-api.tiktok.com/open_api/v1.3',
  pinterest: 'https://api.pinterest.com/v5',
};

export function createConnector(platform: NativePlatform, options: ConnectorOptions): NativeConnector {
  switch (platform) {
    case 'meta':
      return createMetaConnector({ ...options, baseUrl: options.baseUrl ?? DEFAULT_BASE_URLS.meta });
    case 'tiktok':
      return createTikTokConnector({ ...options, baseUrl: options.baseUrl ?? DEFAULT_BASE_URLS.tiktok });
    case 'pinterest':
      return createPinterestConnector({ ...options, baseUrl: options.baseUrl ?? DEFAULT_BASE_URLS.pinterest });
  }
  throw new ConnectorError(platform, 'platform_error', `There is no connector for ${String(platform)}.`);
}
