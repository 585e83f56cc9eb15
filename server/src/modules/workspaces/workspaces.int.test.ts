import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceDto } from '@shared/workspaces';
import { workspaces } from '../../db/schema/index';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { addMember, eventsOf } from '../members/test-helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function team() {
  const ws = await createWorkspace(t.deps, { name: 'Acme Social' });
  const wsId = ws.workspace.id;
  return {
    ws: ws.workspace,
    owner: await sessionFor(t.deps, ws.owner.id, wsId),
    admin: (await addMember(t.deps, wsId, 'admin')).session,
    user: (await addMember(t.deps, wsId, 'user')).session,
    loginOnly: (await addMember(t.deps, wsId, 'login_only')).session,
  };
}
const get = (s: TestSession | null) => injectAs(t, s, { method: 'GET', url: '/api/v1/workspace' });
const rename = (s: TestSession | null, payload: unknown) => injectAs(t, s, { method: 'PATCH', url: '/api/v1/workspace', payload: payload as never });
const nameOf = async (id: string) => (await t.deps.db.select().from(workspaces).where(eq(workspaces.id, id)))[0]!.name;

describe('GET /workspace', () => {
  it('needs a session (401)', async () => {
    expectError(await get(null), 401, 'unauthenticated');
  });

  it('answers name, Workspace ID and the role’s abilities to every member', async () => {
    const { ws, owner, loginOnly } = await team();
    const a = (await get(owner)).json() as WorkspaceDto;
    expect(a).toMatchObject({ id: ws.id, publicId: ws.publicId, name: 'Acme Social' });
    expect(a.abilities['workspace.update']).toBe(true);
    const res = await get(loginOnly);
    expect(res.statusCode).toBe(200);
    expect((res.json() as WorkspaceDto).abilities).toMatchObject({ 'workspace.update': false, 'members.view': false });
  });
});

describe('PATCH /workspace', () => {
  it('validates the name (400): empty, blank, too long, unknown fields', async () => {
    const { owner } = await team();
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 'ok', extra: 1 }]) {
      expectError(await rename(owner, body), 400, 'validation_failed');
    }
  });

  it('needs a session (401) and the CSRF token (403)', async () => {
    const { owner } = await team();
    expectError(await rename(null, { name: 'New' }), 401, 'unauthenticated');
    expectError(await injectAs(t, null, { method: 'PATCH', url: '/api/v1/workspace', payload: { name: 'New' }, headers: { cookie: owner.headers.cookie } }), 403, 'csrf_invalid');
  });

  it('refuses Users and Login-Only members (403)', async () => {
    const { ws, user, loginOnly } = await team();
    expectError(await rename(user, { name: 'Mine now' }), 403, 'forbidden');
    expectError(await rename(loginOnly, { name: 'Mine now' }), 403, 'forbidden');
    expect(await nameOf(ws.id)).toBe('Acme Social');
  });

  it('renames (trimmed) for an Admin, records from/to; only this workspace changes', async () => {
    const { ws, admin } = await team();
    const other = await team();
    const res = await rename(admin, { name: '  Acme Brands  ' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as WorkspaceDto).name).toBe('Acme Brands');
    expect(await nameOf(ws.id)).toBe('Acme Brands');
    expect(await nameOf(other.ws.id)).toBe('Acme Social');
    expect(await eventsOf(t.deps, ws.id, 'Workspace Updated')).toMatchObject([{ data: { from: 'Acme Social', to: 'Acme Brands' } }]);
    // The same name again changes nothing and records nothing.
    expect((await rename(admin, { name: 'Acme Brands' })).statusCode).toBe(200);
    expect(await eventsOf(t.deps, ws.id, 'Workspace Updated')).toHaveLength(1);
  });
});
