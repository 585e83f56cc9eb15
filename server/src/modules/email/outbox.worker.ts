import type { AppDeps } from '../../deps';
import { inTransaction } from '../../lib/tx';
import { OUTBOX_BODY_PURPOSE } from './outbox';
import { outboxRepository as repo, type ClaimedRow } from './outbox.repository';
import { createMailTransport, describeSendError, type MailLogger, type MailTransport } from './transport';

export const OUTBOX_DEFAULTS = {
  pollIntervalMs: 1000,
  batchSize: 10,
  /** How long a claimed message is reserved for the worker that claimed it (covers SMTP timeouts). */
  leaseMs: 2 * 60_000,
  /** After this many attempts a message is 'dead' (about 12 hours of retries with the backoff below). */
  maxAttempts: 12,
  baseDelayMs: 15_000,
  maxDelayMs: 60 * 60_000,
} as const;

export interface OutboxWorkerOptions {
  /** Defaults to the transport the configuration asks for. */
  transport?: MailTransport;
  logger?: MailLogger;
  /** 0: no polling; the caller drives the worker with drain() (tests). */
  pollIntervalMs?: number;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export interface DrainResult {
  sent: number;
  failed: number;
}

export interface OutboxWorker {
  readonly transport: MailTransport['kind'];
  /** Deliver everything due now, and resolve when done (ticks never overlap). */
  drain(): Promise<DrainResult>;
  /** Look for due messages now rather than at the next poll. */
  nudge(): void;
  /** Stop polling, wait for the message in flight, close the transport. */
  stop(): Promise<void>;
}

/** Delay before the next attempt: 15 s × 2^(attempt−1), at most 1 h, plus up to 20% jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(OUTBOX_DEFAULTS.baseDelayMs * 2 ** Math.max(0, attempts - 1), OUTBOX_DEFAULTS.maxDelayMs);
  return Math.round(base * (1 + 0.2 * random()));
}

const silent: MailLogger = { info() {}, warn() {}, error() {} };

/**
 * The outbox worker: claims due messages with FOR UPDATE SKIP LOCKED (so any number of workers and
 * processes can run), sends them OUTSIDE the claiming transaction, then marks each sent, or
 * schedules a retry with exponential backoff, or gives up ('dead') after `maxAttempts`.
 */
export function startOutboxWorker(deps: Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config'>, opts: OutboxWorkerOptions = {}): OutboxWorker {
  const log = opts.logger ?? silent;
  const transport = opts.transport ?? createMailTransport(deps.config, log);
  const pollIntervalMs = opts.pollIntervalMs ?? OUTBOX_DEFAULTS.pollIntervalMs;
  const batchSize = opts.batchSize ?? OUTBOX_DEFAULTS.batchSize;
  const leaseMs = opts.leaseMs ?? OUTBOX_DEFAULTS.leaseMs;
  const maxAttempts = opts.maxAttempts ?? OUTBOX_DEFAULTS.maxAttempts;
  const random = opts.random ?? Math.random;

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  async function fail(row: ClaimedRow, error: string, permanent = false): Promise<void> {
    const dead = permanent || row.attempts >= maxAttempts;
    const nextAttemptAt = new Date(deps.clock.now().getTime() + (dead ? 0 : retryDelayMs(row.attempts, random)));
    await repo.markFailed(deps.db, row.id, { error, nextAttemptAt, dead });
    const info = { outboxId: row.id, template: row.template, attempts: row.attempts, error };
    if (dead) log.error(info, `email ${row.id} (${row.template}) given up after ${row.attempts} attempts`);
    else log.warn({ ...info, nextAttemptAt }, `email ${row.id} (${row.template}) not sent; will retry`);
  }

  /** Claim one batch and deliver it. Returns counts; 0 + 0 means nothing was due. */
  async function runBatch(): Promise<DrainResult & { claimed: number }> {
    const now = deps.clock.now();
    // Claim and open the bodies in one short transaction; no network I/O inside it.
    const claimed = await inTransaction(deps.db, async (tx) => {
      const rows = await repo.claimDue(tx, now, new Date(now.getTime() + leaseMs), batchSize);
      const out: Array<{ row: ClaimedRow; body: { text: string; html: string } | null }> = [];
      for (const row of rows) {
        try {
          const body = JSON.parse(await deps.vault.openSystem(tx, OUTBOX_BODY_PURPOSE, row.bodySealed)) as { text: string; html: string };
          out.push({ row, body: typeof body?.text === 'string' && typeof body?.html === 'string' ? body : null });
        } catch {
          out.push({ row, body: null });
        }
      }
      return out;
    });

    let sent = 0;
    let failed = 0;
    for (const { row, body } of claimed) {
      if (!body) {
        failed += 1;
        await fail(row, 'The message body could not be opened (key missing or data damaged).', true);
        continue;
      }
      try {
        await transport.send({
          from: deps.config.mailFrom,
          to: row.toEmail,
          subject: row.subject,
          text: body.text,
          html: body.html,
          messageId: row.id,
        });
      } catch (err) {
        failed += 1;
        await fail(row, describeSendError(err));
        continue;
      }
      await repo.markSent(deps.db, row.id, transport.kind, deps.clock.now());
      sent += 1;
      log.info({ outboxId: row.id, template: row.template, transport: transport.kind }, `email ${row.id} (${row.template}) sent`);
    }
    return { sent, failed, claimed: claimed.length };
  }

  function drain(): Promise<DrainResult> {
    const run = chain.then(async () => {
      const total: DrainResult = { sent: 0, failed: 0 };
      for (;;) {
        const r = await runBatch();
        total.sent += r.sent;
        total.failed += r.failed;
        if (r.claimed < batchSize || stopped) return total;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(delay: number): void {
    if (stopped || pollIntervalMs <= 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      drain()
        .catch((err: unknown) => log.error({ err: describeSendError(err) }, 'outbox worker: poll failed'))
        .finally(() => schedule(pollIntervalMs));
    }, delay);
    timer.unref?.();
  }

  schedule(0);

  return {
    transport: transport.kind,
    drain,
    nudge: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
      transport.close();
    },
  };
}
