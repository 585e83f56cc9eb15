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
 * TikTok Business Center over the Marketing API v1.3 (native-partner-apis.md §2). Token in the
 * `Access-Token` header. Every answer is `{ code, message, request_id, data }`, usually HTTP 200
 * even on error: branch on `code` (§2.1). Page-number paging until `page >= total_page` (§2.4).
 * Throttling is `code 40100` (and 40016/40132/40133) with no headers: retry after a second, then
 * back off exponentially (§2.5).
 *
 * Inbound partners: T2 `/bc/partner/get/`; their shares: T3 `/bc/partner/asset/get/`
 * `share_type=SHARING` per asset type T3 accepts with a role (ADVERTISER, CATALOG). Partner
 * people: T5 `/bc/asset/member/get/` with the partner's credential and bc_id.
 */
export const TIKTOK_DEFAULT_BASE_URL = 'https://business-api.tiktok.com/open_api/v1.3';
const MAX_PAGE = 50;
const MAX_PAGE_MEMBERS = 20;

const THROTTLE = new Set([40100, 40016, 40132, 40133]);
const TOKEN_INVALID = new Set([40104, 40105]);

export function interpretTikTok(res: RawResponse): Interpretation {
  const body = obj(res.body);
  const code = typeof body.code === 'number' ? body.code : null;
  if (res.status === 200 && (code === 0 || code === 20001)) return { ok: true, data: body.data };
  const message = str(body.message) ?? `TikTok answered HTTP ${res.status}.`;
  const platformCode = code === null ? `http_${res.status}` : String(code);
  const fail = (kind: ConnectorError['kind'], retryable: boolean): Interpretation => ({
    ok: false,
    error: new ConnectorError('tiktok', kind, message, { retryable, platformCode }),
  });
  if (code === null) {
    if (res.status === 429) return fail('rate_limited', true);
    if (res.status >= 500) return fail('platform_error', true);
    if (res.status === 404) return fail('not_found', false);
    return fail('platform_error', false);
  }
  if (THROTTLE.has(code)) return fail('rate_limited', true);
  if (code === 40102) return fail('token_expired', false);
  if (TOKEN_INVALID.has(code)) return fail('token_invalid', false);
  if (code === 40001) return fail('not_permitted', false);
  if (code === 40007) return fail('not_found', false);
  if (code >= 50000 && code < 60000) return fail('platform_error', true);
  return fail('platform_error', false);
}

/** Asset types with a role in T3 (the others T3 accepts carry no role or are marked invalid, §2.3). */
const SHARED_TYPES: { raw: string; type: AssetType }[] = [
  { raw: 'ADVERTISER', type: 'AD_ACCOUNT' },
  { raw: 'CATALOG', type: 'CATALOG' },
];
/** Asset types T5 accepts. */
const MEMBER_TYPES: Partial<Record<AssetType, string>> = { AD_ACCOUNT: 'ADVERTISER', CATALOG: 'CATALOG', LEAD_LIBRARY: 'LEAD' };

function rolesOf(row: Record<string, unknown>): string[] {
  return [
    ...[row.advertiser_role, row.catalog_role, row.store_role].flatMap((v) => (typeof v === 'string' && v ? [v] : [])),
    ...strs(row.business_account_roles),
  ];
}

