import type { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { ErrorCode } from '@shared/errors';
import type {
  AccessRequestCandidatesQuerySchema,
  AccessRequestDto,
  AccessRequestListQuerySchema,
  CreateAccessRequestSchema,
  PartnershipAccountRole,
} from '@shared/partnerships';
import { ACCOUNT_ROLE_RANK, workspaceRoleAllows } from '@shared/permissions';
import { accountNotFound, liveGrant, loadAccountAccess, requireAccountAccess } from '../../authz/accounts';
import type { Db } from '../../db/client';
import { grants } from '../../db/schema/index';
import { AppError, forbidden } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { accountsRepository } from '../accounts/accounts.repository';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import { partnershipsRepository, type PartnershipForActor } from '../partnerships/partnerships.repository';
import { accessAcceptedEmail, accessAutoCancelledEmail, accessCancelledEmail, accessDeclinedEmail, accessRequestedEmail } from './partnership-access.emails';
import { PARTNERSHIP_SOURCE, partnershipAccessRepository as repo, type AccessRequestRow } from './partnership-access.repository';
import { assertActive, names, partnershipRefs, publishBoth, type AccessDeps } from './partnership-access.service';

type CreateInput = z.output<typeof CreateAccessRequestSchema>;
type ListQuery = z.output<typeof AccessRequestListQuerySchema>;
type CandidatesQuery = z.output<typeof AccessRequestCandidatesQuerySchema>;

const requestNotFound = (id: string) => new AppError(ErrorCode.NOT_FOUND, `Access request "${id}" was not found.`);
const PENDING_INDEX = 'access_requests_one_pending_idx';

/**
 * Access requests (spec §3.7, §5.4): a guest Manager asks the host's account Owners to give another
 * member of their own workspace access to a shared account; any one live host Owner decides.
 * Every decision re-checks under the partnership row lock, so a concurrent removal of the
 * partnership (which takes the same lock) can never leave a live grant behind.
 */
export function createAccessRequestsService(deps: AccessDeps) {
  /**
   * The partnership through which the actor holds Manager on the account: 404 when the actor has no
   * access to it, 403 when their role is not Manager (or the access is not through a partnership).
   */
  async function requesterPartnership(tx: Db, ctx: Ctx, accountId: string, now: Date, lock: boolean): Promise<PartnershipForActor> {
    const access = await loadAccountAccess(tx, ctx.actor, accountId, now);
    if (!access) throw accountNotFound(accountId);
    const [g] = await tx
      .select({ sourceId: grants.sourceId })
      .from(grants)
      .where(
        and(
          eq(grants.subjectWorkspaceId, ctx.actor.workspaceId),
          eq(grants.userId, ctx.actor.userId),
          eq(grants.accountId, accountId),
          eq(grants.sourceKind, PARTNERSHIP_SOURCE),
          liveGrant(now),
        ),
      )
      .limit(1);
    if (!g || access.workspaceId === ctx.actor.workspaceId) {
      throw forbidden(`Access requests are for accounts shared with your workspace through a partnership.`);
    }
    const p = await partnershipsRepository.loadForActor(tx, ctx.actor, g.sourceId, { lock });
    if (!p || p.facts.side !== 'guest') throw accountNotFound(accountId);
    assertActive(p, 'Requesting access');
    // Re-read under the lock: the role decides (Managers only, R-HG-11).
    await requireAccountAccess(tx, ctx.actor, accountId, 'account.requestAccess', now);
    return p;
  }

  function present(
    ctx: Ctx,
    r: Awaited<ReturnType<typeof repo.listRequests>>[number],
  ): AccessRequestDto {
    const q = r.request;
    const hostView = q.hostWorkspaceId === ctx.actor.workspaceId;
    const pending = q.status === 'pending';
    const owner = hostView && Boolean(r.ownsAccount);
    return {
      id: q.id,
      partnershipId: q.partnershipId,
      accountId: q.accountId,
      accountLabel: r.accountLabel,
      partnerName: hostView ? r.guestName : r.hostName,
      requester: { userId: q.requesterUserId, name: r.requesterName, email: r.requesterEmail },
      target: { userId: q.targetUserId, name: r.targetName, email: r.targetEmail },
      role: q.role,
      status: q.status,
      cancelReason: q.cancelReason,
      createdAt: q.createdAt.toISOString(),
      decidedAt: q.decidedAt ? q.decidedAt.toISOString() : null,
      // Host people stay hidden from the guest side; a guest who cancelled is shown to both.
      decidedBy:
        q.decidedBy && r.deciderEmail && (hostView || q.decidedBy === q.requesterUserId)
          ? { userId: q.decidedBy, name: r.deciderName ?? '', email: r.deciderEmail }
          : null,
      abilities: {
        accept: pending && owner,
        decline: pending && owner,
        cancel: pending && !hostView && q.requesterUserId === ctx.actor.userId,
      },
    };
  }

  async function presentIds(tx: Db, ctx: Ctx, ids: string[]) {
    const rows = await listRows(tx, ctx, { ids });
    const byId = new Map(rows.map((r) => [r.request.id, present(ctx, r)]));
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }

  function listRows(tx: Db, ctx: Ctx, f: { accountId?: string | undefined; status?: AccessRequestRow['status'] | undefined; ids?: string[] }) {
    return repo.listRequests(tx, {
      workspaceId: ctx.actor.workspaceId,
      userId: ctx.actor.userId,
      hostAdmin: workspaceRoleAllows(ctx.actor.role, 'partners.viewAll'),
      guestAdmin: workspaceRoleAllows(ctx.actor.role, 'partners.decide'),
      now: deps.clock.now(),
      ...f,
    });
  }

  /**
   * A request the actor may decide: 404 when they cannot see it, 403 when they can but are not a
   * live Owner of its account, then the partnership row lock, then the request row lock.
   */
  async function lockForDecision(tx: Db, ctx: Ctx, id: string, now: Date) {
    const [visible] = await listRows(tx, ctx, { ids: [id] });
    if (!visible) throw requestNotFound(id);
    const q0 = visible.request;
    const hostView = q0.hostWorkspaceId === ctx.actor.workspaceId;
    if (!hostView || !visible.ownsAccount) throw forbidden(`Only an Owner of "${visible.accountLabel}" can decide this request.`);
    const p = await partnershipsRepository.loadForActor(tx, ctx.actor, q0.partnershipId, { lock: true });
    if (!p) throw requestNotFound(id);
    await accountsRepository.lock(tx, q0.hostWorkspaceId, q0.accountId);
    const q = (await repo.findRequest(tx, ctx.actor.workspaceId, id, { lock: true }))!;
    if (q.status !== 'pending') throw new AppError(ErrorCode.CONFLICT, `This request was already ${q.status}.`);
    if (!(await repo.isLiveOwner(tx, q.hostWorkspaceId, q.accountId, ctx.actor.userId, now))) {
      throw forbidden(`Only an Owner of "${visible.accountLabel}" can decide this request.`);
    }
    return { p, q, label: visible.accountLabel, requester: { name: visible.requesterName, email: visible.requesterEmail }, target: { name: visible.targetName, email: visible.targetEmail } };
  }

  return {
    async list(ctx: Ctx, query: ListQuery) {
      const rows = await listRows(deps.db, ctx, { accountId: query.accountId, status: query.status });
      return { items: rows.map((r) => present(ctx, r)) };
    },

    async candidates(ctx: Ctx, query: CandidatesQuery) {
      const now = deps.clock.now();
      const p = await requesterPartnership(deps.db, ctx, query.accountId, now, false);
      const rows = await repo.candidates(deps.db, {
        guestWorkspaceId: ctx.actor.workspaceId,
        hostWorkspaceId: p.row.hostWorkspaceId,
        partnershipId: p.row.id,
        accountId: query.accountId,
        excludeUserId: ctx.actor.userId,
        q: query.q || undefined,
        now,
      });
      return {
        items: rows.map((r) => ({
          userId: r.userId,
          name: r.name,
          email: r.email,
          unavailableReason: r.hasAccess ? 'Already has access' : r.pending ? 'Request pending' : null,
          maxRole: r.role === 'login_only' ? ('collaborator' as const) : ('manager' as const),
        })),
        managerRoleAllowed: p.row.allowManagerRequests,
      };
    },

    async create(ctx: Ctx, input: CreateInput) {
      try {
        return await inTransaction(deps.db, async (tx) => {
          const now = deps.clock.now();
          // The partnership row lock serialises requests with each other and with a removal.
          const p = await requesterPartnership(tx, ctx, input.accountId, now, true);
          const hostWs = p.row.hostWorkspaceId;
          if (input.role === 'manager' && !p.row.allowManagerRequests) {
            throw new AppError(ErrorCode.RULE_VIOLATION, `${p.hostName} does not allow requesting the Manager role; request Collaborator.`, {
              rule: 'Q7',
            });
          }
          const share = await repo.findLiveShare(tx, hostWs, p.row.id, input.accountId);
          const [acc] = await repo.findAccounts(tx, hostWs, [input.accountId]);
          if (!share || !acc || acc.status !== 'active') throw accountNotFound(input.accountId);
          const members = new Map((await repo.findActiveMembers(tx, ctx.actor.workspaceId, input.userIds)).map((m) => [m.userId, m]));
          for (const uid of input.userIds) {
            const m = members.get(uid);
            if (!m) throw new AppError(ErrorCode.NOT_FOUND, `Member "${uid}" was not found in your workspace.`);
            if ((await repo.livePartnershipGrants(tx, hostWs, p.row.id, now, { accountId: input.accountId, userId: uid })).length > 0) {
              throw new AppError(ErrorCode.ALREADY_EXISTS, `${m.email} already has access to "${acc.label}".`);
            }
            if (m.role === 'login_only' && ACCOUNT_ROLE_RANK[input.role] > ACCOUNT_ROLE_RANK.collaborator) {
              throw new AppError(ErrorCode.RULE_VIOLATION, `${m.email} is a Login-Only member and can be Collaborator at most.`, {
                rule: 'R-HG-23',
                maxRole: 'collaborator',
              });
            }
            if (await repo.findPending(tx, p.row.id, input.accountId, uid)) {
              throw new AppError(ErrorCode.ALREADY_EXISTS, `A request for ${m.email} on "${acc.label}" is already pending.`);
            }
          }
          const owners = await repo.liveOwners(tx, hostWs, input.accountId, now);
          const ids: string[] = [];
          for (const uid of input.userIds) {
            const m = members.get(uid)!;
            const row = await repo.insertAccessRequest(tx, {
              hostWorkspaceId: hostWs,
              guestWorkspaceId: p.row.guestWorkspaceId,
              partnershipId: p.row.id,
              accountId: input.accountId,
              requesterUserId: ctx.actor.userId,
              targetUserId: uid,
              role: input.role,
              now,
            });
            ids.push(row.id);
            await recordActivity(
              tx,
              { type: 'Access Requested', data: { ...names(p), accountLabel: acc.label, targetEmail: m.email, role: input.role } },
              partnershipRefs(ctx, p.row, now, { accountId: input.accountId, targetUserId: uid }),
            );
            for (const o of owners) {
              await enqueueEmail(
                tx,
                deps.vault,
                accessRequestedEmail({
                  publicUrl: deps.config.publicUrl,
                  to: o.email,
                  hostWorkspaceId: hostWs,
                  guestName: p.guestName,
                  requesterName: ctx.actor.name || ctx.actor.email,
                  targetName: m.name || m.email,
                  targetEmail: m.email,
                  accountId: input.accountId,
                  accountLabel: acc.label,
                  role: input.role,
                }),
                now,
              );
            }
          }
          await publishBoth(deps, tx, p.row, ['access-requests', 'accounts']);
          return { items: await presentIds(tx, ctx, ids) };
        });
      } catch (err) {
        // The partial unique index is the final guard against a duplicate pending request.
        if (isUniqueViolation(err, PENDING_INDEX)) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, 'A request for this member on this account is already pending.');
        }
        throw err;
      }
    },

    async accept(ctx: Ctx, id: string): Promise<AccessRequestDto> {
      const result = await inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const { p, q, label, requester, target } = await lockForDecision(tx, ctx, id, now);
        const hostWs = q.hostWorkspaceId;
        assertActive(p, 'Accepting access requests');
        const share = await repo.findLiveShare(tx, hostWs, p.row.id, q.accountId);
        const [acc] = await repo.findAccounts(tx, hostWs, [q.accountId]);
        if (!share || !acc || acc.status !== 'active') {
          throw new AppError(ErrorCode.CONFLICT, `"${label}" is no longer shared with ${p.guestName}.`);
        }
        // Re-check the people at decision time: the requester must still be an active guest member
        // holding Manager on the account through this partnership (R-HG-11, Q8), the target still a
        // member. Otherwise the request is cancelled (committed, with its event) and the answer is 409.
        const asker = await accountsRepository.findActiveMember(tx, q.guestWorkspaceId, q.requesterUserId);
        const askerGrants = asker
          ? await repo.livePartnershipGrants(tx, hostWs, p.row.id, now, { accountId: q.accountId, userId: q.requesterUserId })
          : [];
        const member = await accountsRepository.findActiveMember(tx, q.guestWorkspaceId, q.targetUserId);
        const cancelReason = !asker
          ? ('requester_removed' as const)
          : !askerGrants.some((g) => g.role === 'manager')
            ? ('requester_lost_manager' as const)
            : !member
              ? ('target_removed' as const)
              : null;
        if (cancelReason || !member) {
          const reason = cancelReason ?? 'target_removed';
          await repo.decideRequest(tx, hostWs, q.id, { status: 'cancelled', by: ctx.actor.userId, now, cancelReason: reason });
          await recordActivity(
            tx,
            { type: 'Access Request Cancelled', data: { ...names(p), accountLabel: label, targetEmail: target.email, reason } },
            partnershipRefs(ctx, p.row, now, { accountId: q.accountId, targetUserId: q.targetUserId }),
          );
          // The requester, if still a member, learns their request was cancelled (Q9); one who left is not emailed.
          if (asker) {
            await enqueueEmail(
              tx,
              deps.vault,
              accessAutoCancelledEmail({
                publicUrl: deps.config.publicUrl,
                to: requester.email,
                guestWorkspaceId: q.guestWorkspaceId,
                accountLabel: label,
                targetNames: [target.name || target.email],
                why:
                  reason === 'requester_lost_manager'
                    ? `you are no longer a Manager of ${label}.`
                    : `${target.name || target.email} is no longer a member of ${p.guestName}.`,
              }),
              now,
            );
          }
          await publishBoth(deps, tx, p.row, ['access-requests']);
          return { cancelled: reason, dto: null };
        }
        const role: PartnershipAccountRole = member.role === 'login_only' ? 'collaborator' : q.role;
        const existing = await repo.livePartnershipGrants(tx, hostWs, p.row.id, now, { accountId: q.accountId, userId: q.targetUserId });
        const current = existing[0];
        if (!current || ACCOUNT_ROLE_RANK[role] > ACCOUNT_ROLE_RANK[current.role]) {
          await repo.revokeGrants(tx, hostWs, existing.map((g) => g.grantId), { by: ctx.actor.userId, reason: 'role_changed', now });
          await repo.insertPartnershipGrant(tx, {
            hostWorkspaceId: hostWs,
            guestWorkspaceId: q.guestWorkspaceId,
            partnershipId: p.row.id,
            accountId: q.accountId,
            userId: q.targetUserId,
            role,
            grantedBy: ctx.actor.userId,
            now,
          });
        }
        await repo.decideRequest(tx, hostWs, q.id, { status: 'accepted', by: ctx.actor.userId, now });
        await recordActivity(
          tx,
          { type: 'Access Request Accepted', data: { ...names(p), accountLabel: label, targetEmail: target.email, role } },
          partnershipRefs(ctx, p.row, now, { accountId: q.accountId, targetUserId: q.targetUserId }),
        );
        const base = { publicUrl: deps.config.publicUrl, guestWorkspaceId: q.guestWorkspaceId, targetName: target.name || target.email, accountId: q.accountId, accountLabel: label, role };
        await enqueueEmail(tx, deps.vault, accessAcceptedEmail({ ...base, to: requester.email, forTarget: false }), now);
        await enqueueEmail(tx, deps.vault, accessAcceptedEmail({ ...base, to: target.email, forTarget: true }), now);
        await publishBoth(deps, tx, p.row, ['access-requests', 'accounts', 'partnerships']);
        return { cancelled: null, dto: (await presentIds(tx, ctx, [q.id]))[0]! };
      });
      // The cancellation above is committed; the caller learns why nothing was granted.
      if (result.cancelled) {
        const why = {
          requester_removed: 'The member who asked is no longer in the partner workspace; the request was cancelled.',
          requester_lost_manager: 'The member who asked is no longer a Manager of this account; the request was cancelled.',
          target_removed: 'The member is no longer in the partner workspace; the request was cancelled.',
        }[result.cancelled];
        throw new AppError(ErrorCode.CONFLICT, why, { reason: result.cancelled });
      }
      return result.dto;
    },

    async decline(ctx: Ctx, id: string): Promise<AccessRequestDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const { p, q, label, requester, target } = await lockForDecision(tx, ctx, id, now);
        await repo.decideRequest(tx, q.hostWorkspaceId, q.id, { status: 'declined', by: ctx.actor.userId, now });
        await recordActivity(
          tx,
          { type: 'Access Request Declined', data: { ...names(p), accountLabel: label, targetEmail: target.email } },
          partnershipRefs(ctx, p.row, now, { accountId: q.accountId, targetUserId: q.targetUserId }),
        );
        const base = { publicUrl: deps.config.publicUrl, guestWorkspaceId: q.guestWorkspaceId, targetName: target.name || target.email, accountLabel: label };
        await enqueueEmail(tx, deps.vault, accessDeclinedEmail({ ...base, to: requester.email }), now);
        if (target.email !== requester.email) await enqueueEmail(tx, deps.vault, accessDeclinedEmail({ ...base, to: target.email }), now);
        await publishBoth(deps, tx, p.row, ['access-requests']);
        return (await presentIds(tx, ctx, [q.id]))[0]!;
      });
    },

    async cancel(ctx: Ctx, id: string): Promise<AccessRequestDto> {
      return inTransaction(deps.db, async (tx) => {
        const now = deps.clock.now();
        const [visible] = await listRows(tx, ctx, { ids: [id] });
        if (!visible) throw requestNotFound(id);
        if (visible.request.requesterUserId !== ctx.actor.userId || visible.request.guestWorkspaceId !== ctx.actor.workspaceId) {
          throw forbidden('Only the member who sent this request can cancel it.');
        }
        const p = await partnershipsRepository.loadForActor(tx, ctx.actor, visible.request.partnershipId, { lock: true });
        if (!p) throw requestNotFound(id);
        const q = (await repo.findRequest(tx, ctx.actor.workspaceId, id, { lock: true }))!;
        if (q.status !== 'pending') throw new AppError(ErrorCode.CONFLICT, `This request was already ${q.status}.`);
        await repo.decideRequest(tx, q.hostWorkspaceId, q.id, { status: 'cancelled', by: ctx.actor.userId, now, cancelReason: 'by_requester' });
        await recordActivity(
          tx,
          { type: 'Access Request Cancelled', data: { ...names(p), accountLabel: visible.accountLabel, targetEmail: visible.targetEmail } },
          partnershipRefs(ctx, p.row, now, { accountId: q.accountId, targetUserId: q.targetUserId }),
        );
        // The host Owners who were asked to decide are told it is withdrawn.
        for (const o of await repo.liveOwners(tx, q.hostWorkspaceId, q.accountId, now)) {
          await enqueueEmail(
            tx,
            deps.vault,
            accessCancelledEmail({
              publicUrl: deps.config.publicUrl,
              to: o.email,
              hostWorkspaceId: q.hostWorkspaceId,
              guestName: p.guestName,
              requesterName: ctx.actor.name || ctx.actor.email,
              targetName: visible.targetEmail,
              accountId: q.accountId,
              accountLabel: visible.accountLabel,
            }),
            now,
          );
        }
        await publishBoth(deps, tx, p.row, ['access-requests']);
        return (await presentIds(tx, ctx, [q.id]))[0]!;
      });
    },
  };
}
