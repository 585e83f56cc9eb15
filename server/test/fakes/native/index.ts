import type { NativePlatform } from '../../../src/modules/native-partners/connectors/types';
import { metaHandler } from './meta';
import { pinterestHandler } from './pinterest';
import { tiktokHandler } from './tiktok';
import { startFakeServer, type FakePlatformServer, type PlatformHandler } from './server';
import type { FakeWorld } from './world';

export type { FakePlatformServer, FakeRequestLog, FailureKind, FailureOptions } from './server';
export type * from './world';

const HANDLERS: Record<NativePlatform, PlatformHandler> = { meta: metaHandler, tiktok: tiktokHandler, pinterest: pinterestHandler };

/**
 * A real `node:http` server on 127.0.0.1:<random port> speaking one platform's documented API
 * over `world` (mutable: tests change it between calls). `baseUrl` includes the API version
 * (`…/v25.0`, `…/open_api/v1.3`, `…/v5`): pass it as the connector's `baseUrl`. `port` 0 (default)
 * picks a free port.
 */
export function createFakeNativePlatform(platform: NativePlatform, world: FakeWorld, options: { port?: number } = {}): Promise<FakePlatformServer> {
  return startFakeServer(HANDLERS[platform], world, options.port ?? 0);
}

export { sampleWorld, largeWorld, type SampleWorld } from './sample';
