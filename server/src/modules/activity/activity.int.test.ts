import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEventInput } from '@shared/activity';
import type { ActivityListResponse } from '@shared/activity-api';
import { queryRows } from '../../db/client';
import { accounts, grants } from '../../db/schema/index';
import { manualClock } from '../../lib/clock';
import { createTestApp, expectError, injectAs, sessionFor, type TestApp, type TestSession } from '../../../test/harness';
import { buildWorld, type World } from '../../../test/world';
import { recordActivity } from './activity.recorder';

const NOW = new Date('2026-03-15T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let t: TestApp;
let w: World;
const clock = manualClock(NOW);

type Who = { userId: string; email: string };
async function rec(
  event: ActivityEventInput,
  opts: { workspaceId?: string; actor: Who | null; accountId?: string; targetUserId?: string; at?: Date; ua?: string },
) {
  await recordActivity(t.deps.db, event, {
    workspaceId: opts.workspaceId ?? w.a.workspaceId,
    actor: opts.actor,
    accountId: opts.accountId ?? null,
    targetUserId: opts.targetUserId ?? null,
    meta: { ip: '203.0.113.7', userAgent: opts.ua ?? CHROME_MAC, requestId: null },
    at: opts.at ?? new Date(NOW.getTime() - HOUR),
  });
}

async function list(session: TestSession | null, query = '') {
  return injectAs(t, session, { method: 'GET', url: `/api/v1/activity${query}` });
}
async function items(session: TestSession, query = '') {
  const res = await list(session, query);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as ActivityListResponse).items;
}
const summaries = (xs: Array<{ summary: string }>) => xs.map((x) => x.summary);

