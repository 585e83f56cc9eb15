import { and, isNotNull, lt, or } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps';
import { loginFailures, sessions } from '../../db/schema/index';

/** Failures older than the longest throttle window (1 hour) no longer count; keep a day for investigation. */
export const LOGIN_FAILURE_RETENTION_MS = 24 * 3_600_000;
/** Ended or expired sessions are kept a while for support questions ("was I signed in?"), then dropped. */
export const SESSION_RETENTION_MS = 30 * 24 * 3_600_000;

/** Delete what the throttles and sessions no longer need. Returns the counts. */
export async function runHousekeeping(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<{ loginFailures: number; sessions: number }> {
  const now = deps.clock.now().getTime();
  const failures = await deps.db
    .delete(loginFailures)
    .where(lt(loginFailures.createdAt, new Date(now - LOGIN_FAILURE_RETENTION_MS)))
    .returning({ id: loginFailures.id });
  const cutoff = new Date(now - SESSION_RETENTION_MS);
  const old = await deps.db
    .delete(sessions)
    .where(or(and(isNotNull(sessions.endedAt), lt(sessions.endedAt, cutoff)), lt(sessions.expiresAt, cutoff)))
    .returning({ id: sessions.id });
  return { loginFailures: failures.length, sessions: old.length };
}

/** Run housekeeping now and then every `intervalMs` (default 10 minutes). */
export function startHousekeeping(deps: Pick<AppDeps, 'db' | 'clock'>, log: FastifyBaseLogger, intervalMs = 10 * 60_000) {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= runHousekeeping(deps)
      .then((n) => {
        if (n.loginFailures || n.sessions) log.info(n, 'housekeeping removed old rows');
      })
      .catch((err: unknown) => log.warn({ err }, 'housekeeping failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
