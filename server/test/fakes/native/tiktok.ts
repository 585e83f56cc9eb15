import type { FakeContext, FakeResponse, ParsedRequest, PlatformHandler } from './server';
import { businessCanReach, findAsset, findToken, partnerName, type FakeAsset, type FakeBusiness, type FakeGrant } from './world';

/**
 * Fake TikTok API for Business, Business Center endpoints (native-partner-apis.md §2):
 * every answer is the envelope `{ code, message, request_id, data }` with HTTP 200, errors
 * included (§2.1, §2.6); page-number paging with `data.page_info` (§2.4); throttling is
 * `code: 40100` in a 200, with no headers (§2.5). Token in the `Access-Token` header only;
 * paths need their trailing slash (else `404 page not found`).
 */
const VERSION = '/open_api/v1.3';

/** World asset types → TikTok `asset_type` (enum BCAsset). */
const TT_TYPE: Partial<Record<FakeAsset['type'], string>> = {
  AD_ACCOUNT: 'ADVERTISER',
  CATALOG: 'CATALOG',
  PIXEL: 'PIXEL',
  TIKTOK_ACCOUNT: 'TT_ACCOUNT',
  LEAD_LIBRARY: 'LEAD',
  TIKTOK_SHOP: 'TIKTOK_SHOP',
  DOMAIN: 'DOMAIN',
};
/** Types each endpoint's spec fragment marks valid (§2.3). */
const T3_VALID = new Set(['ADVERTISER', 'CATALOG', 'DOMAIN']);
const T5_VALID = new Set(['ADVERTISER', 'CATALOG', 'LEAD']);

let seq = 0;
function envelope(code: number, message: string, data: unknown = {}): FakeResponse {
  seq += 1;
  return { status: 200, body: { code, message, request_id: `20251104093512${String(seq).padStart(12, '0')}`, data } };
}
const ok = (data: unknown) => envelope(0, 'OK', data);
const noPermission = () => envelope(40001, 'No permission to perform the related operation.');
const paramError = (what: string) => envelope(40002, what);

function paged(req: ParsedRequest, ctx: FakeContext, rows: unknown[], max = 50): FakeResponse {
  const page = Number(req.query.get('page') ?? 1);
  const requested = Number(req.query.get('page_size') ?? 10);
  if (!Number.isInteger(page) || page < 1) return paramError('page: Must be greater than or equal to 1.');
  if (!Number.isInteger(requested) || requested < 1 || requested > max) return paramError(`page_size: Must be between 1 and ${max}.`);
  const size = Math.min(requested, ctx.pageSizeCap ?? Infinity);
  const list = rows.slice((page - 1) * size, page * size);
  return ok({ list, page_info: { page, page_size: size, total_number: rows.length, total_page: Math.ceil(rows.length / size) } });
}

function roleFields(ttType: string, g: FakeGrant): Record<string, unknown> {
  const role = g.roles[0] ?? '';
  if (ttType === 'CATALOG') return { catalog_role: role };
  if (ttType === 'ADVERTISER') return { advertiser_role: role, advertiser_account_type: 'AUCTION' };
  return {};
}

