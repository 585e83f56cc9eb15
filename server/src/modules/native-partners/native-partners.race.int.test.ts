import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckForUpdatesResponse, NativeHubDto } from '@shared/native-partners';
import { activityEvents, nativeSyncJobs } from '../../db/schema/index';
import { TEST_PG_URL } from '../../../test/database';
import { createTestApp, injectAs, sessionFor, type TestApp } from '../../../test/harness';
import { buildLocalPartnerWorld } from '../../../test/local-partner-world';
import { memoryConnectors, memoryWorld } from '../../../test/native-memory';
import { insertMember } from '../../../test/world';
import { getNativeSyncWorker } from './native-partners.sync';

/** PostgreSQL only: PGlite serves one connection, so requests cannot truly overlap there. */
describe.runIf(TEST_PG_URL)('native partner races (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('20 "Sync now" at once (two Admins): one job is queued and runs, the others get 409; one completion event', async () => {
    const world = memoryWorld('tiktok');
    world.businesses['7001'] = {
      name: 'Acme BC',
      tokens: ['hub-t'],
      partners: [
        {
          externalId: '7002',
          name: 'Racer Agency',
          assets: [{ externalId: 'adv_1', type: 'AD_ACCOUNT', name: 'Ads', rawRoles: ['OPERATOR'], people: [{ externalId: 'p1', name: 'Pat', roles: ['ANALYST'] }] }],
        },
      ],
    };
    world.businesses['7002'] = { name: 'Racer Agency', tokens: ['partner-t'], partners: [] };
    t.deps.nativeConnectors = memoryConnectors(world);
    const w = await buildLocalPartnerWorld(t.deps);
    const other = await insertMember(t.deps, w.workspaceId, 'admin');
    const admin2 = await sessionFor(t.deps, other.userId, w.workspaceId);
    const as = (s: typeof admin2, method: 'POST' | 'PUT', url: string, payload?: object) => injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });

    const hub = (await as(w.sessions.admin, 'POST', '/native-hubs', { platform: 'tiktok', businessId: '7001', token: 'hub-t' })).json() as NativeHubDto;
    const found = (await as(w.sessions.admin, 'POST', `/native-hubs/${hub.id}/check-for-updates`)).json() as CheckForUpdatesResponse;
    const partnerId = found.partners[0]!.id;
    expect((await as(w.sessions.admin, 'PUT', `/native-partners/${partnerId}/credential`, { token: 'partner-t' })).statusCode).toBe(200);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => as(i % 2 ? admin2 : w.sessions.admin, 'POST', `/native-partners/${partnerId}/sync`)));
    const odd = results.filter((r) => r.statusCode !== 202 && r.statusCode !== 409).map((r) => `${r.statusCode} ${r.body}`);
    expect(odd, 'answers other than 202 and 409').toEqual([]);
    expect(results.filter((r) => r.statusCode === 202)).toHaveLength(1);
    await getNativeSyncWorker(t.deps).idle();
    const jobs = await t.deps.db.select().from(nativeSyncJobs).where(eq(nativeSyncJobs.partnerId, partnerId));
    expect(jobs.map((j) => j.status)).toEqual(['completed']);
    const completed = (await t.deps.db.select().from(activityEvents).where(eq(activityEvents.type, 'Native Sync Completed'))).filter(
      (e) => (e.data as { nativePartnerId: string }).nativePartnerId === partnerId,
    );
    expect(completed).toHaveLength(1);
  });
});
