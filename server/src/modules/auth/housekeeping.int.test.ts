import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailures, sessions } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { createTestApp, createWorkspace, sessionFor, type TestApp } from '../../../test/harness';
import { runHousekeeping } from './housekeeping';

describe('housekeeping', () => {
  const clock = manualClock(new Date('2026-06-01T12:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('drops login failures older than a day and sessions ended or expired over 30 days ago, and nothing else', async () => {
    const now = clock.now().getTime();
    await t.deps.db.insert(loginFailures).values([
      { key: 'ip:1', createdAt: new Date(now - 25 * 3_600_000) },
      { key: 'ip:1', createdAt: new Date(now - 2 * 3_600_000) },
    ]);
    const { workspace, owner } = await createWorkspace(t.deps);
    await sessionFor(t.deps, owner.id, workspace.id);
    expect(await runHousekeeping(t.deps)).toEqual({ loginFailures: 1, sessions: 0 });

    clock.advance(31 * 24 * 3_600_000); // the first session's absolute expiry is now over 30 days past
    const fresh = await sessionFor(t.deps, owner.id, workspace.id);
    expect(await runHousekeeping(t.deps)).toEqual({ loginFailures: 1, sessions: 1 });
    const left = await t.deps.db.select({ id: sessions.id }).from(sessions);
    expect(left.map((r) => r.id)).toEqual([(await t.deps.db.select({ id: sessions.id }).from(sessions))[0]!.id]);
    expect(left).toHaveLength(1);
    expect(fresh.token).toBeTruthy();
  });
});
