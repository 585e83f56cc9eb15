import type { FakeContext, FakeResponse, ParsedRequest, PlatformHandler } from './server';
import { decodeCursor, encodeCursor } from './server';
import { businessCanReach, findAsset, findToken, partnerName, type FakeAsset, type FakeBusiness, type FakeWorld } from './world';

/**
 * Fake Meta Graph API (Business Manager edges), rendered from native-partner-apis.md §1:
 * `{ data, paging: { cursors: { before, after }, next? }, summary? }` lists (§1.4, §1.7),
 * `{ error: { message, type, code, error_subcode, fbtrace_id } }` errors (§1.6),
 * usage headers `X-App-Usage` / `X-Business-Use-Case-Usage` (§1.5).
 * Token: `Authorization: Bearer …` or `access_token=` (both accepted by Graph).
 */
const VERSION = '/v25.0';
const DEFAULT_LIMIT = 25;
const ROLE_WORDS = new Set(['ADMIN', 'ADVERTISER']);

let trace = 0;
function metaError(status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse {
  trace += 1;
  return {
    status,
    ...(headers ? { headers } : {}),
    body: { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: `AbC${trace}dEfGh` } },
  };
}
const noPermission = () =>
  metaError(403, 200, '(#200) Requires business_management permission to manage the object', {
    error_subcode: 1752041,
    error_user_title: 'Missing permission',
    error_user_msg: 'You need permission to view this business.',
  });
