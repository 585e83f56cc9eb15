import type { FastifyBaseLogger } from 'fastify';
import QRCode from 'qrcode';
import type { ChangePasswordRequest, MfaEnrolResponse } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { isGuestRole } from '@shared/permissions';
import type { AppDeps } from '../../deps';
import type { Db } from '../../db/client';
import { AppError, conflict, notFound, rateLimited } from '../../lib/errors';
import { assertPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from '../../lib/passwords';
import type { Actor, Ctx, RequestMeta } from '../../lib/request-context';
import { hashToken, normalizeEmail } from '../../lib/tokens';
import { inTransaction } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { authRepository as repo, type AuthUser, type MembershipView } from './auth.repository';
import { sessionViewOf, type SessionView } from './auth.presenter';
import { issueSession, type IssuedSession } from './session-issuer';
import { sessionsRepository, type LiveSession } from './sessions.repository';
import { ACCOUNT_RULE, IP_RULE, MFA_RULE, accountKey, decideThrottle, ipKey, lockOrder, mfaKey, worstDecision, type ThrottleRule } from './throttle';
import { matchTotp, newTotpSecret, totpUri } from './totp';

/**
 * Associated data for a user's sealed TOTP seed: bound to the user, so a sealed seed copied onto
 * another user's row (by someone with database write access) fails to open.
 */
const mfaSealPurpose = (userId: string) => `user.mfa:${userId}`;

const resetLinkInvalid = () =>
  new AppError(ErrorCode.RESET_LINK_INVALID, 'This reset link is not valid. It may have expired, been replaced by a newer one, or already been used.');
const invalidCredentials = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
const wrongCurrentPassword = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'Your current password is not correct.');
const invalidMfaCode = () =>
  new AppError(ErrorCode.MFA_INVALID, 'That code is not valid. Enter the current 6-digit code from your authenticator app.');

export type LoginResult =
  | { status: 'signed_in'; session: IssuedSession; view: SessionView }
  | { status: 'mfa_required'; session: IssuedSession };

type Log = Pick<FastifyBaseLogger, 'info' | 'warn'>;

type ThrottleCheck = [key: string, rule: ThrottleRule];

/**
 * Sign-in, MFA, session and password self-service. Slow work (argon2, TOTP) happens outside any
 * transaction; each state change is one transaction with its activity event.
 *
 * Throttling is reserve-then-verify: every password or code attempt first records itself as a
 * failure in one short transaction that holds an advisory lock per throttle key (so concurrent
 * attempts count each other), and only then is the secret checked. A success withdraws the row.
 */
