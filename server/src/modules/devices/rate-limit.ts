import type { Clock } from '../../lib/clock';
import { rateLimited } from '../../lib/errors';

export interface WindowRule {
  limit: number;
  windowMs: number;
}

/** Pairings started per client IP: 20 per 10 minutes (one pairing is all a person needs). */
export const PAIRING_START_RULE: WindowRule = { limit: 20, windowMs: 10 * 60_000 };
/** Token polls per client IP: a poll every 5 s for 10 minutes is 120; leave room for a few extensions behind one NAT. */
export const PAIRING_POLL_RULE: WindowRule = { limit: 600, windowMs: 10 * 60_000 };
/** Fill tickets asked for per device: 30 per minute. */
export const TICKET_RULE: WindowRule = { limit: 30, windowMs: 60_000 };
/** Redemptions per device, and per client IP. */
export const REDEEM_DEVICE_RULE: WindowRule = { limit: 30, windowMs: 60_000 };
export const REDEEM_IP_RULE: WindowRule = { limit: 120, windowMs: 60_000 };

/**
 * A fixed-window counter per key, in memory (one server process, ADR 0013). Enough to blunt
 * guessing and floods on the public pairing routes and on redemption; time from the injected clock.
 */
export function createWindowLimiter(clock: Clock, rule: WindowRule) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Count one hit; throw 429 rate_limited (Retry-After) when the key is over its limit. */
    hit(key: string): void {
      const now = clock.now().getTime();
      let w = windows.get(key);
      if (!w || now - w.start >= rule.windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
        if (windows.size > 10_000) {
          for (const [k, v] of windows) if (now - v.start >= rule.windowMs) windows.delete(k);
        }
      }
      w.count += 1;
      if (w.count > rule.limit) throw rateLimited(Math.max(1, Math.ceil((w.start + rule.windowMs - now) / 1000)));
    },
  };
}
