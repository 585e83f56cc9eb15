import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, NATIVE_PLATFORMS, type NativeConnector, type NativePlatform } from '../../../src/modules/native-partners/connectors/index';
import { createFakeNativePlatform, largeWorld, sampleWorld, type FakePlatformServer } from './index';

/**
 * The ready-made worlds the app's tests, browser test and benchmark use: every platform's fake,
 * driven through its connector, tells the same story.
 */
const open: FakePlatformServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function start(platform: NativePlatform, sample = sampleWorld(platform)) {
  const fake = await createFakeNativePlatform(platform, sample.world);
  open.push(fake);
  const connect = (businessId: string, token: string): NativeConnector =>
    createConnector(platform, { baseUrl: fake.baseUrl, businessId, token, sleep: async () => {} });
  return { fake, sample, connect };
}

describe.each(NATIVE_PLATFORMS)('sample world on %s', (platform) => {
  it('an unknown path answers like the platform (not found), never a 500', async () => {
    const { fake, sample } = await start(platform);
    const res = await fetch(`${fake.baseUrl}/no/such/thing/`, { headers: { Authorization: `Bearer ${sample.hub.token}`, 'Access-Token': sample.hub.token } });
    expect(res.status).toBeLessThan(500);
  });

  it('hub check, three partners, Quiet Partner shares nothing, Northwind’s people are visible with its own credential', async () => {
    const { sample, connect } = await start(platform);
    const hub = connect(sample.hub.businessId, sample.hub.token);
    expect(await hub.checkHub()).toMatchObject({ externalId: sample.hub.businessId, cannotRead: [] });
    const partners = await hub.listPartners();
    expect(partners.map((p) => p.externalId)).toEqual(sample.partners.map((p) => p.businessId));
    expect(partners.map((p) => p.name)).toEqual(sample.partners.map((p) => p.name));

    const [northwind, lumen, quiet] = sample.partners;
    expect(await hub.listSharedAssets(quiet!.businessId)).toEqual([]);
    expect(await hub.listSharedAssets(lumen!.businessId)).toEqual([expect.objectContaining({ type: 'AD_ACCOUNT', level: 'ANALYZE' })]);
    const shared = await hub.listSharedAssets(northwind!.businessId);
    expect(shared.map((a) => a.level).sort()).toEqual(['ADMIN', 'ANALYZE']);

    const adAccount = shared.find((a) => a.type === 'AD_ACCOUNT')!;
    const people = await connect(northwind!.businessId, northwind!.token).listPartnerPeopleOnAsset(adAccount);
    expect(people.visible).toBe(true);
    if (people.visible) expect(people.people.map((p) => p.displayName).sort()).toEqual(['Leo Park', 'Northwind Reporting', 'Priya Shah']);
    // The hub's credential cannot see them.
    expect(await connect(northwind!.businessId, sample.hub.token).listPartnerPeopleOnAsset(adAccount)).toMatchObject({ visible: false });
  });
});

describe.each(NATIVE_PLATFORMS)('large world on %s', (platform) => {
  it('spreads the partner’s people evenly over the shared assets', async () => {
    const { sample, connect } = await start(platform, largeWorld(platform, { assets: 6, people: 60 }));
    const hub = connect(sample.hub.businessId, sample.hub.token);
    const [partner] = await hub.listPartners();
    const assets = await hub.listSharedAssets(partner!.externalId);
    expect(assets).toHaveLength(6);
    const partnerSide = connect(sample.partners[0]!.businessId, sample.partners[0]!.token);
    let total = 0;
    for (const a of assets) {
      const people = await partnerSide.listPartnerPeopleOnAsset(a);
      if (people.visible) total += people.people.length;
    }
    expect(total).toBe(60);
  });
});
