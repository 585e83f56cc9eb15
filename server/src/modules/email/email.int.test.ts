import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../db/client';
import { outbox } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { inTransaction } from '../../lib/tx';
import { createTestApp, uniqueEmail, type TestApp } from '../../../test/harness';
import { TEST_PG_URL } from '../../../test/database';
import { TestSmtp } from '../../../test/smtp';
import { enqueueEmail } from './outbox';
import { OUTBOX_DEFAULTS, startOutboxWorker } from './outbox.worker';
import { renderEmail } from './render';

const NOW = new Date('2026-04-01T09:00:00.000Z');
const clock = manualClock(NOW);
const smtp = new TestSmtp();
let t: TestApp;

async function queue(to: string, subject = 'Join “Acme” on Latchkey') {
  const body = renderEmail({
    title: subject,
    intro: 'Olive invited you. <b>not bold</b>',
    action: { label: 'Accept the invite', url: 'https://latchkey.test/invite#token=tok123' },
    footer: 'If you did not expect this, ignore it.',
  });
  await inTransaction(t.deps.db, (tx) =>
    enqueueEmail(tx, t.deps.vault, { template: 'test.invite', to, subject, ...body }, clock.now()),
  );
}
async function rowFor(to: string) {
  const [row] = await t.deps.db.select().from(outbox).where(eq(outbox.toEmail, to));
  return row!;
}

beforeAll(async () => {
  await smtp.start();
  t = await createTestApp({
    clock,
    config: { smtpUrl: `smtp://mailer:s3cret-pw@127.0.0.1:${smtp.port}`, devMailbox: false, mailFrom: 'Latchkey <no-reply@latchkey.test>' },
  });
});
afterAll(async () => {
  await smtp.stop();
  await t?.close();
});
beforeEach(() => clock.set(NOW));

