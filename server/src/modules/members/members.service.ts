import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import {
  INVITE_TTL_DAYS,
  type AcceptInviteRequest,
  type InviteRole,
  type InviteDto,
  type InviteLookupResponse,
  type MemberDto,
  type MembersListResponse,
  type RemoveMemberResponse,
} from '@shared/members';
import { LOCAL_PARTNER_TOS_VERSION } from '@shared/local-partners';
import type { AssignableWorkspaceRole } from '@shared/permissions';
import { assertWorkspaceCan, workspaceCan } from '../../authz/workspace';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors';
import { assertPasswordPolicy, hashPassword } from '../../lib/passwords';
import type { Actor, Ctx, RequestMeta } from '../../lib/request-context';
import { hashToken, newToken, normalizeEmail } from '../../lib/tokens';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { authRepository } from '../auth/auth.repository';
import { sessionViewOf, type SessionView } from '../auth/auth.presenter';
import { issueSession, type IssuedSession } from '../auth/session-issuer';
import { sessionsRepository } from '../auth/sessions.repository';
import { enqueueEmail } from '../email/outbox';
import { workspacesRepository } from '../workspaces/workspaces.repository';
import { lockPartnershipsOwnedBy, partnershipMemberDemoted, partnershipMemberRemoved } from '../partnerships/partnerships.jobs';
import { inviteEmail } from './members.emails';
import { presentInvite, presentMember } from './members.presenter';
import { membersRepository as repo, type MemberRow } from './members.repository';

const INVITE_TTL_MS = INVITE_TTL_DAYS * 24 * 60 * 60 * 1000;

const inviteInvalid = () =>
  new AppError(
    ErrorCode.INVITE_INVALID,
    'This invite link is not valid. It may have expired, been revoked, or already been used. Ask for a new invite.',
  );

/** Who is calling POST /invites/accept: nobody, or a signed-in session (with or without a valid CSRF token). */
export interface AcceptCaller {
  actor: Actor;
  csrfValid: boolean;
}

export interface AcceptResult {
  view: SessionView;
  /** A new session (new person): the route sets its cookie. Null when the caller's session was switched. */
  issued: IssuedSession | null;
  sessionToken: string | null;
}

