import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/client';
import { insertActivePartnership } from '../src/modules/partnership-access/test-helpers';
import { createTestApp, sessionFor, type TestApp, type TestSession } from './harness';
import { buildWorld, type World } from './world';

/**
 * The canary: an account is created through the API with a unique password and TOTP secret.
 * After the main flows by every role, the raw database, the logs and every API response are
 * searched. The plaintext may appear ONLY in the Owner's reveal responses.
 */
const PASSWORD_CANARY = `canary-pw-${randomBytes(12).toString('hex')}`;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TOTP_CANARY = Array.from(randomBytes(32), (b) => BASE32[b % 32]).join('');

interface Seen {
  label: string;
  res: LightMyRequestResponse;
}

describe('canary: secrets appear only in the Owner reveal response', () => {
  let t: TestApp;
  let w: World;
  const seen: Seen[] = [];

  async function call(label: string, session: TestSession | null, method: string, url: string, body?: unknown) {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(session?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    seen.push({ label, res });
    return res;
  }

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildWorld(t.deps);
  });
  afterAll(() => t.close());

  it('runs the main flows', async () => {
    const s = w.sessions;
    const created = await call('owner.create', s.user, 'POST', '/api/v1/accounts', {
      label: 'Canary Instagram',
      application: 'Instagram',
      loginUrl: 'https://www.instagram.com/accounts/login/',
      username: 'canary.brand',
      password: PASSWORD_CANARY,
      totpSecret: TOTP_CANARY,
      notes: 'Shared with the agency.',
      customFields: [{ name: 'Recovery email', value: 'social@acme.test' }],
    });
    expect(created.statusCode).toBe(201);
    const accountId = (created.json() as { id: string }).id;
    const share = await call('owner.share', s.user, 'POST', `/api/v1/accounts/${accountId}/members`, {
      userId: w.users.collaborator.userId,
      role: 'collaborator',
    });
    expect(share.statusCode).toBeLessThan(300);

    // Through a host-guest partnership A → B: B's Admin (the guest contact) receives the share as
    // Manager, and B's member becomes a Collaborator through an accepted access request.
    const partnership = await insertActivePartnership(t.deps, {
      hostWorkspaceId: w.a.workspaceId,
      guestWorkspaceId: w.b.workspaceId,
      ownerUserId: w.users.user.userId,
      guestContactUserId: w.users.otherAdmin.userId,
    });
    const pUrl = `/api/v1/partnerships/${partnership.id}`;
    const shared = await call('owner.partnerShare', s.user, 'POST', `${pUrl}/accounts`, { accounts: [{ accountId, role: 'manager' }] });
    expect(shared.statusCode).toBe(201);
    const asked = await call('guestManager.requestAccess', s.otherAdmin, 'POST', '/api/v1/access-requests', {
      accountId,
      userIds: [w.b.memberUserId],
      role: 'collaborator',
    });
    expect(asked.statusCode).toBe(201);
    const requestId = (asked.json() as { items: Array<{ id: string }> }).items[0]!.id;
    expect((await call('owner.acceptAccess', s.user, 'POST', `/api/v1/access-requests/${requestId}/accept`)).statusCode).toBe(200);
    const guestCollaborator = await sessionFor(t.deps, w.b.memberUserId, w.b.workspaceId);
    for (const [who, session] of [
      ['guestManager', s.otherAdmin],
      ['guestCollaborator', guestCollaborator],
    ] as const) {
      const detail = await call(`${who}.detail`, session, 'GET', `/api/v1/accounts/${accountId}`);
      expect(detail.statusCode).toBe(200);
      expect(detail.json()).toMatchObject({ hasPassword: true, hasTotp: true });
      for (const field of ['password', 'totp']) {
        const denied = await call(`${who}.reveal.${field}`, session, 'POST', `/api/v1/accounts/${accountId}/reveal`, { field });
        expect(denied.statusCode).toBe(403);
      }
      await call(`${who}.partnerships`, session, 'GET', '/api/v1/partnerships?view=all');
      await call(`${who}.partnership`, session, 'GET', pUrl);
      await call(`${who}.partnershipAccounts`, session, 'GET', `${pUrl}/accounts`);
      await call(`${who}.partnershipMembers`, session, 'GET', `${pUrl}/members`);
      await call(`${who}.accessRequests`, session, 'GET', '/api/v1/access-requests');
    }
    await call('owner.partnershipMembers', s.user, 'GET', `${pUrl}/members`);

    for (const [who, session] of [
      ['owner', s.user],
      ['collaborator', s.collaborator],
      ['admin', s.admin],
      ['workspaceOwner', s.owner],
      ['loginOnly', s.loginOnly],
      ['otherAdmin', s.otherAdmin],
    ] as const) {
      await call(`${who}.session`, session, 'GET', '/api/v1/session');
      await call(`${who}.list`, session, 'GET', '/api/v1/accounts');
      await call(`${who}.search`, session, 'GET', `/api/v1/accounts?q=${encodeURIComponent('canary')}`);
      await call(`${who}.detail`, session, 'GET', `/api/v1/accounts/${accountId}`);
      await call(`${who}.members`, session, 'GET', `/api/v1/accounts/${accountId}/members`);
      await call(`${who}.activity`, session, 'GET', '/api/v1/activity?range=today');
      await call(`${who}.export`, session, 'GET', '/api/v1/activity/export?range=today');
      await call(`${who}.workspaceMembers`, session, 'GET', '/api/v1/members');
    }
    // A Collaborator asking for the secret is refused.
    const denied = await call('collaborator.reveal', s.collaborator, 'POST', `/api/v1/accounts/${accountId}/reveal`, { field: 'password' });
    expect(denied.statusCode).toBe(403);
    // The Owner edits (without touching the secret), then reveals both secrets.
    expect((await call('owner.edit', s.user, 'PATCH', `/api/v1/accounts/${accountId}`, { notes: 'Rotated quarterly.' })).statusCode).toBe(200);
    const reveal = await call('owner.reveal.password', s.user, 'POST', `/api/v1/accounts/${accountId}/reveal`, { field: 'password' });
    expect(reveal.statusCode).toBe(200);
    expect(reveal.body).toContain(PASSWORD_CANARY);
    const revealTotp = await call('owner.reveal.totp', s.user, 'POST', `/api/v1/accounts/${accountId}/reveal`, { field: 'totp' });
    expect(revealTotp.statusCode).toBe(200);
    expect(revealTotp.body).toContain(TOTP_CANARY);
    // Delete and restore, then the Dev mailbox.
    expect((await call('owner.delete', s.user, 'DELETE', `/api/v1/accounts/${accountId}`)).statusCode).toBeLessThan(300);
    expect((await call('owner.restore', s.user, 'POST', `/api/v1/accounts/${accountId}/restore`, {})).statusCode).toBeLessThan(300);
    await call('mailbox', null, 'GET', '/api/v1/dev/mailbox');
  });

  it('finds the plaintext in no response but the Owner reveals', () => {
    const leaks = seen
      .filter((x) => !x.label.startsWith('owner.reveal'))
      .filter((x) => {
        const text = x.res.body + JSON.stringify(x.res.headers);
        return text.includes(PASSWORD_CANARY) || text.includes(TOTP_CANARY);
      })
      .map((x) => x.label);
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(40);
  });

  it('finds the plaintext nowhere in the raw database', async () => {
    const tables = await queryRows<{ table_name: string }>(
      t.deps.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const names = tables.map((r) => r.table_name);
    expect(names).toContain('account_secrets');
    const hits: string[] = [];
    let rowsScanned = 0;
    for (const name of names) {
      const rows = await queryRows<{ row: string }>(t.deps.db, sql.raw(`select t::text as row from "${name}" t`));
      for (const r of rows) {
        rowsScanned += 1;
        if (r.row.includes(PASSWORD_CANARY) || r.row.includes(TOTP_CANARY)) hits.push(name);
      }
    }
    expect(rowsScanned).toBeGreaterThan(20);
    expect(hits).toEqual([]);
  });

  it('finds the plaintext nowhere in the logs', () => {
    const all = t.logs.join('');
    expect(all.length).toBeGreaterThan(1000);
    expect(all.includes(PASSWORD_CANARY)).toBe(false);
    expect(all.includes(TOTP_CANARY)).toBe(false);
  });
});
