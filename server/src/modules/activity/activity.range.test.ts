import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, resolveRange } from './activity.service';

const at = (iso: string) => new Date(iso);
const range = (r: Parameters<typeof resolveRange>[0], now: string) => {
  const { from, to } = resolveRange(r, at(now));
  return [from.toISOString(), to.toISOString()];
};

describe('resolveRange (UTC)', () => {
  it('today starts at midnight UTC', () => {
    expect(range({ range: 'today' }, '2026-03-15T00:30:00.000Z')).toEqual(['2026-03-15T00:00:00.000Z', '2026-03-15T00:30:00.000Z']);
  });

  it('last 7 and 30 days are rolling windows', () => {
    expect(range({ range: 'last_7_days' }, '2026-03-15T12:00:00.000Z')[0]).toBe('2026-03-08T12:00:00.000Z');
    expect(range({ range: 'last_30_days' }, '2026-03-15T12:00:00.000Z')[0]).toBe('2026-02-13T12:00:00.000Z');
  });

  it('last 3 months goes back three calendar months, clamped to the month’s end', () => {
    expect(range({ range: 'last_3_months' }, '2026-03-15T12:00:00.000Z')[0]).toBe('2025-12-15T12:00:00.000Z');
    expect(range({ range: 'last_3_months' }, '2026-05-31T08:00:00.000Z')[0]).toBe('2026-02-28T08:00:00.000Z');
    expect(range({ range: 'last_3_months' }, '2028-05-31T08:00:00.000Z')[0]).toBe('2028-02-29T08:00:00.000Z');
    expect(range({ range: 'last_3_months' }, '2026-01-10T00:00:00.000Z')[0]).toBe('2025-10-10T00:00:00.000Z');
  });

  it('custom uses the given bounds', () => {
    expect(range({ range: 'custom', from: '2026-01-01T00:00:00+02:00', to: '2026-01-02T00:00:00Z' }, '2026-03-15T12:00:00.000Z')).toEqual([
      '2025-12-31T22:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    ]);
  });
});

describe('activity cursor', () => {
  it('round-trips and is opaque', () => {
    const c = encodeCursor('2026-03-15T11:00:00.123456Z', 42);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(c).not.toContain('2026');
    expect(decodeCursor(c)).toEqual({ createdAt: '2026-03-15T11:00:00.123456Z', id: 42 });
  });

  it.each(['', 'abc', encodeCursor('2026-03-15T11:00:00Z', 1), Buffer.from('v1|2026-03-15T11:00:00.123456Z|-1').toString('base64url')])(
    'refuses %j',
    (c) => {
      expect(() => decodeCursor(c)).toThrow(/not one this server issued/);
    },
  );
});
