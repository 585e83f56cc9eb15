import type { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import {
  PARTNERSHIP_STATE_LABELS,
  type PartnershipAccountDto,
  type PartnershipAccountRole,
  type PartnershipMemberDto,
  type ShareAccountsRequestSchema,
} from '@shared/partnerships';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLE_RANK, MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE, workspaceRoleAllows } from '@shared/permissions';
import type { AppDeps } from '../../deps';
import type { Db } from '../../db/client';
import { AppError, forbidden } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { inTransaction } from '../../lib/tx';
import { accountsRepository } from '../accounts/accounts.repository';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail, type OutgoingEmail } from '../email/outbox';
import { memberAccessAbilities, partnershipCan } from '../partnerships/partnerships.policy';
import { partnershipsRepository, type PartnershipForActor } from '../partnerships/partnerships.repository';
import {
  accountSharedEmail,
  accountUnsharedEmail,
  memberAccessRemovedEmail,
  memberRoleChangedEmail,
} from './partnership-access.emails';
import { partnershipAccessRepository as repo } from './partnership-access.repository';

type ShareInput = z.output<typeof ShareAccountsRequestSchema>;

export type AccessDeps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>;

export const partnershipNotFound = (id: string) => new AppError(ErrorCode.NOT_FOUND, `Partnership "${id}" was not found.`);

/** Load a partnership the actor may see (else 404), optionally under the row lock. */
export async function requireVisiblePartnership(tx: Db, ctx: Ctx, id: string, lock = false): Promise<PartnershipForActor> {
  const p = await partnershipsRepository.loadForActor(tx, ctx.actor, id, { lock });
  if (!p || !partnershipCan(p.facts, 'view')) throw partnershipNotFound(id);
  return p;
}

/** Refs of a partnership event: host workspace is the tenant, guest workspace sees it too. */
export function partnershipRefs(ctx: Ctx, p: PartnershipForActor['row'], at: Date, extra: { accountId?: string; targetUserId?: string } = {}) {
  return {
    workspaceId: p.hostWorkspaceId,
    partnerWorkspaceId: p.guestWorkspaceId,
    actor: { userId: ctx.actor.userId, email: ctx.actor.email },
    accountId: extra.accountId ?? null,
    targetUserId: extra.targetUserId ?? null,
    meta: ctx.meta,
    at,
  };
}

export function names(p: PartnershipForActor) {
  return { partnershipId: p.row.id, hostWorkspaceName: p.hostName, guestWorkspaceName: p.guestName };
}

/**
 * Tell both sides of the partnership what changed. Every change here writes an activity event, so
 * 'activity' is always among the topics: the other side's Activity view follows without a refresh.
 */
export async function publishBoth(deps: Pick<AppDeps, 'live'>, tx: Db, row: PartnershipForActor['row'], topics: LiveTopic[]) {
  const all: LiveTopic[] = topics.includes('activity') ? topics : [...topics, 'activity'];
  await deps.live.publish(tx, { workspaceIds: [row.hostWorkspaceId, row.guestWorkspaceId], topics: all });
}

export function assertActive(p: PartnershipForActor, what: string) {
  if (p.row.state !== 'active') {
    throw new AppError(
      ErrorCode.CONFLICT,
      `${what} is available once ${p.guestName} accepts the partnership (it is "${PARTNERSHIP_STATE_LABELS[p.row.state]}").`,
    );
  }
}

/**
 * Sharing host accounts into a partnership (Accounts tab, Share accounts wizard) and managing the
 * guest members' access (Members tab). Spec §5.2–5.3, R-HG-07/09/14/15/16/21/23.
 */
