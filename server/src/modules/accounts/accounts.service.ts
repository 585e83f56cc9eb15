import type { z } from 'zod';
import type {
  AccountDetailDto,
  AccountMemberDto,
  AccountsListQuerySchema,
  AccountsListResponse,
  CreateAccountRequestSchema,
  RevealResponse,
  SecretField,
  UpdateAccountRequestSchema,
} from '@shared/accounts';
import { ACTIVITY_HOST_USER_LABEL } from '@shared/activity-api';
import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import {
  ACCOUNT_ROLE_LABELS,
  ACCOUNT_ROLE_RANK,
  MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE,
  WORKSPACE_ROLE_LABELS,
  type AccountAction,
  type DirectAccountRole,
} from '@shared/permissions';
import {
  accountCan,
  accountNotFound,
  loadAccountAccess,
  requireAccountAccess,
  type AccountAccess,
} from '../../authz/accounts';
import { assertWorkspaceCan } from '../../authz/workspace';
import type { AppDeps } from '../../deps';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import { accessAutoCancelledEmail, sharedAccountDeletedEmail } from '../partnership-access/partnership-access.emails';
import { partnershipAccessRepository } from '../partnership-access/partnership-access.repository';
import { localPartnersRepository } from '../local-partners/local-partners.repository';
import { partnershipsLifecycleRepository } from '../partnerships/partnerships.repository';
import { presentAccountDetail, presentAccountMember, presentAccountSummary } from './accounts.presenter';
import { accountsRepository as repo } from './accounts.repository';
import { decodeCursor, encodeCursor } from './cursor';

type CreateInput = z.output<typeof CreateAccountRequestSchema>;
type UpdateInput = z.output<typeof UpdateAccountRequestSchema>;
type ListQuery = z.output<typeof AccountsListQuerySchema>;

/**
 * The accounts vault: accounts, their secrets (through deps.vault only), and who holds which role.
 * Every decision goes through authz/accounts.ts; every change is one transaction with its event.
 */
