import { ConnectorError, normalizeLevel, type AssetPerson, type AssetType, type ConnectorErrorKind, type NativeConnector, type NativePlatform } from '../src/modules/native-partners/connectors/index';
import type { NativeConnectorOverrides } from '../src/modules/native-partners/native-partners.platform';

/**
 * An in-memory platform for native partner tests that script exact states (the HTTP fakes of
 * server/test/fakes/native exercise the real connectors). `world.businesses` holds OUR hubs and
 * the partners' businesses alike; a token opens exactly one business.
 */
export interface MemoryAsset {
  externalId: string;
  type: AssetType;
  name: string;
  /** The partner's permitted roles on it. */
  rawRoles: string[];
  /** The partner's people on it, or why they cannot be read. */
  people: Array<{ externalId: string; name: string; email?: string | null; roles: string[] }> | 'not_visible_through_api' | 'not_permitted';
}
export interface MemoryBusiness {
  name: string;
  tokens: string[];
  /** Partners with access to this business's assets (for hubs). */
  partners: Array<{ externalId: string; name: string; assets: MemoryAsset[] }>;
}
export interface MemoryWorld {
  platform: NativePlatform;
  businesses: Record<string, MemoryBusiness>;
  /** Errors thrown by the next calls, in order (e.g. a retryable rate limit). */
  failNext: Array<{ kind: ConnectorErrorKind; retryable?: boolean }>;
  /** Fail the first call whose name contains `call` (e.g. 'people page_222'), once. */
  failOn: Array<{ call: string; kind: ConnectorErrorKind }>;
  calls: string[];
}

export function memoryWorld(platform: NativePlatform = 'meta'): MemoryWorld {
  return { platform, businesses: {}, failNext: [], failOn: [], calls: [] };
}

/** The connector factory to put in deps.nativeConnectors.create. */
export function memoryConnectors(world: MemoryWorld): NativeConnectorOverrides {
  return {
    sleep: async () => {},
    create(platform, options): NativeConnector {
      const open = (what: string) => {
        world.calls.push(`${what} ${options.businessId}`);
        const at = world.failOn.findIndex((f) => `${what} ${options.businessId}`.includes(f.call));
        if (at >= 0) {
          const [f] = world.failOn.splice(at, 1);
          throw new ConnectorError(platform, f!.kind, `scripted ${f!.kind}`);
        }
        const fail = world.failNext.shift();
        if (fail) throw new ConnectorError(platform, fail.kind, `scripted ${fail.kind}`, fail.retryable === undefined ? {} : { retryable: fail.retryable });
        const b = world.businesses[options.businessId];
        if (!b) throw new ConnectorError(platform, 'not_found', 'no such business');
        if (!b.tokens.includes(options.token)) throw new ConnectorError(platform, 'token_invalid', 'bad token');
        return b;
      };
      /** The partner's view: every hub partner entry naming this business. */
      const partnerAsset = (assetId: string) => {
        for (const hub of Object.values(world.businesses)) {
          for (const p of hub.partners) {
            if (p.externalId !== options.businessId) continue;
            const a = p.assets.find((x) => x.externalId === assetId);
            if (a) return a;
          }
        }
        return null;
      };
      return {
        platform,
        async checkHub() {
          const b = open('checkHub');
          return { externalId: options.businessId, name: b.name, callerRole: 'ADMIN', canRead: ['business', 'partners', 'shared_assets', 'people'], cannotRead: [] };
        },
        async listPartners() {
          return open('listPartners').partners.map((p) => ({ externalId: p.externalId, name: p.name, contactEmail: null, raw: {} }));
        },
        async listSharedAssets(partnerId) {
          const p = open('listSharedAssets').partners.find((x) => x.externalId === partnerId);
          return (p?.assets ?? []).map((a) => ({
            externalId: a.externalId,
            type: a.type,
            rawType: a.type.toLowerCase(),
            name: a.name,
            rawRoles: a.rawRoles,
            level: normalizeLevel(platform, a.rawRoles),
            status: 'ACTIVE' as const,
          }));
        },
        async listPartnerPeopleOnAsset(asset) {
          open(`people ${asset.externalId}`);
          const a = partnerAsset(asset.externalId);
          if (!a) return { visible: true, people: [] };
          if (typeof a.people === 'string') return { visible: false, reason: a.people };
          return {
            visible: true,
            people: a.people.map(
              (p): AssetPerson => ({ externalId: p.externalId, kind: 'HUMAN', displayName: p.name, email: p.email ?? null, rawRoles: p.roles, level: normalizeLevel(platform, p.roles) }),
            ),
          };
        },
      };
    },
  };
}
