import { PASSWORD_RESET_TTL_HOURS } from '@shared/auth';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import type { Ctx } from '../../lib/request-context';
import { hashToken, newToken } from '../../lib/tokens';
import { recordActivity } from '../activity/activity.recorder';
import { authRepository } from '../auth/auth.repository';
import { sessionsRepository } from '../auth/sessions.repository';
import { enqueueEmail } from '../email/outbox';
import { localPartnerEmail } from '../local-partners/local-partners.emails';

/**
 * An Admin's resets of someone's sign-in (ADR 0012), inside the caller's transaction, after the
 * caller authorized them and checked that the identity belongs to this workspace alone. Each ends
 * the person's sessions, emails them and writes its event. Returns how many sessions ended.
 */
type Deps = Pick<AppDeps, 'vault' | 'config'>;
interface Target {
  userId: string;
  email: string;
}

const base = (deps: Deps, ctx: Ctx) => ({
  publicUrl: deps.config.publicUrl,
  workspaceId: ctx.actor.workspaceId,
  workspaceName: ctx.actor.workspaceName,
  partnerId: null,
  companyName: null,
});

/** Clear the authenticator: the next sign-in leads to MFA set-up (a guest can open nothing until then). */
export async function resetMfa(tx: Db, deps: Deps, v: { ctx: Ctx; target: Target; localPartnerId: string | null; now: Date }): Promise<number> {
  const { ctx, target, now } = v;
  await authRepository.findUserById(tx, target.userId, { forUpdate: true });
  await authRepository.disableMfa(tx, target.userId, now);
  const endedSessions = await sessionsRepository.endAllForUser(tx, target.userId, 'mfa_changed', now);
  await enqueueEmail(tx, deps.vault, localPartnerEmail('mfaReset', base(deps, ctx), target.email, { actorName: ctx.actor.name }), now);
  await recordActivity(
    tx,
    { type: 'User MFA Reset', data: { targetEmail: target.email, endedSessions, ...(v.localPartnerId ? { localPartnerId: v.localPartnerId } : {}) } },
    { workspaceId: ctx.actor.workspaceId, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, targetUserId: target.userId, meta: ctx.meta, at: now },
  );
  return endedSessions;
}

/**
 * The current password stops signing in, every session ends, and a single-use link (24 h) to
 * choose a new one is emailed. The token exists only in that email; the database keeps its hash.
 */
export async function forcePasswordReset(
  tx: Db,
  deps: Deps,
  v: { ctx: Ctx; target: Target; localPartnerId: string | null; now: Date },
): Promise<number> {
  const { ctx, target, now } = v;
  const token = newToken();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_HOURS * 3_600_000);
  await authRepository.findUserById(tx, target.userId, { forUpdate: true });
  await authRepository.requirePasswordReset(tx, target.userId, now);
  await authRepository.insertPasswordReset(tx, {
    userId: target.userId,
    workspaceId: ctx.actor.workspaceId,
    tokenHash: hashToken(token),
    requestedBy: ctx.actor.userId,
    now,
    expiresAt,
  });
  const endedSessions = await sessionsRepository.endAllForUser(tx, target.userId, 'password_changed', now);
  await enqueueEmail(
    tx,
    deps.vault,
    localPartnerEmail('passwordReset', base(deps, ctx), target.email, { actorName: ctx.actor.name, resetToken: token, resetExpiresAt: expiresAt }),
    now,
  );
  await recordActivity(
    tx,
    { type: 'User Password Reset Forced', data: { targetEmail: target.email, endedSessions, ...(v.localPartnerId ? { localPartnerId: v.localPartnerId } : {}) } },
    { workspaceId: ctx.actor.workspaceId, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, targetUserId: target.userId, meta: ctx.meta, at: now },
  );
  return endedSessions;
}
