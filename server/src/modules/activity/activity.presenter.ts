import { ActivityEventTypeSchema } from '@shared/activity';
import type { ActivityItemDto } from '@shared/activity-api';
import { HOST_USER_LABEL, type ActivityRow } from './activity.repository';
import { summarizeActivity } from './activity.summary';
import { parseUserAgent } from './user-agent';

function dataOf(row: ActivityRow): Record<string, unknown> {
  return row.data && typeof row.data === 'object' && !Array.isArray(row.data) ? (row.data as Record<string, unknown>) : {};
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function presentActivity(row: ActivityRow): ActivityItemDto {
  const data = dataOf(row);
  const ua = parseUserAgent(row.userAgent);
  const targetEmail = str(data.targetEmail);
  const accountLabel = row.accountLabel ?? str(data.accountLabel);
  const type = ActivityEventTypeSchema.safeParse(row.type);
  return {
    id: String(row.id),
    // Types are never renamed (stored contract); a row from a newer build still presents.
    type: (type.success ? type.data : row.type) as ActivityItemDto['type'],
    createdAt: row.createdAt.toISOString(),
    // A host person seen from the guest workspace (spec Q10): a name, never an id or an email.
    actor: row.actorMasked
      ? { id: null, email: null, name: HOST_USER_LABEL }
      : row.actorUserId
        ? { id: row.actorUserId, email: row.actorEmail ?? '' }
        : null,
    account: row.accountId && accountLabel !== null ? { id: row.accountId, label: accountLabel } : null,
    target: targetEmail !== null ? { id: row.targetMasked ? null : row.targetUserId, email: targetEmail } : null,
    summary: summarizeActivity(row.type, row.data, row.actorMasked ? HOST_USER_LABEL : (row.actorName ?? row.actorEmail)),
    data,
    ip: row.ip,
    location: null,
    os: ua.os,
    browser: ua.browser,
    device: ua.device,
  };
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_LEAD = /^[=+\-@\t\r]/;

/** Prefix a formula-leading cell with an apostrophe so spreadsheets show it as text. */
export function csvSafe(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return FORMULA_LEAD.test(value) ? `'${value}` : value;
}

/** One CSV record, in ACTIVITY_CSV_COLUMNS order. */
export function activityCsvRecord(row: ActivityRow): string[] {
  const item = presentActivity(row);
  const data = dataOf(row);
  return [
    item.createdAt,
    item.type,
    item.account?.label ?? '',
    row.accountApplication ?? str(data.application) ?? '',
    item.actor ? (item.actor.email ?? item.actor.name) : '',
    item.ip ?? '',
    item.os ?? '',
    item.browser ?? '',
    item.device ?? '',
    item.summary,
  ].map(csvSafe);
}
