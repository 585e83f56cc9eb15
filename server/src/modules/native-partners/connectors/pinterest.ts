import { arr, clampPageSize, createHttpClient, MAX_PAGES, obj, reportGap, str, strs, type Interpretation, type Query, type RawResponse } from './http';
import { normalizeLevel } from './normalize';
import {
  ConnectorError,
  type AssetPeople,
  type AssetType,
  type ConnectorOptions,
  type DiscoveredPartner,
  type HubCheck,
  type NativeConnector,
  type SharedAsset,
} from './types';

/**
 * Pinterest Business Access over API v5 (native-partner-apis.md §3). OAuth bearer token in
 * `Authorization`. Lists are `{ items, bookmark }`: pass `bookmark` back until it is null
 * (§3.4; `start_index` is never mixed in). Errors are `{ code, message }` with HTTP 4xx/5xx;
 * throttling is HTTP 429, whose wait is read from `Retry-After` / `X-RateLimit-Reset` when
 * present (undocumented in the spec, §3.5), else exponential backoff. A 429 about spam is not
 * retried.
 *
 * Inbound partners: P1 `partners?partner_type=INTERNAL`; their shares: P2
 * `partners/{id}/assets` per asset type; partner people: P4 `assets/{id}/members` (humans and
 * system users) with the partner's credential.
 */
export const PINTEREST_DEFAULT_BASE_URL = 'https://api.pinterest.com/v5';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 250;

/** The wait a 429 (or an exhausted window) indicates, in ms, or undefined. */
export function pinterestWaitMs(headers: Headers, now: () => number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const s = Number(retryAfter);
    if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now());
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!headers.get('x-ratelimit-reset') || !Number.isFinite(reset) || reset < 0) return undefined;
  if (reset > 1e12) return Math.max(0, reset - now()); // epoch ms
  if (reset > 1e9) return Math.max(0, reset * 1000 - now()); // epoch seconds
  return Math.round(reset * 1000); // seconds until the window resets
}

export function createPinterestInterpreter(now: () => number) {
  return function interpretPinterest(res: RawResponse): Interpretation {
    if (res.status >= 200 && res.status < 300 && res.body !== undefined) {
      // The window is used up: wait for it before the next call instead of collecting a 429.
      if (res.headers.get('x-ratelimit-remaining') === '0') {
        const pauseMs = pinterestWaitMs(res.headers, now);
        if (pauseMs) return { ok: true, data: res.body, pauseMs };
      }
      return { ok: true, data: res.body };
    }
    const body = obj(res.body);
    const message = str(body.message) ?? `Pinterest answered HTTP ${res.status}.`;
    const platformCode = typeof body.code === 'number' ? `${res.status}/${body.code}` : `http_${res.status}`;
    const fail = (kind: ConnectorError['kind'], retryable: boolean, retryAfterMs?: number): Interpretation => ({
      ok: false,
      error: new ConnectorError('pinterest', kind, message, { retryable, platformCode, ...(retryAfterMs ? { retryAfterMs } : {}) }),
    });
    // 401: the access token no longer works; the documented remedy is refresh, then re-auth (§3.6).
    if (res.status === 401) return fail('token_expired', false);
    if (res.status === 403) return fail('not_permitted', false);
    if (res.status === 404) return fail('not_found', false);
    if (res.status === 429) {
      if (/spam/i.test(message)) return fail('platform_error', false);
      return fail('rate_limited', true, pinterestWaitMs(res.headers, now));
    }
    if (res.status >= 500) return fail('platform_error', true);
    return fail('platform_error', false);
  };
}

const SHARED_TYPES: { raw: string; type: AssetType }[] = [
  { raw: 'AD_ACCOUNT', type: 'AD_ACCOUNT' },
  { raw: 'PROFILE', type: 'PINTEREST_PROFILE' },
  { raw: 'CATALOG', type: 'CATALOG' },
  { raw: 'ASSET_GROUP', type: 'ASSET_GROUP' },
];
const MEMBER_TYPES = new Set<AssetType>(['AD_ACCOUNT', 'PINTEREST_PROFILE', 'CATALOG', 'ASSET_GROUP']);

