import type { AppDeps } from '../../deps';
import type { Actor } from '../../lib/request-context';
import { hashToken } from '../../lib/tokens';
import { sessionsRepository } from '../auth/sessions.repository';

/**
 * Whether an open live stream may stay open: its session has not ended (sign-out, password
 * change, removal), is within its absolute and idle timeouts, has passed MFA, still belongs to the
 * same user and workspace (a workspace switch closes the old stream: the client reopens it), and
 * the membership is still active. Read-only: an open stream is not activity and does not extend the
 * idle timeout.
 */
export function createLiveService(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  return {
    async sessionStillValid(sessionToken: string, actor: Actor): Promise<boolean> {
      const live = await sessionsRepository.findLiveByTokenHash(deps.db, hashToken(sessionToken));
      if (!live || !live.mfaPassed) return false;
      if (live.sessionId !== actor.sessionId || live.userId !== actor.userId || live.workspaceId !== actor.workspaceId) return false;
      const now = deps.clock.now().getTime();
      if (live.expiresAt.getTime() <= now) return false;
      if (now - live.lastSeenAt.getTime() > deps.config.sessionIdleMs) return false;
      return true;
    },
  };
}
