import { z } from 'zod';
import { ActivityEventTypeSchema, ActivityRangePresetSchema, type ActivityEventType } from './activity';

/**
 * Activity view contracts (GET /activity, GET /activity/export), shared by the API and the web app.
 *
 * Visibility (R-C-05): Admins and the Owner (workspace action `activity.viewAll`) see every event of
 * the workspace; everyone else sees the events they caused plus events on accounts they Own.
 * Host-guest partnerships (R-HG-20, Q10): a guest workspace's Admins also see the partnership's events
 * and the events on accounts shared through it; its other members the ones they caused or that
 * target them. Host people appear there as "Host user", without email, IP or client.
 */

/** The longest custom range the Activity view accepts. */
export const ACTIVITY_MAX_SPAN_DAYS = 366;
export const ACTIVITY_LIMIT_DEFAULT = 50;
export const ACTIVITY_LIMIT_MAX = 200;
export const ACTIVITY_CURSOR_MAX = 500;

const IsoDateTime = z.iso
  .datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z.' })
  // The format alone lets through days that do not exist (2024-02-30) and years the database
  // refuses (0000): accept only real dates from 1970 on.
  .refine((v) => {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) return false;
    const [date] = v.split('T');
    const [y, m, d] = date!.split('-').map(Number);
    const probe = new Date(Date.UTC(y!, m! - 1, d!));
    return y! >= 1970 && y! <= 9999 && probe.getUTCMonth() === m! - 1 && probe.getUTCDate() === d!;
  }, 'Use a real date from 1970 on, e.g. 2026-01-31T00:00:00Z.');

/**
 * Query of GET /activity and GET /activity/export.
 * - `range`: a preset computed in UTC by the server, or `custom` with `from` and `to`.
 * - `from`/`to`: only with `range=custom`; `to` ≥ `from`; at most 366 days apart.
 * - `accountId`, `userId` (the actor), `type`: filters that combine (AND).
 * - `cursor`: the `nextCursor` of the previous page (opaque). `limit`: 1–200, default 50.
 */
export const ActivityQuerySchema = z
  .object({
    range: ActivityRangePresetSchema.default('last_7_days'),
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    accountId: z.uuid().optional(),
    userId: z.uuid().optional(),
    type: ActivityEventTypeSchema.optional(),
    cursor: z.string().min(1).max(ACTIVITY_CURSOR_MAX).optional(),
    limit: z.coerce.number().int().min(1).max(ACTIVITY_LIMIT_MAX).default(ACTIVITY_LIMIT_DEFAULT),
  })
  .superRefine((q, ctx) => {
    if (q.range !== 'custom') {
      if (q.from !== undefined || q.to !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [q.from !== undefined ? 'from' : 'to'],
          message: `"from" and "to" apply only with range=custom (range is "${q.range}")`,
        });
      }
      return;
    }
    if (q.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'A custom range needs "from"' });
    if (q.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'A custom range needs "to"' });
    if (q.from === undefined || q.to === undefined) return;
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (to < from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `"to" (${q.to}) must not be before "from" (${q.from})` });
    } else if (to - from > ACTIVITY_MAX_SPAN_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `A custom range may span at most ${ACTIVITY_MAX_SPAN_DAYS} days` });
    }
  });
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;
/** What a client sends (before defaults). */
export type ActivityQueryInput = z.input<typeof ActivityQuerySchema>;

export const ActivityPersonSchema = z.object({ id: z.uuid(), email: z.string() });
/** What a masked actor is called: a host person seen from the guest workspace (spec Q10). */
export const ACTIVITY_HOST_USER_LABEL = 'Host user';
/** A host person seen from the guest workspace: a name only, no id, no email (spec Q10). */
export const ActivityMaskedPersonSchema = z.object({ id: z.null(), email: z.null(), name: z.literal(ACTIVITY_HOST_USER_LABEL) });
export const ActivityAccountRefSchema = z.object({ id: z.uuid(), label: z.string() });

export const ActivityItemSchema = z
  .object({
    /** Event id (a number in the database; a string here so clients never lose precision). */
    id: z.string(),
    type: ActivityEventTypeSchema,
    createdAt: z.iso.datetime(),
    /**
     * Who did it (email as it was at the time); null for system events. A host person seen from a
     * guest workspace is `{ id: null, email: null, name: "Host user" }`, and the item's IP and
     * client are then null too.
     */
    actor: z.union([ActivityPersonSchema, ActivityMaskedPersonSchema]).nullable(),
    /** The account it concerns, with its current label; null when none. */
    account: ActivityAccountRefSchema.nullable(),
    /** The person it was done to (invited, shared with, removed…); null when none. A masked host person has id null and email "Host user". */
    target: z.object({ id: z.uuid().nullable(), email: z.string() }).nullable(),
    /** One line for people, e.g. `Olive shared “Acme Instagram” with sam@example.com as Collaborator`. */
    summary: z.string(),
    /** The event's typed payload (shared/src/activity.ts). Never a secret. */
    data: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    /** Geolocation of the IP; not resolved yet (always null). */
    location: z.string().nullable(),
    /** Parsed from the user agent; null when unknown. */
    os: z.string().nullable(),
    browser: z.string().nullable(),
    device: z.enum(['desktop', 'mobile', 'tablet', 'bot', 'other']).nullable(),
  })
  .meta({ id: 'ActivityItem' });
export type ActivityItemDto = z.infer<typeof ActivityItemSchema>;

export const ActivityListResponseSchema = z
  .object({
    items: z.array(ActivityItemSchema),
    /** Pass as `cursor` to get the next (older) page; null on the last page. */
    nextCursor: z.string().nullable(),
    /** The time window actually applied (UTC ISO). */
    range: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  })
  .meta({ id: 'ActivityListResponse' });
export type ActivityListResponse = z.infer<typeof ActivityListResponseSchema>;

/** Event types of host-guest partnerships, grouped apart in the Activity page's type filter. */
export const ACTIVITY_PARTNERSHIP_EVENT_TYPES: readonly ActivityEventType[] = [
  'Partnership Requested',
  'Partnership Accepted',
  'Partnership Declined',
  'Partnership Updated',
  'Partnership Expired',
  'Partnership Removed',
  'Account Shared Via Partnership',
  'Account Removed From Partnership',
  'Access Requested',
  'Access Request Accepted',
  'Access Request Declined',
  'Access Request Cancelled',
];

/** Columns of the CSV export, in order. */
export const ACTIVITY_CSV_COLUMNS = ['Time (UTC ISO)', 'Event', 'Account', 'App', 'User', 'IP', 'OS', 'Browser', 'Device', 'Details'] as const;
