import { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import { AppError } from '../../lib/errors';

/**
 * Keyset cursor for the accounts list: the id of the last row, as opaque base64url JSON. The
 * repository resumes after that row's (lower(label), id). Only the id travels, so the cursor stays
 * short whatever the label holds (a 200-character label in any script would not fit in 500).
 */
const CursorSchema = z.object({ v: z.literal(1), after: z.uuid() });

export function encodeCursor(afterId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: afterId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data.after;
  } catch {
    // fall through
  }
  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `Invalid query.cursor: "${cursor.slice(0, 40)}" is not a cursor from this list. Start again from the first page.`,
    { issues: [{ in: 'querystring', path: 'cursor', message: 'Not a valid cursor' }] },
  );
}
