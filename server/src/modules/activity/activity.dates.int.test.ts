import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';

/** Dates the ISO format allows but the database refuses must be a 400, never a 500. */
describe('activity: impossible dates are bad input', () => {
  let t: TestApp;
  let s: TestSession;
  beforeAll(async () => {
    t = await createTestApp();
    const { workspace, owner } = await createWorkspace(t.deps);
    s = await sessionFor(t.deps, owner.id, workspace.id);
  });
  afterAll(() => t.close());

  for (const [from, to] of [
    ['0000-01-01T00:00:00Z', '0000-06-01T00:00:00Z'],
    ['2024-02-30T00:00:00Z', '2024-03-01T00:00:00Z'],
    ['1969-12-31T00:00:00Z', '1970-01-02T00:00:00Z'],
  ] as const) {
    it(`refuses range=custom from ${from} (400) on the list and the export`, async () => {
      for (const path of ['/api/v1/activity', '/api/v1/activity/export']) {
        const res = await injectAs(t, s, { method: 'GET', url: `${path}?range=custom&from=${from}&to=${to}` });
        expectError(res, 400, 'validation_failed');
      }
    });
  }

  for (const stamp of ['2024-02-30T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z']) {
    it(`refuses a cursor naming ${stamp} (400)`, async () => {
      const cursor = Buffer.from(`v1|${stamp}|5`, 'utf8').toString('base64url');
      expectError(await injectAs(t, s, { method: 'GET', url: `/api/v1/activity?cursor=${cursor}` }), 400, 'validation_failed');
    });
  }
});

describe('activity: a type this build does not know', () => {
  let t: TestApp;
  let s: TestSession;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const { workspace, owner } = await createWorkspace(t.deps);
    workspaceId = workspace.id;
    s = await sessionFor(t.deps, owner.id, workspace.id);
  });
  afterAll(() => t.close());

  it('is left out of the list (a newer build wrote it) instead of failing the page', async () => {
    const { activityEvents } = await import('../../db/schema/index');
    await t.deps.db.insert(activityEvents).values({ workspaceId, type: 'Something From The Future', data: { x: 1 } });
    const res = await injectAs(t, s, { method: 'GET', url: '/api/v1/activity' });
    expect(res.statusCode).toBe(200);
    const types = (res.json() as { items: Array<{ type: string }> }).items.map((i) => i.type);
    expect(types).toContain('Workspace Created');
    expect(types).not.toContain('Something From The Future');
  });
});
