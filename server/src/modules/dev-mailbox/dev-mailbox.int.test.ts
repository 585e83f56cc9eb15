import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxListResponse, MailboxMessageDto } from '@shared/mailbox';
import { manualClock } from '../../lib/clock';
import { inTransaction } from '../../lib/tx';
import {
  createTestApp,
  createWorkspace,
  expectError,
  injectAs,
  sessionFor,
  uniqueEmail,
  type TestApp,
  type TestSession,
} from '../../../test/harness';
import { insertMember } from '../../../test/world';
import { enqueueEmail } from '../email/outbox';
import { startOutboxWorker } from '../email/outbox.worker';
import { renderEmail } from '../email/render';

const NOW = new Date('2026-05-01T10:00:00.000Z');

describe('Dev mailbox (no SMTP configured)', () => {
  const clock = manualClock(NOW);
  let t: TestApp;
  const logged: Array<{ obj: Record<string, unknown>; msg?: string | undefined }> = [];
  const logger = {
    info: (obj: object, msg?: string) => logged.push({ obj: obj as Record<string, unknown>, msg }),
    warn: () => undefined,
    error: () => undefined,
  };
  const to = uniqueEmail('invitee');
  let messageId: string;
  let workspaceId: string;
  let owner: TestSession; // Owner of workspace A: sees A's outgoing mail
  let member: TestSession; // a User of A: sees only mail addressed to them
  let memberEmail: string;
  let otherOwner: TestSession; // Owner of workspace B: never sees A's mail

  beforeAll(async () => {
    t = await createTestApp({ clock });
    expect(t.deps.config.devMailbox).toBe(true);
    const a = await createWorkspace(t.deps, { name: 'Acme' });
    const b = await createWorkspace(t.deps, { name: 'Other' });
    workspaceId = a.workspace.id;
    owner = await sessionFor(t.deps, a.owner.id, a.workspace.id);
    const m = await insertMember(t.deps, a.workspace.id, 'user');
    memberEmail = m.email;
    member = await sessionFor(t.deps, m.userId, a.workspace.id);
    otherOwner = await sessionFor(t.deps, b.owner.id, b.workspace.id);
    const body = renderEmail({
      title: 'Join Acme on Latchkey',
      intro: 'Olive invited you.',
      action: { label: 'Accept the invite', url: 'https://latchkey.test/invite#token=devtok' },
    });
    await inTransaction(t.deps.db, (tx) =>
      enqueueEmail(tx, t.deps.vault, { template: 'member.invite', to, subject: 'Join Acme on Latchkey', workspaceId, ...body }, clock.now()),
    );
  });
  afterAll(async () => t?.close());

  it('the worker marks messages delivered to the Dev mailbox and logs recipient and subject, never the body', async () => {
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0, logger });
    expect(worker.transport).toBe('dev_mailbox');
    expect(await worker.drain()).toEqual({ sent: 1, failed: 0 });
    await worker.stop();
    const line = logged.find((l) => (l.obj.mail as { to?: string } | undefined)?.to === to);
    expect(line?.obj.mail).toMatchObject({ to, subject: 'Join Acme on Latchkey' });
    expect(JSON.stringify(logged)).not.toContain('devtok');
  });

  it('needs a session (401)', async () => {
    expectError(await injectAs(t, null, { method: 'GET', url: '/api/v1/dev/mailbox' }), 401, 'unauthenticated');
    expectError(await injectAs(t, null, { method: 'GET', url: `/api/v1/dev/mailbox/${crypto.randomUUID()}` }), 401, 'unauthenticated');
  });

  it('GET /dev/mailbox answers 400 for a message id that is not a uuid', async () => {
    expectError(await injectAs(t, owner, { method: 'GET', url: '/api/v1/dev/mailbox/not-a-uuid' }), 400, 'validation_failed');
  });

  it('GET /dev/mailbox/:id answers 404 for an unknown message, quoting the id', async () => {
    const id = crypto.randomUUID();
    const err = expectError(await injectAs(t, owner, { method: 'GET', url: `/api/v1/dev/mailbox/${id}` }), 404, 'not_found');
    expect(err.message).toContain(id);
  });

  it("lists the workspace's outgoing mail to its Owner, newest first, without bodies", async () => {
    const res = await injectAs(t, owner, { method: 'GET', url: '/api/v1/dev/mailbox' });
    expect(res.statusCode).toBe(200);
    const { messages } = res.json() as MailboxListResponse;
    const mine = messages.find((m) => m.to === to)!;
    expect(mine).toEqual({
      id: expect.any(String),
      to,
      subject: 'Join Acme on Latchkey',
      template: 'member.invite',
      createdAt: NOW.toISOString(),
      status: 'sent',
      transport: 'dev_mailbox',
    });
    expect(JSON.stringify(messages)).not.toContain('devtok'); // no bodies in the list
    messageId = mine.id;
  });

  it('GET /dev/mailbox/:id returns the text and HTML to the Owner, opened through the vault', async () => {
    const res = await injectAs(t, owner, { method: 'GET', url: `/api/v1/dev/mailbox/${messageId}` });
    expect(res.statusCode).toBe(200);
    const msg = res.json() as MailboxMessageDto;
    expect(msg).toMatchObject({ id: messageId, to, status: 'sent', transport: 'dev_mailbox' });
    expect(msg.text).toContain('Accept the invite: https://latchkey.test/invite#token=devtok');
    expect(msg.html).toContain('<a href="https://latchkey.test/invite#token=devtok"');
  });

  it("keeps another workspace's Owner and a plain member out of the workspace's mail (404, not listed)", async () => {
    for (const s of [otherOwner, member]) {
      const list = (await injectAs(t, s, { method: 'GET', url: '/api/v1/dev/mailbox' })).json() as MailboxListResponse;
      expect(list.messages.map((m) => m.id)).not.toContain(messageId);
      expectError(await injectAs(t, s, { method: 'GET', url: `/api/v1/dev/mailbox/${messageId}` }), 404, 'not_found');
    }
  });

  it('shows a member the mail addressed to them, even from another workspace', async () => {
    await inTransaction(t.deps.db, (tx) =>
      enqueueEmail(tx, t.deps.vault, { template: 'notice', to: memberEmail, subject: 'For you', text: 'hi', html: '<p>hi</p>' }, clock.now()),
    );
    const list = (await injectAs(t, member, { method: 'GET', url: '/api/v1/dev/mailbox' })).json() as MailboxListResponse;
    expect(list.messages.map((m) => m.subject)).toEqual(['For you']);
  });

  it('keeps the latest 200, newest first', async () => {
    await inTransaction(t.deps.db, async (tx) => {
      for (let i = 0; i < 205; i++) {
        const at = new Date(NOW.getTime() + (i + 1) * 1000);
        await enqueueEmail(tx, t.deps.vault, { template: 'bulk', to: `bulk${i}@example.test`, subject: `#${i}`, text: 'x', html: 'x', workspaceId }, at);
      }
    });
    const { messages } = (await injectAs(t, owner, { method: 'GET', url: '/api/v1/dev/mailbox' })).json() as MailboxListResponse;
    expect(messages).toHaveLength(200);
    expect(messages[0]!.subject).toBe('#204');
    expect(messages[199]!.subject).toBe('#5');
    expect(messages[0]).toMatchObject({ status: 'pending', transport: null });
  });
});

describe('Dev mailbox when SMTP is configured', () => {
  let t: TestApp;
  let owner: TestSession;
  beforeAll(async () => {
    t = await createTestApp({ config: { smtpUrl: 'smtp://127.0.0.1:1', devMailbox: false } });
    const a = await createWorkspace(t.deps);
    owner = await sessionFor(t.deps, a.owner.id, a.workspace.id);
  });
  afterAll(async () => t?.close());

  it('answers 404 route_not_found on both routes, as if they did not exist', async () => {
    const list = expectError(await injectAs(t, owner, { method: 'GET', url: '/api/v1/dev/mailbox' }), 404, 'route_not_found');
    expect(list.message).toBe('No route GET /api/v1/dev/mailbox.');
    const id = crypto.randomUUID();
    expectError(await injectAs(t, owner, { method: 'GET', url: `/api/v1/dev/mailbox/${id}` }), 404, 'route_not_found');
  });
});
