import { describe, expect, it } from 'vitest';
import { manualClock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { createWindowLimiter } from './rate-limit';

describe('createWindowLimiter', () => {
  it('refuses the hit over the limit with 429 and the seconds left in the window', () => {
    const clock = manualClock(new Date('2026-12-02T10:00:00Z'));
    const limiter = createWindowLimiter(clock, { limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) limiter.hit('ip:a');
    clock.advance(15_000);
    let err: unknown;
    try {
      limiter.hit('ip:a');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('rate_limited');
    expect((err as AppError).headers).toEqual({ 'retry-after': '45' });
  });

  it('counts keys apart, and starts over when the window has passed', () => {
    const clock = manualClock(new Date('2026-12-02T10:00:00Z'));
    const limiter = createWindowLimiter(clock, { limit: 1, windowMs: 60_000 });
    limiter.hit('ip:a');
    expect(() => limiter.hit('ip:b')).not.toThrow();
    expect(() => limiter.hit('ip:a')).toThrow(AppError);
    clock.advance(60_000);
    expect(() => limiter.hit('ip:a')).not.toThrow();
  });
});
