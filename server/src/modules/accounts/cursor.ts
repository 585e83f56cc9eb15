import { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import { AppError } from '../../lib/errors';

/**
 * Keyset cursor for the accounts list: the last row's (lower(label), id), as opaque base64url JSON.
 * Clients pass it back untouched; anything else is a 400 with a plain message.
 */
const CursorSchema = z.tuple([z.string().max(400), z.uuid()]);

export function encodeCursor(c: { sortKey: string; id: string }): string {
  return Buffer.from(JSON.stringify([c.sortKey, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { sortKey: string; id: string } {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return { sortKey: parsed.data[0], id: parsed.data[1] };
  } catch {
    // fall through
  }
  throw new AppError(ErrorCode.VALIDATION_FAILED, `Invalid query.cursor: "${cursor.slice(0, 40)}" is not a cursor from this list. Start again from the first page.`, {
    issues: [{ in: 'querystring', path: 'cursor', message: 'Not a valid cursor' }],
  });
}