export function createAuthService(deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'vault'>, log?: Log) {
  const { db, clock } = deps;

  /**
   * Reserve one attempt: lock the keys (sorted), count recent failures, throw 429 when any rule is
   * at its limit (the longest wait wins), else record a provisional failure per key. One short
   * transaction, so an attempt that passes has already been counted by the time the lock is free.
   */
  async function reserveAttempt(checks: readonly ThrottleCheck[]): Promise<string[]> {
    return inTransaction(db, async (tx) => {
      const keys = lockOrder(checks.map(([key]) => key));
      await repo.lockThrottleKeys(tx, keys);
      const now = clock.now();
      const decisions = [];
      for (const [key, rule] of checks) {
        decisions.push(decideThrottle(await repo.recentFailures(tx, key, new Date(now.getTime() - rule.windowMs), rule.limit), rule, now));
      }
      const d = worstDecision(decisions);
      if (d.limited) throw rateLimited(d.retryAfterSeconds);
      return repo.insertFailures(tx, keys, now);
    });
  }

  /** Withdraw provisional failures. A failure to do so only over-counts (fails closed), so it is logged, not thrown. */
  async function withdraw(ids: readonly string[]): Promise<void> {
    try {
      await repo.deleteFailures(db, ids);
    } catch (err) {
      log?.warn({ err }, 'could not withdraw provisional sign-in failures; they will count until they expire');
    }
  }

  /**
   * Run one throttled attempt (`fn` checks the password or code). Its failure rows are written
   * before `fn` runs. They stay when `fn` fails with `failureCode` (a wrong password or code) or an
   * unexpected error (fail closed); they are withdrawn when `fn` succeeds or refuses for another
   * product reason (the guess was not what failed, e.g. an expired sign-in or a 429 of an inner check).
   */
  async function attempt<T>(checks: readonly ThrottleCheck[], failureCode: ErrorCode, fn: () => Promise<T>): Promise<T> {
    const ids = await reserveAttempt(checks);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (err instanceof AppError && err.code !== failureCode) await withdraw(ids);
      throw err;
    }
    await withdraw(ids);
    return result;
  }

  async function viewFor(tx: Db, user: Pick<AuthUser, 'id' | 'email' | 'name'> & { mfaEnabled: boolean }, m: MembershipView): Promise<SessionView> {
    return sessionViewOf(
      { id: user.id, email: user.email, name: user.name, mfaEnabled: user.mfaEnabled },
      m,
      await repo.listActiveMemberships(tx, user.id),
    );
  }

  async function actorView(tx: Db, actor: Actor): Promise<SessionView> {
    const all = await repo.listActiveMemberships(tx, actor.userId);
    const here = all.find((m) => m.workspaceId === actor.workspaceId);
    // The session resolved against an active membership a moment ago; if it went meanwhile, sign in again.
    if (!here) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
    return sessionViewOf({ id: actor.userId, email: actor.email, name: actor.name, mfaEnabled: actor.mfaEnabled }, here, all);
  }

  /** Check the caller's password again (re-authentication). Failures count toward the account throttle. */
  function reauthenticate(actor: Actor, password: string): Promise<AuthUser> {
    return attempt([[accountKey(actor.email), ACCOUNT_RULE]], ErrorCode.INVALID_CREDENTIALS, async () => {
      const user = await repo.findUserById(db, actor.userId);
      if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
      if (!(await verifyPassword(user.passwordHash, password))) throw wrongCurrentPassword();
      return user;
    });
  }

  /** Check a TOTP code for a user's sealed secret (no state change). Call inside an MFA `attempt`. */
  async function checkCode(user: AuthUser, code: string): Promise<number> {
    if (!user.mfaSecretSealed) throw conflict('Start MFA set-up first.');
    const secret = await deps.vault.openSystem(db, mfaSealPurpose(user.id), user.mfaSecretSealed);
    const step = await matchTotp(secret, code, clock.now(), user.mfaLastStep);
    if (step === null) throw invalidMfaCode();
    return step;
  }

  return {
    /**
     * Sign in with email and password. One answer for an unknown email, a wrong password and a
     * user without an active membership. Throttled before the password is checked.
     */
    async login(input: { email: string; password: string }, meta: RequestMeta, previousSessionId: string | null): Promise<LoginResult> {
      const email = normalizeEmail(input.email);
      const emailKey = accountKey(email);
      const checks: ThrottleCheck[] = [[emailKey, ACCOUNT_RULE]];
      if (meta.ip) checks.push([ipKey(meta.ip), IP_RULE]);
      return attempt(checks, ErrorCode.INVALID_CREDENTIALS, async (): Promise<LoginResult> => {
        const user = await repo.findUserByEmail(db, email);
        // Verify against a dummy hash for unknown emails so both cost the same (ASVS 6.3.8).
        const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
        const membership = user && passwordOk ? await repo.findSignInMembership(db, user.id) : null;

        if (!user || !passwordOk || !membership) {
          // The failure rows were recorded up front by `attempt`; only the known user's event is left.
          if (user) {
            await inTransaction(db, async (tx) => {
              const workspaceId = await repo.findLastWorkspaceId(tx, user.id);
              await recordActivity(
                tx,
                { type: 'Login To Latchkey Failed', data: { reason: 'invalid_credentials' } },
                { workspaceId, actor: { userId: user.id, email: user.email }, meta, at: clock.now() },
              );
            });
          }
          if (!user) log?.info({ accountKey: emailKey.slice(0, 18), requestId: meta.requestId }, 'sign-in failed for an unknown email');
          throw invalidCredentials();
        }

        if (user.passwordResetRequiredAt) {
          // The password was right, but an Admin asked for a new one (ADR 0012): only the emailed link helps.
          throw new AppError(
            ErrorCode.PASSWORD_RESET_REQUIRED,
            'An administrator asked you to choose a new password. Use the link in the email we sent you, then sign in with the new password.',
          );
        }
        const mfaEnabled = user.mfaEnabledAt !== null;
        return inTransaction(db, async (tx) => {
          const now = clock.now();
          if (previousSessionId) await sessionsRepository.end(tx, previousSessionId, 'replaced', now);
          const session = await issueSession(tx, deps, { userId: user.id, workspaceId: membership.workspaceId, mfaPassed: !mfaEnabled, meta });
          if (mfaEnabled) return { status: 'mfa_required' as const, session };
          await repo.touchMembership(tx, user.id, membership.workspaceId, now);
          await recordActivity(
            tx,
            { type: 'Login To Latchkey', data: { mfa: false } },
            { workspaceId: membership.workspaceId, actor: { userId: user.id, email: user.email }, meta, at: now },
          );
          return { status: 'signed_in' as const, session, view: await viewFor(tx, { ...user, mfaEnabled }, membership) };
        });
      });
    },

    /**
     * Finish sign-in with a TOTP code: ends the pending session and issues a new full one.
     * The code's time step is recorded with a conditional UPDATE, so a code works once.
     */
    async completeMfa(pending: LiveSession, code: string, meta: RequestMeta): Promise<{ session: IssuedSession; view: SessionView }> {
      return attempt([[mfaKey(pending.userId), MFA_RULE]], ErrorCode.MFA_INVALID, async () => {
        const user = await repo.findUserById(db, pending.userId);
        if (!user || !user.mfaEnabledAt || !user.mfaSecretSealed) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your sign-in expired. Start again.');
        const secret = await deps.vault.openSystem(db, mfaSealPurpose(user.id), user.mfaSecretSealed);
        const step = await matchTotp(secret, code, clock.now(), user.mfaLastStep);

        const result =
          step === null
            ? null
            : await inTransaction(db, async (tx) => {
                const now = clock.now();
                if (!(await repo.advanceMfaStep(tx, user.id, step, now))) return null;
                if (!(await sessionsRepository.end(tx, pending.sessionId, 'replaced', now))) return null;
                const membership = await repo.findActiveMembershipForUpdate(tx, user.id, pending.workspaceId);
                if (!membership) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your sign-in expired. Start again.');
                const session = await issueSession(tx, deps, { userId: user.id, workspaceId: membership.workspaceId, mfaPassed: true, meta });
                await repo.touchMembership(tx, user.id, membership.workspaceId, now);
                await recordActivity(
                  tx,
                  { type: 'Login To Latchkey', data: { mfa: true } },
                  { workspaceId: membership.workspaceId, actor: { userId: user.id, email: user.email }, meta, at: now },
                );
                return { session, view: await viewFor(tx, { ...user, mfaEnabled: true }, membership) };
              });
        if (result) return result;

        // The failure row was recorded up front by `attempt`; only the event is left.
        await inTransaction(db, async (tx) => {
          await recordActivity(
            tx,
            { type: 'Login To Latchkey Failed', data: { reason: 'mfa_invalid' } },
            { workspaceId: pending.workspaceId, actor: { userId: user.id, email: user.email }, meta, at: clock.now() },
          );
        });
        throw invalidMfaCode();
      });
    },

    async logout(ctx: Ctx): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        if (!(await sessionsRepository.end(tx, ctx.actor.sessionId, 'logout', now))) return;
        await recordActivity(
          tx,
          { type: 'Logout From Latchkey', data: {} },
          { workspaceId: ctx.actor.workspaceId, actor: { userId: ctx.actor.userId, email: ctx.actor.email }, meta: ctx.meta, at: now },
        );
      });
    },

    currentSession(ctx: Ctx): Promise<SessionView> {
      return actorView(db, ctx.actor);
    },

    /** Work in another workspace the user is an ACTIVE member of. Anything else is 404. */
    async switchWorkspace(ctx: Ctx, workspaceId: string): Promise<SessionView> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const m = await repo.findActiveMembershipForUpdate(tx, ctx.actor.userId, workspaceId);
        if (!m) throw notFound(`Workspace "${workspaceId}"`);
        if (!(await sessionsRepository.setWorkspace(tx, ctx.actor.sessionId, ctx.actor.userId, workspaceId, now))) {
          throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
        }
        await repo.touchMembership(tx, ctx.actor.userId, workspaceId, now);
        return viewFor(tx, { id: ctx.actor.userId, email: ctx.actor.email, name: ctx.actor.name, mfaEnabled: ctx.actor.mfaEnabled }, m);
      });
    },

    /** Change the password; every other session of the user (all workspaces) ends. */
    async changePassword(ctx: Ctx, input: ChangePasswordRequest): Promise<{ endedSessions: number }> {
      const user = await reauthenticate(ctx.actor, input.currentPassword);
      assertPasswordPolicy(input.newPassword, user.email);
      if (input.newPassword === input.currentPassword) {
        throw new AppError(ErrorCode.WEAK_PASSWORD, 'Choose a new password that differs from your current one.', {
          requirements: ['different from your current password'],
        });
      }
      const passwordHash = await hashPassword(input.newPassword);
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const locked = await repo.findUserById(tx, user.id, { forUpdate: true });
        if (!locked || locked.passwordHash !== user.passwordHash) {
          throw conflict('Your password was changed by another request. Sign in again and retry.');
        }
        await repo.setPassword(tx, user.id, passwordHash, now);
        const endedSessions = await sessionsRepository.endAllForUser(tx, user.id, 'password_changed', now, {
          exceptSessionId: ctx.actor.sessionId,
        });
        await recordActivity(
          tx,
          { type: 'Password Changed', data: { endedSessions } },
          { workspaceId: ctx.actor.workspaceId, actor: { userId: user.id, email: user.email }, meta: ctx.meta, at: now },
        );
        return { endedSessions };
      });
    },

    /** Who a reset link is for (the reset page shows the email). 404 reset_link_invalid when it cannot be used. */
    async lookupPasswordReset(token: string): Promise<{ email: string }> {
      const r = await repo.findUsablePasswordReset(db, hashToken(token), clock.now());
      if (!r) throw resetLinkInvalid();
      return { email: r.email };
    },

    /**
     * Choose a new password with a reset link (ADR 0012): policy checked, different from the old
     * one, hashed outside the transaction; the link is consumed atomically, every session of the
     * user ends, the reset requirement is cleared. The user then signs in as usual (MFA included).
     */
    async completePasswordReset(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
      const tokenHash = hashToken(token);
      const found = await repo.findUsablePasswordReset(db, tokenHash, clock.now());
      if (!found) throw resetLinkInvalid();
      const user = await repo.findUserById(db, found.userId);
      if (!user) throw resetLinkInvalid();
      assertPasswordPolicy(newPassword, user.email);
      if (await verifyPassword(user.passwordHash, newPassword)) {
        throw new AppError(ErrorCode.WEAK_PASSWORD, 'Choose a new password that differs from your previous one.', {
          requirements: ['different from your previous password'],
        });
      }
      const passwordHash = await hashPassword(newPassword);
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const used = await repo.consumePasswordReset(tx, tokenHash, now);
        if (!used) throw resetLinkInvalid();
        await repo.findUserById(tx, used.userId, { forUpdate: true });
        await repo.completePasswordReset(tx, used.userId, passwordHash, now);
        const endedSessions = await sessionsRepository.endAllForUser(tx, used.userId, 'password_changed', now);
        await recordActivity(
          tx,
          { type: 'Password Reset', data: { endedSessions } },
          { workspaceId: used.workspaceId, actor: { userId: used.userId, email: user.email }, meta, at: now },
        );
      });
    },

    /** Start MFA set-up (password re-check). The secret is returned once and never again. */
    async enrolMfa(ctx: Ctx, password: string): Promise<MfaEnrolResponse> {
      const user = await reauthenticate(ctx.actor, password);
      if (user.mfaEnabledAt) throw conflict('MFA is already on. Turn it off first to set up a new authenticator.');
      const secret = newTotpSecret();
      await inTransaction(db, async (tx) => {
        const locked = await repo.findUserById(tx, user.id, { forUpdate: true });
        if (!locked || locked.mfaEnabledAt) throw conflict('MFA is already on. Turn it off first to set up a new authenticator.');
        const sealed = await deps.vault.sealSystem(tx, mfaSealPurpose(user.id), secret);
        await repo.startMfaEnrolment(tx, user.id, sealed, clock.now());
      });
      const otpauthUrl = totpUri(user.email, secret);
      const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
      return { secret, otpauthUrl, qrDataUrl };
    },

    /** Confirm the first code: MFA is on from now, and the user's other sessions end. */
    confirmMfa(ctx: Ctx, code: string): Promise<void> {
      return attempt([[mfaKey(ctx.actor.userId), MFA_RULE]], ErrorCode.MFA_INVALID, async () => {
        const user = await repo.findUserById(db, ctx.actor.userId);
        if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
        if (user.mfaEnabledAt) throw conflict('MFA is already on.');
        const step = await checkCode(user, code);
        const ok = await inTransaction(db, async (tx) => {
          const now = clock.now();
          const locked = await repo.findUserById(tx, user.id, { forUpdate: true });
          if (!locked || locked.mfaEnabledAt) throw conflict('MFA is already on.');
          if (locked.mfaSecretSealed !== user.mfaSecretSealed) throw conflict('MFA set-up was restarted. Scan the new QR code.');
          if (!(await repo.advanceMfaStep(tx, user.id, step, now))) return false;
          await repo.enableMfa(tx, user.id, now);
          await sessionsRepository.endAllForUser(tx, user.id, 'mfa_changed', now, { exceptSessionId: ctx.actor.sessionId });
          await recordActivity(
            tx,
            { type: 'MFA Enabled', data: {} },
            { workspaceId: ctx.actor.workspaceId, actor: { userId: user.id, email: user.email }, meta: ctx.meta, at: now },
          );
          return true;
        });
        if (!ok) throw invalidMfaCode();
      });
    },

    /** Turn MFA off: password and a current code. The user's other sessions end. Guests must keep it (R-GU-04). */
    async disableMfa(ctx: Ctx, password: string, code: string): Promise<void> {
      const guestOf = (await repo.listActiveMemberships(db, ctx.actor.userId)).find((m) => isGuestRole(m.role));
      if (guestOf) {
        throw new AppError(
          ErrorCode.RULE_VIOLATION,
          `You are a guest of ${guestOf.workspaceName}, which requires two-step verification. It stays on while you are a guest there.`,
          { rule: 'R-GU-04' },
        );
      }
      // The code attempt is reserved first (MFA throttle before the password), as before; a wrong
      // password withdraws it, since no code was checked.
      return attempt([[mfaKey(ctx.actor.userId), MFA_RULE]], ErrorCode.MFA_INVALID, async () => {
        const user = await reauthenticate(ctx.actor, password);
        if (!user.mfaEnabledAt) throw conflict('MFA is not on.');
        const step = await checkCode(user, code);
        const ok = await inTransaction(db, async (tx) => {
          const now = clock.now();
          const locked = await repo.findUserById(tx, user.id, { forUpdate: true });
          if (!locked?.mfaEnabledAt) throw conflict('MFA is not on.');
          if (!(await repo.advanceMfaStep(tx, user.id, step, now))) return false;
          await repo.disableMfa(tx, user.id, now);
          await sessionsRepository.endAllForUser(tx, user.id, 'mfa_changed', now, { exceptSessionId: ctx.actor.sessionId });
          await recordActivity(
            tx,
            { type: 'MFA Disabled', data: {} },
            { workspaceId: ctx.actor.workspaceId, actor: { userId: user.id, email: user.email }, meta: ctx.meta, at: now },
          );
          return true;
        });
        if (!ok) throw invalidMfaCode();
      });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