describe('outbox worker over SMTP', () => {
  it('a rolled-back transaction leaves no outbox row and sends nothing', async () => {
    const to = uniqueEmail('rollback');
    await expect(
      inTransaction(t.deps.db, async (tx) => {
        await enqueueEmail(tx, t.deps.vault, { template: 't', to, subject: 's', text: 'x', html: '<p>x</p>' }, clock.now());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const [n] = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from outbox where to_email = ${to}`);
    expect(n!.n).toBe(0);
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0 });
    await worker.drain();
    await worker.stop();
    expect(smtp.for(to)).toEqual([]);
  });

  it('delivers a queued message with text and HTML parts, subject, From and To, and marks it sent', async () => {
    const to = uniqueEmail('smtp');
    await queue(to);
    const before = await rowFor(to);
    expect(before.bodySealed).not.toContain('tok123'); // sealed at rest
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0 });
    expect(worker.transport).toBe('smtp');
    expect(await worker.drain()).toEqual({ sent: 1, failed: 0 });
    await worker.stop();

    const [mail] = smtp.for(to);
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('no-reply@latchkey.test');
    expect(mail!.raw).toMatch(/^From: Latchkey <no-reply@latchkey\.test>\r?$/m);
    expect(mail!.raw).toMatch(new RegExp(`^To: ${to.replace(/[.+]/g, '\\$&')}\\r?$`, 'm'));
    expect(mail!.raw).toMatch(/^Subject: =\?UTF-8\?/m); // “” are encoded
    expect(mail!.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(mail!.raw).toContain(`X-Latchkey-Message: ${before.id}`);
    expect(mail!.raw).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(mail!.raw).toContain('tok123');

    const after = await rowFor(to);
    expect(after).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 1, lastError: null });
    expect(after.sentAt?.toISOString()).toBe(NOW.toISOString());
  });

  it('keeps a message pending with backoff while the SMTP server is down, then delivers it', async () => {
    const to = uniqueEmail('outage');
    await smtp.stop();
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0, random: () => 0 });
    try {
      await queue(to);
      expect(await worker.drain()).toEqual({ sent: 0, failed: 1 });
      let row = await rowFor(to);
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(1);
      expect(row.nextAttemptAt.getTime()).toBe(NOW.getTime() + 15_000);
      expect(row.lastError).toMatch(/ECONNREFUSED|ESOCKET|connect/i);
      expect(row.lastError).not.toContain('s3cret-pw');

      // Not due yet: nothing happens.
      clock.advance(10_000);
      expect(await worker.drain()).toEqual({ sent: 0, failed: 0 });

      // Second failure doubles the delay.
      clock.advance(5_000);
      expect(await worker.drain()).toEqual({ sent: 0, failed: 1 });
      row = await rowFor(to);
      expect(row.attempts).toBe(2);
      expect(row.nextAttemptAt.getTime()).toBe(clock.now().getTime() + 30_000);

      await smtp.start(smtp.port);
      clock.advance(30_000);
      expect(await worker.drain()).toEqual({ sent: 1, failed: 0 });
      row = await rowFor(to);
      expect(row).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 3, lastError: null });
      expect(smtp.for(to)).toHaveLength(1);
    } finally {
      await worker.stop();
      if (!smtp.running) await smtp.start(smtp.port);
    }
  });

  it('gives up after 12 attempts, backing off up to an hour', async () => {
    const to = uniqueEmail('dead');
    const port = smtp.port;
    await smtp.stop();
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0, random: () => 0 });
    try {
      await queue(to);
      const delays: number[] = [];
      for (let i = 1; i <= OUTBOX_DEFAULTS.maxAttempts; i++) {
        expect(await worker.drain()).toEqual({ sent: 0, failed: 1 });
        const row = await rowFor(to);
        expect(row.attempts).toBe(i);
        if (i < OUTBOX_DEFAULTS.maxAttempts) {
          expect(row.status).toBe('pending');
          delays.push(row.nextAttemptAt.getTime() - clock.now().getTime());
          clock.set(row.nextAttemptAt);
        } else {
          expect(row.status).toBe('dead');
        }
      }
      expect(delays.slice(0, 4)).toEqual([15_000, 30_000, 60_000, 120_000]);
      expect(Math.max(...delays)).toBe(3_600_000);
      clock.advance(24 * 3_600_000);
      expect(await worker.drain()).toEqual({ sent: 0, failed: 0 });
    } finally {
      await worker.stop();
      if (!smtp.running) await smtp.start(port);
    }
  });

  it('marks a message whose body cannot be opened dead at once, without sending', async () => {
    const to = uniqueEmail('corrupt');
    await t.deps.db.insert(outbox).values({ template: 't', toEmail: to, subject: 's', bodySealed: '1.AAAA', createdAt: NOW, nextAttemptAt: NOW });
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 0 });
    expect(await worker.drain()).toEqual({ sent: 0, failed: 1 });
    await worker.stop();
    expect(await rowFor(to)).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/could not be opened/) });
    expect(smtp.for(to)).toEqual([]);
  });

  it('reserves a message while it is being sent, and retries it after the lease if the sender died', async () => {
    const to = uniqueEmail('lease');
    await queue(to);
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const stuck = startOutboxWorker(t.deps, {
      pollIntervalMs: 0,
      transport: { kind: 'smtp', send: () => hung, close: () => undefined },
    });
    const stuckDrain = stuck.drain();
    // Wait until the stuck worker has claimed the message (attempts counted, lease set).
    for (let i = 0; i < 100 && (await rowFor(to)).attempts === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await rowFor(to)).nextAttemptAt.getTime()).toBe(NOW.getTime() + OUTBOX_DEFAULTS.leaseMs);

    const other = startOutboxWorker(t.deps, { pollIntervalMs: 0 });
    expect(await other.drain()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.for(to)).toEqual([]);

    clock.advance(OUTBOX_DEFAULTS.leaseMs);
    expect(await other.drain()).toEqual({ sent: 1, failed: 0 });
    expect(await rowFor(to)).toMatchObject({ status: 'sent', attempts: 2 });
    release();
    await stuckDrain;
    await Promise.all([stuck.stop(), other.stop()]);
    expect(smtp.for(to)).toHaveLength(1);
    expect(await rowFor(to)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('polls on its own and delivers without drain()', async () => {
    const to = uniqueEmail('poll');
    const worker = startOutboxWorker(t.deps, { pollIntervalMs: 50 });
    try {
      await queue(to);
      worker.nudge();
      const deadline = Date.now() + 10_000;
      while (smtp.for(to).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(smtp.for(to)).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});

describe.runIf(TEST_PG_URL)('outbox worker: concurrency (PostgreSQL)', () => {
  it('two workers draining at once deliver each message exactly once', async () => {
    const second = await openDatabase({ databaseUrl: t.database.url!, poolSize: 5 });
    try {
      const recipients = Array.from({ length: 30 }, () => uniqueEmail('race'));
      await inTransaction(t.deps.db, async (tx) => {
        for (const to of recipients) {
          await enqueueEmail(tx, t.deps.vault, { template: 'race', to, subject: 'race', text: 'x', html: '<p>x</p>' }, clock.now());
        }
      });
      const a = startOutboxWorker(t.deps, { pollIntervalMs: 0, batchSize: 3 });
      const b = startOutboxWorker({ ...t.deps, db: second.db }, { pollIntervalMs: 0, batchSize: 3 });
      const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
      await Promise.all([a.stop(), b.stop()]);
      expect(ra.failed + rb.failed).toBe(0);
      expect(ra.sent + rb.sent).toBe(30);
      expect(ra.sent).toBeGreaterThan(0);
      expect(rb.sent).toBeGreaterThan(0);
      for (const to of recipients) {
        expect(smtp.for(to)).toHaveLength(1);
        expect(await rowFor(to)).toMatchObject({ status: 'sent', attempts: 1 });
      }
    } finally {
      await second.close();
    }
  });
});
