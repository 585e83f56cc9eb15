import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDetailDto, AccountMemberDto, AccountsListResponse } from '@shared/accounts';
import { accounts, accountSecrets, activityEvents, grants, memberships } from '../../db/schema/index';
import { createTestApp, createWorkspace, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { addMember } from '../../../test/factories';

const PASSWORD = 'Sup3r-s3cret-canary-pw!';
const TOTP = 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('accounts vault routes', () => {
  let t: TestApp;
  let ws: string;
  let owner: TestSession; // a User who creates (and so owns) the accounts
  let collab: TestSession; // a User who is Collaborator on shared accounts
  let loginOnly: TestSession;
  let loginOnlyId: string;
  let outsider: TestSession; // a member of the workspace with no grant
  let otherWsOwner: TestSession;
  let otherWsAccountId: string;
  let otherWsUserId: string;
  let collabEmail: string;

  const post = (s: TestSession | null, url: string, payload?: unknown) =>
    injectAs(t, s, { method: 'POST', url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = (s: TestSession | null, url: string) => injectAs(t, s, { method: 'GET', url: `/api/v1${url}` });
  const patch = (s: TestSession | null, url: string, payload: unknown) =>
    injectAs(t, s, { method: 'PATCH', url: `/api/v1${url}`, payload: payload as object });
  const del = (s: TestSession | null, url: string) => injectAs(t, s, { method: 'DELETE', url: `/api/v1${url}` });

  async function createAccount(s: TestSession, body: Record<string, unknown> = {}): Promise<AccountDetailDto> {
    const res = await post(s, '/accounts', { label: 'Brand Instagram', application: 'Instagram', password: PASSWORD, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as AccountDetailDto;
  }
  async function share(accountId: string, userId: string, role: 'owner' | 'collaborator', as = owner) {
    const res = await post(as, `/accounts/${accountId}/members`, { userId, role });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as AccountMemberDto;
  }
  async function lastEvent(accountId: string) {
    const [e] = await t.deps.db
      .select()
      .from(activityEvents)
      .where(eq(activityEvents.accountId, accountId))
      .orderBy(desc(activityEvents.id))
      .limit(1);
    return e!;
  }
  async function eventsOf(accountId: string, type: string) {
    return t.deps.db
      .select()
      .from(activityEvents)
      .where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.type, type)));
  }

  beforeAll(async () => {
    t = await createTestApp();
    const a = await createWorkspace(t.deps);
    ws = a.workspace.id;
    const u = await addMember(t.deps, ws, { role: 'user', name: 'Uma User' });
    const c = await addMember(t.deps, ws, { role: 'user', name: 'Cole Collaborator' });
    const lo = await addMember(t.deps, ws, { role: 'login_only' });
    const out = await addMember(t.deps, ws, { role: 'user' });
    owner = await sessionFor(t.deps, u.userId, ws);
    collab = await sessionFor(t.deps, c.userId, ws);
    collabEmail = c.email;
    loginOnly = await sessionFor(t.deps, lo.userId, ws);
    loginOnlyId = lo.userId;
    outsider = await sessionFor(t.deps, out.userId, ws);

    const b = await createWorkspace(t.deps);
    otherWsOwner = await sessionFor(t.deps, b.owner.id, b.workspace.id);
    otherWsUserId = (await addMember(t.deps, b.workspace.id, { role: 'user' })).userId;
    otherWsAccountId = (await createAccount(otherWsOwner, { label: 'Other workspace account' })).id;
  });
  afterAll(() => t.close());

  it('documents every accounts route in OpenAPI', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/accounts/{accountId}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/accounts/{accountId}/members/{userId}']!).sort()).toEqual(['delete', 'patch']);
    expect(doc.paths['/api/v1/accounts/{accountId}/reveal']).toBeDefined();
  });

  describe('POST /accounts', () => {
    it('401 without a session', async () => {
      expectError(await post(null, '/accounts', { label: 'x', application: 'y' }), 401, 'unauthenticated');
    });

    it('400 on a bad body: missing label, javascript: URL, bad TOTP key, unknown field, too many custom fields', async () => {
      expectError(await post(owner, '/accounts', { application: 'Instagram' }), 400, 'validation_failed');
      expectError(
        await post(owner, '/accounts', { label: 'a', application: 'b', loginUrl: 'javascript:alert(1)' }),
        400,
        'validation_failed',
      );
      expectError(await post(owner, '/accounts', { label: 'a', application: 'b', totpSecret: 'not base32!!' }), 400, 'validation_failed');
      expectError(await post(owner, '/accounts', { label: 'a', application: 'b', secret: 'x' }), 400, 'validation_failed');
      expectError(
        await post(owner, '/accounts', {
          label: 'a',
          application: 'b',
          customFields: Array.from({ length: 141 }, (_, i) => ({ name: `f${i}`, value: '' })),
        }),
        400,
        'validation_failed',
      );
      expectError(await post(owner, '/accounts', { label: 'x'.repeat(201), application: 'b' }), 400, 'validation_failed');
    });

    it('403 for a Login-Only member (workspace action accounts.create)', async () => {
      expectError(await post(loginOnly, '/accounts', { label: 'a', application: 'b' }), 403, 'forbidden');
    });

    it('creates the account, an Owner grant, sealed secrets and "Account Created"', async () => {
      const before = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(accounts);
      const created = await createAccount(owner, {
        label: 'Brand TikTok',
        application: 'TikTok',
        loginUrl: 'https://www.tiktok.com/login',
        username: 'brand.tok',
        totpSecret: TOTP,
        notes: 'Two-step is on',
        customFields: [{ name: 'Recovery email', value: 'social@example.test' }],
      });
      expect(created).toMatchObject({
        label: 'Brand TikTok',
        application: 'TikTok',
        loginUrl: 'https://www.tiktok.com/login',
        username: 'brand.tok',
        myRole: 'owner',
        myRoleLabel: 'Owner',
        status: 'active',
        hasPassword: true,
        hasTotp: true,
        notes: 'Two-step is on',
        customFields: [{ name: 'Recovery email', value: 'social@example.test' }],
        createdBy: { name: 'Uma User' },
        deletedAt: null,
      });
      expect(created.abilities).toEqual({
        view: true,
        login: true,
        update: true,
        revealSecret: true,
        viewMembers: true,
        share: true,
        changeMemberRole: true,
        removeMember: true,
        delete: true,
        restore: false,
        viewActivity: true,
        requestAccess: false,
        shareWithGuests: false,
      });
      expect(created.hostWorkspaceName).toBeNull();
      const after = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(accounts);
      expect(after[0]!.n).toBe(before[0]!.n + 1);

      const g = await t.deps.db.select().from(grants).where(eq(grants.accountId, created.id));
      expect(g).toHaveLength(1);
      expect(g[0]).toMatchObject({ userId: owner.userId, role: 'owner', sourceKind: 'direct', sourceId: created.id, revokedAt: null, workspaceId: ws });

      // The password is nowhere in the accounts row; it is only in account_secrets, sealed.
      const raw = await t.deps.db.execute(sql`select row_to_json(a)::text as j from accounts a where a.id = ${created.id}`);
      const rowJson = (raw as unknown as { rows: Array<{ j: string }> }).rows[0]!.j;
      expect(rowJson).toContain('brand.tok');
      expect(rowJson).not.toContain(PASSWORD);
      const secrets = await t.deps.db.select().from(accountSecrets).where(eq(accountSecrets.accountId, created.id));
      expect(secrets.map((s) => s.field).sort()).toEqual(['password', 'totp']);
      for (const s of secrets) {
        expect(s.sealed).not.toContain(PASSWORD);
        expect(Buffer.from(s.sealed, 'base64url').toString('latin1')).not.toContain(PASSWORD);
      }

      const e = await lastEvent(created.id);
      expect(e).toMatchObject({ type: 'Account Created', actorUserId: owner.userId, workspaceId: ws });
      expect(e.data).toEqual({ accountLabel: 'Brand TikTok', application: 'TikTok' });
    });
  });

  describe('GET /accounts/:accountId', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createAccount(owner, { label: 'Get target' })).id;
      await share(id, collab.userId, 'collaborator');
    });

    it('400 on a malformed id, 401 without a session', async () => {
      expectError(await get(owner, '/accounts/not-a-uuid'), 400, 'validation_failed');
      expectError(await get(null, `/accounts/${id}`), 401, 'unauthenticated');
    });

    it('404, with the same body as a missing id, for another workspace account and for an account with no grant', async () => {
      const missing = expectError(await get(owner, `/accounts/${MISSING}`), 404, 'not_found');
      const other = expectError(await get(owner, `/accounts/${otherWsAccountId}`), 404, 'not_found');
      const noGrant = expectError(await get(outsider, `/accounts/${id}`), 404, 'not_found');
      const shape = (e: { code?: string; message?: string }, accountId: string) => ({
        code: e.code,
        message: e.message?.replace(accountId, '<id>'),
      });
      expect(shape(other, otherWsAccountId)).toEqual(shape(missing, MISSING));
      expect(shape(noGrant, id)).toEqual(shape(missing, MISSING));
    });

    it('404 once a grant has expired (valid_until in the past) or before it starts', async () => {
      const acc = await createAccount(owner, { label: 'Timed' });
      const now = Date.now();
      await t.deps.db.insert(grants).values({
        workspaceId: ws,
        subjectWorkspaceId: ws,
        accountId: acc.id,
        userId: outsider.userId,
        role: 'collaborator',
        sourceKind: 'test_window',
        sourceId: acc.id,
        validUntil: new Date(now - 1000),
      });
      await t.deps.db.insert(grants).values({
        workspaceId: ws,
        subjectWorkspaceId: ws,
        accountId: acc.id,
        userId: outsider.userId,
        role: 'collaborator',
        sourceKind: 'test_future',
        sourceId: acc.id,
        validFrom: new Date(now + 3_600_000),
      });
      expectError(await get(outsider, `/accounts/${acc.id}`), 404, 'not_found');
    });

    it('a Collaborator sees details without any secret and with Collaborator abilities', async () => {
      const res = await get(collab, `/accounts/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(PASSWORD);
      const body = res.json() as AccountDetailDto;
      expect(body).toMatchObject({ id, myRole: 'collaborator', myRoleLabel: 'Collaborator', hasPassword: true, hasTotp: false });
      expect(body.abilities).toMatchObject({ view: true, login: true, update: false, revealSecret: false, share: false, delete: false });
      expect(Object.keys(body)).not.toContain('password');
    });

    it('the Owner sees details (still no secret)', async () => {
      const res = await get(owner, `/accounts/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(PASSWORD);
      expect(res.json()).toMatchObject({ id, myRole: 'owner', abilities: { update: true, revealSecret: true } });
    });
  });

  describe('PATCH /accounts/:accountId', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createAccount(owner, { label: 'Patch target', totpSecret: TOTP })).id;
      await share(id, collab.userId, 'collaborator');
    });

    it('400 on a bad body, 401 without a session', async () => {
      expectError(await patch(owner, `/accounts/${id}`, { label: '' }), 400, 'validation_failed');
      expectError(await patch(owner, `/accounts/${id}`, { loginUrl: 'ftp://example.test' }), 400, 'validation_failed');
      expectError(await patch(owner, `/accounts/${id}`, { status: 'deleted' }), 400, 'validation_failed');
      expectError(await patch(null, `/accounts/${id}`, { label: 'x' }), 401, 'unauthenticated');
    });

    it('404 for another workspace account, 403 for a Collaborator', async () => {
      expectError(await patch(owner, `/accounts/${otherWsAccountId}`, { label: 'x' }), 404, 'not_found');
      expectError(await patch(collab, `/accounts/${id}`, { label: 'Hijacked' }), 403, 'forbidden');
      const [row] = await t.deps.db.select().from(accounts).where(eq(accounts.id, id));
      expect(row!.label).toBe('Patch target');
    });

    it('updates fields and secrets; "Account Updated" lists field names only; null clears a secret', async () => {
      const newPw = 'another-Canary-pw-42';
      const res = await patch(owner, `/accounts/${id}`, { label: 'Patched', username: 'new.user', password: newPw, totpSecret: null });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(newPw);
      expect(res.json()).toMatchObject({ label: 'Patched', username: 'new.user', hasPassword: true, hasTotp: false });
      const e = await lastEvent(id);
      expect(e.type).toBe('Account Updated');
      expect(e.data).toEqual({ accountLabel: 'Patched', fields: ['label', 'username', 'password', 'totpSecret'] });
      expect(JSON.stringify(e.data)).not.toContain(newPw);
      const reveal = await post(owner, `/accounts/${id}/reveal`, { field: 'password' });
      expect(reveal.json()).toEqual({ field: 'password', value: newPw });
      const secrets = await t.deps.db.select().from(accountSecrets).where(eq(accountSecrets.accountId, id));
      expect(secrets.map((s) => s.field)).toEqual(['password']);
    });
  });

  describe('POST /accounts/:accountId/reveal', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createAccount(owner, { label: 'Reveal target', totpSecret: TOTP })).id;
      await share(id, collab.userId, 'collaborator');
    });

    it('400 on a bad field, 401 without a session', async () => {
      expectError(await post(owner, `/accounts/${id}/reveal`, { field: 'notes' }), 400, 'validation_failed');
      expectError(await post(owner, `/accounts/${id}/reveal`, {}), 400, 'validation_failed');
      expectError(await post(null, `/accounts/${id}/reveal`, { field: 'password' }), 401, 'unauthenticated');
    });

    it('404 for another workspace account and with no grant; 403 for a Collaborator (no event)', async () => {
      expectError(await post(owner, `/accounts/${otherWsAccountId}/reveal`, { field: 'password' }), 404, 'not_found');
      expectError(await post(outsider, `/accounts/${id}/reveal`, { field: 'password' }), 404, 'not_found');
      const res = await post(collab, `/accounts/${id}/reveal`, { field: 'password' });
      expectError(res, 403, 'forbidden');
      expect(res.body).not.toContain(PASSWORD);
      expect(await eventsOf(id, 'Password Retrieved')).toHaveLength(0);
    });

    it('404 when the secret is not set', async () => {
      const bare = await createAccount(owner, { label: 'No TOTP' });
      expectError(await post(owner, `/accounts/${bare.id}/reveal`, { field: 'totp' }), 404, 'not_found');
      expect(await eventsOf(bare.id, 'Password Retrieved')).toHaveLength(0);
    });

    it('the Owner gets the password and the TOTP key; each reveal records "Password Retrieved"', async () => {
      const pw = await post(owner, `/accounts/${id}/reveal`, { field: 'password' });
      expect(pw.statusCode).toBe(200);
      expect(pw.json()).toEqual({ field: 'password', value: PASSWORD });
      const totp = await post(owner, `/accounts/${id}/reveal`, { field: 'totp' });
      expect(totp.json()).toEqual({ field: 'totp', value: TOTP.replace(/\s+/g, '') });
      const events = await eventsOf(id, 'Password Retrieved');
      expect(events.map((e) => e.data)).toEqual([
        { accountLabel: 'Reveal target', field: 'password' },
        { accountLabel: 'Reveal target', field: 'totp' },
      ]);
      expect(events[0]!.actorUserId).toBe(owner.userId);
      const members = (await get(owner, `/accounts/${id}/members`)).json() as { items: AccountMemberDto[] };
      expect(members.items.find((m) => m.userId === owner.userId)!.lastUsedAt).not.toBeNull();
      expect(members.items.find((m) => m.userId === collab.userId)!.lastUsedAt).toBeNull();
    });
  });

  describe('DELETE /accounts/:accountId and POST /restore', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createAccount(owner, { label: 'Delete target' })).id;
      await share(id, collab.userId, 'collaborator');
    });

    it('400, 401, 404 other workspace, 403 Collaborator; restore of an active account is 409', async () => {
      expectError(await del(owner, '/accounts/123'), 400, 'validation_failed');
      expectError(await del(null, `/accounts/${id}`), 401, 'unauthenticated');
      expectError(await del(owner, `/accounts/${otherWsAccountId}`), 404, 'not_found');
      expectError(await del(collab, `/accounts/${id}`), 403, 'forbidden');
      expectError(await post(owner, `/accounts/${id}/restore`), 409, 'conflict');
      expectError(await post(collab, `/accounts/${id}/restore`), 403, 'forbidden');
    });

    it('delete hides the account from Collaborators; the Owner sees it (view + restore only) and restores it', async () => {
      const res = await del(owner, `/accounts/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'deleted', abilities: { view: true, restore: true, update: false, delete: false } });
      const [row] = await t.deps.db.select().from(accounts).where(eq(accounts.id, id));
      expect(row).toMatchObject({ status: 'deleted', deletedBy: owner.userId });
      expect(row!.deletedAt).toBeInstanceOf(Date);
      expect((await lastEvent(id)).type).toBe('Account Deleted');
      // Grants stay (R-C-04).
      const live = await t.deps.db.select().from(grants).where(and(eq(grants.accountId, id), sql`${grants.revokedAt} is null`));
      expect(live).toHaveLength(2);

      expectError(await get(collab, `/accounts/${id}`), 404, 'not_found');
      expectError(await post(collab, `/accounts/${id}/restore`), 404, 'not_found');
      const collabList = (await get(collab, '/accounts?limit=100')).json() as AccountsListResponse;
      expect(collabList.items.map((i) => i.id)).not.toContain(id);
      const collabDeleted = (await get(collab, '/accounts?status=deleted')).json() as AccountsListResponse;
      expect(collabDeleted.items.map((i) => i.id)).not.toContain(id);

      expect((await get(owner, `/accounts/${id}`)).json()).toMatchObject({ status: 'deleted' });
      const ownerDeleted = (await get(owner, '/accounts?status=deleted')).json() as AccountsListResponse;
      expect(ownerDeleted.items.map((i) => i.id)).toContain(id);
      const ownerActive = (await get(owner, '/accounts?limit=100')).json() as AccountsListResponse;
      expect(ownerActive.items.map((i) => i.id)).not.toContain(id);

      // Everything but view/restore: 409 "restore it first".
      const blocked = expectError(await patch(owner, `/accounts/${id}`, { label: 'x' }), 409, 'conflict');
      expect(blocked.message).toContain('restore it first');
      expectError(await post(owner, `/accounts/${id}/reveal`, { field: 'password' }), 409, 'conflict');
      expectError(await post(owner, `/accounts/${id}/members`, { userId: outsider.userId, role: 'collaborator' }), 409, 'conflict');
      expectError(await del(owner, `/accounts/${id}`), 409, 'conflict');

      const restored = await post(owner, `/accounts/${id}/restore`);
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ status: 'active', deletedAt: null });
      const e = await lastEvent(id);
      expect(e.type).toBe('Account Restored');
      expect(e.data).toEqual({ accountLabel: 'Delete target', restoredGrants: 2 });
      expect((await get(collab, `/accounts/${id}`)).statusCode).toBe(200);
    });
  });

  describe('account members', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createAccount(owner, { label: 'Members target' })).id;
    });

    it('400 bad ids/body, 401, 404 other workspace', async () => {
      expectError(await post(owner, `/accounts/${id}/members`, { userId: 'nope', role: 'owner' }), 400, 'validation_failed');
      expectError(await post(owner, `/accounts/${id}/members`, { userId: collab.userId, role: 'manager' }), 400, 'validation_failed');
      expectError(await patch(owner, `/accounts/${id}/members/${collab.userId}`, { role: 'admin' }), 400, 'validation_failed');
      expectError(await get(null, `/accounts/${id}/members`), 401, 'unauthenticated');
      expectError(await get(owner, `/accounts/${otherWsAccountId}/members`), 404, 'not_found');
      expectError(
        await post(owner, `/accounts/${otherWsAccountId}/members`, { userId: collab.userId, role: 'collaborator' }),
        404,
        'not_found',
      );
    });

    it('share: 404 for a user of another workspace or a removed member; 422 Login-Only as Owner', async () => {
      expectError(await post(owner, `/accounts/${id}/members`, { userId: otherWsUserId, role: 'collaborator' }), 404, 'not_found');
      const gone = await addMember(t.deps, ws, { role: 'user' });
      await t.deps.db
        .update(memberships)
        .set({ status: 'removed', removedAt: new Date() })
        .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, gone.userId)));
      expectError(await post(owner, `/accounts/${id}/members`, { userId: gone.userId, role: 'collaborator' }), 404, 'not_found');
      const r = expectError(await post(owner, `/accounts/${id}/members`, { userId: loginOnlyId, role: 'owner' }), 422, 'rule_violation');
      expect(r.message).toContain('Collaborator at most');
      expect(await t.deps.db.select().from(grants).where(eq(grants.accountId, id))).toHaveLength(1);
    });

    it('share: 201 with "Sharing Of Account"; a second share is 409 already_exists; a Collaborator cannot share or list (403)', async () => {
      const m = await share(id, collab.userId, 'collaborator');
      expect(m).toMatchObject({
        userId: collab.userId,
        email: collabEmail,
        role: 'collaborator',
        roleLabel: 'Collaborator',
        sharedVia: 'direct',
        grantedBy: { name: 'Uma User' },
        isYou: false,
        abilities: { changeRole: true, remove: true },
      });
      const e = await lastEvent(id);
      expect(e).toMatchObject({ type: 'Sharing Of Account', targetUserId: collab.userId });
      expect(e.data).toEqual({ accountLabel: 'Members target', targetEmail: collabEmail, role: 'collaborator' });
      expectError(await post(owner, `/accounts/${id}/members`, { userId: collab.userId, role: 'owner' }), 409, 'already_exists');
      expectError(await post(collab, `/accounts/${id}/members`, { userId: outsider.userId, role: 'collaborator' }), 403, 'forbidden');
      expectError(await get(collab, `/accounts/${id}/members`), 403, 'forbidden');
      expectError(await patch(collab, `/accounts/${id}/members/${owner.userId}`, { role: 'collaborator' }), 403, 'forbidden');
      expectError(await del(collab, `/accounts/${id}/members/${owner.userId}`), 403, 'forbidden');
      await share(id, loginOnlyId, 'collaborator');
    });

    it('GET members: everyone with access, the sole Owner marked as not removable', async () => {
      const res = await get(owner, `/accounts/${id}/members`);
      expect(res.statusCode).toBe(200);
      const items = (res.json() as { items: AccountMemberDto[] }).items;
      expect(items.map((i) => i.userId).sort()).toEqual([owner.userId, collab.userId, loginOnlyId].sort());
      const me = items.find((i) => i.userId === owner.userId)!;
      expect(me).toMatchObject({ role: 'owner', isYou: true, abilities: { changeRole: false, remove: false } });
    });

    it('change role / remove: 404 for a user without access; 409 last_owner; 422 Login-Only to Owner', async () => {
      expectError(await patch(owner, `/accounts/${id}/members/${outsider.userId}`, { role: 'owner' }), 404, 'not_found');
      expectError(await del(owner, `/accounts/${id}/members/${MISSING}`), 404, 'not_found');
      const last = expectError(await patch(owner, `/accounts/${id}/members/${owner.userId}`, { role: 'collaborator' }), 409, 'last_owner');
      expect(last.message).toContain('last Owner');
      expectError(await del(owner, `/accounts/${id}/members/${owner.userId}`), 409, 'last_owner');
      expectError(await patch(owner, `/accounts/${id}/members/${loginOnlyId}`, { role: 'owner' }), 422, 'rule_violation');
    });

    it('change role: revokes the old grant (kept) and grants the new role, with "Account Role Updated"', async () => {
      const res = await patch(owner, `/accounts/${id}/members/${collab.userId}`, { role: 'owner' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ userId: collab.userId, role: 'owner', abilities: { changeRole: true, remove: true } });
      const rows = await t.deps.db
        .select()
        .from(grants)
        .where(and(eq(grants.accountId, id), eq(grants.userId, collab.userId)));
      expect(rows).toHaveLength(2);
      expect(rows.find((r) => r.revokedAt === null)!.role).toBe('owner');
      expect(rows.find((r) => r.revokedAt !== null)).toMatchObject({ role: 'collaborator', revokedBy: owner.userId, revokeReason: 'role_changed' });
      const e = await lastEvent(id);
      expect(e.type).toBe('Account Role Updated');
      expect(e.data).toEqual({ accountLabel: 'Members target', targetEmail: collabEmail, fromRole: 'collaborator', toRole: 'owner' });
      // The new Owner can now reveal.
      expect((await post(collab, `/accounts/${id}/reveal`, { field: 'password' })).statusCode).toBe(200);
    });

    it('remove: revokes (never deletes) with "Account Access Removed"; the person then gets 404', async () => {
      const res = await del(owner, `/accounts/${id}/members/${loginOnlyId}`);
      expect(res.statusCode, res.body).toBe(204);
      const [row] = await t.deps.db
        .select()
        .from(grants)
        .where(and(eq(grants.accountId, id), eq(grants.userId, loginOnlyId)));
      expect(row).toMatchObject({ revokedBy: owner.userId, revokeReason: 'removed' });
      expect(row!.revokedAt).toBeInstanceOf(Date);
      const e = await lastEvent(id);
      expect(e).toMatchObject({ type: 'Account Access Removed', targetUserId: loginOnlyId });
      expect(e.data).toMatchObject({ accountLabel: 'Members target', role: 'collaborator' });
      expectError(await get(loginOnly, `/accounts/${id}`), 404, 'not_found');
      // Now two Owners: one may step down.
      expect((await del(owner, `/accounts/${id}/members/${owner.userId}`)).statusCode).toBe(204);
      expectError(await get(owner, `/accounts/${id}`), 404, 'not_found');
    });
  });

  describe('GET /accounts (list)', () => {
    let lister: TestSession;
    const labels = ['alpha 50% off', 'Bravo', 'charlie_x', 'Delta', 'echo'];
    beforeAll(async () => {
      const m = await addMember(t.deps, ws, { role: 'user' });
      lister = await sessionFor(t.deps, m.userId, ws);
      for (const label of labels) await createAccount(lister, { label, application: 'Facebook', username: `${label}.user` });
      await createAccount(owner, { label: 'Not shared with lister' });
    });

    it('401 without a session; 400 on a bad limit, status or cursor', async () => {
      expectError(await get(null, '/accounts'), 401, 'unauthenticated');
      expectError(await get(lister, '/accounts?limit=0'), 400, 'validation_failed');
      expectError(await get(lister, '/accounts?limit=101'), 400, 'validation_failed');
      expectError(await get(lister, '/accounts?status=archived'), 400, 'validation_failed');
      expectError(await get(lister, '/accounts?cursor=garbage'), 400, 'validation_failed');
    });

    it('lists only accounts I hold a grant on, ordered by label, with hasPassword', async () => {
      const res = (await get(lister, '/accounts')).json() as AccountsListResponse;
      expect(res.items.map((i) => i.label)).toEqual(labels);
      expect(res.nextCursor).toBeNull();
      expect(res.items.every((i) => i.hasPassword && !i.hasTotp && i.myRole === 'owner')).toBe(true);
      expect(JSON.stringify(res)).not.toContain(PASSWORD);
    });

    it('pages with an opaque cursor across 3 pages, no duplicates, no gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/accounts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await get(lister, url);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as AccountsListResponse;
        seen.push(...body.items.map((i) => i.label));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(labels);
    });

    it('keeps cursors short for long labels in any script, and a cursor naming another workspace account yields nothing', async () => {
      const m = await addMember(t.deps, ws, { role: 'user' });
      const s = await sessionFor(t.deps, m.userId, ws);
      await createAccount(s, { label: '漢'.repeat(200) });
      await createAccount(s, { label: '😀'.repeat(200) });
      const first = (await get(s, '/accounts?limit=1')).json() as AccountsListResponse;
      expect(first.items).toHaveLength(1);
      expect(first.nextCursor!.length).toBeLessThanOrEqual(500);
      const second = await get(s, `/accounts?limit=1&cursor=${first.nextCursor}`);
      expect(second.statusCode, second.body).toBe(200);
      const body = second.json() as AccountsListResponse;
      expect(body.items).toHaveLength(1);
      expect(body.items[0]!.id).not.toBe(first.items[0]!.id);
      expect(body.nextCursor).toBeNull();

      const foreign = Buffer.from(JSON.stringify({ v: 1, after: otherWsAccountId })).toString('base64url');
      const res = (await get(s, `/accounts?cursor=${foreign}`)).json() as AccountsListResponse;
      expect(res).toEqual({ items: [], nextCursor: null });
    });

    it('searches label, application and username case-insensitively, with % and _ taken literally', async () => {
      const q = async (s: string) =>
        ((await get(lister, `/accounts?q=${encodeURIComponent(s)}`)).json() as AccountsListResponse).items.map((i) => i.label);
      expect(await q('BRAVO')).toEqual(['Bravo']);
      expect(await q('50%')).toEqual(['alpha 50% off']);
      expect(await q('%')).toEqual(['alpha 50% off']);
      expect(await q('_')).toEqual(['charlie_x']);
      expect(await q('delta.us')).toEqual(['Delta']);
      expect(await q('facebook')).toHaveLength(5);
      expect(await q('Not shared')).toEqual([]);
    });
  });
});

describe.runIf(TEST_PG_URL)('account Owners race (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('two Owners removing each other at once: exactly one succeeds and one Owner remains', async () => {
    const { workspace } = await createWorkspace(t.deps);
    for (let round = 0; round < 5; round++) {
      const a = await addMember(t.deps, workspace.id, { role: 'user' });
      const b = await addMember(t.deps, workspace.id, { role: 'user' });
      const sa = await sessionFor(t.deps, a.userId, workspace.id);
      const sb = await sessionFor(t.deps, b.userId, workspace.id);
      const created = await injectAs(t, sa, { method: 'POST', url: '/api/v1/accounts', payload: { label: `Race ${round}`, application: 'X' } });
      const id = (created.json() as AccountDetailDto).id;
      const shared = await injectAs(t, sa, { method: 'POST', url: `/api/v1/accounts/${id}/members`, payload: { userId: b.userId, role: 'owner' } });
      expect(shared.statusCode).toBe(201);

      const [ra, rb] = await Promise.all([
        injectAs(t, sa, { method: 'DELETE', url: `/api/v1/accounts/${id}/members/${b.userId}` }),
        injectAs(t, sb, { method: 'DELETE', url: `/api/v1/accounts/${id}/members/${a.userId}` }),
      ]);
      const statuses = [ra.statusCode, rb.statusCode].sort();
      // The loser either lost its own access first (404) or found itself the last Owner (409).
      expect(statuses[0]).toBe(204);
      expect([404, 409]).toContain(statuses[1]);
      const owners = await t.deps.db
        .select()
        .from(grants)
        .where(and(eq(grants.accountId, id), eq(grants.role, 'owner'), sql`${grants.revokedAt} is null`));
      expect(owners).toHaveLength(1);
      expect(await t.deps.db.select().from(activityEvents).where(and(eq(activityEvents.accountId, id), eq(activityEvents.type, 'Account Access Removed')))).toHaveLength(1);
    }
  });
});

describe.runIf(TEST_PG_URL)('sharing vs demotion or removal of the target (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const ACCOUNTS_PER_ROUND = 4;

  /** A sharer who owns several fresh accounts, a target User, and an Admin to demote or remove them. */
  async function setup(workspaceId: string, round: number) {
    const sharer = await addMember(t.deps, workspaceId, { role: 'user' });
    const target = await addMember(t.deps, workspaceId, { role: 'user' });
    const admin = await addMember(t.deps, workspaceId, { role: 'admin' });
    const ss = await sessionFor(t.deps, sharer.userId, workspaceId);
    const sa = await sessionFor(t.deps, admin.userId, workspaceId);
    const ids: string[] = [];
    for (let i = 0; i < ACCOUNTS_PER_ROUND; i++) {
      const created = await injectAs(t, ss, { method: 'POST', url: '/api/v1/accounts', payload: { label: `Race ${round}.${i}`, application: 'X' } });
      expect(created.statusCode, created.body).toBe(201);
      ids.push((created.json() as AccountDetailDto).id);
    }
    const shareAll = () =>
      ids.map((id) =>
        injectAs(t, ss, { method: 'POST', url: `/api/v1/accounts/${id}/members`, payload: { userId: target.userId, role: 'owner' } }),
      );
    return { target, sa, ids, shareAll };
  }

  async function liveGrantsOf(workspaceId: string, userId: string) {
    return t.deps.db
      .select()
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.userId, userId), sql`${grants.revokedAt} is null`));
  }

  async function membershipOf(workspaceId: string, userId: string) {
    const [m] = await t.deps.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return m!;
  }

  it('sharing as Owner while the target is demoted to Login-Only never leaves a Login-Only Owner (R-C-01)', async () => {
    const { workspace } = await createWorkspace(t.deps);
    for (let round = 0; round < 8; round++) {
      const { target, sa, shareAll } = await setup(workspace.id, round);
      const demote = injectAs(t, sa, { method: 'PATCH', url: `/api/v1/members/${target.userId}`, payload: { role: 'login_only' } });
      const [demoted, ...shares] = await Promise.all([demote, ...shareAll()]);
      expect(demoted.statusCode, demoted.body).toBe(200);
      for (const s of shares) {
        // Either the share came first (and the demotion downgraded it) or it saw Login-Only.
        if (s.statusCode !== 201) expectError(s, 422, 'rule_violation');
      }
      expect((await membershipOf(workspace.id, target.userId)).role).toBe('login_only');
      const live = await liveGrantsOf(workspace.id, target.userId);
      expect(live.filter((g) => g.role === 'owner')).toEqual([]);
      // Every share that succeeded left a live (downgraded) Collaborator grant.
      expect(live).toHaveLength(shares.filter((s) => s.statusCode === 201).length);
    }
  });

  it('sharing while the target is removed never leaves the removed member a live grant', async () => {
    const { workspace } = await createWorkspace(t.deps);
    for (let round = 0; round < 8; round++) {
      const { target, sa, shareAll } = await setup(workspace.id, round);
      const remove = injectAs(t, sa, { method: 'DELETE', url: `/api/v1/members/${target.userId}` });
      const [removed, ...shares] = await Promise.all([remove, ...shareAll()]);
      expect(removed.statusCode, removed.body).toBe(200);
      for (const s of shares) {
        // Either the share came first (and the removal revoked it) or it found no active member.
        if (s.statusCode !== 201) expectError(s, 404, 'not_found');
      }
      expect((await membershipOf(workspace.id, target.userId)).status).toBe('removed');
      expect(await liveGrantsOf(workspace.id, target.userId)).toEqual([]);
    }
  });
});
