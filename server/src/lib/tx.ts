import type { Db } from '../db/client';

/**
 * Run `fn` in one transaction. Every repository call inside must receive `tx`.
 * Keep network I/O (email, HTTP) and slow crypto (argon2) OUT of `fn`: do them before, or
 * write an outbox row and let the worker do them after commit.
 */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}

/** Translate a unique-violation from either driver into `null` so callers can raise a domain error. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  if (!e || e.code !== '23505') return false;
  return constraint ? e.constraint === constraint || String(e.message ?? '').includes(constraint) : true;
}

/**
 * Text the database cannot store: a NUL character (22021, invalid byte sequence for UTF8) or a
 * character outside the encoding (22P05). It came from the request, so it is bad input, not a fault.
 */
export function isInvalidTextInput(err: unknown): boolean {
  const e = findPgError(err);
  return !!e && (e.code === '22021' || e.code === '22P05');
}

export function isSerializationFailure(err: unknown): boolean {
  const e = findPgError(err);
  return !!e && (e.code === '40001' || e.code === '40P01');
}

function findPgError(err: unknown): { code?: string; constraint?: string; message?: string } | null {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as never;
    cur = c.cause;
  }
  return null;
}