export function createPartnershipAccessService(deps: AccessDeps) {
  const mail = (tx: Db, e: OutgoingEmail, now: Date) => enqueueEmail(tx, deps.vault, e, now);

  async function accountsTab(tx: Db, ctx: Ctx, p: PartnershipForActor): Promise<PartnershipAccountDto[]> {
    const now = deps.clock.now();
    let only: string[] | undefined;
    // A host Admin who is not a Partnership Owner sees only the shared accounts they can access themselves (R-HG-16).
    if (p.facts.side === 'host' && !p.facts.isPartnershipOwner) {
      only = [...(await repo.accessibleAccountIds(tx, p.row.hostWorkspaceId, ctx.actor.userId, now))];
    }
    const rows = await repo.listShares(tx, p.row.hostWorkspaceId, p.row.id, now, only);
    const canRemove = partnershipCan(p.facts, 'removeAccounts');
    return rows.map((r) => ({
      accountId: r.accountId,
      label: r.label,
      application: r.application,
      role: r.role,
      // Host people appear to the guest side without their identity.
      sharedBy: p.facts.side === 'host' && r.sharedById ? { userId: r.sharedById, name: r.sharedByName ?? '', email: r.sharedByEmail ?? '' } : null,
      sharedAt: r.sharedAt.toISOString(),
      memberCount: Number(r.memberCount),
      abilities: { remove: canRemove },
    }));
  }

  async function membersTab(tx: Db, ctx: Ctx, p: PartnershipForActor, onlyUserId?: string): Promise<PartnershipMemberDto[]> {
    const now = deps.clock.now();
    const rows = await repo.livePartnershipGrants(tx, p.row.hostWorkspaceId, p.row.id, now, onlyUserId ? { userId: onlyUserId } : {});
    const owned =
      p.facts.side === 'host' ? await repo.accessibleAccountIds(tx, p.row.hostWorkspaceId, ctx.actor.userId, now, 'owner') : new Set<string>();
    // Like the Accounts tab: a host Admin who is not a Partnership Owner sees every guest member,
    // but only on the shared accounts they can access themselves (R-HG-16). An account Owner acting
    // through the account page (onlyUserId) sees the accounts they own.
    const visible =
      p.facts.side === 'host' && !p.facts.isPartnershipOwner
        ? await repo.accessibleAccountIds(tx, p.row.hostWorkspaceId, ctx.actor.userId, now)
        : null;
    const byUser = new Map<string, PartnershipMemberDto>();
    for (const r of rows) {
      if (visible && !visible.has(r.accountId)) {
        // The member still appears (with access the viewer cannot see), so Admins see every guest member.
        if (!byUser.has(r.userId)) {
          byUser.set(r.userId, { userId: r.userId, name: r.name, email: r.email, isGuestContact: r.userId === p.row.guestContactUserId, accounts: [] });
        }
        continue;
      }
      let m = byUser.get(r.userId);
      if (!m) {
        m = { userId: r.userId, name: r.name, email: r.email, isGuestContact: r.userId === p.row.guestContactUserId, accounts: [] };
        byUser.set(r.userId, m);
      }
      m.accounts.push({
        accountId: r.accountId,
        accountLabel: r.accountLabel,
        role: r.role as PartnershipAccountRole,
        grantedAt: r.grantedAt.toISOString(),
        lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
        abilities: memberAccessAbilities(p.facts, owned.has(r.accountId)),
      });
    }
    return [...byUser.values()];
  }

  /** The guest member's one live grant through the partnership on the account; 404 when none. */
  async function memberGrant(tx: Db, p: PartnershipForActor, userId: string, accountId: string, now: Date) {
    const [g] = await repo.livePartnershipGrants(tx, p.row.hostWorkspaceId, p.row.id, now, { userId, accountId });
    if (!g) throw new AppError(ErrorCode.NOT_FOUND, `This member has no access to account "${accountId}" through the partnership.`);
    return g;
  }

  /**
   * For a change to one guest member's access on one account: the partnership row lock, then the
   * account row lock. An Owner of the account may act even when they cannot otherwise see the
   * partnership (R-HG-14/15); anyone else who cannot see it gets 404.
   */
  async function lockForMemberAccess(tx: Db, ctx: Ctx, id: string, accountId: string, now: Date) {
    const p = await partnershipsRepository.loadForActor(tx, ctx.actor, id, { lock: true });
    if (!p) throw partnershipNotFound(id);
    const hostWs = p.row.hostWorkspaceId;
    const locked = p.facts.side === 'host' ? await accountsRepository.lock(tx, hostWs, accountId) : null;
    const owns = locked !== null && (await repo.isLiveOwner(tx, hostWs, accountId, ctx.actor.userId, now));
    if (!partnershipCan(p.facts, 'view') && !owns) throw partnershipNotFound(id);
    return { p, owns };
  }

  return {
    async listAccounts(ctx: Ctx, id: string) {
      const p = await requireVisiblePartnership(deps.db, ctx, id);
      return { items: await accountsTab(deps.db, ctx, p) };
    },

    async listShareable(ctx: Ctx, id: string) {
      const p = await requireVisiblePartnership(deps.db, ctx, id);
      if (!partnershipCan(p.facts, 'shareAccounts')) throw forbidden('You cannot share accounts into this partnership.');
      const rows = await repo.listShareable(deps.db, ctx.actor.workspaceId, ctx.actor.userId, id, deps.clock.now());
      return { items: rows.map((r) => ({ accountId: r.accountId, label: r.label, application: r.application, username: r.username })) };
    },

    async share(ctx: Ctx, id: string, input: ShareInput) {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const p = await requireVisiblePartnership(tx, ctx, id, true);
        if (p.facts.side !== 'host') throw forbidden('Only the host side shares accounts.');
        assertActive(p, 'Share accounts');
        if (!partnershipCan(p.facts, 'shareAccounts')) throw forbidden('Only a Partnership Owner or an Admin can share accounts into this partnership.');
        const contactId = p.row.guestContactUserId;
        const contact = contactId ? await accountsRepository.findActiveMember(tx, p.row.guestWorkspaceId, contactId) : null;
        if (!contact) throw new AppError(ErrorCode.CONFLICT, `${p.guestName} has no contact to receive shared accounts yet.`);
        const hostWs = p.row.hostWorkspaceId;
        const ids = input.accounts.map((a) => a.accountId);
        // Lock order: the partnership row (above), then each account row in id order.
        for (const accountId of [...ids].sort()) {
          if (!(await accountsRepository.lock(tx, hostWs, accountId))) {
            throw new AppError(ErrorCode.NOT_FOUND, `Account "${accountId}" was not found.`);
          }
        }
        const found = new Map((await repo.findAccounts(tx, hostWs, ids)).map((a) => [a.id, a]));
        const visible = await repo.accessibleAccountIds(tx, hostWs, ctx.actor.userId, now);
        const owned = await repo.accessibleAccountIds(tx, hostWs, ctx.actor.userId, now, 'owner');
        for (const { accountId } of input.accounts) {
          const acc = found.get(accountId);
          if (!acc || !visible.has(accountId)) throw new AppError(ErrorCode.NOT_FOUND, `Account "${accountId}" was not found.`);
          if (!owned.has(accountId)) throw forbidden(`You are not an Owner of "${acc.label}"; only its Owners can share it (R-HG-09).`);
          if (acc.status !== 'active') throw new AppError(ErrorCode.CONFLICT, `Account "${acc.label}" is deleted — restore it first.`);
          if (await repo.findLiveShare(tx, hostWs, id, accountId)) {
            throw new AppError(ErrorCode.CONFLICT, `"${acc.label}" is already shared with ${p.guestName}.`);
          }
        }
        for (const { accountId, role: shareRole } of input.accounts) {
          const acc = found.get(accountId)!;
          // A Login-Only contact (an Admin demoted after accepting) holds Collaborator at most (R-HG-23).
          const role = contact.role === 'login_only' ? 'collaborator' : shareRole;
          await repo.insertShare(tx, { hostWorkspaceId: hostWs, partnershipId: id, accountId, role: shareRole, sharedBy: ctx.actor.userId, now });
          // The contact might already hold a grant through this partnership (shared before, removed, shared again).
          const existing = await repo.livePartnershipGrants(tx, hostWs, id, now, { accountId, userId: contact.userId });
          await repo.revokeGrants(tx, hostWs, existing.map((g) => g.grantId), { by: ctx.actor.userId, reason: 'role_changed', now });
          await repo.insertPartnershipGrant(tx, {
            hostWorkspaceId: hostWs,
            guestWorkspaceId: p.row.guestWorkspaceId,
            partnershipId: id,
            accountId,
            userId: contact.userId,
            role,
            grantedBy: ctx.actor.userId,
            now,
          });
          await recordActivity(
            tx,
            { type: 'Account Shared Via Partnership', data: { ...names(p), accountLabel: acc.label, role, targetEmail: contact.email } },
            partnershipRefs(ctx, p.row, now, { accountId, targetUserId: contact.userId }),
          );
          await mail(
            tx,
            accountSharedEmail({
              publicUrl: deps.config.publicUrl,
              to: contact.email,
              guestWorkspaceId: p.row.guestWorkspaceId,
              hostName: p.hostName,
              accountId,
              accountLabel: acc.label,
              role,
            }),
            now,
          );
        }
        await publishBoth(deps, tx, p.row, ['partnerships', 'accounts']);
        return { items: await accountsTab(tx, ctx, p) };
      });
    },

    async removeAccount(ctx: Ctx, id: string, accountId: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const p = await requireVisiblePartnership(tx, ctx, id, true);
        const hostWs = p.row.hostWorkspaceId;
        const share = await repo.findLiveShare(tx, hostWs, id, accountId);
        if (!share) throw new AppError(ErrorCode.NOT_FOUND, `Account "${accountId}" is not shared in this partnership.`);
        if (!partnershipCan(p.facts, 'removeAccounts')) throw forbidden('Only a Partnership Owner or an Admin can remove accounts from this partnership.');
        await accountsRepository.lock(tx, hostWs, accountId);
        const [acc] = await repo.findAccounts(tx, hostWs, [accountId]);
        const live = await repo.livePartnershipGrants(tx, hostWs, id, now, { accountId });
        await repo.markShareRemoved(tx, hostWs, share.id, ctx.actor.userId, now);
        const endedGrants = await repo.revokeGrants(tx, hostWs, live.map((g) => g.grantId), {
          by: ctx.actor.userId,
          reason: 'account_removed_from_partnership',
          now,
        });
        const cancelledRequests = await repo.cancelPendingRequests(
          tx,
          hostWs,
          { accountId, partnershipId: id },
          { reason: 'account_removed', by: ctx.actor.userId, now },
        );
        const label = acc?.label ?? accountId;
        await recordActivity(
          tx,
          { type: 'Account Removed From Partnership', data: { ...names(p), accountLabel: label, endedGrants, cancelledRequests } },
          partnershipRefs(ctx, p.row, now, { accountId }),
        );
        for (const email of new Set(live.map((g) => g.email))) {
          await mail(
            tx,
            accountUnsharedEmail({ publicUrl: deps.config.publicUrl, to: email, guestWorkspaceId: p.row.guestWorkspaceId, hostName: p.hostName, accountLabel: label }),
            now,
          );
        }
        await publishBoth(deps, tx, p.row, ['partnerships', 'accounts', 'access-requests']);
      });
    },

    async listMembers(ctx: Ctx, id: string) {
      const p = await requireVisiblePartnership(deps.db, ctx, id);
      if (!partnershipCan(p.facts, 'viewMembers')) throw forbidden();
      return { items: await membersTab(deps.db, ctx, p) };
    },

    async changeMemberRole(ctx: Ctx, id: string, userId: string, accountId: string, role: PartnershipAccountRole): Promise<PartnershipMemberDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const { p, owns } = await lockForMemberAccess(tx, ctx, id, accountId, now);
        const hostWs = p.row.hostWorkspaceId;
        if (p.facts.side !== 'host') throw forbidden('Only an Owner of the account on the host side can change a guest member\'s role (R-HG-14).');
        assertActive(p, 'Changing a member\'s role');
        const grant = await memberGrant(tx, p, userId, accountId, now);
        if (!owns) {
          throw forbidden(`Only an Owner of "${grant.accountLabel}" can change a guest member's role (R-HG-14).`);
        }
        if (grant.role !== role) {
          const member = await accountsRepository.findActiveMember(tx, p.row.guestWorkspaceId, userId);
          if (!member) throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" is no longer a member of ${p.guestName}.`);
          const max = MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE[member.role];
          if (ACCOUNT_ROLE_RANK[role] > ACCOUNT_ROLE_RANK[max]) {
            throw new AppError(
              ErrorCode.RULE_VIOLATION,
              `${member.email} is a Login-Only member and can be ${ACCOUNT_ROLE_LABELS[max]} at most on an account.`,
              { rule: 'R-HG-23', maxRole: max },
            );
          }
          // A role change is a new grant; the old row is revoked and kept for the trail.
          await repo.revokeGrants(tx, hostWs, [grant.grantId], { by: ctx.actor.userId, reason: 'role_changed', now });
          await repo.insertPartnershipGrant(tx, {
            hostWorkspaceId: hostWs,
            guestWorkspaceId: p.row.guestWorkspaceId,
            partnershipId: id,
            accountId,
            userId,
            role,
            grantedBy: ctx.actor.userId,
            now,
          });
          if (grant.role === 'manager') {
            await repo.cancelPendingRequests(
              tx,
              hostWs,
              { accountId, partnershipId: id, requesterUserId: userId },
              { reason: 'requester_lost_manager', by: ctx.actor.userId, now },
            );
          }
          await recordActivity(
            tx,
            {
              type: 'Account Role Updated',
              data: { accountLabel: grant.accountLabel, targetEmail: grant.email, fromRole: grant.role, toRole: role, partnershipId: id },
            },
            partnershipRefs(ctx, p.row, now, { accountId, targetUserId: userId }),
          );
          await mail(
            tx,
            memberRoleChangedEmail({
              publicUrl: deps.config.publicUrl,
              to: grant.email,
              guestWorkspaceId: p.row.guestWorkspaceId,
              hostName: p.hostName,
              accountId,
              accountLabel: grant.accountLabel,
              role,
            }),
            now,
          );
          await publishBoth(deps, tx, p.row, ['partnerships', 'accounts', 'access-requests']);
        }
        const [m] = await membersTab(tx, ctx, p, userId);
        // An account Owner who cannot otherwise see the partnership sees only the accounts they own.
        if (m && !partnershipCan(p.facts, 'view')) m.accounts = m.accounts.filter((a) => a.abilities.changeRole);
        if (!m) throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" has no access through this partnership.`);
        return m;
      });
    },

    async removeMemberAccess(ctx: Ctx, id: string, userId: string, accountId: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const { p, owns } = await lockForMemberAccess(tx, ctx, id, accountId, now);
        const hostWs = p.row.hostWorkspaceId;
        const grant = await memberGrant(tx, p, userId, accountId, now);
        if (!memberAccessAbilities(p.facts, owns).remove) {
          if (p.row.state !== 'active') assertActive(p, 'Removing a member\'s access');
          throw forbidden('Only a Partnership Owner, a host Admin or an Owner of the account can remove a guest member\'s access (R-HG-15).');
        }
        await repo.revokeGrants(tx, hostWs, [grant.grantId], { by: ctx.actor.userId, reason: 'removed', now });
        await repo.cancelPendingRequests(
          tx,
          hostWs,
          { accountId, partnershipId: id, requesterUserId: userId },
          { reason: 'requester_lost_manager', by: ctx.actor.userId, now },
        );
        await recordActivity(
          tx,
          { type: 'Account Access Removed', data: { accountLabel: grant.accountLabel, targetEmail: grant.email, role: grant.role, partnershipId: id } },
          partnershipRefs(ctx, p.row, now, { accountId, targetUserId: userId }),
        );
        await mail(
          tx,
          memberAccessRemovedEmail({
            publicUrl: deps.config.publicUrl,
            to: grant.email,
            guestWorkspaceId: p.row.guestWorkspaceId,
            hostName: p.hostName,
            accountLabel: grant.accountLabel,
          }),
          now,
        );
        await publishBoth(deps, tx, p.row, ['partnerships', 'accounts', 'access-requests']);
      });
    },
  };
}

/** Guest Admins (partners.decide) see everything of their workspace's; host Admins read everything of theirs. */
export const isAdmin = (ctx: Ctx) => workspaceRoleAllows(ctx.actor.role, 'partners.decide');
