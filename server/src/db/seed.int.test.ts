import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness';
import { queryRows } from './client';
import { formatDemoLogins, seedDemoData } from './seed';

describe('demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('seeds two workspaces with every role, accounts and shares, and sign-ins that work', async () => {
    const logins = await seedDemoData(t.deps);
    expect(logins).not.toBeNull();
    expect(new Set(logins!.map((l) => l.workspace))).toEqual(new Set(['Acme Corp', 'Northwind Agency']));
    for (const ws of ['Acme Corp', 'Northwind Agency']) {
      expect(logins!.filter((l) => l.workspace === ws).map((l) => l.role).sort()).toEqual(['admin', 'login_only', 'owner', 'user']);
    }
    const [counts] = await queryRows<{ accounts: number; grants: number; secrets: number }>(
      t.deps.db,
      sql`select (select count(*)::int from accounts) as accounts, (select count(*)::int from grants) as grants, (select count(*)::int from account_secrets) as secrets`,
    );
    expect(counts).toEqual({ accounts: 7, grants: 13, secrets: 9 });

    // A printed sign-in works through the real route, and the Login-Only member sees what was shared.
    const leo = logins!.find((l) => l.email === 'leo@acme.test')!;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: leo.email, password: leo.password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name.includes('latchkey_session'))!;
    const list = await t.app.inject({ url: '/api/v1/accounts', headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect((list.json() as { items: Array<{ label: string; myRole: string }> }).items.map((a) => [a.label, a.myRole])).toEqual([
      ['Acme Instagram', 'collaborator'],
      ['Acme TikTok', 'collaborator'],
    ]);

    // The printed format is what the browser tests parse.
    const printed = formatDemoLogins(logins!);
    expect(printed).toContain('  Workspace: Acme Corp');
    expect(printed).toMatch(/^\s+Login-Only\s+leo@acme\.test\s+\S{18}$/m);
  });

  it('does nothing on a database that has data', async () => {
    expect(await seedDemoData(t.deps)).toBeNull();
  });
});
