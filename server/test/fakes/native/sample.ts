import type { AssetType, NativePlatform } from '../../../src/modules/native-partners/connectors/types';
import type { FakeAsset, FakeWorld } from './world';

/**
 * Ready-made worlds for integration tests, the browser test, the benchmark and the demo.
 * Ids look like each platform's (numeric strings), roles are each platform's raw words.
 */
export interface SampleWorld {
  world: FakeWorld;
  /** Our business (the hub) and a credential for it. */
  hub: { businessId: string; token: string; name: string };
  /** Partners of the hub: their business id, a credential of their own, their name. */
  partners: { businessId: string; token: string; name: string }[];
}

const ROLES: Record<NativePlatform, { admin: string[]; advertise: string[]; analyze: string[] }> = {
  meta: { admin: ['MANAGE', 'ADVERTISE', 'ANALYZE'], advertise: ['ADVERTISE', 'ANALYZE'], analyze: ['ANALYZE'] },
  tiktok: { admin: ['ADMIN'], advertise: ['OPERATOR'], analyze: ['ANALYST'] },
  pinterest: { admin: ['ADMIN'], advertise: ['CAMPAIGN_MANAGER', 'ANALYST'], analyze: ['ANALYST'] },
};
const SECOND_TYPE: Record<NativePlatform, AssetType> = { meta: 'PAGE', tiktok: 'CATALOG', pinterest: 'PINTEREST_PROFILE' };
const PREFIX: Record<NativePlatform, string> = { meta: '11', tiktok: '73', pinterest: '54' };

const id = (platform: NativePlatform, kind: number, n: number) => `${PREFIX[platform]}${String(kind).padStart(2, '0')}${String(n).padStart(12, '0')}`;

/**
 * Acme (the hub) shares two assets with Northwind (whose people hold them), one with Lumen;
 * Quiet Partner has none (so it cannot be added, R-NP-01).
 */
export function sampleWorld(platform: NativePlatform): SampleWorld {
  const r = ROLES[platform];
  const acme = id(platform, 1, 1);
  const northwind = id(platform, 2, 1);
  const lumen = id(platform, 2, 2);
  const quiet = id(platform, 2, 3);
  const ad1 = id(platform, 3, 1);
  const ad2 = id(platform, 3, 2);
  const second = id(platform, 3, 3);
  const world: FakeWorld = {
    businesses: {
      [acme]: {
        name: 'Acme Outdoor',
        email: 'ads@acme-outdoor.example',
        tokens: { [`${platform}-acme-token`]: {} },
        assets: [
          { id: ad1, type: 'AD_ACCOUNT', name: 'Acme US Prospecting' },
          { id: ad2, type: 'AD_ACCOUNT', name: 'Acme CA Retargeting' },
          { id: second, type: SECOND_TYPE[platform], name: 'Acme Outdoor' },
        ],
        partners: [
          { businessId: northwind, grants: [{ assetId: ad1, roles: r.admin }, { assetId: second, roles: r.analyze }] },
          { businessId: lumen, grants: [{ assetId: ad2, roles: r.analyze }] },
          { businessId: quiet, grants: [] },
        ],
        people: [{ id: id(platform, 4, 1), name: 'Dana Lee', email: 'dana.lee@acme-outdoor.example', businessRole: 'ADMIN', grants: [{ assetId: ad1, roles: r.admin }] }],
      },
      [northwind]: {
        name: 'Northwind Media Agency',
        email: 'ads@northwind.example',
        tokens: { [`${platform}-northwind-token`]: {} },
        assets: [],
        partners: [],
        people: [
          { id: id(platform, 5, 1), name: 'Priya Shah', email: 'priya@northwind.example', grants: [{ assetId: ad1, roles: r.advertise }, { assetId: second, roles: r.analyze }] },
          { id: id(platform, 5, 2), name: 'Leo Park', email: 'leo@northwind.example', grants: [{ assetId: ad1, roles: r.analyze }] },
          { id: id(platform, 5, 3), name: 'Northwind Reporting', kind: 'SYSTEM', grants: [{ assetId: ad1, roles: r.analyze }] },
        ],
      },
      [lumen]: {
        name: 'Lumen Planning Co',
        email: 'hello@lumen.example',
        tokens: { [`${platform}-lumen-token`]: {} },
        assets: [],
        partners: [],
        people: [{ id: id(platform, 5, 4), name: 'Sam Ortiz', email: 'sam@lumen.example', grants: [{ assetId: ad2, roles: r.analyze }] }],
      },
      [quiet]: { name: 'Quiet Partner', tokens: { [`${platform}-quiet-token`]: {} }, assets: [], partners: [], people: [] },
    },
  };
  return {
    world,
    hub: { businessId: acme, token: `${platform}-acme-token`, name: 'Acme Outdoor' },
    partners: [
      { businessId: northwind, token: `${platform}-northwind-token`, name: 'Northwind Media Agency' },
      { businessId: lumen, token: `${platform}-lumen-token`, name: 'Lumen Planning Co' },
      { businessId: quiet, token: `${platform}-quiet-token`, name: 'Quiet Partner' },
    ],
  };
}

/**
 * One hub sharing `assets` ad accounts with one partner whose `people` people are spread evenly
 * over them (default 10,000 people over 500 assets = 20 per asset, one TikTok page).
 */
export function largeWorld(platform: NativePlatform, size: { assets?: number; people?: number } = {}): SampleWorld {
  const assetCount = size.assets ?? 500;
  const peopleCount = size.people ?? 10_000;
  const r = ROLES[platform];
  const hub = id(platform, 1, 9);
  const partner = id(platform, 2, 9);
  const assets: FakeAsset[] = Array.from({ length: assetCount }, (_, i) => ({ id: id(platform, 6, i + 1), type: 'AD_ACCOUNT', name: `Ad account ${i + 1}` }));
  const levels = [r.admin, r.advertise, r.analyze];
  const world: FakeWorld = {
    businesses: {
      [hub]: {
        name: 'Bench Hub',
        tokens: { [`${platform}-bench-hub`]: {} },
        assets,
        partners: [{ businessId: partner, grants: assets.map((a, i) => ({ assetId: a.id, roles: levels[i % 3]! })) }],
        people: [],
      },
      [partner]: {
        name: 'Bench Partner',
        tokens: { [`${platform}-bench-partner`]: {} },
        assets: [],
        partners: [],
        people: Array.from({ length: peopleCount }, (_, i) => ({
          id: id(platform, 7, i + 1),
          name: `Person ${i + 1}`,
          email: `person${i + 1}@partner.example`,
          grants: [{ assetId: assets[i % assetCount]!.id, roles: levels[i % 3]! }],
        })),
      },
    },
  };
  return {
    world,
    hub: { businessId: hub, token: `${platform}-bench-hub`, name: 'Bench Hub' },
    partners: [{ businessId: partner, token: `${platform}-bench-partner`, name: 'Bench Partner' }],
  };
}
