import type { AppDeps } from '../../deps';
import type { Db } from '../../db/client';
import type { RequestMeta } from '../../lib/request-context';
import { hashToken, newToken } from '../../lib/tokens';
import { sessionsRepository } from './sessions.repository';

/** How long a password-only session may wait for its MFA code. */
export const MFA_PENDING_MS = 5 * 60_000;

export interface IssuedSession {
  /** The raw token for the cookie. Never stored, never logged. */
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/**
 * Start a new session (always a fresh token: ASVS 7.2.4). Used by sign-in, MFA completion and
 * invite acceptance. Set the cookie with `setSessionCookie(reply, config, token, expiresAt - now)`.
 */
export async function issueSession(
  tx: Db,
  deps: Pick<AppDeps, 'clock' | 'config'>,
  v: { userId: string; workspaceId: string; mfaPassed: boolean; meta: RequestMeta },
): Promise<IssuedSession> {
  const token = newToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + (v.mfaPassed ? deps.config.sessionAbsoluteMs : MFA_PENDING_MS));
  const sessionId = await sessionsRepository.insert(tx, {
    tokenHash: hashToken(token),
    userId: v.userId,
    workspaceId: v.workspaceId,
    mfaPassed: v.mfaPassed,
    now,
    expiresAt,
    ip: v.meta.ip,
    userAgent: v.meta.userAgent,
  });
  return { token, sessionId, expiresAt };
}