export function createPinterestConnector(options: ConnectorOptions): NativeConnector {
  const now = options.now ?? Date.now;
  const http = createHttpClient({
    platform: 'pinterest',
    baseUrl: options.baseUrl ?? PINTEREST_DEFAULT_BASE_URL,
    authHeaders: { Authorization: `Bearer ${options.token}` },
    interpret: createPinterestInterpreter(now),
    options,
  });
  const business = encodeURIComponent(options.businessId);
  const pageSize = clampPageSize(options.pageSize, DEFAULT_PAGE, MAX_PAGE);

  async function all(path: string, query: Query = {}): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let bookmark: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const body = obj(await http.get(path, { ...query, page_size: pageSize, bookmark }));
      rows.push(...arr(body.items).map(obj));
      const next = str(body.bookmark);
      if (!next || next === bookmark) break;
      bookmark = next;
    }
    return rows;
  }

  async function probe(path: string, query: Query): Promise<boolean> {
    try {
      await http.get(path, { ...query, page_size: 1 });
      return true;
    } catch (e) {
      if (e instanceof ConnectorError && (e.kind === 'not_permitted' || e.kind === 'not_found')) return false;
      throw e;
    }
  }

  const badParameter = (e: unknown): e is ConnectorError => e instanceof ConnectorError && e.kind === 'platform_error' && e.platformCode?.startsWith('400') === true;

  return {
    platform: 'pinterest',

    async checkHub(): Promise<HubCheck> {
      const employers = await all('/businesses/employers');
      const mine = employers.find((r) => str(r.id) === options.businessId || str(obj(r.user).id) === options.businessId);
      if (!mine) throw new ConnectorError('pinterest', 'not_found', 'This business is not among the businesses the credential belongs to.');
      const roles = strs(mine.business_roles);
      const canRead = ['business'];
      const cannotRead: string[] = [];
      ((await probe(`/businesses/${business}/partners`, { partner_type: 'INTERNAL' })) ? canRead : cannotRead).push('partners', 'shared_assets');
      ((await probe(`/businesses/${business}/members`, {})) ? canRead : cannotRead).push('people');
      return {
        externalId: options.businessId,
        name: str(obj(mine.user).username) ?? options.businessId,
        callerRole: roles.includes('BIZ_ADMIN') ? 'BIZ_ADMIN' : (roles[0] ?? null),
        canRead,
        cannotRead,
      };
    },

    async listPartners(): Promise<DiscoveredPartner[]> {
      const rows = await all(`/businesses/${business}/partners`, { partner_type: 'INTERNAL' });
      return rows.flatMap((r) => {
        const user = obj(r.user);
        const id = str(user.id) ?? str(r.id);
        return id ? [{ externalId: id, name: str(user.username), contactEmail: str(user.email), raw: r }] : [];
      });
    },

    async listSharedAssets(partnerExternalId: string): Promise<SharedAsset[]> {
      const out: SharedAsset[] = [];
      for (const spec of SHARED_TYPES) {
        let rows: Record<string, unknown>[];
        try {
          rows = await all(`/businesses/${business}/partners/${encodeURIComponent(partnerExternalId)}/assets`, { partner_type: 'INTERNAL', asset_type: spec.raw });
        } catch (e) {
          if (badParameter(e)) {
            reportGap(options, `GET /businesses/{business_id}/partners/{partner_id}/assets asset_type=${spec.raw}`, null, e);
            continue;
          }
          throw e;
        }
        for (const r of rows) {
          const id = str(r.asset_id);
          if (!id) continue;
          const rawRoles = strs(r.permissions);
          out.push({
            externalId: id,
            type: spec.type,
            rawType: str(r.asset_type) ?? spec.raw,
            name: str(obj(r.asset_group_info).asset_group_name),
            rawRoles,
            level: normalizeLevel('pinterest', rawRoles),
            status: 'ACTIVE', // P2 lists current grants only; there is no status field
            rawStatus: null,
          });
        }
      }
      // Catalog names come from P7 (`catalog_info.name`); ad accounts and profiles carry none here.
      if (out.some((a) => a.type === 'CATALOG')) {
        try {
          const catalogs = await all(`/businesses/${business}/assets`, { asset_type: 'CATALOG' });
          const names = new Map(catalogs.map((c) => [str(c.asset_id), str(obj(c.catalog_info).name)]));
          for (const a of out) if (a.type === 'CATALOG') a.name = names.get(a.externalId) ?? null;
        } catch (e) {
          if (!(e instanceof ConnectorError) || e.kind !== 'not_permitted') throw e;
          reportGap(options, 'GET /businesses/{business_id}/assets asset_type=CATALOG', null, e);
        }
      }
      return out;
    },

    async listPartnerPeopleOnAsset(asset): Promise<AssetPeople> {
      if (!MEMBER_TYPES.has(asset.type)) return { visible: false, reason: 'unsupported' };
      const path = `/businesses/${business}/assets/${encodeURIComponent(asset.externalId)}/members`;
      try {
        const people = [];
        for (const system of [false, true]) {
          for (const r of await all(path, { fetch_system_users: system })) {
            const user = obj(r.user);
            const id = str(user.id);
            if (!id) continue;
            const rawRoles = strs(r.permissions);
            people.push({
              externalId: id,
              kind: system ? ('SYSTEM' as const) : ('HUMAN' as const),
              displayName: str(user.username),
              email: str(user.email),
              rawRoles,
              level: normalizeLevel('pinterest', rawRoles),
            });
          }
        }
        return { visible: true, people };
      } catch (e) {
        if (!(e instanceof ConnectorError)) throw e;
        if (e.kind === 'not_permitted') return { visible: false, reason: 'not_permitted' };
        if (e.kind === 'not_found') return { visible: false, reason: 'not_visible_through_api' };
        if (badParameter(e)) return { visible: false, reason: 'unsupported' };
        throw e;
      }
    },
  };
}
