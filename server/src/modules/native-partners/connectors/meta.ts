import { arr, clampPageSize, createHttpClient, MAX_PAGES, obj, reportGap, str, strs, type HttpClient, type Interpretation, type Query, type RawResponse } from './http';
import { normalizeLevel, normalizeMetaAccessStatus } from './normalize';
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
 * Meta Business Manager over the Graph API (native-partner-apis.md §1). Token in
 * `Authorization: Bearer` (never `access_token=` in a URL). Cursor pagination: follow
 * `paging.cursors.after` until `paging.next` is absent (§1.4; a short page is not the end).
 *
 * Inbound partners: M1 `/{business-id}/agencies` (ad accounts, Pages, catalogs, apps with
 * permitted tasks); pixels and Instagram accounts need the per-asset M7 fan-out
 * `/{asset-id}/agencies`. Partner people: M8 `/{asset-id}/assigned_users?business=<partner>`
 * with the partner's own credential.
 */
export const META_DEFAULT_BASE_URL = 'https://graph.facebook.com/v25.0';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

const THROTTLE_CODES = new Set([4, 17, 32, 341, 613]);
const NEAR_LIMIT_PERCENT = 95;

/**
 * The wait Meta indicates, in ms: the largest `estimated_time_to_regain_access` (minutes) in
 * `X-Business-Use-Case-Usage`, else `reset_time_duration` (seconds) in `X-Ad-Account-Usage`.
 */
