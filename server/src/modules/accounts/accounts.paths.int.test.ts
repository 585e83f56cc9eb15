import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDetailDto } from '@shared/accounts';
import { activityEvents, grants } from '../../db/schema/index';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { addMember } from '../../../test/factories';

/**
 * Account-member paths the main suite does not walk: the member routes of a deleted account, and
 * a target user who belongs to another workspace.
 */

let t: TestApp;
let ws: string;
let owner: TestSession; // a User who creates (and so owns) the accounts
let collab: { userId: string; email: string };
let otherWs: string;
let otherWsOwner: TestSession;
let otherWsMember: { userId: string; email: string };
let otherWsAccountId: string;

const api = (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  injectAs(t, s, { method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as never }) });

async function createAccount(s: TestSession, label: string): Promise<string> {
  const res = await api(s, 'POST', '/accounts', { label, application: 'Instagram', password: 'Sup3r-s3cret-pw!' });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as AccountDetailDto).id;
}

async function share(s: TestSession, accountId: string, userId: string, role: 'owner' | 'collaborator') {
  const res = await api(s, 'POST', `/accounts/${accountId}/members`, { userId, role });
  expect(res.statusCode, res.body).toBe(201);
}

/** Every grant row (live or revoked) of these accounts, in a stable order. */
async function grantRows(accountIds: string[]) {
  const rows = await t.deps.db.select().from(grants).where(inArray(grants.accountId, accountIds));
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

async function memberEvents(wsId: string) {
  return t.deps.db
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.workspaceId, wsId), inArray(activityEvents.type, ['Account Role Updated', 'Account Access Removed'])));
}

beforeAll(async () => {
  t = await createTestApp();
  const a = await createWorkspace(t.deps);
  ws = a.workspace.id;
  const u = await addMember(t.deps, ws, { role: 'user', name: 'Uma User' });
  owner = await sessionFor(t.deps, u.userId, ws);
  collab = await addMember(t.deps, ws, { role: 'user', name: 'Cole Collaborator' });

  const b = await createWorkspace(t.deps);
  otherWs = b.workspace.id;
  otherWsOwner = await sessionFor(t.deps, b.owner.id, otherWs);
  otherWsMember = await addMember(t.deps, otherWs, { role: 'user' });
  otherWsAccountId = await createAccount(otherWsOwner, 'Other workspace account');
  await share(otherWsOwner, otherWsAccountId, otherWsMember.userId, 'collaborator');
});
afterAll(() => t.close());

describe('member routes of a deleted account', () => {
  it('GET, PATCH and DELETE /accounts/:id/members[/:userId] answer 409 conflict ("restore it first") and change no grant', async () => {
    const id = await createAccount(owner, 'Deleted members target');
    await share(owner, id, collab.userId, 'collaborator');
    const del = await api(owner, 'DELETE', `/accounts/${id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json()).toMatchObject({ status: 'deleted' });
    const before = await grantRows([id]);
    expect(before.filter((g) => g.revokedAt === null)).toHaveLength(2);
    const eventsBefore = await memberEvents(ws);

    const listed = expectError(await api(owner, 'GET', `/accounts/${id}/members`), 409, 'conflict');
    expect(listed.message).toContain('restore it first');
    const changed = expectError(await api(owner, 'PATCH', `/accounts/${id}/members/${collab.userId}`, { role: 'owner' }), 409, 'conflict');
    expect(changed.message).toContain('restore it first');
    const removed = expectError(await api(owner, 'DELETE', `/accounts/${id}/members/${collab.userId}`), 409, 'conflict');
    expect(removed.message).toContain('restore it first');
    // Even the sole Owner's own grant: the deleted status is decided before the last-Owner rule (409 conflict, not last_owner).
    expectError(await api(owner, 'DELETE', `/accounts/${id}/members/${owner.userId}`), 409, 'conflict');

    expect(await grantRows([id])).toEqual(before);
    expect(await memberEvents(ws)).toEqual(eventsBefore);
  });
});

describe('a target user from another workspace', () => {
  it('PATCH and DELETE /accounts/:id/members/:userId answer 404 not_found and change no grant in either workspace', async () => {
    const id = await createAccount(owner, 'Cross-tenant target');
    await share(owner, id, collab.userId, 'collaborator');
    const before = await grantRows([id, otherWsAccountId]);
    const eventsBefore = [...(await memberEvents(ws)), ...(await memberEvents(otherWs))];

    for (const role of ['owner', 'collaborator'] as const) {
      const res = expectError(await api(owner, 'PATCH', `/accounts/${id}/members/${otherWsMember.userId}`, { role }), 404, 'not_found');
      expect(res.message).toContain(otherWsMember.userId);
      expect(res.message).not.toContain(otherWsMember.email);
    }
    const res = expectError(await api(owner, 'DELETE', `/accounts/${id}/members/${otherWsMember.userId}`), 404, 'not_found');
    expect(res.message).toContain(otherWsMember.userId);
    expect(res.message).not.toContain(otherWsMember.email);

    expect(await grantRows([id, otherWsAccountId])).toEqual(before);
    expect([...(await memberEvents(ws)), ...(await memberEvents(otherWs))]).toEqual(eventsBefore);
  });
});
