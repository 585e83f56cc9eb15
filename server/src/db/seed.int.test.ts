import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_PASSWORD, DEMO_SITE_TOTP_SECRET, DEMO_SITE_USERNAME } from '../../../demo-site/credentials';
import { createTestApp, sessionFor, type TestApp } from '../../test/harness';
import { totpCodeAt } from '../modules/auth/totp';
import { asDevice, pairDevice } from '../modules/devices/test-helpers';
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
    expect(logins!.filter((l) => l.workspace === 'Acme Corp').map((l) => l.role).sort()).toEqual(['admin', 'guest_admin', 'login_only', 'owner', 'user']);
    expect(logins!.filter((l) => l.workspace === 'Northwind Agency').map((l) => l.role).sort()).toEqual(['admin', 'login_only', 'owner', 'user']);
    const [counts] = await queryRows<{ accounts: number; grants: number; secrets: number }>(
      t.deps.db,
      sql`select (select count(*)::int from accounts) as accounts, (select count(*)::int from grants) as grants, (select count(*)::int from account_secrets) as secrets`,
    );
    // 15 direct grants + 3 through the partnership + 1 through the local partner (checked below).
    expect(counts).toEqual({ accounts: 8, grants: 19, secrets: 11 });

    // A printed sign-in works through the real route, and the Login-Only member sees what was shared.
    const leo = logins!.find((l) => l.email === 'leo@acme.test')!;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: leo.email, password: leo.password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name.includes('latchkey_session'))!;
    const list = await t.app.inject({ url: '/api/v1/accounts', headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect((list.json() as { items: Array<{ label: string; myRole: string }> }).items.map((a) => [a.label, a.myRole])).toEqual([
      ['Acme Instagram', 'collaborator'],
      ['Acme TikTok', 'collaborator'],
      ['Demo Analytics', 'collaborator'],
    ]);

    // One active partnership Acme Corp → Northwind Agency: Acme's Admin owns it, Northwind's Admin accepted it.
    const partnerships = await queryRows<{ state: string; owner: string; contact: string; host: string; guest: string }>(
      t.deps.db,
      sql`select p.state, (select u.email from partnership_owners po join users u on u.id = po.user_id where po.partnership_id = p.id) as owner,
            c.email as contact, h.name as host, g.name as guest
          from partnerships p join workspaces h on h.id = p.host_workspace_id join workspaces g on g.id = p.guest_workspace_id
          left join users c on c.id = p.guest_contact_user_id`,
    );
    expect(partnerships).toEqual([{ state: 'active', owner: 'adam@acme.test', contact: 'nate@northwind.test', host: 'Acme Corp', guest: 'Northwind Agency' }]);

    // Two of Adam's accounts are shared into it, and Nate (Manager of one) asked access for Nina.
    const shared = await queryRows<{ label: string; role: string; grantee: string }>(
      t.deps.db,
      sql`select a.label, g.role, u.email as grantee from grants g join accounts a on a.id = g.account_id join users u on u.id = g.user_id
          where g.source_kind = 'host_guest_partnership' and g.revoked_at is null order by a.label`,
    );
    expect(shared).toEqual([
      { label: 'Acme Facebook Ads', role: 'collaborator', grantee: 'nate@northwind.test' },
      { label: 'Acme LinkedIn Page', role: 'manager', grantee: 'nate@northwind.test' },
      { label: 'Demo Analytics', role: 'collaborator', grantee: 'nate@northwind.test' },
    ]);
    const pending = await queryRows<{ label: string; target: string; status: string }>(
      t.deps.db,
      sql`select a.label, u.email as target, r.status from access_requests r join accounts a on a.id = r.account_id join users u on u.id = r.target_user_id`,
    );
    expect(pending).toEqual([{ label: 'Acme LinkedIn Page', target: 'nina@northwind.test', status: 'pending' }]);

    // A local partner of Acme's: Uma hosts it, Gina joined as Guest Admin and holds Uma's TikTok as
    // Manager; her Guest User invite waits in the Dev mailbox.
    const lp = await queryRows<{ company: string; host: string; guest: string; role: string; account: string; grant: string; invite: string }>(
      t.deps.db,
      sql`select p.company_name as company, hu.email as host, gu.email as guest, m.role, a.label as account, g.role as grant, i.email as invite
          from local_partners p
          join local_partner_host_admins h on h.local_partner_id = p.id join users hu on hu.id = h.user_id
          join memberships m on m.local_partner_id = p.id join users gu on gu.id = m.user_id
          join grants g on g.source_kind = 'local_partner' and g.source_id = p.id and g.user_id = gu.id and g.revoked_at is null
          join accounts a on a.id = g.account_id
          join invites i on i.local_partner_id = p.id and i.status = 'pending'`,
    );
    expect(lp).toEqual([
      {
        company: 'Brightside Studio',
        host: 'uma@acme.test',
        guest: 'gina@brightside.test',
        role: 'guest_admin',
        account: 'Acme TikTok',
        grant: 'manager',
        invite: 'gus@brightside.test',
      },
    ]);
    // Gina's printed sign-in works, and opens on two-step verification set-up.
    const gina = logins!.find((l) => l.email === 'gina@brightside.test')!;
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: gina.email, password: gina.password } });
    expect(signIn.json()).toMatchObject({ status: 'signed_in', session: { mfaEnrolmentRequired: true, localPartner: { companyName: 'Brightside Studio' } } });

    // The printed format is what the browser tests parse, grouped by workspace.
    const printed = formatDemoLogins(logins!);
    expect(printed.match(/Workspace: Acme Corp/g)).toHaveLength(1);
    expect(printed).toMatch(/^\s+Login-Only\s+leo@acme\.test\s+\S{18}$/m);
    expect(printed).toMatch(/^\s+Guest Admin\s+gina@brightside\.test\s+\S{18}$/m);
  });

  it('Demo Analytics carries the demo target site’s credentials, and Nate (guest Collaborator) logs in to it through a device', async () => {
    const rows = await queryRows<{ id: string; login_url: string; username: string; workspace_id: string }>(
      t.deps.db,
      sql`select id, login_url, username, workspace_id from accounts where label = 'Demo Analytics'`,
    );
    expect(rows).toHaveLength(1);
    const acc = rows[0]!;
    expect(acc.login_url).toBe(`http://localhost:${t.deps.config.demoSitePort}/login`);
    expect(acc.username).toBe(DEMO_SITE_USERNAME);
    const [nate] = await queryRows<{ id: string; workspace_id: string }>(
      t.deps.db,
      sql`select u.id, m.workspace_id from users u join memberships m on m.user_id = u.id where u.email = 'nate@northwind.test'`,
    );
    const session = await sessionFor(t.deps, nate!.id, nate!.workspace_id);
    const { token } = await pairDevice(t, session);
    const tk = await asDevice(t, token, { method: 'POST', url: '/api/v1/device/tickets', payload: { accountId: acc.id } });
    expect(tk.statusCode, tk.body).toBe(201);
    const res = await asDevice(t, token, {
      method: 'POST',
      url: '/api/v1/device/tickets/redeem',
      payload: { ticket: (tk.json() as { ticket: string }).ticket, origin: new URL(acc.login_url).origin },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { username: string; password: string; totp: { code: string } };
    expect(body.username).toBe(DEMO_SITE_USERNAME);
    expect(body.password).toBe(DEMO_SITE_PASSWORD);
    expect(body.totp.code).toBe(await totpCodeAt(DEMO_SITE_TOTP_SECRET, t.deps.clock.now()));
  });

  it('does nothing on a database that has data', async () => {
    expect(await seedDemoData(t.deps)).toBeNull();
  });
});
