import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../src/deps';
import { nativeAssets, nativeHubOwners, nativeHubs, nativePartnerAssets, nativePartners, nativeSyncJobs } from '../src/db/schema/index';
import { hubPurpose, partnerPurpose } from '../src/modules/native-partners/native-partners.platform';
import type { MemoryWorld } from './native-memory';

export const FIXTURE_HUB_TOKEN = 'fixture-hub-token';
export const FIXTURE_PARTNER_TOKEN = 'fixture-partner-token';

/**
 * A connected hub (App Owner `appOwnerId`) with one partner sharing one asset, inserted directly
 * (never through the routes under test), and the same business scripted in `world` so platform
 * calls succeed. The partner is onboarded unless `partnerStatus` says otherwise; `job` adds a
 * completed sync job.
 */
export async function insertNativeFixture(
  deps: AppDeps,
  world: MemoryWorld,
  workspaceId: string,
  appOwnerId: string,
  opts: { partnerStatus?: 'pending_onboarding' | 'onboarded' } = {},
) {
  const now = deps.clock.now();
  const hubId = randomUUID();
  const partnerId = randomUUID();
  const hubExt = String(Math.floor(Math.random() * 1e12));
  const partnerExt = String(Math.floor(Math.random() * 1e12));
  world.businesses[hubExt] = {
    name: `Hub ${hubExt}`,
    tokens: [FIXTURE_HUB_TOKEN],
    partners: [{ externalId: partnerExt, name: `Partner ${partnerExt}`, assets: [{ externalId: `act_${hubExt}`, type: 'AD_ACCOUNT', name: 'Ads', rawRoles: ['ADVERTISE'], people: [] }] }],
  };
  world.businesses[partnerExt] = { name: `Partner ${partnerExt}`, tokens: [FIXTURE_PARTNER_TOKEN], partners: [] };
  const onboarded = (opts.partnerStatus ?? 'onboarded') === 'onboarded';
  await deps.db.transaction(async (tx) => {
    await tx.insert(nativeHubs).values({
      id: hubId,
      workspaceId,
      platform: world.platform,
      externalId: hubExt,
      name: `Hub ${hubExt}`,
      status: 'connected',
      credentialSealed: await deps.vault.sealWorkspace(tx as never, workspaceId, hubPurpose(hubId), FIXTURE_HUB_TOKEN),
      connectedBy: appOwnerId,
      connectedAt: now,
    });
    await tx.insert(nativeHubOwners).values({ workspaceId, hubId, userId: appOwnerId, addedAt: now });
    await tx.insert(nativePartners).values({
      id: partnerId,
      workspaceId,
      hubId,
      platform: world.platform,
      externalId: partnerExt,
      name: `Partner ${partnerExt}`,
      status: onboarded ? 'onboarded' : 'pending_onboarding',
      credentialSealed: onboarded ? await deps.vault.sealWorkspace(tx as never, workspaceId, partnerPurpose(partnerId), FIXTURE_PARTNER_TOKEN) : null,
      sharedAssets: 1,
      firstSeenAt: now,
      lastSeenAt: now,
    });
    const [asset] = await tx
      .insert(nativeAssets)
      .values({ workspaceId, hubId, externalId: `act_${hubExt}`, type: 'AD_ACCOUNT', rawType: 'adaccount_permissions', name: 'Ads', firstSeenAt: now, lastSeenAt: now })
      .returning();
    await tx.insert(nativePartnerAssets).values({ workspaceId, partnerId, assetId: asset!.id, rawRoles: ['ADVERTISE'], level: 'ADVERTISE', status: 'ACTIVE', firstSeenAt: now, lastSeenAt: now });
  });
  const [job] = await deps.db
    .insert(nativeSyncJobs)
    .values({ workspaceId, partnerId, trigger: 'manual', status: 'completed', done: 1, total: 1, createdAt: now, startedAt: now, finishedAt: now })
    .returning();
  return { hubId, partnerId, hubExt, partnerExt, jobId: job!.id };
}
