import type { FakeContext, FakeResponse, ParsedRequest, PlatformHandler } from './server';
import { decodeCursor, encodeCursor } from './server';
import { businessCanReach, findAsset, findToken, type FakeAsset, type FakeBusiness, type FakePartnerLink, type FakeWorld } from './world';

/**
 * Fake Pinterest API v5, Business Access endpoints (native-partner-apis.md §3): list bodies
 * `{ items, bookmark }` with `bookmark: null` at the end (§3.1, §3.4), errors `{ code, message }`
 * with HTTP 4xx/5xx (§3.6), throttling = HTTP 429 with `X-RateLimit-*` headers (§3.5), every
 * answer carries `x-pinterest-rid`. Token: `Authorization: Bearer …`.
 */
const VERSION = '/v5';

const PIN_TYPE: Partial<Record<FakeAsset['type'], string>> = {
  AD_ACCOUNT: 'AD_ACCOUNT',
  PINTEREST_PROFILE: 'PROFILE',
  CATALOG: 'CATALOG',
  ASSET_GROUP: 'ASSET_GROUP',
};
const ASSET_TYPES = new Set(['AD_ACCOUNT', 'PROFILE', 'ASSET_GROUP', 'CATALOG', 'CONSUMER']);

let rid = 0;
function answer(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  rid += 1;
  return { status, headers: { 'x-pinterest-rid': `rid-${rid}`, ...headers }, body };
}
const error = (status: number, code: number, message: string, headers?: Record<string, string>) => answer(status, { code, message }, headers);
const authFailed = () => error(401, 2, 'Authentication failed.');
const forbidden = () => error(403, 29, 'You are not permitted to access that resource.');
const invalid = (what: string) => error(400, 1, `Invalid parameters: ${what}`);

function paged(req: ParsedRequest, ctx: FakeContext, rows: unknown[]): FakeResponse {
  const requested = Number(req.query.get('page_size') ?? 25);
  if (!Number.isInteger(requested) || requested < 1 || requested > 250) return invalid('page_size must be between 1 and 250');
  const size = Math.min(requested, ctx.pageSizeCap ?? Infinity);
  const offset = decodeCursor(req.query.get('bookmark'));
  if (offset === null) return invalid('bookmark');
  const items = rows.slice(offset, offset + size);
  return answer(200, { items, bookmark: offset + size < rows.length ? encodeCursor(offset + size) : null });
}

const account = (world: FakeWorld, id: string, fallback?: FakePartnerLink) => ({
  id,
  username: world.businesses[id]?.name ?? fallback?.name ?? id,
  email: world.businesses[id]?.email ?? fallback?.email ?? null,
});

function summary(owner: FakeBusiness, grants: FakePartnerLink['grants']) {
  const of = (type: FakeAsset['type']) =>
    grants.filter((g) => owner.assets.find((a) => a.id === g.assetId)?.type === type).map((g) => ({ id: g.assetId, permissions: g.roles }));
  return { ad_accounts: of('AD_ACCOUNT'), profiles: of('PINTEREST_PROFILE') };
}