export function metaWaitMs(headers: Headers): number | undefined {
  try {
    let minutes = 0;
    const buc = headers.get('x-business-use-case-usage');
    if (buc) {
      for (const entries of Object.values(obj(JSON.parse(buc)))) {
        for (const e of arr(entries)) minutes = Math.max(minutes, Number(obj(e).estimated_time_to_regain_access) || 0);
      }
    }
    if (minutes > 0) return minutes * 60_000;
    const acc = headers.get('x-ad-account-usage');
    const seconds = acc ? Number(obj(JSON.parse(acc)).reset_time_duration) || 0 : 0;
    return seconds > 0 ? seconds * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Highest usage percentage across `X-App-Usage` and `X-Business-Use-Case-Usage` (§1.5). */
function usagePercent(headers: Headers): number {
  let max = 0;
  const take = (o: Record<string, unknown>) => {
    for (const k of ['call_count', 'total_cputime', 'total_time']) max = Math.max(max, Number(o[k]) || 0);
  };
  try {
    const app = headers.get('x-app-usage');
    if (app) take(obj(JSON.parse(app)));
    const buc = headers.get('x-business-use-case-usage');
    if (buc) for (const entries of Object.values(obj(JSON.parse(buc)))) for (const e of arr(entries)) take(obj(e));
    const acc = headers.get('x-ad-account-usage');
    if (acc) max = Math.max(max, Number(obj(JSON.parse(acc)).acc_id_util_pct) || 0);
  } catch {
    // unreadable usage header: no pacing signal
  }
  return max;
}

export function interpretMeta(res: RawResponse): Interpretation {
  const error = obj(obj(res.body).error);
  const code = typeof error.code === 'number' ? error.code : null;
  if (res.status >= 200 && res.status < 300 && code === null && res.body !== undefined) {
    if (usagePercent(res.headers) >= NEAR_LIMIT_PERCENT) {
      return { ok: true, data: res.body, pauseMs: metaWaitMs(res.headers) ?? 5_000 };
    }
    return { ok: true, data: res.body };
  }
  const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : null;
  const message = str(error.message) ?? `Meta answered HTTP ${res.status}.`;
  const platformCode = code === null ? `http_${res.status}` : subcode === null ? String(code) : `${code}/${subcode}`;
  const fail = (kind: ConnectorError['kind'], retryable: boolean, retryAfterMs?: number): Interpretation => ({
    ok: false,
    error: new ConnectorError('meta', kind, message, { retryable, platformCode, ...(retryAfterMs ? { retryAfterMs } : {}) }),
  });
  if (code === null) {
    if (res.status === 429 || res.status >= 500) return fail(res.status === 429 ? 'rate_limited' : 'platform_error', true);
    if (res.status === 404) return fail('not_found', false);
    return fail('platform_error', false);
  }
  if (code === 190 || code === 102 || code === 2500) return fail(subcode === 463 ? 'token_expired' : 'token_invalid', false);
  if (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014)) return fail('rate_limited', true, metaWaitMs(res.headers));
  if (code === 1 || code === 2) return fail('platform_error', true);
  if (code === 10 || (code >= 200 && code <= 299)) return fail('not_permitted', false);
  if (code === 100 && subcode === 33) return fail('not_found', false);
  if (code === 803) return fail('not_found', false);
  return fail('platform_error', res.status >= 500);
}

/** Ad accounts are addressed as `act_<id>`; M1 may give the bare number (§1.7, open question 2). */
export function metaAdAccountId(id: string): string {
  return id.startsWith('act_') ? id : `act_${id}`;
}

const M1_LISTS: { field: string; type: AssetType; owned: string }[] = [
  { field: 'adaccount_permissions', type: 'AD_ACCOUNT', owned: 'owned_ad_accounts' },
  { field: 'page_permissions', type: 'PAGE', owned: 'owned_pages' },
  { field: 'productcatalog_permissions', type: 'CATALOG', owned: 'owned_product_catalogs' },
  { field: 'application_permissions', type: 'APP', owned: 'owned_apps' },
];
/** Asset types M1 does not cover: owned list → per-asset `agencies` (M7). */
const FAN_OUT: { owned: string; type: AssetType; nameField: string; fields: string }[] = [
  { owned: 'owned_pixels', type: 'PIXEL', nameField: 'name', fields: 'id,name,permitted_roles,permitted_tasks,access_status' },
  { owned: 'owned_instagram_accounts', type: 'INSTAGRAM_ACCOUNT', nameField: 'username', fields: 'id,name,permitted_tasks,access_status' },
];
/** Asset types with an `assigned_users` edge (M8). */
const PEOPLE_EDGE_TYPES = new Set<AssetType>(['AD_ACCOUNT', 'PAGE', 'PIXEL', 'CATALOG', 'INSTAGRAM_ACCOUNT']);

const AGENCY_FIELDS = ['id', 'name', 'verification_status', ...M1_LISTS.map((l) => l.field)].join(',');

function skippable(e: unknown): e is ConnectorError {
  // A missing permission or an edge the asset type lacks is a coverage gap, not a failed run (§1.6).
  return e instanceof ConnectorError && (e.kind === 'not_permitted' || e.kind === 'not_found' || (e.kind === 'platform_error' && !e.retryable));
}

export function createMetaConnector(options: ConnectorOptions): NativeConnector {
  const http: HttpClient = createHttpClient({
    platform: 'meta',
    baseUrl: options.baseUrl ?? META_DEFAULT_BASE_URL,
    authHeaders: { Authorization: `Bearer ${options.token}` },
    interpret: interpretMeta,
    options,
  });
  const business = encodeURIComponent(options.businessId);
  const limit = clampPageSize(options.pageSize, DEFAULT_PAGE, MAX_PAGE);

  async function all(path: string, query: Query = {}): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let after: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const body = obj(await http.get(path, { ...query, limit, after }));
      rows.push(...arr(body.data).map(obj));
      const paging = obj(body.paging);
      const next = str(obj(paging.cursors).after);
      if (!str(paging.next) || !next || next === after) return rows;
      after = next;
    }
    return rows;
  }

  /** The agencies rows of the latest listPartners() (one sync run), so listSharedAssets needn't re-page M1. */
  interface Snapshot {
    agencies: Map<string, Record<string, unknown>>;
    fanOut?: Promise<Map<string, SharedAsset[]>>;
    names: Map<string, Map<string, string>>;
  }
  let snapshot: Snapshot | null = null;

  async function fetchAgencies(): Promise<Map<string, Record<string, unknown>>> {
    const rows = await all(`/${business}/agencies`, { fields: AGENCY_FIELDS });
    return new Map(rows.flatMap((r) => (str(r.id) ? [[str(r.id) as string, r] as const] : [])));
  }

  async function names(edge: string, nameField = 'name'): Promise<Map<string, string>> {
    try {
      const rows = await all(`/${business}/${edge}`, { fields: `id,${nameField}` });
      return new Map(rows.flatMap((r) => (str(r.id) ? [[str(r.id) as string, str(r[nameField]) ?? ''] as const] : [])));
    } catch (e) {
      if (skippable(e)) {
        reportGap(options, `GET /{business-id}/${edge}`, null, e);
        return new Map();
      }
      throw e;
    }
  }

  /** Pixels and Instagram accounts: partner → shares, from each owned asset's agencies (M7). */
  async function fanOut(): Promise<Map<string, SharedAsset[]>> {
    const byPartner = new Map<string, SharedAsset[]>();
    for (const spec of FAN_OUT) {
      const owned = await names(spec.owned, spec.nameField);
      for (const [assetId, assetName] of owned) {
        let rows: Record<string, unknown>[];
        try {
          rows = await all(`/${encodeURIComponent(assetId)}/agencies`, { fields: spec.fields });
        } catch (e) {
          if (skippable(e)) {
            reportGap(options, `GET /{${spec.type === 'PIXEL' ? 'ads-pixel-id' : 'ig-user-id'}}/agencies`, assetId, e);
            continue;
          }
          throw e;
        }
        for (const r of rows) {
          const partnerId = str(r.id);
          if (!partnerId) continue;
          const rawRoles = [...strs(r.permitted_tasks), ...strs(r.permitted_roles)];
          const rawStatus = str(r.access_status);
          const list = byPartner.get(partnerId) ?? [];
          list.push({
            externalId: assetId,
            type: spec.type,
            rawType: spec.owned,
            name: assetName || null,
            rawRoles,
            level: normalizeLevel('meta', rawRoles),
            status: normalizeMetaAccessStatus(rawStatus),
            rawStatus,
          });
          byPartner.set(partnerId, list);
        }
      }
    }
    return byPartner;
  }

  async function probe(path: string, query: Query): Promise<boolean> {
    try {
      await http.get(path, { ...query, limit: 1 });
      return true;
    } catch (e) {
      if (e instanceof ConnectorError && (e.kind === 'not_permitted' || e.kind === 'not_found')) return false;
      throw e;
    }
  }

  return {
    platform: 'meta',

    async checkHub(): Promise<HubCheck> {
      const node = obj(await http.get(`/${business}`, { fields: 'id,name,verification_status' }));
      const canRead = ['business'];
      const cannotRead: string[] = [];
      const partners = await probe(`/${business}/agencies`, { fields: 'id' });
      (partners ? canRead : cannotRead).push('partners', 'shared_assets');
      (await probe(`/${business}/business_users`, { fields: 'id' }) ? canRead : cannotRead).push('people');
      return { externalId: str(node.id) ?? options.businessId, name: str(node.name) ?? options.businessId, callerRole: null, canRead, cannotRead };
    },

    async listPartners(): Promise<DiscoveredPartner[]> {
      const agencies = await fetchAgencies();
      snapshot = { agencies, names: new Map() };
      return [...agencies.entries()].map(([id, r]) => ({ externalId: id, name: str(r.name), contactEmail: null, raw: r }));
    },

    async listSharedAssets(partnerExternalId: string): Promise<SharedAsset[]> {
      // Within one sync run (after listPartners) each partner's M1 row and fan-out result are
      // used once; any other call reads fresh.
      const snap = snapshot?.agencies.has(partnerExternalId) ? snapshot : null;
      const row = snap ? snap.agencies.get(partnerExternalId) : (await fetchAgencies()).get(partnerExternalId);
      snap?.agencies.delete(partnerExternalId);
      const out: SharedAsset[] = [];
      if (row) {
        for (const list of M1_LISTS) {
          const perms = arr(row[list.field]).map(obj);
          if (perms.length === 0) continue;
          let assetNames = snap?.names.get(list.owned);
          if (!assetNames) {
            assetNames = await names(list.owned);
            snap?.names.set(list.owned, assetNames);
          }
          for (const p of perms) {
            const rawId = str(p.id);
            if (!rawId) continue;
            const externalId = list.type === 'AD_ACCOUNT' ? metaAdAccountId(rawId) : rawId;
            const rawRoles = [...strs(p.permitted_tasks), ...strs(p.permitted_roles)];
            const rawStatus = str(p.access_status);
            out.push({
              externalId,
              type: list.type,
              rawType: list.field,
              name: assetNames.get(externalId) ?? assetNames.get(rawId) ?? null,
              rawRoles,
              level: normalizeLevel('meta', rawRoles),
              status: normalizeMetaAccessStatus(rawStatus),
              rawStatus,
            });
          }
        }
      }
      let fan: Map<string, SharedAsset[]>;
      if (snap) {
        snap.fanOut ??= fanOut();
        try {
          fan = await snap.fanOut;
        } catch (e) {
          delete snap.fanOut;
          throw e;
        }
      } else {
        fan = await fanOut();
      }
      out.push(...(fan.get(partnerExternalId) ?? []));
      if (snap) fan.delete(partnerExternalId);
      return out;
    },

    async listPartnerPeopleOnAsset(asset): Promise<AssetPeople> {
      if (!PEOPLE_EDGE_TYPES.has(asset.type)) return { visible: false, reason: 'unsupported' };
      const id = asset.type === 'AD_ACCOUNT' ? metaAdAccountId(asset.externalId) : asset.externalId;
      try {
        const rows = await all(`/${encodeURIComponent(id)}/assigned_users`, {
          business: options.businessId,
          fields: 'id,name,user_type,business,tasks,permitted_tasks',
        });
        return {
          visible: true,
          people: rows.flatMap((r) => {
            const externalId = str(r.id);
            if (!externalId) return [];
            const rawRoles = strs(r.tasks);
            return [
              {
                externalId,
                kind: (str(r.user_type) ?? '').toUpperCase().includes('SYSTEM') ? ('SYSTEM' as const) : ('HUMAN' as const),
                displayName: str(r.name),
                email: null,
                rawRoles,
                level: normalizeLevel('meta', rawRoles),
              },
            ];
          }),
        };
      } catch (e) {
        if (!(e instanceof ConnectorError)) throw e;
        if (e.kind === 'not_permitted') return { visible: false, reason: 'not_permitted' };
        if (e.kind === 'not_found') return { visible: false, reason: 'not_visible_through_api' };
        if (e.kind === 'platform_error' && e.platformCode?.startsWith('100')) return { visible: false, reason: 'unsupported' };
        throw e;
      }
    },
  };
}