export function createAccountsService(deps: Pick<AppDeps, 'db' | 'clock' | 'vault' | 'live' | 'config'>) {
  const refs = (ctx: Ctx, accountId: string, at: Date, targetUserId?: string) => ({
    workspaceId: ctx.actor.workspaceId,
    actor: { userId: ctx.actor.userId, email: ctx.actor.email },
    accountId,
    targetUserId: targetUserId ?? null,
    meta: ctx.meta,
    at,
  });

  /**
   * Live updates for a change to the account (ADR 0010), inside its transaction: its own workspace
   * and every guest workspace that sees it through an active partnership (their cards and lists
   * show it too). Topics only; each side refetches what it may see.
   */
  async function publishAccountChange(tx: Db, ctx: Ctx, access: Pick<AccountAccess, 'accountId' | 'workspaceId'>, more: LiveTopic[] = []) {
    const guests = await repo.guestWorkspacesOf(tx, access.workspaceId, access.accountId);
    await deps.live.publish(tx, {
      workspaceIds: [access.workspaceId, ctx.actor.workspaceId, ...guests],
      topics: ['accounts', 'activity', ...more],
    });
  }

  /**
   * Refuse to take away the last live Owner grant of an account (call under the account row lock,
   * so two Owners demoting or removing each other cannot both pass).
   */
  async function assertNotLastOwner(tx: Db, ctx: Ctx, accountId: string, grant: { id: string; role: string }, what: string, now: Date) {
    if (grant.role !== 'owner') return;
    if ((await repo.countOtherOwners(tx, ctx.actor.workspaceId, accountId, grant.id, now)) > 0) return;
    throw new AppError(ErrorCode.LAST_OWNER, `${what} Make someone else an Owner first.`);
  }

  /**
   * Lock the account row, then decide on fresh state (the lock serialises concurrent changes).
   * The account may belong to a host (reached through a partnership), so its workspace comes from
   * the actor's access; no access at all is a 404 before anything is locked.
   */
  async function lockAndAuthorize(tx: Db, ctx: Ctx, accountId: string, action: AccountAction, now: Date) {
    const reachable = await loadAccountAccess(tx, ctx.actor, accountId, now);
    if (!reachable) throw accountNotFound(accountId);
    const locked = await repo.lock(tx, reachable.workspaceId, accountId);
    if (!locked) throw accountNotFound(accountId);
    return requireAccountAccess(tx, ctx.actor, accountId, action, now);
  }

  /**
   * For changes that give a member a role on the account: lock the target's membership row
   * (FOR SHARE) BEFORE the account row, then decide. A concurrent demotion or removal of the
   * target locks that row FOR UPDATE, so either it waits for this change (and then sees the new
   * grant) or this change waits for it (and then sees the new role or status). One lock order
   * everywhere (membership rows, then account rows) keeps the two from deadlocking.
   * The member is null when they are not an active member; the caller decides what that means,
   * after authorization, so the account's 404/403 still come first.
   */
  async function lockTargetAndAuthorize(tx: Db, ctx: Ctx, accountId: string, userId: string, action: AccountAction, now: Date) {
    const member = await repo.findActiveMember(tx, ctx.actor.workspaceId, userId, { lock: true });
    const access = await lockAndAuthorize(tx, ctx, accountId, action, now);
    return { access, member };
  }

  /** The account as the actor sees it; `access.workspaceId` is the account's own (maybe a host's). */
  async function detail(tx: Db, ctx: Ctx, access: Pick<AccountAccess, 'accountId' | 'role' | 'workspaceId'>): Promise<AccountDetailDto> {
    const found = await repo.findWithCreator(tx, access.workspaceId, access.accountId);
    if (!found) throw accountNotFound(access.accountId);
    const fields = await deps.vault.listAccountSecretFields(tx, access.workspaceId, [access.accountId]);
    // A host's account seen from a guest workspace: host people appear as "Host user" (spec Q10).
    const fromGuest = access.workspaceId !== ctx.actor.workspaceId;
    const creator = !found.creatorEmail
      ? null
      : fromGuest
        ? { name: ACTIVITY_HOST_USER_LABEL, email: '' }
        : { name: found.creatorName ?? '', email: found.creatorEmail };
    const host = await repo.hostWorkspaceName(tx, access.workspaceId, ctx.actor.workspaceId);
    // The Guest users tab, for an Owner who is a Host Admin of a partner the account is shared with (ADR 0012).
    let guestPartners: Array<{ id: string; companyName: string }> = [];
    if (access.role === 'owner' && !fromGuest) {
      const hosted = new Set(await localPartnersRepository.partnersHostedBy(tx, ctx.actor.workspaceId, ctx.actor.userId));
      if (hosted.size > 0) guestPartners = (await localPartnersRepository.partnersOfAccount(tx, ctx.actor.workspaceId, access.accountId)).filter((p) => hosted.has(p.id));
    }
    return presentAccountDetail(found.account, access.role, fields.get(access.accountId), creator, host, ctx.actor, guestPartners);
  }

  /** The target of a member change: an active member of this workspace with a live direct grant. */
  async function memberTarget(
    tx: Db,
    ctx: Ctx,
    accountId: string,
    userId: string,
    label: string,
    now: Date,
    lockedUser?: Awaited<ReturnType<typeof repo.findActiveMember>>,
  ) {
    const user = lockedUser !== undefined ? lockedUser : await repo.findActiveMember(tx, ctx.actor.workspaceId, userId);
    const grant = user ? await repo.findLiveDirectGrant(tx, ctx.actor.workspaceId, accountId, userId, now) : null;
    if (!user || !grant) {
      throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" has no direct access to "${label}".`);
    }
    return { user, grant };
  }

  function assertRoleAllowedFor(member: { email: string; role: keyof typeof MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE }, role: DirectAccountRole) {
    const max = MAX_ACCOUNT_ROLE_FOR_WORKSPACE_ROLE[member.role];
    if (ACCOUNT_ROLE_RANK[role] > ACCOUNT_ROLE_RANK[max]) {
      throw new AppError(
        ErrorCode.RULE_VIOLATION,
        `${member.email} is a ${WORKSPACE_ROLE_LABELS[member.role]} member and can be ${ACCOUNT_ROLE_LABELS[max]} at most on an account.`,
        { rule: 'R-C-01', maxRole: max },
      );
    }
  }

  /** Who holds access: one entry per person, their strongest live grant ("direct" when they hold a direct one). */
  async function members(db: Db, ctx: Ctx, access: AccountAccess, now: Date): Promise<AccountMemberDto[]> {
    const rows = await repo.listLiveGrants(db, ctx.actor.workspaceId, access.accountId, now);
    const byUser = new Map<string, { best: (typeof rows)[number]; direct: boolean }>();
    for (const r of rows) {
      const cur = byUser.get(r.userId);
      if (!cur) {
        byUser.set(r.userId, { best: r, direct: r.sourceKind === 'direct' });
        continue;
      }
      if (ACCOUNT_ROLE_RANK[r.role] > ACCOUNT_ROLE_RANK[cur.best.role]) cur.best = r;
      cur.direct ||= r.sourceKind === 'direct';
    }
    const owners = [...byUser.values()].filter((m) => m.best.role === 'owner').length;
    const canChange = accountCan(access, 'account.changeMemberRole');
    const canRemove = accountCan(access, 'account.removeMember');
    return [...byUser.values()].map(({ best, direct }) => {
      // The last Owner can be neither demoted nor removed: say so before the user tries.
      const soleOwner = best.role === 'owner' && owners <= 1;
      // A guest member through a partnership: the Owner changes or removes it through the
      // partnership routes (R-HG-14/15), while the partnership is active and the account too.
      const viaPartnership = !direct && best.sourceKind === 'host_guest_partnership' && best.partnershipId !== null;
      const partnerActive = viaPartnership && best.partnershipState === 'active' && access.status === 'active';
      return presentAccountMember({
        userId: best.userId,
        email: best.email,
        name: best.name,
        role: best.role,
        sharedVia: direct ? 'direct' : best.sourceKind,
        grantedAt: best.grantedAt,
        grantedBy: best.grantedByEmail ? { name: best.grantedByName ?? '', email: best.grantedByEmail } : null,
        lastUsedAt: best.lastUsedAt,
        isYou: best.userId === ctx.actor.userId,
        partnership: viaPartnership ? { id: best.partnershipId!, guestWorkspaceName: best.guestWorkspaceName ?? '' } : null,
        // Through a local partner: managed on the account's Guest users tab (ADR 0012).
        localPartner:
          !direct && best.sourceKind === 'local_partner' && best.localPartnerId ? { id: best.localPartnerId, companyName: best.localPartnerName ?? '' } : null,
        canChangeRole: canChange && ((direct && !soleOwner) || partnerActive),
        canRemove: canRemove && ((direct && !soleOwner) || partnerActive),
      });
    });
  }

  async function memberOf(db: Db, ctx: Ctx, access: AccountAccess, userId: string, now: Date): Promise<AccountMemberDto> {
    const found = (await members(db, ctx, access, now)).find((m) => m.userId === userId);
    if (!found) throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" has no access to "${access.label}".`);
    return found;
  }

  /**
   * A deleted account that partner workspaces saw (Q9): every guest member holding a live grant on
   * it through an active partnership is told it is no longer available (the grants stay: a restore
   * brings them back, Q13), and every guest requester whose pending requests were cancelled is told
   * so, once per requester. No extra event: 'Account Deleted' counts the cancelled requests.
   */
  async function mailPartnersOfDeletion(
    tx: Db,
    access: AccountAccess,
    cancelled: Awaited<ReturnType<typeof partnershipAccessRepository.cancelPendingRequestRows>>,
    now: Date,
  ) {
    const holders = await repo.guestHoldersOf(tx, access.workspaceId, access.accountId, now);
    if (holders.length === 0 && cancelled.length === 0) return;
    const hostName = (await repo.workspaceNames(tx, [access.workspaceId])).get(access.workspaceId) ?? '';
    const seen = new Set<string>();
    for (const h of holders) {
      if (seen.has(h.email)) continue;
      seen.add(h.email);
      await enqueueEmail(
        tx,
        deps.vault,
        sharedAccountDeletedEmail({ publicUrl: deps.config.publicUrl, to: h.email, guestWorkspaceId: h.guestWorkspaceId, hostName, accountLabel: access.label }),
        now,
      );
    }
    const byRequester = new Map<string, { guestWorkspaceId: string; targets: string[] }>();
    for (const r of cancelled) {
      const cur = byRequester.get(r.requesterUserId) ?? { guestWorkspaceId: r.guestWorkspaceId, targets: [] };
      cur.targets.push(r.targetUserId);
      byRequester.set(r.requesterUserId, cur);
    }
    for (const [requesterId, r] of byRequester) {
      const requester = await repo.findActiveMember(tx, r.guestWorkspaceId, requesterId);
      if (!requester) continue;
      const people = await partnershipsLifecycleRepository.people(tx, r.targets);
      await enqueueEmail(
        tx,
        deps.vault,
        accessAutoCancelledEmail({
          publicUrl: deps.config.publicUrl,
          to: requester.email,
          guestWorkspaceId: r.guestWorkspaceId,
          accountLabel: access.label,
          targetNames: r.targets.map((id) => people.get(id)?.name || people.get(id)?.email || 'a member'),
          why: `${access.label} was removed by ${hostName}.`,
        }),
        now,
      );
    }
  }

  return {
    async list(ctx: Ctx, query: ListQuery): Promise<AccountsListResponse> {
      const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const now = deps.clock.now();
      const rows = await repo.listForUser(deps.db, {
        workspaceId: ctx.actor.workspaceId,
        userId: ctx.actor.userId,
        now,
        status: query.status,
        q: query.q || undefined,
        afterId,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      // Secret field flags are read per owning workspace (hosts' accounts come through partnerships).
      const byWorkspace = new Map<string, string[]>();
      for (const r of page) byWorkspace.set(r.account.workspaceId, [...(byWorkspace.get(r.account.workspaceId) ?? []), r.account.id]);
      const fields = new Map<string, Set<SecretField>>();
      for (const [workspaceId, ids] of byWorkspace) {
        for (const [id, set] of await deps.vault.listAccountSecretFields(deps.db, workspaceId, ids)) fields.set(id, set);
      }
      const hostNames = await repo.workspaceNames(
        deps.db,
        [...byWorkspace.keys()].filter((id) => id !== ctx.actor.workspaceId),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) =>
          presentAccountSummary(r.account, r.role, fields.get(r.account.id), hostNames.get(r.account.workspaceId) ?? null, ctx.actor),
        ),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.account.id) : null,
      };
    },

    async get(ctx: Ctx, accountId: string): Promise<AccountDetailDto> {
      const access = await requireAccountAccess(deps.db, ctx.actor, accountId, 'account.view', deps.clock.now());
      return detail(deps.db, ctx, access);
    },

    async create(ctx: Ctx, input: CreateInput): Promise<AccountDetailDto> {
      assertWorkspaceCan(ctx.actor, 'accounts.create', 'Your workspace role does not allow adding accounts.');
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const account = await repo.insert(tx, {
          workspaceId: ctx.actor.workspaceId,
          label: input.label,
          application: input.application,
          loginUrl: input.loginUrl ?? null,
          username: input.username ?? '',
          notes: input.notes ?? '',
          customFields: input.customFields ?? [],
          createdBy: ctx.actor.userId,
          now,
        });
        await repo.insertDirectGrant(tx, {
          workspaceId: ctx.actor.workspaceId,
          accountId: account.id,
          userId: ctx.actor.userId,
          role: 'owner',
          grantedBy: ctx.actor.userId,
          now,
        });
        if (input.password) await deps.vault.writeAccountSecret(tx, ctx.actor.workspaceId, account.id, 'password', input.password);
        if (input.totpSecret) await deps.vault.writeAccountSecret(tx, ctx.actor.workspaceId, account.id, 'totp', input.totpSecret);
        await recordActivity(
          tx,
          { type: 'Account Created', data: { accountLabel: account.label, application: account.application } },
          refs(ctx, account.id, now),
        );
        await publishAccountChange(tx, ctx, { accountId: account.id, workspaceId: account.workspaceId });
        return detail(tx, ctx, { accountId: account.id, role: 'owner', workspaceId: account.workspaceId });
      });
    },

    async update(ctx: Ctx, accountId: string, input: UpdateInput): Promise<AccountDetailDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const access = await lockAndAuthorize(tx, ctx, accountId, 'account.update', now);
        const fields = (Object.keys(input) as Array<keyof UpdateInput>).filter((k) => input[k] !== undefined);
        if (fields.length === 0) return detail(tx, ctx, access);
        const { password, totpSecret, ...plain } = input;
        const set = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
        await repo.update(tx, ctx.actor.workspaceId, accountId, { ...set, updatedAt: now });
        if (password !== undefined) await deps.vault.writeAccountSecret(tx, ctx.actor.workspaceId, accountId, 'password', password);
        if (totpSecret !== undefined) await deps.vault.writeAccountSecret(tx, ctx.actor.workspaceId, accountId, 'totp', totpSecret);
        await recordActivity(
          tx,
          { type: 'Account Updated', data: { accountLabel: input.label ?? access.label, fields } },
          refs(ctx, accountId, now),
        );
        await publishAccountChange(tx, ctx, access);
        return detail(tx, ctx, access);
      });
    },

    async reveal(ctx: Ctx, accountId: string, field: SecretField): Promise<RevealResponse> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const access = await requireAccountAccess(tx, ctx.actor, accountId, 'account.revealSecret', now);
        const value = await deps.vault.readAccountSecret(tx, ctx.actor.workspaceId, accountId, field);
        if (value === null) {
          const what = field === 'password' ? 'a password' : 'an authenticator key';
          throw new AppError(ErrorCode.NOT_FOUND, `Account "${access.label}" has no ${what} saved.`);
        }
        await repo.touchGrants(tx, ctx.actor.workspaceId, accountId, ctx.actor.userId, now);
        await recordActivity(tx, { type: 'Password Retrieved', data: { accountLabel: access.label, field } }, refs(ctx, accountId, now));
        return { field, value };
      });
    },

    async remove(ctx: Ctx, accountId: string): Promise<AccountDetailDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const access = await lockAndAuthorize(tx, ctx, accountId, 'account.delete', now);
        await repo.update(tx, ctx.actor.workspaceId, accountId, {
          status: 'deleted',
          deletedAt: now,
          deletedBy: ctx.actor.userId,
          updatedAt: now,
        });
        // Pending access requests on it can no longer be decided (spec §5.2, R-HG-22).
        const cancelled = await partnershipAccessRepository.cancelPendingRequestRows(
          tx,
          ctx.actor.workspaceId,
          { accountId },
          { reason: 'account_deleted', by: ctx.actor.userId, now },
        );
        const cancelledRequests = cancelled.length;
        await mailPartnersOfDeletion(tx, access, cancelled, now);
        await recordActivity(
          tx,
          { type: 'Account Deleted', data: { accountLabel: access.label, ...(cancelledRequests > 0 ? { cancelledRequests } : {}) } },
          refs(ctx, accountId, now),
        );
        // Guests' cards go, and so do the pending requests on it.
        await publishAccountChange(tx, ctx, access, cancelledRequests > 0 ? ['access-requests'] : []);
        return detail(tx, ctx, access);
      });
    },

    async restore(ctx: Ctx, accountId: string): Promise<AccountDetailDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const access = await lockAndAuthorize(tx, ctx, accountId, 'account.restore', now);
        await repo.update(tx, ctx.actor.workspaceId, accountId, { status: 'active', deletedAt: null, deletedBy: null, updatedAt: now });
        const restoredGrants = await repo.countLiveGrants(tx, ctx.actor.workspaceId, accountId, now);
        await recordActivity(
          tx,
          { type: 'Account Restored', data: { accountLabel: access.label, restoredGrants } },
          refs(ctx, accountId, now),
        );
        await publishAccountChange(tx, ctx, access);
        return detail(tx, ctx, access);
      });
    },

    async listMembers(ctx: Ctx, accountId: string): Promise<{ items: AccountMemberDto[] }> {
      const now = deps.clock.now();
      const access = await requireAccountAccess(deps.db, ctx.actor, accountId, 'account.viewMembers', now);
      return { items: await members(deps.db, ctx, access, now) };
    },

    async share(ctx: Ctx, accountId: string, input: { userId: string; role: DirectAccountRole }): Promise<AccountMemberDto> {
      try {
        return await inTransaction(deps.db, async (tx) => {
          const now = deps.clock.now();
          const { access, member } = await lockTargetAndAuthorize(tx, ctx, accountId, input.userId, 'account.share', now);
          if (!member) throw new AppError(ErrorCode.NOT_FOUND, `Member "${input.userId}" was not found in this workspace.`);
          assertRoleAllowedFor(member, input.role);
          const existing = await repo.findLiveDirectGrant(tx, ctx.actor.workspaceId, accountId, member.userId, now);
          if (existing) {
            throw new AppError(
              ErrorCode.ALREADY_EXISTS,
              `${member.email} already has access to "${access.label}" as ${ACCOUNT_ROLE_LABELS[existing.role]}. Change their role instead.`,
            );
          }
          await repo.insertDirectGrant(tx, {
            workspaceId: ctx.actor.workspaceId,
            accountId,
            userId: member.userId,
            role: input.role,
            grantedBy: ctx.actor.userId,
            now,
          });
          await recordActivity(
            tx,
            { type: 'Sharing Of Account', data: { accountLabel: access.label, targetEmail: member.email, role: input.role } },
            refs(ctx, accountId, now, member.userId),
          );
          await publishAccountChange(tx, ctx, access);
          return memberOf(tx, ctx, access, member.userId, now);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'grants_one_live_per_source_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `Member "${input.userId}" already has access to this account.`);
        }
        throw err;
      }
    },

    async changeRole(ctx: Ctx, accountId: string, userId: string, role: DirectAccountRole): Promise<AccountMemberDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const locked = await lockTargetAndAuthorize(tx, ctx, accountId, userId, 'account.changeMemberRole', now);
        const access = locked.access;
        const { user, grant } = await memberTarget(tx, ctx, accountId, userId, access.label, now, locked.member);
        if (grant.role !== role) {
          assertRoleAllowedFor(user, role);
          await assertNotLastOwner(tx, ctx, accountId, grant, `${user.email} is the last Owner of "${access.label}".`, now);
          // A role change is a new grant; the old row is revoked and kept for the trail.
          await repo.revokeGrant(tx, ctx.actor.workspaceId, grant.id, { by: ctx.actor.userId, reason: 'role_changed', now });
          await repo.insertDirectGrant(tx, {
            workspaceId: ctx.actor.workspaceId,
            accountId,
            userId,
            role,
            grantedBy: ctx.actor.userId,
            now,
          });
          await recordActivity(
            tx,
            {
              type: 'Account Role Updated',
              data: { accountLabel: access.label, targetEmail: user.email, fromRole: grant.role, toRole: role },
            },
            refs(ctx, accountId, now, userId),
          );
          await publishAccountChange(tx, ctx, access);
        }
        return memberOf(tx, ctx, access, userId, now);
      });
    },

    async removeMember(ctx: Ctx, accountId: string, userId: string): Promise<void> {
      await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const access = await lockAndAuthorize(tx, ctx, accountId, 'account.removeMember', now);
        const { user, grant } = await memberTarget(tx, ctx, accountId, userId, access.label, now);
        await assertNotLastOwner(
          tx,
          ctx,
          accountId,
          grant,
          `${user.email} is the last Owner of "${access.label}" and cannot be removed.`,
          now,
        );
        await repo.revokeGrant(tx, ctx.actor.workspaceId, grant.id, { by: ctx.actor.userId, reason: 'removed', now });
        await recordActivity(
          tx,
          { type: 'Account Access Removed', data: { accountLabel: access.label, targetEmail: user.email, role: grant.role } },
          refs(ctx, accountId, now, userId),
        );
        await publishAccountChange(tx, ctx, access);
      });
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;