export const tiktokHandler: PlatformHandler = {
  versionPrefix: VERSION,
  readToken(req) {
    const h = req.headers['access-token'];
    if (typeof h === 'string' && h) return { token: h, tokenIn: 'header' };
    const q = req.query.get('access_token') ?? req.query.get('Access-Token');
    return q ? { token: null, tokenIn: 'query' } : { token: null, tokenIn: 'none' };
  },
  errorCodeOf(res) {
    const code = (res.body as { code?: number } | null)?.code;
    return typeof code === 'number' && code !== 0 ? code : null;
  },
  failure(kind) {
    return kind === 'rate_limited' ? envelope(40100, 'Requests made too frequently.') : envelope(50002, 'Internal service error, please try again later.');
  },
  handle(req, ctx) {
    if (!req.path.endsWith('/')) return { status: 404, body: '404 page not found' };
    const { world } = ctx;
    const { token } = this.readToken(req);
    if (!token) return envelope(40104, 'Access token is null, set it in http header with key Access-Token.');
    const caller = findToken(world, token);
    if (!caller) return envelope(40105, 'Access token is incorrect or has been revoked.');
    if (caller.token.expired) return envelope(40102, 'Access token has expired.');
    const denied = new Set(caller.token.denied ?? []);
    const role = caller.token.role ?? 'ADMIN';
    const q = (k: string) => req.query.get(k);
    const me = world.businesses[caller.businessId] as FakeBusiness;

    if (req.path === '/bc/get/') {
      if (denied.has('business')) return noPermission();
      const wanted = q('bc_id');
      const rows =
        wanted && wanted !== caller.businessId
          ? []
          : [
              {
                bc_info: { bc_id: caller.businessId, name: me.name, company: me.name, currency: 'USD', registered_area: 'US', status: 'ENABLE', timezone: 'America/Los_Angeles', type: 'NORMAL' },
                user_role: role,
                ext_user_role: { finance_role: 'MANAGER' },
              },
            ];
      return paged(req, ctx, rows);
    }

    // Everything else is scoped to one BC the caller administers.
    const bcId = q('bc_id');
    if (!bcId) return paramError('bc_id: Missing data for required field.');
    if (bcId !== caller.businessId) return noPermission();
    const adminOnly = role !== 'ADMIN';

    switch (req.path) {
      case '/bc/partner/get/': {
        if (adminOnly || denied.has('partners')) return noPermission();
        return paged(req, ctx, me.partners.map((p) => ({ bc_id: p.businessId, bc_name: partnerName(world, p) })));
      }
      case '/bc/partner/asset/get/': {
        if (adminOnly || denied.has('partners')) return noPermission();
        const partnerId = q('partner_id');
        const assetType = q('asset_type');
        const shareType = q('share_type');
        if (!partnerId) return paramError('partner_id: Missing data for required field.');
        if (!assetType || !T3_VALID.has(assetType)) return paramError('asset_type: Invalid enum value.');
        if (shareType !== 'SHARING' && shareType !== 'SHARED') return paramError('share_type: Invalid enum value.');
        // SHARING: our assets we shared to the partner; SHARED: the partner's assets shared to us.
        const [owner, link] =
          shareType === 'SHARING'
            ? [me, me.partners.find((p) => p.businessId === partnerId)]
            : [world.businesses[partnerId], world.businesses[partnerId]?.partners.find((p) => p.businessId === caller.businessId)];
        const rows = (link?.grants ?? []).flatMap((g) => {
          const asset = owner?.assets.find((a) => a.id === g.assetId);
          if (!asset || TT_TYPE[asset.type] !== assetType) return [];
          return [{ asset_id: asset.id, asset_type: assetType, asset_name: asset.name, ...roleFields(assetType, g) }];
        });
        return paged(req, ctx, rows);
      }
      case '/bc/asset/partner/get/': {
        if (adminOnly || denied.has('partners')) return noPermission();
        const assetId = q('asset_id');
        const asset = me.assets.find((a) => a.id === assetId);
        if (!asset) return envelope(40007, 'The asset does not exist.');
        const rows = me.partners.filter((p) => p.grants.some((g) => g.assetId === asset.id)).map((p) => ({ bc_id: p.businessId, bc_name: partnerName(world, p) }));
        return paged(req, ctx, rows);
      }
      case '/bc/asset/member/get/': {
        if (adminOnly || denied.has('people')) return noPermission();
        const assetType = q('asset_type');
        const assetId = q('asset_id');
        if (!assetType || !T5_VALID.has(assetType)) return paramError('asset_type: Invalid enum value.');
        if (!assetId) return paramError('asset_id: Missing data for required field.');
        const found = findAsset(world, assetId);
        if (!found || TT_TYPE[found.asset.type] !== assetType) return envelope(40007, 'The asset does not exist.');
        if (!businessCanReach(world, caller.businessId, assetId)) return noPermission();
        const rows = me.people.flatMap((p) => {
          const g = p.grants.find((x) => x.assetId === assetId);
          if (!g) return [];
          return [{ user_id: p.id, user_name: p.name, user_email: p.email ?? '', ...roleFields(assetType, g) }];
        });
        return paged(req, ctx, rows, 20);
      }
      case '/bc/member/get/': {
        if (adminOnly || denied.has('people')) return noPermission();
        const rows = me.people.map((p) => ({
          user_id: p.id,
          user_name: p.name,
          user_email: p.email ?? '',
          user_role: p.businessRole ?? 'STANDARD',
          relation_status: 'BOUND',
          ext_user_role: { finance_role: '' },
        }));
        return paged(req, ctx, rows);
      }
      default:
        return { status: 404, body: '404 page not found' };
    }
  },
};