const unsupportedGet = (id: string) =>
  metaError(
    400,
    100,
    `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { error_subcode: 33 },
  );

function usageHeaders(businessId: string): Record<string, string> {
  return {
    'x-app-usage': JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 }),
    'x-business-use-case-usage': JSON.stringify({
      [businessId]: [{ type: 'ads_management', call_count: 1, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
    }),
  };
}

function page(req: ParsedRequest, ctx: FakeContext, rows: Record<string, unknown>[], withSummary = false): FakeResponse | Record<string, unknown> {
  const limitRaw = Number(req.query.get('limit') ?? DEFAULT_LIMIT);
  const limit = Math.min(Number.isInteger(limitRaw) && limitRaw > 0 ? limitRaw : DEFAULT_LIMIT, ctx.pageSizeCap ?? Infinity);
  const offset = decodeCursor(req.query.get('after'));
  if (offset === null) return metaError(400, 100, '(#100) Invalid cursor: after');
  const slice = rows.slice(offset, offset + limit);
  const fields = req.query.get('fields');
  const data = fields ? slice.map((r) => pick(r, fields)) : slice;
  const body: Record<string, unknown> = { data };
  if (slice.length > 0) {
    const after = encodeCursor(offset + slice.length);
    const paging: Record<string, unknown> = { cursors: { before: encodeCursor(offset), after } };
    if (offset + slice.length < rows.length) {
      const next = new URLSearchParams(req.query);
      next.delete('access_token');
      next.set('limit', String(limit));
      next.set('after', after);
      paging.next = `${ctx.baseUrl}${req.path}?${next.toString()}`;
    }
    body.paging = paging;
  }
  if (withSummary && req.query.get('summary') === 'total_count') body.summary = { total_count: rows.length };
  return body;
}

/** Graph returns only the requested fields (plus `id`). Nested field syntax is not modelled. */
function pick(row: Record<string, unknown>, fields: string): Record<string, unknown> {
  const wanted = new Set(fields.split(',').map((f) => f.trim().replace(/\{.*$/, '')));
  wanted.add('id');
  return Object.fromEntries(Object.entries(row).filter(([k]) => wanted.has(k)));
}

const grantTimes = { access_requested_time: '2025-03-02T10:15:09+0000', access_updated_time: '2025-03-02T11:02:44+0000' };

function agencyRows(world: FakeWorld, owner: FakeBusiness): Record<string, unknown>[] {
  return owner.partners.map((link) => {
    const perms = (types: FakeAsset['type'][]) =>
      link.grants.flatMap((g) => {
        const asset = owner.assets.find((a) => a.id === g.assetId);
        if (!asset || !types.includes(asset.type)) return [];
        return [{ id: asset.id, permitted_tasks: g.roles, access_status: g.status ?? 'CONFIRMED', ...grantTimes }];
      });
    return {
      id: link.businessId,
      name: partnerName(world, link),
      verification_status: world.businesses[link.businessId]?.verificationStatus ?? 'verified',
      adaccount_permissions: perms(['AD_ACCOUNT']),
      page_permissions: perms(['PAGE']),
      productcatalog_permissions: perms(['CATALOG']),
      application_permissions: perms(['APP']),
      shared_ca_count: 0,
    };
  });
}

const OWNED_EDGES: Record<string, FakeAsset['type']> = {
  owned_ad_accounts: 'AD_ACCOUNT',
  owned_pages: 'PAGE',
  owned_pixels: 'PIXEL',
  owned_product_catalogs: 'CATALOG',
  owned_instagram_accounts: 'INSTAGRAM_ACCOUNT',
  owned_apps: 'APP',
};

function ownedRow(a: FakeAsset): Record<string, unknown> {
  if (a.type === 'AD_ACCOUNT') return { id: `act_${a.id}`, account_id: a.id, name: a.name, account_status: 1, currency: 'USD' };
  if (a.type === 'INSTAGRAM_ACCOUNT') return { id: a.id, username: a.name };
  return { id: a.id, name: a.name };
}

export const metaHandler: PlatformHandler = {
  versionPrefix: VERSION,
  readToken(req) {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return { token: auth.slice(7), tokenIn: 'header' };
    const q = req.query.get('access_token');
    return q ? { token: q, tokenIn: 'query' } : { token: null, tokenIn: 'none' };
  },
  errorCodeOf(res) {
    const e = (res.body as { error?: { code?: number } } | null)?.error;
    return typeof e?.code === 'number' ? e.code : null;
  },
  failure(kind, options) {
    if (kind === 'rate_limited') {
      const minutes = Math.max(1, Math.ceil((options.retryAfterSeconds ?? 60) / 60));
      return metaError(
        400,
        80004,
        '(#80004) There have been too many calls to this ad-account. Wait a bit and try again.',
        { error_subcode: 2446079 },
        {
          'x-business-use-case-usage': JSON.stringify({
            '1029384756473829': [{ type: 'ads_management', call_count: 100, total_cputime: 30, total_time: 40, estimated_time_to_regain_access: minutes }],
          }),
          'x-app-usage': JSON.stringify({ call_count: 12, total_cputime: 3, total_time: 4 }),
        },
      );
    }
    return metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true });
  },
  handle(req, ctx) {
    const { world } = ctx;
    const { token } = this.readToken(req);
    if (!token) return metaError(400, 2500, 'An active access token must be used to query information about the current user.');
    const caller = findToken(world, token);
    if (!caller) return metaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (caller.token.expired) {
      return metaError(400, 190, 'Error validating access token: Session has expired on Tuesday, 01-Dec-26 10:00:00 PST.', { error_subcode: 463 });
    }
    const denied = new Set(caller.token.denied ?? []);
    const [id = '', edge, ...rest] = req.path.split('/').filter(Boolean);
    if (rest.length > 0) return unsupportedGet(id);
    const headers = usageHeaders(caller.businessId);
    const ok = (r: FakeResponse | Record<string, unknown>): FakeResponse =>
      'status' in r && 'body' in r ? (r as FakeResponse) : { status: 200, headers, body: r };

    const business = world.businesses[id];
    if (business) {
      if (caller.businessId !== id || denied.has('business')) return noPermission();
      if (!edge) return ok(pick({ id, name: business.name, verification_status: business.verificationStatus ?? 'verified' }, req.query.get('fields') ?? 'name'));
      if (edge === 'agencies') return denied.has('partners') ? noPermission() : ok(page(req, ctx, agencyRows(world, business), true));
      const ownedType = OWNED_EDGES[edge];
      if (ownedType) {
        if (denied.has('assets')) return noPermission();
        return ok(page(req, ctx, business.assets.filter((a) => a.type === ownedType).map(ownedRow)));
      }
      if (edge === 'business_users' || edge === 'system_users') {
        if (denied.has('people')) return noPermission();
        const system = edge === 'system_users';
        const rows = business.people
          .filter((p) => (p.kind === 'SYSTEM') === system)
          .map((p) =>
            system
              ? { id: p.id, name: p.name, role: p.businessRole ?? 'EMPLOYEE', created_time: '2024-11-05T09:12:33+0000' }
              : { id: p.id, name: p.name, email: p.email ?? '', role: p.businessRole ?? 'EMPLOYEE', two_fac_status: 'enabled', finance_permission: '', ip_permission: '', pending_email: '', title: '' },
          );
        return ok(page(req, ctx, rows));
      }
      return metaError(400, 100, `(#100) Tried accessing nonexisting field (${edge}) on node type (Business)`);
    }

    const assetId = id.startsWith('act_') ? id.slice(4) : id;
    const found = findAsset(world, assetId);
    if (!found || (found.asset.type === 'AD_ACCOUNT') !== id.startsWith('act_')) return unsupportedGet(id);
    const { asset, ownerId } = found;
    const owner = world.businesses[ownerId] as FakeBusiness;
    if (!businessCanReach(world, caller.businessId, asset.id)) return unsupportedGet(id);

    if (edge === 'agencies') {
      if (caller.businessId !== ownerId || denied.has('partners')) return noPermission();
      const split = asset.type === 'PIXEL' || asset.type === 'CATALOG';
      const rows = owner.partners.flatMap((link) => {
        const g = link.grants.find((x) => x.assetId === asset.id);
        if (!g) return [];
        const row: Record<string, unknown> = {
          id: link.businessId,
          name: partnerName(world, link),
          access_status: g.status ?? 'CONFIRMED',
          ...grantTimes,
          permitted_tasks: split ? g.roles.filter((r) => !ROLE_WORDS.has(r)) : g.roles,
        };
        if (split) row.permitted_roles = g.roles.filter((r) => ROLE_WORDS.has(r));
        return [row];
      });
      return ok(page(req, ctx, rows, true));
    }
    if (edge === 'assigned_users') {
      if (asset.type === 'APP' || asset.type === 'DATASET') return metaError(400, 100, `(#100) Tried accessing nonexisting field (assigned_users) on node type (${asset.type})`);
      const scope = req.query.get('business');
      if (!scope) return metaError(400, 100, '(#100) The parameter business is required');
      // Only the caller's own business's users: the owner cannot list a partner's people (§1.3 note).
      if (scope !== caller.businessId || denied.has('people')) return noPermission();
      const scoped = world.businesses[scope] as FakeBusiness;
      const rows = scoped.people.flatMap((p) => {
        const g = p.grants.find((x) => x.assetId === asset.id);
        if (!g) return [];
        return [
          {
            id: p.id,
            name: p.name,
            user_type: p.kind === 'SYSTEM' ? 'SYSTEM_USER' : 'BUSINESS_USER',
            business: { id: scope, name: scoped.name },
            tasks: g.roles,
            permitted_tasks: g.roles,
          },
        ];
      });
      return ok(page(req, ctx, rows, true));
    }
    if (!edge) return ok(ownedRow(asset));
    return metaError(400, 100, `(#100) Tried accessing nonexisting field (${edge})`);
  },
};
