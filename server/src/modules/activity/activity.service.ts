import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { ErrorCode } from '@shared/errors';
import { ACTIVITY_CSV_COLUMNS, type ActivityListResponse, type ActivityQuery } from '@shared/activity-api';
import type { AppDeps } from '../../deps';
import { workspaceCan } from '../../authz/workspace';
import { AppError } from '../../lib/errors';
import type { Actor } from '../../lib/request-context';
import { activityRepository as repo, type ActivityFilter, type ActivityViewer } from './activity.repository';
import { activityCsvRecord, presentActivity } from './activity.presenter';

const DAY_MS = 86_400_000;
const EXPORT_BATCH = 1000;

/** The time window of a query, in UTC, from `now` for presets. */
export function resolveRange(q: Pick<ActivityQuery, 'range' | 'from' | 'to'>, now: Date): { from: Date; to: Date } {
  switch (q.range) {
    case 'today':
      return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())), to: now };
    case 'last_7_days':
      return { from: new Date(now.getTime() - 7 * DAY_MS), to: now };
    case 'last_30_days':
      return { from: new Date(now.getTime() - 30 * DAY_MS), to: now };
    case 'last_3_months': {
      // Same day three months back, clamped to the month's end (31 May → 28/29 February).
      const y = now.getUTCFullYear();
      const m = now.getUTCMonth() - 3;
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const from = new Date(now);
      from.setUTCFullYear(y, m, Math.min(now.getUTCDate(), lastDay));
      return { from, to: now };
    }
    case 'custom':
      // The query schema guarantees both, in order, at most 366 days apart.
      return { from: new Date(q.from!), to: new Date(q.to!) };
  }
}

const CURSOR_RE = /^v1\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(\d{1,15})$/;

/**
 * True when the microsecond UTC timestamp names a real instant that PostgreSQL accepts:
 * `Date.parse` happily rolls 2024-02-30 over to March, PostgreSQL refuses it (a 500).
 */
function isRealUtcTimestamp(iso: string): boolean {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return false;
  const back = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return back.slice(0, 23) === iso.slice(0, 23) && back.slice(0, 4) >= '1970';
}

/** Opaque keyset cursor: the (created_at, id) of the last item of a page. */
export function encodeCursor(at: string, id: number): string {
  return Buffer.from(`v1|${at}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: number } {
  const m = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8').match(CURSOR_RE) : null;
  if (!m || !isRealUtcTimestamp(m[1]!)) {
    const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor;
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `The cursor "${shown}" is not one this server issued. Start again from the first page.`,
      { issues: [{ in: 'querystring', path: 'cursor', message: 'Unknown cursor' }] },
    );
  }
  return { createdAt: m[1]!, id: Number(m[2]) };
}

export function createActivityService(deps: Pick<AppDeps, 'db' | 'clock'>) {
  function viewerOf(actor: Actor): ActivityViewer {
    return { workspaceId: actor.workspaceId, userId: actor.userId, viewAll: workspaceCan(actor, 'activity.viewAll') };
  }

  function filterOf(q: ActivityQuery): { filter: ActivityFilter; range: { from: Date; to: Date } } {
    const now = deps.clock.now();
    const range = resolveRange(q, now);
    return {
      range,
      filter: {
        ...range,
        accountId: q.accountId,
        userId: q.userId,
        type: q.type,
        after: q.cursor ? decodeCursor(q.cursor) : undefined,
        now,
      },
    };
  }

  return {
    /** One page of the events the actor may see, newest first. */
    async list(actor: Actor, q: ActivityQuery): Promise<ActivityListResponse> {
      const { filter, range } = filterOf(q);
      const rows = await repo.list(deps.db, viewerOf(actor), filter, q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(presentActivity),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
        range: { from: range.from.toISOString(), to: range.to.toISOString() },
      };
    },

    /**
     * The same events as CSV, streamed in keyset batches (no OFFSET, bounded memory). The query is
     * validated (and the cursor decoded) before the first byte, so bad input is still a 400.
     */
    exportCsv(actor: Actor, q: ActivityQuery): { stream: Readable; filename: string } {
      const { filter, range } = filterOf(q);
      const viewer = viewerOf(actor);
      async function* records() {
        let after = filter.after;
        for (;;) {
          const rows = await repo.list(deps.db, viewer, { ...filter, after }, EXPORT_BATCH);
          for (const row of rows) yield activityCsvRecord(row);
          if (rows.length < EXPORT_BATCH) return;
          const last = rows[rows.length - 1]!;
          after = { createdAt: last.cursorAt, id: last.id };
        }
      }
      const csv = stringify({ header: true, columns: [...ACTIVITY_CSV_COLUMNS], bom: true, record_delimiter: 'windows' });
      // pipeline: if the client goes away (the reply destroys `csv`), the generator is closed too and
      // stops querying; a database error ends the download instead of hanging it.
      const stream = pipeline(Readable.from(records()), csv, () => undefined);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      return { stream, filename: `latchkey-activity-${day(range.from)}-to-${day(range.to)}.csv` };
    },
  };
}
export type ActivityService = ReturnType<typeof createActivityService>;