export function createTikTokConnector(options: ConnectorOptions): NativeConnector {
  const http = createHttpClient({
    platform: 'tiktok',
    baseUrl: options.baseUrl ?? TIKTOK_DEFAULT_BASE_URL,
    authHeaders: { 'Access-Token': options.token },
    interpret: interpretTikTok,
    options,
  });
  const bcId = options.businessId;

  async function all(path: string, query: Query, max = MAX_PAGE): Promise<Record<string, unknown>[]> {
    const pageSize = clampPageSize(options.pageSize, max, max);
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const data = obj(await http.get(path, { ...query, page, page_size: pageSize }));
      const list = arr(data.list).map(obj);
      rows.push(...list);
      const totalPage = Number(obj(data.page_info).total_page);
      if (!Number.isFinite(totalPage) || page >= totalPage || list.length === 0) break;
    }
    return rows;
  }

  async function probe(path: string): Promise<boolean> {
    try {
      await http.get(path, { bc_id: bcId, page: 1, page_size: 1 });
      return true;
    } catch (e) {
      if (e instanceof ConnectorError && (e.kind === 'not_permitted' || e.kind === 'not_found')) return false;
      throw e;
    }
  }

  return {
    platform: 'tiktok',

    async checkHub(): Promise<HubCheck> {
      const bcs = await all('/bc/get/', { bc_id: bcId });
      const mine = bcs.find((r) => str(obj(r.bc_info).bc_id) === bcId);
      if (!mine) throw new ConnectorError('tiktok', 'not_found', 'This Business Center is not visible to the credential.');
      const canRead = ['business'];
      const cannotRead: string[] = [];
      ((await probe('/bc/partner/get/')) ? canRead : cannotRead).push('partners', 'shared_assets');
      ((await probe('/bc/member/get/')) ? canRead : cannotRead).push('people');
      return { externalId: bcId, name: str(obj(mine.bc_info).name) ?? bcId, callerRole: str(mine.user_role), canRead, cannotRead };
    },

    async listPartners(): Promise<DiscoveredPartner[]> {
      const rows = await all('/bc/partner/get/', { bc_id: bcId });
      const seen = new Set<string>();
      return rows.flatMap((r) => {
        const id = str(r.bc_id);
        if (!id || seen.has(id)) return []; // page-number paging can repeat rows when data shifts (§2.4)
        seen.add(id);
        return [{ externalId: id, name: str(r.bc_name), contactEmail: null, raw: r }];
      });
    },

    async listSharedAssets(partnerExternalId: string): Promise<SharedAsset[]> {
      const out = new Map<string, SharedAsset>();
      for (const spec of SHARED_TYPES) {
        let rows: Record<string, unknown>[];
        try {
          rows = await all('/bc/partner/asset/get/', { bc_id: bcId, partner_id: partnerExternalId, asset_type: spec.raw, share_type: 'SHARING' });
        } catch (e) {
          // 40002: this asset type is not accepted here; a coverage gap, not a failed sync (§2.6).
          if (e instanceof ConnectorError && e.platformCode === '40002') {
            reportGap(options, `GET /bc/partner/asset/get/ asset_type=${spec.raw}`, null, e);
            continue;
          }
          throw e;
        }
        for (const r of rows) {
          const id = str(r.asset_id);
          if (!id || out.has(`${spec.raw}:${id}`)) continue;
          const rawRoles = rolesOf(r);
          out.set(`${spec.raw}:${id}`, {
            externalId: id,
            type: spec.type,
            rawType: str(r.asset_type) ?? spec.raw,
            name: str(r.asset_name),
            rawRoles,
            level: normalizeLevel('tiktok', rawRoles),
            status: 'ACTIVE', // T3 lists current shares only; it has no status field
            rawStatus: null,
          });
        }
      }
      return [...out.values()];
    },

    async listPartnerPeopleOnAsset(asset): Promise<AssetPeople> {
      const rawType = MEMBER_TYPES[asset.type];
      if (!rawType) return { visible: false, reason: 'unsupported' };
      try {
        const rows = await all('/bc/asset/member/get/', { bc_id: bcId, asset_type: rawType, asset_id: asset.externalId }, MAX_PAGE_MEMBERS);
        return {
          visible: true,
          people: rows.flatMap((r) => {
            const id = str(r.user_id);
            if (!id) return [];
            const rawRoles = rolesOf(r);
            return [{ externalId: id, kind: 'HUMAN' as const, displayName: str(r.user_name) || null, email: str(r.user_email) || null, rawRoles, level: normalizeLevel('tiktok', rawRoles) }];
          }),
        };
      } catch (e) {
        if (!(e instanceof ConnectorError)) throw e;
        if (e.kind === 'not_permitted') return { visible: false, reason: 'not_permitted' };
        if (e.kind === 'not_found') return { visible: false, reason: 'not_visible_through_api' };
        if (e.platformCode === '40002') return { visible: false, reason: 'unsupported' };
        throw e;
      }
    },
  };
}
