import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import {
  type AcceptInviteRequest,
  type InviteRole,
  type InviteDto,
  type InviteLookupResponse,
  type MemberDto,
  type MembersListResponse,
  type MemberResetResponse,
  type RemoveMemberResponse,
} from '@shared/members';
import { LOCAL_PARTNER_TOS_VERSION } from '@shared/local-partners';
import { isGuestRole, WORKSPACE_ROLE_LABELS, type AssignableWorkspaceRole } from '@shared/permissions';
import { assertWorkspaceCan, workspaceCan } from '../../authz/workspace';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, conflict, forbidden, notFound, ruleViolation } from '../../lib/errors';
import { assertPasswordPolicy, hashPassword } from '../../lib/passwords';
import type { Actor, Ctx, RequestMeta } from '../../lib/request-context';
import { hashToken, normalizeEmail } from '../../lib/tokens';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { authRepository } from '../auth/auth.repository';
import { sessionViewOf, type SessionView } from '../auth/auth.presenter';
import { issueSession, type IssuedSession } from '../auth/session-issuer';
import { sessionsRepository } from '../auth/sessions.repository';
import { workspacesRepository } from '../workspaces/workspaces.repository';
import { partnershipMemberDemoted } from '../partnerships/partnerships.jobs';
import { issueInvite } from './invites';
import { forcePasswordReset, resetMfa } from './member-credentials';
import { removeMembership } from './member-removal';
import { assertNotLastGuestAdmin, localPartnerGuestJoined, localPartnerMemberLeft, lockLocalPartnersOf } from '../local-partners/local-partners.hooks';
import { localPartnersRepository } from '../local-partners/local-partners.repository';
import { presentInvite, presentMember } from './members.presenter';
import { membersRepository as repo, type MemberRow } from './members.repository';

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
  const { db, clock } = deps;

  const actorRef = (a: Actor) => ({ userId: a.userId, email: a.email });

  /**
   * Live updates (ADR 0010), inside the change's transaction: the workspace's open tabs refetch
   * their member list (and activity; `accounts` too when grants changed with it).
   */
  const publishMembers = (tx: Db, workspaceId: string, more: LiveTopic[] = []) =>
    deps.live.publish(tx, { workspaceIds: [workspaceId], topics: ['members', 'activity', ...more] });

  function assertNotOwnerOrSelf(ctx: Ctx, target: MemberRow, verb: 'change the role of' | 'remove' | 'reset the sign-in of'): void {
    if (target.userId === ctx.actor.userId) {
      throw forbidden(
        verb === 'remove'
          ? 'You cannot remove yourself from the workspace.'
          : verb === 'change the role of'
            ? 'You cannot change your own role.'
            : 'Change your own password or MFA in Settings.',
      );
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
    verb: 'change the role of' | 'remove' | 'reset the sign-in of',
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

  const sendInvite = (
    tx: Db,
    ctx: Ctx,
    v: { inviteId: string | null; email: string; role: InviteRole; localPartner?: { id: string; companyName: string } | null },
  ) =>
    issueInvite(tx, deps, {
      workspaceId: ctx.actor.workspaceId,
      workspaceName: ctx.actor.workspaceName,
      inviter: { userId: ctx.actor.userId, name: ctx.actor.name },
      inviteId: v.inviteId,
      email: v.email,
      role: v.role,
      localPartner: v.localPartner ?? null,
    });

  /** Authorize and run one of the sign-in resets on a member, in one transaction (Admins, as for removal). */
  async function credentialReset(ctx: Ctx, userId: string, run: (tx: Db, target: MemberRow, now: Date) => Promise<number>): Promise<MemberResetResponse> {
    const denied = 'Only Admins and the Owner can reset a member’s sign-in.';
    assertWorkspaceCan(ctx.actor, 'members.remove', denied);
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      const target = await lockActorAndTarget(tx, ctx, userId, 'reset the sign-in of', 'members.remove', denied);
      if (await localPartnersRepository.belongsElsewhere(tx, ctx.actor.workspaceId, target.userId)) {
        throw conflict(
          `${target.email} also uses Latchkey in another workspace, so their sign-in is theirs to manage. Ask them to change it, or remove them from this workspace.`,
          { rule: 'identity_shared' },
        );
      }
      const endedSessions = await run(tx, target, now);
      await publishMembers(tx, ctx.actor.workspaceId);
      return { endedSessions };
    });
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
        // Local partner rows first (the one lock order): a Login-Only member hosts no partner.
        if (role === 'login_only') await lockLocalPartnersOf(tx, wsId, userId);
        const target = await lockActorAndTarget(tx, ctx, userId, 'change the role of', 'members.changeRole', denied);
        if (isGuestRole(target.role)) {
          throw ruleViolation(
            `${target.email} is a ${WORKSPACE_ROLE_LABELS[target.role]} of ${target.localPartnerName ?? 'a local partner'}: change their role in the partner (Partners page), not here.`,
            { localPartnerId: target.localPartnerId },
          );
        }
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
          // Host Admins share accounts they Own; a Login-Only member owns none (ADR 0012).
          await localPartnerMemberLeft(tx, deps, { workspaceId: wsId, workspaceName: ctx.actor.workspaceName, userId: target.userId, now });
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
        // Local partner rows first (the one lock order): a guest's partner keeps a Guest Admin (Q19).
        await lockLocalPartnersOf(tx, wsId, userId);
        const target = await lockActorAndTarget(tx, ctx, userId, 'remove', 'members.remove', denied);
        await assertNotLastGuestAdmin(tx, wsId, target);
        const { endedSessions, endedGrants, ownershipsTransferred, touchedAccounts } = await removeMembership(tx, deps, {
          workspaceId: wsId,
          workspaceName: ctx.actor.workspaceName,
          target,
          by: ctx.actor.userId,
          now,
        });
        await recordActivity(
          tx,
          {
            type: 'User Deactivated',
            data: {
              targetEmail: target.email,
              endedGrants,
              endedSessions,
              ownershipsTransferred,
              ...(target.localPartnerId ? { localPartnerId: target.localPartnerId } : {}),
            },
          },
          { workspaceId: wsId, actor: actorRef(ctx.actor), targetUserId: target.userId, meta: ctx.meta, at: now },
        );
        // Both sides of the partnerships it touched were told above (partnershipMemberRemoved).
        await publishMembers(tx, wsId, [...(touchedAccounts ? (['accounts'] as const) : []), ...(target.localPartnerId ? (['local-partners'] as const) : [])]);
        return {
          member: presentMember(ctx.actor, { ...target, status: 'removed' }),
          endedSessions,
          endedGrants,
          ownershipsTransferred,
        };
      });
    },

    /** Reset a member's MFA (Admins; ADR 0012). Not the Owner, not oneself, not a login used in another workspace. */
    resetMfa(ctx: Ctx, userId: string): Promise<MemberResetResponse> {
      return credentialReset(ctx, userId, (tx, target, now) => resetMfa(tx, deps, { ctx, target, localPartnerId: target.localPartnerId, now }));
    },

    /** Force a member to choose a new password through an emailed link (Admins; ADR 0012). Same limits. */
    forcePasswordReset(ctx: Ctx, userId: string): Promise<MemberResetResponse> {
      return credentialReset(ctx, userId, (tx, target, now) => forcePasswordReset(tx, deps, { ctx, target, localPartnerId: target.localPartnerId, now }));
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
      // A guest accepts the guest Terms of Service (R-GU-03, ADR 0012), new or not.
      if (found.localPartnerId && input.acceptTerms !== true) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Accept the Terms of Service to join as a guest.', { fields: ['acceptTerms'] });
      }

      /**
       * The common part of both paths, inside the transaction: a guest invite's partner must still be
       * active, held FOR SHARE so a concurrent removal of the partner waits for this join (and then
       * removes the new guest too) or wins (and the invite is gone). Then the invite is consumed.
       */
      const consume = async (tx: Db, now: Date) => {
        if (found.localPartnerId) {
          const partner = await localPartnersRepository.find(tx, found.workspaceId, found.localPartnerId, { lock: 'share' });
          if (!partner || partner.status !== 'active') throw inviteInvalid();
        }
        const inv = await repo.consumeInvite(tx, tokenHash, now);
        if (!inv) throw inviteInvalid();
        return inv;
      };

      /** What joining does besides the membership: a guest's shares and Host Admin emails, the event, live updates. */
      const joined = async (tx: Db, inv: Awaited<ReturnType<typeof consume>>, user: { id: string; email: string; name: string }, now: Date) => {
        const workspaceName = found.workspaceName;
        let granted = 0;
        if (inv.localPartnerId && isGuestRole(inv.role)) {
          granted = await localPartnerGuestJoined(tx, deps, {
            workspaceId: inv.workspaceId,
            workspaceName,
            partnerId: inv.localPartnerId,
            guest: { userId: user.id, name: user.name, email: user.email },
            role: inv.role,
            now,
          });
        }
        await recordActivity(
          tx,
          { type: 'User Created', data: { targetEmail: inv.email, role: inv.role, ...(inv.localPartnerId ? { localPartnerId: inv.localPartnerId } : {}) } },
          { workspaceId: inv.workspaceId, actor: { userId: user.id, email: user.email }, targetUserId: user.id, meta, at: now },
        );
        await publishMembers(tx, inv.workspaceId, inv.localPartnerId ? ['local-partners', ...(granted > 0 ? (['accounts'] as const) : [])] : []);
      };
      const guestOf = (inv: { localPartnerId: string | null }) =>
        inv.localPartnerId ? { localPartnerId: inv.localPartnerId, termsVersion: LOCAL_PARTNER_TOS_VERSION } : null;

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
          const inv = await consume(tx, now);
          await repo.setInviteAcceptedUser(tx, inv.workspaceId, inv.id, actor.userId);
          const m = await repo.findMember(tx, inv.workspaceId, actor.userId, { forUpdate: true });
          if (m?.status === 'active') throw conflict(`You are already a member of this workspace.`);
          const guest = guestOf(inv);
          if (m) await repo.reactivate(tx, inv.workspaceId, actor.userId, inv.role, now, guest);
          else await workspacesRepository.insertMembership(tx, { workspaceId: inv.workspaceId, userId: actor.userId, role: inv.role, now, ...guest });
          await repo.touchMember(tx, inv.workspaceId, actor.userId, now);
          if (!(await sessionsRepository.setWorkspace(tx, actor.sessionId, actor.userId, inv.workspaceId, now))) {
            throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your session ended. Sign in and open the invite link again.');
          }
          await joined(tx, inv, { id: actor.userId, email: actor.email, name: actor.name }, now);
          return sessionView(tx, actor.userId, inv.workspaceId);
        });
        return { view, issued: null, sessionToken: null };
      }

      // A new person: name and password, hashed before the transaction (argon2 is slow by design).
      // A guest gives a given name and a family name (spec §5.6).
      const missing = [
        ...(input.name === undefined ? ['name'] : []),
        ...(found.localPartnerId && input.familyName === undefined ? ['familyName'] : []),
        ...(input.password === undefined ? ['password'] : []),
      ];
      if (missing.length > 0 || input.name === undefined || input.password === undefined) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          found.localPartnerId
            ? 'Enter your name and family name and choose a password to create your Latchkey login.'
            : 'Enter your name and choose a password to create your Latchkey login.',
          { fields: missing },
        );
      }
      assertPasswordPolicy(input.password, found.email);
      const passwordHash = await hashPassword(input.password);
      const name = found.localPartnerId && input.familyName ? `${input.name} ${input.familyName}` : input.name;
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const inv = await consume(tx, now);
          const user = await workspacesRepository.insertUser(tx, { email: inv.email, name, passwordHash, now });
          await repo.setInviteAcceptedUser(tx, inv.workspaceId, inv.id, user.id);
          await workspacesRepository.insertMembership(tx, { workspaceId: inv.workspaceId, userId: user.id, role: inv.role, now, ...guestOf(inv) });
          await repo.touchMember(tx, inv.workspaceId, user.id, now);
          // The new login replaces the caller's session (only on a same-site request with its CSRF token).
          if (caller?.csrfValid) await sessionsRepository.end(tx, caller.actor.sessionId, 'replaced', now);
          // A new guest has no MFA yet: the session opens on MFA set-up only (R-GU-04, session plugin).
          const issued = await issueSession(tx, deps, { userId: user.id, workspaceId: inv.workspaceId, mfaPassed: true, meta });
          await joined(tx, inv, user, now);
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
