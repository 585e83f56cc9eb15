import { createHash } from 'node:crypto';

/**
 * Throttling rules for sign-in and MFA. Failures are rows in `login_failures` keyed by what was
 * attacked; a rule is over its limit when `limit` failures fall inside the rolling window.
 *
 * Every attempt is recorded as a failure BEFORE the password or code is checked (under an
 * advisory lock per key, see `auth.service.ts`), and the row is deleted again on success, so
 * concurrent attempts cannot all pass the count before any failure exists.
 */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

/** Per account (known or unknown email alike): 100 failures per rolling hour. */
export const ACCOUNT_RULE: ThrottleRule = { limit: 100, windowMs: 60 * 60_000 };
/** Per client IP: 50 failures per 15 minutes. */
export const IP_RULE: ThrottleRule = { limit: 50, windowMs: 15 * 60_000 };
/** Per user, wrong MFA codes: 5 per 15 minutes. */
export const MFA_RULE: ThrottleRule = { limit: 5, windowMs: 15 * 60_000 };

/** The account key never holds the email in clear: "email:<sha256 of the normalized email>". */
export function accountKey(normalizedEmail: string): string {
  return `email:${createHash('sha256').update(normalizedEmail, 'utf8').digest('hex')}`;
}
export const ipKey = (ip: string) => `ip:${ip}`;
export const mfaKey = (userId: string) => `mfa:${userId}`;

export type ThrottleDecision = { limited: false } | { limited: true; retryAfterSeconds: number };

/**
 * Decide from the most recent failures inside the window, newest first (at most `limit` of them).
 * When `limit` failures are in the window, the caller may retry once the `limit`-th newest one
 * leaves it.
 */
export function decideThrottle(recentNewestFirst: readonly Date[], rule: ThrottleRule, now: Date): ThrottleDecision {
  const inWindow = recentNewestFirst.filter((d) => now.getTime() - d.getTime() < rule.windowMs);
  if (inWindow.length < rule.limit) return { limited: false };
  const pivot = inWindow[rule.limit - 1]!;
  const ms = pivot.getTime() + rule.windowMs - now.getTime();
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}

/** The keys an attempt locks, without duplicates and in one global order (so two attempts never deadlock). */
export function lockOrder(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

/** Combine the decisions of several rules: limited when any is, with the longest wait. */
export function worstDecision(decisions: readonly ThrottleDecision[]): ThrottleDecision {
  let wait = 0;
  for (const d of decisions) if (d.limited) wait = Math.max(wait, d.retryAfterSeconds);
  return wait > 0 ? { limited: true, retryAfterSeconds: wait } : { limited: false };
}