export const pinterestHandler: PlatformHandler = {
  versionPrefix: VERSION,
  readToken(req) {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return { token: auth.slice(7), tokenIn: 'header' };
    return req.query.get('access_token') ? { token: null, tokenIn: 'query' } : { token: null, tokenIn: 'none' };
  },
  errorCodeOf(res) {
    const code = (res.body as { code?: number } | null)?.code;
    return res.status >= 400 && typeof code === 'number' ? code : null;
  },
  failure(kind, options) {
    if (kind === 'rate_limited') {
      return error(
        429,
        8,
        'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
        { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(options.retryAfterSeconds ?? 30) },
      );
    }
    return error(500, 3, 'Internal server error.');
  },
  handle(req, ctx) {
    const { world } = ctx;
    const { token } = this.readToken(req);
    const caller = findToken(world, token);
    if (!caller || caller.token.expired) return authFailed();
    const denied = new Set(caller.token.denied ?? []);
    const role = caller.token.role ?? 'BIZ_ADMIN';
    const me = world.businesses[caller.businessId] as FakeBusiness;
    const q = (k: string) => req.query.get(k);
    const parts = req.path.split('/').filter(Boolean);

    if (req.path === '/businesses/employers') {
      if (denied.has('business')) return forbidden();
      return paged(req, ctx, [
        {
          id: caller.businessId,
          business_roles: [role],
          user: account(world, caller.businessId),
          created_by_business: null,
          created_by_user: null,
          created_time: 1698765432100,
          is_shared_partner: false,
          assets_summary: null,
        },
      ]);
    }
    if (parts[0] !== 'businesses' || !parts[1]) return error(404, 404, 'Not found.');
    const bid = parts[1];
    if (bid !== caller.businessId) return forbidden();
    // EMPLOYEE "cannot see details about other employees, partners, or other assets" (§3.2).
    const adminOnly = role !== 'BIZ_ADMIN';
    const rest = parts.slice(2).join('/');

    if (rest === 'partners') {
      if (adminOnly || denied.has('partners')) return forbidden();
      const type = q('partner_type') ?? 'INTERNAL';
      if (type !== 'INTERNAL' && type !== 'EXTERNAL') return invalid('partner_type');
      const withSummary = q('assets_summary') === 'true';
      const links: { id: string; link: FakePartnerLink; owner: FakeBusiness }[] =
        type === 'INTERNAL'
          ? me.partners.map((link) => ({ id: link.businessId, link, owner: me }))
          : Object.entries(world.businesses).flatMap(([id, b]) => {
              const link = b.partners.find((p) => p.businessId === bid);
              return link ? [{ id, link, owner: b }] : [];
            });
      return paged(
        req,
        ctx,
        links.map(({ id, link, owner }) => ({
          id,
          business_roles: ['PARTNER'],
          user: type === 'INTERNAL' ? account(world, id, link) : account(world, id),
          created_by_business: { id: bid, username: me.name, email: null },
          created_by_user: null,
          created_time: 1712345678901,
          is_shared_partner: false,
          assets_summary: withSummary ? summary(owner, link.grants) : null,
        })),
      );
    }
    if (parts[2] === 'partners' && parts[3] && parts[4] === 'assets' && parts.length === 5) {
      if (adminOnly || denied.has('partners')) return forbidden();
      const type = q('partner_type') ?? 'INTERNAL';
      const assetType = q('asset_type') ?? 'AD_ACCOUNT';
      if (!ASSET_TYPES.has(assetType)) return invalid('asset_type');
      const [owner, link] =
        type === 'INTERNAL'
          ? [me, me.partners.find((p) => p.businessId === parts[3])]
          : [world.businesses[parts[3]], world.businesses[parts[3]]?.partners.find((p) => p.businessId === bid)];
      if (!owner || !link) return error(404, 4, 'Partner not found.');
      const rows = link.grants.flatMap((g) => {
        const asset = owner.assets.find((a) => a.id === g.assetId);
        if (!asset || PIN_TYPE[asset.type] !== assetType) return [];
        const group = asset.type === 'ASSET_GROUP' ? { id: asset.id, asset_group_name: asset.name, asset_group_description: '', asset_group_types: [] } : null;
        return [{ asset_id: asset.id, asset_type: assetType, permissions: g.roles, asset_group_info: group }];
      });
      return paged(req, ctx, rows);
    }
    if (parts[2] === 'assets' && parts[3] && (parts[4] === 'partners' || parts[4] === 'members') && parts.length === 5) {
      const assetId = parts[3];
      const found = findAsset(world, assetId);
      if (!found || !businessCanReach(world, bid, assetId)) return error(404, 4, 'Asset not found.');
      if (parts[4] === 'partners') {
        if (adminOnly || denied.has('partners')) return forbidden();
        // "If the asset has been shared with you, an empty array will be returned."
        const rows =
          found.ownerId !== bid
            ? []
            : me.partners.flatMap((p) => {
                const g = p.grants.find((x) => x.assetId === assetId);
                return g ? [{ user: account(world, p.businessId, p), permissions: g.roles }] : [];
              });
        return paged(req, ctx, rows);
      }
      if (adminOnly || denied.has('people')) return forbidden();
      const system = q('fetch_system_users') === 'true';
      const rows = me.people.flatMap((p) => {
        const g = p.grants.find((x) => x.assetId === assetId);
        if (!g || (p.kind === 'SYSTEM') !== system) return [];
        return [{ user: { id: p.id, username: p.name, email: p.email ?? null }, permissions: g.roles }];
      });
      return paged(req, ctx, rows);
    }
    if (rest === 'members') {
      if (adminOnly || denied.has('people')) return forbidden();
      const system = q('fetch_system_users') === 'true';
      const rows = me.people
        .filter((p) => (p.kind === 'SYSTEM') === system)
        .map((p) => ({
          id: p.id,
          business_roles: [p.businessRole ?? 'EMPLOYEE'],
          user: { id: p.id, username: p.name, email: p.email ?? null },
          created_by_business: { id: bid, username: me.name, email: null },
          created_by_user: null,
          created_time: 1701234567890,
          is_shared_partner: false,
          assets_summary: null,
        }));
      return paged(req, ctx, rows);
    }
    if (rest === 'assets') {
      if (denied.has('assets')) return forbidden();
      const assetType = q('asset_type');
      if (assetType && !ASSET_TYPES.has(assetType)) return invalid('asset_type');
      const reachable = Object.values(world.businesses)
        .flatMap((b) => b.assets)
        .filter((a) => businessCanReach(world, bid, a.id) && (!assetType || PIN_TYPE[a.type] === assetType));
      return paged(
        req,
        ctx,
        reachable.flatMap((a) => {
          const t = PIN_TYPE[a.type];
          if (!t) return [];
          return [{ asset_id: a.id, asset_type: t, asset_group_info: null, ...(t === 'CATALOG' ? { catalog_info: { id: a.id, name: a.name, catalog_type: 'PRODUCT' } } : {}) }];
        }),
      );
    }
    return error(404, 404, 'Not found.');
  },
};
