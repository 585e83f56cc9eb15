import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { AppError } from './errors';

/**
 * argon2id at the OWASP/ASVS 5 minimum (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs on the
 * libuv thread pool, so hashing never blocks the event loop.
 */
export const ARGON2_PARAMS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the email is unknown, so a failed sign-in
 * costs the same time whether or not the account exists (ASVS 6.3.8).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}


/** A short list of the most common passwords that pass the length rule; a breached-list check can replace it. */
const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  'qwertyuiop12',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'administrator',
  'changeme1234',
  'latchkey1234',
]);

/** Password policy: 12–128 characters, not a well-known password, not containing the email's name. */
export function assertPasswordPolicy(password: string, email?: string): void {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`has at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`has at most ${PASSWORD_MAX_LENGTH} characters`);
  if (COMMON.has(password.toLowerCase())) problems.push('is not a commonly used password');
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) problems.push('does not contain the name in your email address');
  if (problems.length) {
    // Reads as one sentence: "Choose a password that has at least 12 characters and does not contain …".
    const list = problems.length > 1 ? `${problems.slice(0, -1).join(', ')} and ${problems.at(-1)}` : problems[0];
    throw new AppError(ErrorCode.WEAK_PASSWORD, `Choose a password that ${list}.`, { requirements: problems });
  }
}