export function createMembersService(deps: Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>) {
  const { db, clock, vault, config } = deps;

  const actorRef = (a: Actor) => ({ userId: a.userId, email: a.email });

  /**
   * Live updates (ADR 0010), inside the change's transaction: the workspace's open tabs refetch
   * their member list (and activity; `accounts` too when grants changed with it).
   */
  const publishMembers = (tx: Db, workspaceId: string, more: LiveTopic[] = []) =>
    deps.live.publish(tx, { workspaceIds: [workspaceId], topics: ['members', 'activity', ...more] });

  function assertNotOwnerOrSelf(ctx: Ctx, target: MemberRow, verb: 'change the role of' | 'remove'): void {
    if (target.userId === ctx.actor.userId) {
      throw forbidden(verb === 'remove' ? 'You cannot remove yourself from the workspace.' : 'You cannot change your own role.');
    }
    if (target.role === 'owner') {
      throw forbidden(`You cannot ${verb} the workspace Owner (${target.email}).`);
    }
  }

  /**
   * Lock the actor's and the target's membership rows (user-id order: no deadlock between two
   * Admins acting on each other), then decide on that fresh state: the actor must still be an
   * active member whose role allows the action (the session was resolved before the lock), and
   * the target an active, non-Owner member other than the actor. Membership rows are locked
   * before any account row, the one lock order every sharing change follows.
   */
  async function lockActorAndTarget(
    tx: Db,
    ctx: Ctx,
    userId: string,
    verb: 'change the role of' | 'remove',
    action: 'members.changeRole' | 'members.remove',
    denied: string,
  ): Promise<MemberRow> {
    const rows = await repo.lockMembers(tx, ctx.actor.workspaceId, [...new Set([ctx.actor.userId, userId])]);
    const actor = rows.find((r) => r.userId === ctx.actor.userId);
    if (!actor || actor.status !== 'active' || !workspaceCan(actor, action)) throw forbidden(denied);
    const target = rows.find((r) => r.userId === userId);
    if (!target) throw notFound(`Member "${userId}"`);
    assertNotOwnerOrSelf(ctx, target, verb);
    if (target.status !== 'active') {
      throw conflict(`${target.email} has already been removed from this workspace. Invite them again to give them access.`);
    }
    return target;
  }

  async function sendInvite(
    tx: Db,
    ctx: Ctx,
    v: { inviteId: string | null; email: string; role: InviteRole; localPartner?: { id: string; companyName: string } | null },
  ): Promise<string> {
    const now = clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
    const wsId = ctx.actor.workspaceId;
    let id = v.inviteId;
    if (id) {
      await repo.replaceInviteToken(tx, wsId, id, { tokenHash: hashToken(token), now, expiresAt });
    } else {
      id = await repo.insertInvite(tx, wsId, {
        email: v.email,
        role: v.role,
        localPartnerId: v.localPartner?.id ?? null,
        tokenHash: hashToken(token),
        invitedBy: ctx.actor.userId,
        now,
        expiresAt,
      });
    }
    await enqueueEmail(
      tx,
      vault,
      inviteEmail({
        publicUrl: config.publicUrl,
        token,
        to: v.email,
        workspaceId: wsId,
        workspaceName: ctx.actor.workspaceName,
        inviterName: ctx.actor.name,
        role: v.role,
        expiresAt,
        companyName: v.localPartner?.companyName ?? null,
      }),
      now,
    );
    return id;
  }

  async function inviteDto(tx: Db, ctx: Ctx, inviteId: string): Promise<InviteDto> {
    const row = await repo.findInvite(tx, ctx.actor.workspaceId, inviteId);
    return presentInvite(ctx.actor, row!, clock.now());
  }

  async function sessionView(tx: Db, userId: string, workspaceId: string): Promise<SessionView> {
    const user = await authRepository.findUserById(tx, userId);
    const all = await authRepository.listActiveMemberships(tx, userId);
    const here = all.find((m) => m.workspaceId === workspaceId)!;
    return sessionViewOf({ id: user!.id, email: user!.email, name: user!.name, mfaEnabled: user!.mfaEnabledAt !== null }, here, all);
  }

  return {
    async list(ctx: Ctx): Promise<MembersListResponse> {
      assertWorkspaceCan(ctx.actor, 'members.view', 'Login-Only members cannot see the member list.');
      const members = await repo.listMembers(db, ctx.actor.workspaceId);
      const invites = workspaceCan(ctx.actor, 'members.invite') ? await repo.listPendingInvites(db, ctx.actor.workspaceId) : [];
      const now = clock.now();
      return {
        members: members.map((m) => presentMember(ctx.actor, m)),
        invites: invites.map((i) => presentInvite(ctx.actor, i, now)),
      };
    },

    async invite(ctx: Ctx, input: { email: string; role: AssignableWorkspaceRole }): Promise<InviteDto> {
      assertWorkspaceCan(ctx.actor, 'members.invite', 'Only Admins and the Owner can invite people.');
      const email = normalizeEmail(input.email);
      const wsId = ctx.actor.workspaceId;
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          if (await repo.findActiveMemberByEmail(tx, wsId, email)) {
            throw new AppError(ErrorCode.ALREADY_EXISTS, `${email} is already a member of this workspace.`);
          }
          const pending = await repo.findPendingInviteByEmail(tx, wsId, email, { forUpdate: true });
          if (pending && pending.expiresAt.getTime() > now.getTime()) {
            throw new AppError(
              ErrorCode.ALREADY_EXISTS,
              `An invite to ${email} is already pending. Use Resend to send a new link.`,
              { inviteId: pending.id },
            );
          }
          // An expired invite is superseded by the new one (only one pending invite per email).
          if (pending) await repo.revokeInvite(tx, wsId, pending.id, now);
          const id = await sendInvite(tx, ctx, { inviteId: null, email, role: input.role });
          const existing = await workspacesRepository.findUserByEmail(tx, email);
          await recordActivity(
            tx,
            { type: 'User Invited', data: { targetEmail: email, role: input.role } },
            { workspaceId: wsId, actor: actorRef(ctx.actor), targetUserId: existing?.id ?? null, meta: ctx.meta, at: now },
          );
          await publishMembers(tx, wsId);
          return inviteDto(tx, ctx, id);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'invites_one_pending_per_email_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `An invite to ${email} is already pending. Use Resend to send a new link.`);
        }
        throw err;
      }
    },

    async resendInvite(ctx: Ctx, inviteId: string): Promise<InviteDto> {
      assertWorkspaceCan(ctx.actor, 'members.invite', 'Only Admins and the Owner can resend invites.');
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const inv = await repo.findInvite(tx, ctx.actor.workspaceId, inviteId, { forUpdate: true });
        if (!inv || inv.status !== 'pending') throw notFound(`Invite "${inviteId}"`);
        const localPartner = inv.localPartnerId ? { id: inv.localPartnerId, companyName: inv.localPartnerName ?? '' } : null;
        await sendInvite(tx, ctx, { inviteId: inv.id, email: inv.email, role: inv.role, localPartner });
        await recordActivity(
          tx,
          { type: 'User Invite Resent', data: { targetEmail: inv.email } },
          { workspaceId: ctx.actor.workspaceId, actor: actorRef(ctx.actor), meta: ctx.meta, at: now },
        );
        await publishMembers(tx, ctx.actor.workspaceId);
        return inviteDto(tx, ctx, inv.id);
      });
    },

    async revokeInvite(ctx: Ctx, inviteId: string): Promise<void> {
      assertWorkspaceCan(ctx.actor, 'members.invite', 'Only Admins and the Owner can revoke invites.');
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const inv = await repo.findInvite(tx, ctx.actor.workspaceId, inviteId, { forUpdate: true });
        if (!inv || inv.status !== 'pending') throw notFound(`Invite "${inviteId}"`);
        await repo.revokeInvite(tx, ctx.actor.workspaceId, inv.id, now);
        await recordActivity(
          tx,
          { type: 'User Invite Revoked', data: { targetEmail: inv.email } },
          { workspaceId: ctx.actor.workspaceId, actor: actorRef(ctx.actor), meta: ctx.meta, at: now },
        );
        await publishMembers(tx, ctx.actor.workspaceId);
      });
    },

    async changeRole(ctx: Ctx, userId: string, role: AssignableWorkspaceRole): Promise<MemberDto> {
      const denied = 'Only Admins and the Owner can change roles.';
      assertWorkspaceCan(ctx.actor, 'members.changeRole', denied);
      const wsId = ctx.actor.workspaceId;
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const target = await lockActorAndTarget(tx, ctx, userId, 'change the role of', 'members.changeRole', denied);
        if (target.role === role) return presentMember(ctx.actor, target);
        let downgradedGrants: number | undefined;
        if (role === 'login_only') {
          // R-C-06: Login-Only members hold Collaborator at most. The membership row locked above
          // holds off a concurrent share to them (it locks that row FOR SHARE before the account);
          // lock their accounts too so a concurrent role change on one of them cannot slip between
          // the check and the downgrade.
          await repo.lockAccountsOfUser(tx, wsId, target.userId);
          const lastOwned = await repo.accountsWhereLastOwner(tx, wsId, target.userId, now);
          if (lastOwned.length > 0) {
            throw new AppError(
              ErrorCode.LAST_OWNER,
              `${target.email} is the only Owner of ${lastOwned.length === 1 ? `the account "${lastOwned[0]!.label}"` : `${lastOwned.length} accounts`}. ` +
                'Make someone else an Owner of those accounts first, then change the role to Login-Only.',
              { accounts: lastOwned.map((a) => ({ id: a.id, label: a.label })) },
            );
          }
          downgradedGrants = await repo.downgradeDirectOwnerGrants(tx, wsId, target.userId, ctx.actor.userId, now);
          // Their Manager grants on hosts' accounts (through partnerships) become Collaborator too (R-HG-23).
          downgradedGrants += (await partnershipMemberDemoted(tx, deps, { workspaceId: wsId, userId: target.userId, by: ctx.actor.userId, now })).downgradedGrants;
        }
        await repo.setRole(tx, wsId, target.userId, role);
        await recordActivity(
          tx,
          {
            type: 'User Updated',
            data: { targetEmail: target.email, fromRole: target.role, toRole: role, ...(downgradedGrants !== undefined ? { downgradedGrants } : {}) },
          },
          { workspaceId: wsId, actor: actorRef(ctx.actor), targetUserId: target.userId, meta: ctx.meta, at: now },
        );
        await publishMembers(tx, wsId, downgradedGrants ? ['accounts'] : []);
        return presentMember(ctx.actor, { ...target, role });
      });
    },

    async remove(ctx: Ctx, userId: string): Promise<RemoveMemberResponse> {
      const denied = 'Only Admins and the Owner can remove members.';
      assertWorkspaceCan(ctx.actor, 'members.remove', denied);
      const wsId = ctx.actor.workspaceId;
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const target = await lockActorAndTarget(tx, ctx, userId, 'remove', 'members.remove', denied);
        await lockPartnershipsOwnedBy(tx, wsId, target.userId);
        await repo.lockAccountsOfUser(tx, wsId, target.userId);
        await repo.markRemoved(tx, wsId, target.userId, ctx.actor.userId, now);
        const endedSessions = await sessionsRepository.endAllForUser(tx, target.userId, 'member_removed', now, { workspaceId: wsId });
        const touched = await repo.revokeAllGrants(tx, wsId, target.userId, ctx.actor.userId, 'member_removed', now);
        await partnershipMemberRemoved(tx, deps, { workspaceId: wsId, workspaceName: ctx.actor.workspaceName, userId: target.userId, by: ctx.actor.userId, now });
        const orphans = await repo.accountsWithoutOwner(tx, wsId, [...new Set(touched)], now);
        await repo.grantDirectOwner(tx, wsId, orphans, ctx.actor.userId, now);
        await repo.revokePendingInvitesForEmail(tx, wsId, target.email, now);
        await recordActivity(
          tx,
          {
            type: 'User Deactivated',
            data: { targetEmail: target.email, endedGrants: touched.length, endedSessions, ownershipsTransferred: orphans.length },
          },
          { workspaceId: wsId, actor: actorRef(ctx.actor), targetUserId: target.userId, meta: ctx.meta, at: now },
        );
        // Both sides of the partnerships it touched were told above (partnershipMemberRemoved).
        await publishMembers(tx, wsId, touched.length > 0 ? ['accounts'] : []);
        return {
          member: presentMember(ctx.actor, { ...target, status: 'removed' }),
          endedSessions,
          endedGrants: touched.length,
          ownershipsTransferred: orphans.length,
        };
      });
    },

    async lookupInvite(token: string): Promise<InviteLookupResponse> {
      const inv = await repo.findUsableInviteByTokenHash(db, hashToken(token), clock.now());
      if (!inv) throw inviteInvalid();
      const user = await workspacesRepository.findUserByEmail(db, inv.email);
      return {
        workspaceName: inv.workspaceName,
        email: inv.email,
        role: inv.role,
        existingUser: user !== null,
        localPartner: inv.localPartnerId ? { companyName: inv.localPartnerName ?? '' } : null,
        termsVersion: inv.localPartnerId ? LOCAL_PARTNER_TOS_VERSION : null,
      };
    },

    /**
     * Accept an invite. A new person sets a name and password and is signed in; an existing user
     * must already be signed in as the invited email (their password is never taken here, which
     * would bypass their MFA), and their session moves to the new workspace.
     */
    async acceptInvite(input: AcceptInviteRequest, caller: AcceptCaller | null, meta: RequestMeta): Promise<AcceptResult> {
      const tokenHash = hashToken(input.token);
      const found = await repo.findUsableInviteByTokenHash(db, tokenHash, clock.now());
      if (!found) throw inviteInvalid();
      const existing = await workspacesRepository.findUserByEmail(db, found.email);

      if (existing) {
        if (!caller || caller.actor.email !== found.email) {
          throw conflict(
            `${found.email} already has a Latchkey login. Sign in as ${found.email} first, then open the invite link again to accept it.`,
            { signInRequired: true },
          );
        }
        if (!caller.csrfValid) {
          throw new AppError(ErrorCode.CSRF_INVALID, 'This request is missing a valid CSRF token. Reload the page and try again.');
        }
        const actor = caller.actor;
        const view = await inTransaction(db, async (tx) => {
          const now = clock.now();
          const inv = await repo.consumeInvite(tx, tokenHash, now);
          if (!inv) throw inviteInvalid();
          await repo.setInviteAcceptedUser(tx, inv.workspaceId, inv.id, actor.userId);
          const m = await repo.findMember(tx, inv.workspaceId, actor.userId, { forUpdate: true });
          if (m?.status === 'active') throw conflict(`You are already a member of this workspace.`);
          if (m) await repo.reactivate(tx, inv.workspaceId, actor.userId, inv.role, now);
          else await workspacesRepository.insertMembership(tx, { workspaceId: inv.workspaceId, userId: actor.userId, role: inv.role, now });
          await repo.touchMember(tx, inv.workspaceId, actor.userId, now);
          if (!(await sessionsRepository.setWorkspace(tx, actor.sessionId, actor.userId, inv.workspaceId, now))) {
            throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your session ended. Sign in and open the invite link again.');
          }
          await recordActivity(
            tx,
            { type: 'User Created', data: { targetEmail: inv.email, role: inv.role } },
            { workspaceId: inv.workspaceId, actor: { userId: actor.userId, email: actor.email }, targetUserId: actor.userId, meta, at: now },
          );
          await publishMembers(tx, inv.workspaceId);
          return sessionView(tx, actor.userId, inv.workspaceId);
        });
        return { view, issued: null, sessionToken: null };
      }

      // A new person: name and password, hashed before the transaction (argon2 is slow by design).
      if (input.name === undefined || input.password === undefined) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Enter your name and choose a password to create your Latchkey login.', {
          fields: [...(input.name === undefined ? ['name'] : []), ...(input.password === undefined ? ['password'] : [])],
        });
      }
      assertPasswordPolicy(input.password, found.email);
      const passwordHash = await hashPassword(input.password);
      const name = input.name;
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const inv = await repo.consumeInvite(tx, tokenHash, now);
          if (!inv) throw inviteInvalid();
          const user = await workspacesRepository.insertUser(tx, { email: inv.email, name, passwordHash, now });
          await repo.setInviteAcceptedUser(tx, inv.workspaceId, inv.id, user.id);
          await workspacesRepository.insertMembership(tx, { workspaceId: inv.workspaceId, userId: user.id, role: inv.role, now });
          await repo.touchMember(tx, inv.workspaceId, user.id, now);
          // The new login replaces the caller's session (only on a same-site request with its CSRF token).
          if (caller?.csrfValid) await sessionsRepository.end(tx, caller.actor.sessionId, 'replaced', now);
          const issued = await issueSession(tx, deps, { userId: user.id, workspaceId: inv.workspaceId, mfaPassed: true, meta });
          await recordActivity(
            tx,
            { type: 'User Created', data: { targetEmail: inv.email, role: inv.role } },
            { workspaceId: inv.workspaceId, actor: { userId: user.id, email: user.email }, targetUserId: user.id, meta, at: now },
          );
          await publishMembers(tx, inv.workspaceId);
          return { view: await sessionView(tx, user.id, inv.workspaceId), issued, sessionToken: issued.token };
        });
      } catch (err) {
        // The email got a login between our check and the insert (e.g. another invite accepted).
        if (isUniqueViolation(err, 'users_email_key')) {
          throw conflict(`${found.email} already has a Latchkey login. Sign in as ${found.email} first, then open the invite link again.`, {
            signInRequired: true,
          });
        }
        throw err;
      }
    },
  };
}
export type MembersService = ReturnType<typeof createMembersService>;