/** A minimal RFC 4180 reader (quoted fields, CRLF), enough to check our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

// The scenario: events in workspace A and B with known visibility.
let acc1: { id: string; label: string };
let accRevoked: { id: string };
beforeAll(async () => {
  t = await createTestApp({ clock });
  w = await buildWorld(t.deps);
  const a = await w.newAccount();
  const [row] = await t.deps.db.select({ label: accounts.label }).from(accounts).where(eq(accounts.id, a.id));
  acc1 = { id: a.id, label: row!.label };
  accRevoked = await w.newAccount();
  // The User's Owner grant on accRevoked is revoked: its events are no longer theirs to see.
  await t.deps.db
    .update(grants)
    .set({ revokedAt: new Date(NOW.getTime() - DAY) })
    .where(and(eq(grants.accountId, accRevoked.id), eq(grants.userId, w.users.user.userId)));

  const u = w.users;
  await rec(
    { type: 'Sharing Of Account', data: { accountLabel: acc1.label, targetEmail: u.collaborator.email, role: 'collaborator' } },
    { actor: u.admin, accountId: acc1.id, targetUserId: u.collaborator.userId },
  );
  await rec({ type: 'Login To Latchkey', data: { mfa: false } }, { actor: u.loginOnly });
  await rec({ type: 'Login To Latchkey', data: { mfa: true } }, { actor: u.collaborator });
  await rec({ type: 'Workspace Updated', data: { from: 'Acme', to: 'Acme Inc' } }, { actor: u.admin });
  await rec({ type: 'Account Deleted', data: { accountLabel: 'Revoked one' } }, { actor: u.admin, accountId: accRevoked.id });
  await rec({ type: 'Logout From Latchkey', data: {} }, { actor: u.user });
  await rec(
    { type: 'Account Updated', data: { accountLabel: 'B account', fields: ['notes'] } },
    { workspaceId: w.b.workspaceId, actor: u.otherAdmin, accountId: w.b.accountId },
  );
});
afterAll(async () => t?.close());

describe('GET /activity: refusals', () => {
  it('answers 401 without a session', async () => {
    expectError(await list(null), 401, 'unauthenticated');
    expectError(await injectAs(t, null, { method: 'GET', url: '/api/v1/activity/export' }), 401, 'unauthenticated');
  });

  it.each([
    ['from after to', '?range=custom&from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z', /must not be before/],
    ['custom without dates', '?range=custom', /needs "from"/],
    ['custom without to', '?range=custom&from=2026-03-01T00:00:00Z', /needs "to"/],
    ['a span over 366 days', '?range=custom&from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', /366 days/],
    ['dates with a preset', '?range=today&from=2026-03-01T00:00:00Z', /only with range=custom/],
    ['a date that is not ISO', '?range=custom&from=yesterday&to=2026-03-01T00:00:00Z', /ISO 8601/],
    ['an unknown preset', '?range=forever', /range/],
    ['an unknown event type', '?type=Nope', /type/],
    ['an accountId that is not a uuid', '?accountId=123', /accountId/],
    ['limit 0', '?limit=0', /limit/],
    ['limit 201', '?limit=201', /limit/],
    ['a cursor over 500 characters', `?cursor=${'a'.repeat(501)}`, /cursor/],
  ])('answers 400 for %s', async (_name, query, message) => {
    const err = expectError(await list(w.sessions.admin, query), 400, 'validation_failed');
    expect(err.message).toMatch(message);
  });

  it.each([
    ['not base64url', '!!!'],
    ['base64url of garbage', Buffer.from('hello').toString('base64url')],
    ['a forged cursor with a bad date', Buffer.from('v1|2026-13-45T99:00:00.000000Z|5').toString('base64url')],
  ])('answers 400 for a cursor that is %s, quoting it', async (_name, cursor) => {
    const err = expectError(await list(w.sessions.admin, `?cursor=${encodeURIComponent(cursor)}`), 400, 'validation_failed');
    expect(err.message).toContain(`"${cursor.slice(0, 40)}`);
    expect(err.message).toMatch(/first page/);
  });

  it('answers 401 for a member removed from the workspace', async () => {
    const res = await list(w.sessions.removed);
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /activity: who sees what (R-C-05)', () => {
  it('shows Admins and the Owner every event of their workspace and nothing of another', async () => {
    for (const who of [w.sessions.admin, w.sessions.owner]) {
      const got = summaries(await items(who));
      expect(got).toHaveLength(7); // 6 recorded + "Workspace Created"
      expect(got).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/shared “.+” with .+ as Collaborator/),
          expect.stringMatching(/signed in$/),
          expect.stringMatching(/signed in with MFA$/),
          expect.stringMatching(/renamed the workspace/),
          expect.stringMatching(/deleted “Revoked one”/),
          expect.stringMatching(/signed out/),
          expect.stringMatching(/created the workspace “Acme \(A\)”/),
        ]),
      );
      expect(got.join('\n')).not.toContain('B account');
    }
  });

  it('shows a User their own events and events on accounts they Own, not other people’s', async () => {
    const got = summaries(await items(w.sessions.user));
    expect(got).toHaveLength(2);
    expect(got).toEqual(expect.arrayContaining([expect.stringMatching(/shared “/), expect.stringMatching(/signed out/)]));
  });

  it('stops showing events on an account once the Owner grant is revoked', async () => {
    const got = summaries(await items(w.sessions.user, `?accountId=${accRevoked.id}`));
    expect(got).toEqual([]);
  });

  it('shows a Collaborator only their own events, not events on accounts they merely use', async () => {
    expect(summaries(await items(w.sessions.collaborator))).toEqual([expect.stringMatching(/signed in with MFA$/)]);
  });

  it('shows a Login-Only member only their own events', async () => {
    expect(summaries(await items(w.sessions.loginOnly))).toEqual([expect.stringMatching(/signed in$/)]);
  });

  it('shows another workspace’s Admin only their workspace', async () => {
    const got = summaries(await items(w.sessions.otherAdmin));
    expect(got).toHaveLength(2);
    expect(got.join('\n')).toContain('B account');
  });
});

describe('GET /activity: filters', () => {
  it('filters by account', async () => {
    const got = await items(w.sessions.admin, `?accountId=${acc1.id}`);
    expect(got.map((i) => i.type)).toEqual(['Sharing Of Account']);
  });

  it('filters by user (the actor)', async () => {
    const got = await items(w.sessions.admin, `?userId=${w.users.loginOnly.userId}`);
    expect(got.map((i) => i.actor?.id)).toEqual([w.users.loginOnly.userId]);
  });

  it('filters by event type', async () => {
    const got = await items(w.sessions.admin, `?type=${encodeURIComponent('Login To Latchkey')}`);
    expect(got).toHaveLength(2);
    expect(new Set(got.map((i) => i.type))).toEqual(new Set(['Login To Latchkey']));
  });

  it('combines filters', async () => {
    const q = `?type=${encodeURIComponent('Login To Latchkey')}&userId=${w.users.collaborator.userId}`;
    expect((await items(w.sessions.admin, q)).map((i) => i.data)).toEqual([{ mfa: true }]);
    const none = `?type=${encodeURIComponent('Workspace Updated')}&userId=${w.users.collaborator.userId}`;
    expect(await items(w.sessions.admin, none)).toEqual([]);
  });

  it('yields nothing for another workspace’s account or user, or an unknown id (no leak)', async () => {
    expect(await items(w.sessions.admin, `?accountId=${w.b.accountId}`)).toEqual([]);
    expect(await items(w.sessions.admin, `?userId=${w.users.otherAdmin.userId}`)).toEqual([]);
    expect(await items(w.sessions.admin, `?accountId=${crypto.randomUUID()}`)).toEqual([]);
  });

  it('does not let a filter widen what a member sees', async () => {
    expect(await items(w.sessions.loginOnly, `?userId=${w.users.admin.userId}`)).toEqual([]);
    expect(await items(w.sessions.collaborator, `?accountId=${acc1.id}`)).toEqual([]);
  });
});

describe('GET /activity: the item', () => {
  it('carries actor, account, target, a sentence, IP and the parsed user agent', async () => {
    const [item] = await items(w.sessions.admin, `?accountId=${acc1.id}`);
    expect(item).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'Sharing Of Account',
      createdAt: new Date(NOW.getTime() - HOUR).toISOString(),
      actor: { id: w.users.admin.userId, email: w.users.admin.email },
      account: { id: acc1.id, label: acc1.label },
      target: { id: w.users.collaborator.userId, email: w.users.collaborator.email },
      summary: `Test admin shared “${acc1.label}” with ${w.users.collaborator.email} as Collaborator`,
      data: { accountLabel: acc1.label, targetEmail: w.users.collaborator.email, role: 'collaborator' },
      ip: '203.0.113.7',
      location: null,
      os: 'macOS',
      browser: 'Chrome 131',
      device: 'desktop',
    });
  });

  it('shows the account’s current label', async () => {
    await t.deps.db.update(accounts).set({ label: 'Renamed label' }).where(eq(accounts.id, acc1.id));
    try {
      const [item] = await items(w.sessions.admin, `?accountId=${acc1.id}`);
      expect(item!.account).toEqual({ id: acc1.id, label: 'Renamed label' });
    } finally {
      await t.deps.db.update(accounts).set({ label: acc1.label }).where(eq(accounts.id, acc1.id));
    }
  });
});

describe('GET /activity: date presets (UTC, from the clock)', () => {
  const TYPE = `?type=${encodeURIComponent('MFA Enabled')}`;
  beforeAll(async () => {
    // NOW is 12:00 UTC. Ages chosen on both sides of each preset's edge.
    const ages = { '1 hour': HOUR, '13 hours (yesterday)': 13 * HOUR, '6 days': 6 * DAY, '8 days': 8 * DAY, '29 days': 29 * DAY, '31 days': 31 * DAY, '85 days': 85 * DAY, '100 days': 100 * DAY };
    for (const [, age] of Object.entries(ages)) {
      await rec({ type: 'MFA Enabled', data: {} }, { actor: w.users.admin, at: new Date(NOW.getTime() - age) });
    }
    // An event after "now" is outside every preset.
    await rec({ type: 'MFA Enabled', data: {} }, { actor: w.users.admin, at: new Date(NOW.getTime() + HOUR) });
  });
  const ages = async (q: string) =>
    (await items(w.sessions.admin, `${TYPE}&${q}`)).map((i) => Math.round((NOW.getTime() - Date.parse(i.createdAt)) / HOUR));

  it('today is from midnight UTC to now', async () => {
    expect(await ages('range=today')).toEqual([1]);
    const res = await list(w.sessions.admin, `${TYPE}&range=today`);
    expect((res.json() as ActivityListResponse).range).toEqual({ from: '2026-03-15T00:00:00.000Z', to: NOW.toISOString() });
  });

  it('defaults to the last 7 days', async () => {
    expect(await ages('limit=50')).toEqual([1, 13, 6 * 24]);
    expect(await ages('range=last_7_days')).toEqual([1, 13, 6 * 24]);
  });

  it('last 30 days and last 3 months', async () => {
    expect(await ages('range=last_30_days')).toEqual([1, 13, 6 * 24, 8 * 24, 29 * 24]);
    expect(await ages('range=last_3_months')).toEqual([1, 13, 6 * 24, 8 * 24, 29 * 24, 31 * 24, 85 * 24]);
    const res = await list(w.sessions.admin, `${TYPE}&range=last_3_months`);
    expect((res.json() as ActivityListResponse).range.from).toBe('2025-12-15T12:00:00.000Z');
  });

  it('custom is inclusive of both ends', async () => {
    const from = new Date(NOW.getTime() - 100 * DAY).toISOString();
    const to = new Date(NOW.getTime() - 8 * DAY).toISOString();
    expect(await ages(`range=custom&from=${from}&to=${to}`)).toEqual([8 * 24, 29 * 24, 31 * 24, 85 * 24, 100 * 24]);
  });

  it('follows the clock', async () => {
    clock.advance(2 * DAY);
    try {
      // A session made at the new time (the others would be idle-expired by the jump).
      const later = await sessionFor(t.deps, w.users.admin.userId, w.a.workspaceId);
      expect(await items(later, `${TYPE}&range=today`)).toEqual([]);
      const body = (await list(later, `${TYPE}&range=last_7_days`)).json() as ActivityListResponse;
      expect(body.range.to).toBe(new Date(NOW.getTime() + 2 * DAY).toISOString());
      expect(body.items.map((i) => i.createdAt)).toContain(new Date(NOW.getTime() + HOUR).toISOString());
    } finally {
      clock.set(NOW);
    }
  });
});

describe('GET /activity: keyset pagination', () => {
  const TYPE = `type=${encodeURIComponent('MFA Disabled')}`;
  const expected: string[] = [];
  beforeAll(async () => {
    // 23 events over 5 timestamps: ties on created_at must still page without gaps or repeats.
    for (let i = 0; i < 23; i++) {
      await rec({ type: 'MFA Disabled', data: {} }, { actor: w.users.admin, at: new Date(NOW.getTime() - HOUR - (i % 5) * 1000) });
    }
    expected.push(...(await items(w.sessions.admin, `?${TYPE}&limit=200`)).map((i) => i.id));
  });

  it('walks every page in (createdAt, id) descending order, each event once', async () => {
    expect(expected).toHaveLength(23);
    const seen: Array<{ id: string; createdAt: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(w.sessions.admin, `?${TYPE}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as ActivityListResponse;
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(10);
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen.map((i) => i.id)).toEqual(expected);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && Number(a.id) > Number(b.id))).toBe(true);
    }
  });

  it('gives no next cursor when the page is exactly the rest', async () => {
    const body = (await list(w.sessions.admin, `?${TYPE}&limit=23`)).json() as ActivityListResponse;
    expect(body.items).toHaveLength(23);
    expect(body.nextCursor).toBeNull();
  });

  it('a cursor does not cross visibility: a Login-Only member paging with an Admin’s cursor still sees only their own', async () => {
    const body = (await list(w.sessions.admin, `?limit=1`)).json() as ActivityListResponse;
    expect(body.nextCursor).not.toBeNull();
    const theirs = await items(w.sessions.loginOnly, `?cursor=${body.nextCursor}`);
    expect(theirs.every((i) => i.actor?.id === w.users.loginOnly.userId)).toBe(true);
  });
});

describe('GET /activity/export', () => {
  it('answers 400 for a bad query before streaming', async () => {
    const res = await injectAs(t, w.sessions.admin, { method: 'GET', url: '/api/v1/activity/export?range=custom' });
    expectError(res, 400, 'validation_failed');
  });

  it('streams a CSV attachment with a header row and one row per visible event', async () => {
    const res = await injectAs(t, w.sessions.user, { method: 'GET', url: '/api/v1/activity/export' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="latchkey-activity-2026-03-08-to-2026-03-15.csv"');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(res.body.slice(1));
    expect(rows[0]).toEqual(['Time (UTC ISO)', 'Event', 'Account', 'App', 'User', 'IP', 'OS', 'Browser', 'Device', 'Details']);
    expect(rows).toHaveLength(3); // the User sees 2 events
    const share = rows.find((r) => r[1] === 'Sharing Of Account')!;
    expect(share).toEqual([
      new Date(NOW.getTime() - HOUR).toISOString(),
      'Sharing Of Account',
      acc1.label,
      'Instagram',
      w.users.admin.email,
      '203.0.113.7',
      'macOS',
      'Chrome 131',
      'desktop',
      `Test admin shared “${acc1.label}” with ${w.users.collaborator.email} as Collaborator`,
    ]);
  });

  it('neutralises cells that a spreadsheet would run as a formula', async () => {
    const evil = await w.newAccount();
    await t.deps.db.update(accounts).set({ label: '=HYPERLINK("http://evil.test","x")', application: '+cmd' }).where(eq(accounts.id, evil.id));
    await rec(
      { type: 'Account Updated', data: { accountLabel: '@SUM(1)', fields: ['-notes'] } },
      { actor: w.users.admin, accountId: evil.id, ua: '-evil agent' },
    );
    const res = await injectAs(t, w.sessions.admin, { method: 'GET', url: `/api/v1/activity/export?accountId=${evil.id}` });
    const rows = parseCsv(res.body.slice(1));
    expect(rows).toHaveLength(2);
    const [, , account, app] = rows[1]!;
    expect(account).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(app).toBe(`'+cmd`);
    for (const cell of rows[1]!) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('exports more rows than one batch, in order, without repeats', async () => {
    const values = Array.from({ length: 1205 }, (_, i) => ({
      workspaceId: w.a.workspaceId,
      type: 'Encryption Key Rotated',
      actorUserId: null,
      data: { fromVersion: i, toVersion: i + 1 },
      createdAt: new Date(NOW.getTime() - 2 * HOUR - (i % 7) * 1000),
    }));
    const { activityEvents } = await import('../../db/schema/index');
    await t.deps.db.insert(activityEvents).values(values);
    const res = await injectAs(t, w.sessions.admin, {
      method: 'GET',
      url: `/api/v1/activity/export?type=${encodeURIComponent('Encryption Key Rotated')}`,
    });
    const rows = parseCsv(res.body.slice(1)).slice(1);
    expect(rows).toHaveLength(1205);
    expect(new Set(rows.map((r) => r[9])).size).toBe(1205);
    const times = rows.map((r) => r[0]!);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe('activity_events is append-only', () => {
  it('refuses UPDATE and DELETE at the database', async () => {
    await expect(t.deps.db.execute(sql`update activity_events set type = 'Forged'`)).rejects.toThrow();
    await expect(t.deps.db.execute(sql`delete from activity_events`)).rejects.toThrow();
    const [row] = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from activity_events where type = 'Forged'`);
    expect(row!.n).toBe(0);
  });
});
