import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import {
  LIVE_PARTNERSHIP_STATES,
  PARTNERSHIP_NUDGE_INTERVAL_HOURS,
  PARTNERSHIP_STATE_LABELS,
  PARTNERSHIP_TOS_VERSION,
  PartnershipStateSchema,
  type PartnershipDto,
  type PartnershipListResponse,
  type PartnershipSide,
} from '@shared/partnerships';
import { ACCOUNT_ROLE_RANK } from '@shared/permissions';
import { assertWorkspaceCan, workspaceCan } from '../../authz/workspace';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, conflict, forbidden, notFound, ruleViolation } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { accountsRepository } from '../accounts/accounts.repository';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import type { ActivityEventInput } from '@shared/activity';
import { recordActivity } from '../activity/activity.recorder';
import { authRepository } from '../auth/auth.repository';
import { decideThrottle, worstDecision, type ThrottleRule } from '../auth/throttle';
import { enqueueEmail } from '../email/outbox';
import { partnershipAccessRepository as accessRepo } from '../partnership-access/partnership-access.repository';
import { partnershipEmail, type PartnershipEmailBase } from './partnerships.emails';
import { partnershipCan, partnershipVisible, type PartnershipAction } from './partnerships.policy';
import { nextNudgeAt, presentPartnership } from './partnerships.presenter';
import {
  partnershipsLifecycleRepository as life,
  partnershipsRepository as repo,
  type PartnershipForActor,
  type PersonRow,
} from './partnerships.repository';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>;

/** Workspace-ID lookups (POST /partnerships) per user and per workspace, in a rolling hour (spec Q24). */
export const PARTNERSHIP_LOOKUP_USER_RULE: ThrottleRule = { limit: 10, windowMs: 3_600_000 };
export const PARTNERSHIP_LOOKUP_WORKSPACE_RULE: ThrottleRule = { limit: 30, windowMs: 3_600_000 };

/**
 * The one answer for an unknown Workspace ID, the caller's own, and a guest the workspace already
 * has a live partnership with: the lookup must not tell them apart (spec Q24, ADR 0011).
 */
export const noSuchPartner = (workspaceId: string) =>
  new AppError(ErrorCode.NOT_FOUND, `No workspace with the ID "${workspaceId}" accepts partnership requests from you.`);

const partnershipNotFound = (id: string) => notFound(`Partnership "${id}"`);

function nudgeLimited(next: Date, now: Date, what: string): AppError {
  const s = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `${what} can be sent once every ${PARTNERSHIP_NUDGE_INTERVAL_HOURS} hours. Try again in ${Math.ceil(s / 60)} minutes.`,
    { retryAfter: s, retryAfterSeconds: s },
    { 'retry-after': String(s) },
  );
}

/**
 * Decide an action on a loaded (and usually locked) partnership: 404 when the actor may not see
 * it, 409 naming the current state when their role would allow it in another state (the state
 * moved on, e.g. a concurrent decision), 403 otherwise.
 */
export function assertPartnershipCan(p: PartnershipForActor | null, id: string, action: PartnershipAction, denied: string): PartnershipForActor {
  if (!p || !partnershipVisible(p.facts)) throw partnershipNotFound(id);
  if (partnershipCan(p.facts, action)) return p;
  const elsewhere = PartnershipStateSchema.options.some((state) => {
    const f = { ...p.facts, state };
    return partnershipVisible(f) && partnershipCan(f, action);
  });
  if (elsewhere) {
    throw conflict(`This partnership is "${PARTNERSHIP_STATE_LABELS[p.row.state]}", so this cannot be done now.`, { state: p.row.state });
  }
  throw forbidden(denied);
}

export function createPartnershipsService(deps: Deps) {
  const { db, clock, vault, config, live } = deps;
  const actorRef = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

  const ref = (p: PartnershipForActor) => ({ partnershipId: p.row.id, hostWorkspaceName: p.hostName, guestWorkspaceName: p.guestName });

  async function record(tx: Db, p: PartnershipForActor, ctx: Ctx | null, event: ActivityEventInput, now: Date, extra: { targetUserId?: string | null } = {}) {
    await recordActivity(tx, event, {
      workspaceId: p.row.hostWorkspaceId,
      partnerWorkspaceId: p.row.guestWorkspaceId,
      actor: ctx ? actorRef(ctx) : null,
      targetUserId: extra.targetUserId ?? null,
      meta: ctx?.meta ?? { ip: null, userAgent: null, requestId: null },
      at: now,
    });
  }

  async function publish(tx: Db, p: PartnershipForActor, topics: LiveTopic[] = ['partnerships', 'activity']) {
    await live.publish(tx, { workspaceIds: [p.row.hostWorkspaceId, p.row.guestWorkspaceId], topics });
  }

  /** Queue one email per distinct recipient (by email). */
  async function mail(
    tx: Db,
    p: PartnershipForActor,
    kind: Parameters<typeof partnershipEmail>[0],
    to: Array<{ person: PersonRow; workspaceId: string }>,
    now: Date,
    extra: Parameters<typeof partnershipEmail>[3] = {},
  ) {
    const base: PartnershipEmailBase = { publicUrl: config.publicUrl, partnershipId: p.row.id, hostName: p.hostName, guestName: p.guestName };
    const seen = new Set<string>();
    for (const r of to) {
      if (seen.has(r.person.email)) continue;
      seen.add(r.person.email);
      await enqueueEmail(tx, vault, partnershipEmail(kind, base, { email: r.person.email, workspaceId: r.workspaceId }, extra), now);
    }
  }

  const hostAdmins = async (tx: Db, p: PartnershipForActor) =>
    (await life.admins(tx, p.row.hostWorkspaceId)).map((person) => ({ person, workspaceId: p.row.hostWorkspaceId }));
  const guestAdmins = async (tx: Db, p: PartnershipForActor) =>
    (await life.admins(tx, p.row.guestWorkspaceId)).map((person) => ({ person, workspaceId: p.row.guestWorkspaceId }));
  /** Partnership Owners who are still active host members. */
  const ownersOf = async (tx: Db, p: PartnershipForActor) => {
    const owners = (await life.owners(tx, p.row.hostWorkspaceId, [p.row.id])).get(p.row.id) ?? [];
    const out: Array<{ person: PersonRow; workspaceId: string }> = [];
    for (const o of owners) if (await accountsRepository.findActiveMember(tx, p.row.hostWorkspaceId, o.userId)) out.push({ person: o, workspaceId: p.row.hostWorkspaceId });
    return out;
  };

  async function present(tx: Db, ctx: Ctx, list: PartnershipForActor[]): Promise<PartnershipDto[]> {
    const now = clock.now();
    const ids = list.map((p) => p.row.id);
    const owners = await life.owners(tx, ctx.actor.workspaceId, ids);
    const people = await life.people(
      tx,
      list.flatMap((p) => [p.row.requestedBy, p.row.hostDecidedBy, p.row.guestDecidedBy, p.row.guestContactUserId]),
    );
    const counts = await life.counts(tx, ids);
    return list.map((p) => presentPartnership(p, { owners: owners.get(p.row.id) ?? [], people, counts: counts.get(p.row.id), now }));
  }

  /**
   * The partnership after a change. `afterOwnChange`: the actor just handed over their own
   * ownership and may no longer see it; they still get the result (with no abilities).
   */
  async function reload(tx: Db, ctx: Ctx, id: string, afterOwnChange = false): Promise<PartnershipDto> {
    const p = await repo.loadForActor(tx, ctx.actor, id);
    if (!p || (!afterOwnChange && !partnershipVisible(p.facts))) throw partnershipNotFound(id);
    return (await present(tx, ctx, [p]))[0]!;
  }

  /** Load under the row lock and decide. */
  async function lockFor(tx: Db, ctx: Ctx, id: string, action: PartnershipAction, denied: string) {
    return assertPartnershipCan(await repo.loadForActor(tx, ctx.actor, id, { lock: true }), id, action, denied);
  }

  /**
   * A pending request past its expiry is expired, whether or not the expiry job (every 10 minutes)
   * has marked it yet: it can no longer be approved or accepted (spec Q5).
   */
  function assertNotExpired(p: PartnershipForActor, now: Date) {
    if (p.row.expiresAt && p.row.expiresAt.getTime() <= now.getTime() && (p.row.state === 'awaiting_host_admin' || p.row.state === 'awaiting_guest_admin')) {
      throw conflict('This partnership request has expired. Send a new request.', { state: 'expired' });
    }
  }

  /** Count this lookup against the per-user and per-workspace limits, in its own transaction (it must stick even when the request then fails). */
  async function throttleLookup(ctx: Ctx): Promise<void> {
    const keys = [`partner-lookup:user:${ctx.actor.userId}`, `partner-lookup:ws:${ctx.actor.workspaceId}`];
    const rules = [PARTNERSHIP_LOOKUP_USER_RULE, PARTNERSHIP_LOOKUP_WORKSPACE_RULE];
    await inTransaction(db, async (tx) => {
      const now = clock.now();
      await authRepository.lockThrottleKeys(tx, keys);
      const decisions = [];
      for (let i = 0; i < keys.length; i++) {
        const rule = rules[i]!;
        const recent = await authRepository.recentFailures(tx, keys[i]!, new Date(now.getTime() - rule.windowMs), rule.limit);
        decisions.push(decideThrottle(recent, rule, now));
      }
      const d = worstDecision(decisions);
      if (d.limited) {
        throw new AppError(
          ErrorCode.RATE_LIMITED,
          `Too many partnership requests. Try again in ${Math.ceil(d.retryAfterSeconds / 60)} minutes.`,
          { retryAfter: d.retryAfterSeconds, retryAfterSeconds: d.retryAfterSeconds },
          { 'retry-after': String(d.retryAfterSeconds) },
        );
      }
      await authRepository.insertFailures(tx, keys, now);
    });
  }

  return {
    async list(ctx: Ctx, view: 'current' | 'all'): Promise<PartnershipListResponse> {
      assertWorkspaceCan(ctx.actor, 'partners.view', 'Login-Only members cannot see partners.');
      return inTransaction(db, async (tx) => {
        const all = (await life.listForWorkspace(tx, ctx.actor)).filter(
          (p) => partnershipVisible(p.facts) && (view === 'all' || !['removed', 'expired', 'declined_by_host'].includes(p.row.state)),
        );
        const dtos = await present(tx, ctx, all);
        const mine = (d: PartnershipDto) => d.abilities.approve || d.abilities.accept;
        const rank = (d: PartnershipDto) => (mine(d) ? 0 : d.state === 'active' ? 1 : 2);
        dtos.sort((a, b) => rank(a) - rank(b) || a.partnerName.localeCompare(b.partnerName) || a.id.localeCompare(b.id));
        return {
          items: dtos,
          workspaceId: ctx.actor.workspacePublicId,
          awaitingMyDecision: dtos.filter(mine).length,
          abilities: { request: workspaceCan(ctx.actor, 'partners.request'), viewAll: workspaceCan(ctx.actor, 'partners.viewAll') },
        };
      });
    },

    async get(ctx: Ctx, id: string): Promise<PartnershipDto> {
      // One partnership is "not found" for whoever may not see it, Login-Only members included (the list answers 403).
      if (!workspaceCan(ctx.actor, 'partners.view')) throw partnershipNotFound(id);
      return inTransaction(db, (tx) => reload(tx, ctx, id));
    },

    async create(ctx: Ctx, input: { workspaceId: string; partnerEmail: string; reason?: string | undefined }): Promise<PartnershipDto> {
      assertWorkspaceCan(ctx.actor, 'partners.request', 'Login-Only members cannot request partnerships.');
      const admin = workspaceCan(ctx.actor, 'partners.decide');
      const reason = admin ? null : (input.reason ?? '').trim();
      if (!admin && !reason) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Enter a reason for the request: an Admin of your workspace will read it.', { field: 'reason' });
      await throttleLookup(ctx);
      const hostId = ctx.actor.workspaceId;
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const guest = await life.findWorkspaceByPublicId(tx, input.workspaceId);
          if (!guest || guest.id === hostId || (await life.hasLivePair(tx, hostId, guest.id))) throw noSuchPartner(input.workspaceId);
          const id = await life.insert(tx, {
            hostWorkspaceId: hostId,
            guestWorkspaceId: guest.id,
            state: admin ? 'awaiting_guest_admin' : 'awaiting_host_admin',
            partnerEmail: input.partnerEmail.toLowerCase(),
            reason,
            requestedBy: ctx.actor.userId,
            requestedAt: now,
            hostDecidedBy: admin ? ctx.actor.userId : null,
            hostDecidedAt: admin ? now : null,
            expiresAt: new Date(now.getTime() + config.partnershipRequestTtlMs),
            createdAt: now,
            updatedAt: now,
          });
          await life.insertOwner(tx, hostId, id, ctx.actor.userId, ctx.actor.userId, now);
          const p = (await repo.loadForActor(tx, ctx.actor, id))!;
          await record(tx, p, ctx, { type: 'Partnership Requested', data: { ...ref(p), partnerEmail: p.row.partnerEmail, autoApproved: admin } }, now);
          if (admin) await mail(tx, p, 'requestToGuest', await guestAdmins(tx, p), now, { actorName: ctx.actor.name });
          else await mail(tx, p, 'requestToHost', await hostAdmins(tx, p), now, { actorName: ctx.actor.name, reason });
          await publish(tx, p);
          return (await present(tx, ctx, [p]))[0]!;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'partnerships_one_live_per_pair_idx')) throw noSuchPartner(input.workspaceId);
        throw err;
      }
    },

    async update(ctx: Ctx, id: string, input: { partnerEmail?: string | undefined; reason?: string | undefined; allowManagerRequests?: boolean | undefined }): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const details = input.partnerEmail !== undefined || input.reason !== undefined;
        const setting = input.allowManagerRequests !== undefined;
        let p = await repo.loadForActor(tx, ctx.actor, id, { lock: true });
        if (details) p = assertPartnershipCan(p, id, 'edit', 'Only the Partnership Owners and host Admins can edit the request.');
        if (setting) p = assertPartnershipCan(p, id, 'changeSettings', 'Only the Partnership Owners and host Admins can change this setting.');
        if (!details && !setting) {
          const seen = assertPartnershipCan(p, id, 'view', '');
          return (await present(tx, ctx, [seen]))[0]!;
        }
        const q = p!;
        const patch: Record<string, unknown> = { updatedAt: now };
        const fields: string[] = [];
        if (input.partnerEmail !== undefined) {
          patch.partnerEmail = input.partnerEmail.toLowerCase();
          fields.push('partnerEmail');
        }
        if (input.reason !== undefined) {
          patch.reason = input.reason.trim() || null;
          fields.push('reason');
        }
        if (setting) {
          patch.allowManagerRequests = input.allowManagerRequests;
          fields.push('allowManagerRequests');
        }
        await life.update(tx, q.row.hostWorkspaceId, q.row.id, patch);
        await record(tx, q, ctx, { type: 'Partnership Updated', data: { ...ref(q), change: details ? 'details_edited' : 'setting_changed', fields } }, now);
        // The guest's Admins and Owner hear about what concerns them (ADR 0011): an edited request they
        // are asked to accept, and a changed setting of a live partnership.
        if (details && q.row.state === 'awaiting_guest_admin') {
          await mail(tx, q, 'requestToGuest', await guestAdmins(tx, q), now, { updated: true });
        }
        if (setting && q.row.state === 'active' && input.allowManagerRequests !== q.row.allowManagerRequests) {
          await mail(tx, q, 'settingChanged', await guestAdmins(tx, q), now, { allowManagerRequests: input.allowManagerRequests! });
        }
        await publish(tx, q);
        return reload(tx, ctx, id);
      });
    },

    async approve(ctx: Ctx, id: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'approve', 'Only host Admins and the Owner can approve partnership requests.');
        assertNotExpired(p, now);
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, {
          state: 'awaiting_guest_admin',
          hostDecidedBy: ctx.actor.userId,
          hostDecidedAt: now,
          expiresAt: new Date(now.getTime() + config.partnershipRequestTtlMs),
          updatedAt: now,
        });
        await record(tx, p, ctx, { type: 'Partnership Accepted', data: { ...ref(p), side: 'host' } }, now);
        await mail(tx, p, 'requestToGuest', await guestAdmins(tx, p), now);
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async decline(ctx: Ctx, id: string, reasonIn?: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'decline', 'Only Admins and the Owner can decline partnership requests.');
        const reason = reasonIn?.trim() || null;
        const side: PartnershipSide = p.facts.side;
        if (side === 'host') {
          await life.update(tx, p.row.hostWorkspaceId, p.row.id, {
            state: 'declined_by_host',
            hostDecidedBy: ctx.actor.userId,
            hostDecidedAt: now,
            hostDeclineReason: reason,
            expiresAt: null,
            updatedAt: now,
          });
        } else {
          await life.update(tx, p.row.hostWorkspaceId, p.row.id, {
            state: 'declined_by_guest',
            guestDecidedBy: ctx.actor.userId,
            guestDecidedAt: now,
            guestDeclineReason: reason,
            expiresAt: null,
            updatedAt: now,
          });
        }
        await record(tx, p, ctx, { type: 'Partnership Declined', data: { ...ref(p), side, ...(reason ? { reason } : {}) } }, now);
        // The guest side's decider is a stranger to the host: name the workspace, not the person.
        await mail(tx, p, 'declined', await ownersOf(tx, p), now, { actorName: side === 'host' ? ctx.actor.name : `An Admin of ${p.guestName}`, reason });
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async accept(ctx: Ctx, id: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'accept', 'Only guest Admins and the Owner can accept partnership requests.');
        assertNotExpired(p, now);
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, {
          state: 'active',
          guestDecidedBy: ctx.actor.userId,
          guestDecidedAt: now,
          tosAcceptedAt: now,
          tosVersion: PARTNERSHIP_TOS_VERSION,
          guestContactUserId: ctx.actor.userId,
          expiresAt: null,
          updatedAt: now,
        });
        await record(tx, p, ctx, { type: 'Partnership Accepted', data: { ...ref(p), side: 'guest' } }, now);
        const to = await ownersOf(tx, p);
        if (p.row.hostDecidedBy) {
          const approver = await accountsRepository.findActiveMember(tx, p.row.hostWorkspaceId, p.row.hostDecidedBy);
          if (approver) to.push({ person: approver, workspaceId: p.row.hostWorkspaceId });
        }
        await mail(tx, p, 'accepted', to, now);
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async remind(ctx: Ctx, id: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'remind', 'Only the Partnership Owners can send a reminder.');
        const next = nextNudgeAt(p.row, now);
        if (next) throw nudgeLimited(next, now, 'A reminder');
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, { lastReminderAt: now, updatedAt: now });
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'reminder_sent' } }, now);
        await mail(tx, p, 'reminder', await hostAdmins(tx, p), now, { actorName: ctx.actor.name });
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async resend(ctx: Ctx, id: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'resend', 'Only the Partnership Owners can resend the request.');
        const next = nextNudgeAt(p.row, now);
        if (next) throw nudgeLimited(next, now, 'The request');
        // Q2: the host already approved, so the request goes straight back to the guest.
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, {
          state: 'awaiting_guest_admin',
          guestDecidedBy: null,
          guestDecidedAt: null,
          guestDeclineReason: null,
          lastResentAt: now,
          expiresAt: new Date(now.getTime() + config.partnershipRequestTtlMs),
          updatedAt: now,
        });
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'request_resent' } }, now);
        await mail(tx, p, 'requestToGuest', await guestAdmins(tx, p), now);
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    /**
     * Remove the partnership (R-HG-17): under its row lock, end every grant through it (host
     * Owners' own direct grants are untouched), end its shares, cancel its pending access requests.
     */
    async remove(ctx: Ctx, id: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'remove', 'Only the Partnership Owners and Admins of either workspace can remove the partnership.');
        const owners = await ownersOf(tx, p);
        const ended = await life.revokeAllGrantsOf(tx, p.row.id, ctx.actor.userId, 'partnership_removed', now);
        await life.endShares(tx, p.row.hostWorkspaceId, p.row.id, ctx.actor.userId, now);
        const cancelled = await life.cancelPendingRequests(tx, p.row.hostWorkspaceId, p.row.id, 'partnership_removed', ctx.actor.userId, now);
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, { state: 'removed', removedBy: ctx.actor.userId, removedAt: now, expiresAt: null, updatedAt: now });
        await record(
          tx,
          p,
          ctx,
          { type: 'Partnership Removed', data: { ...ref(p), side: p.facts.side, endedGrants: ended.length, cancelledRequests: cancelled } },
          now,
        );
        const lost = await life.people(tx, ended.map((g) => g.userId));
        const wasLive = p.row.state !== 'awaiting_host_admin';
        if (wasLive) {
          await mail(
            tx,
            p,
            'removed',
            [...owners, ...(await guestAdmins(tx, p)), ...[...lost.values()].map((person) => ({ person, workspaceId: p.row.guestWorkspaceId }))],
            now,
          );
        } else {
          // Withdrawn before a host Admin decided: the Partnership Owners and the host Admins and
          // Owner who were asked to approve it are told (the guest never saw it).
          await mail(tx, p, 'withdrawn', [...owners, ...(await hostAdmins(tx, p))], now, { actorName: ctx.actor.name });
        }
        await publish(tx, p, ended.length > 0 ? ['partnerships', 'activity', 'accounts', 'access-requests'] : ['partnerships', 'activity', 'access-requests']);
        return reload(tx, ctx, id);
      });
    },

    async addOwner(ctx: Ctx, id: string, userId: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'manageOwners', 'Only host Admins and the Owner can manage Partnership Owners.');
        const target = await assertOwnerCandidate(tx, p, userId);
        if (!(await life.insertOwner(tx, p.row.hostWorkspaceId, p.row.id, userId, ctx.actor.userId, now))) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `${target.email} is already a Partnership Owner.`);
        }
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'owner_added', targetEmail: target.email } }, now, { targetUserId: userId });
        await mail(tx, p, 'ownerAdded', [{ person: target, workspaceId: p.row.hostWorkspaceId }], now, { actorName: ctx.actor.name });
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async removeOwner(ctx: Ctx, id: string, userId: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'manageOwners', 'Only host Admins and the Owner can manage Partnership Owners.');
        const owners = (await life.owners(tx, p.row.hostWorkspaceId, [p.row.id])).get(p.row.id) ?? [];
        const target = owners.find((o) => o.userId === userId);
        if (!target) throw notFound(`Partnership Owner "${userId}"`);
        if (owners.length === 1) {
          throw conflict(`${target.email} is the only Partnership Owner. Add another owner first, or transfer the partnership.`);
        }
        await life.deleteOwner(tx, p.row.hostWorkspaceId, p.row.id, userId);
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'owner_removed', targetEmail: target.email } }, now, { targetUserId: userId });
        if (userId !== ctx.actor.userId && (await accountsRepository.findActiveMember(tx, p.row.hostWorkspaceId, userId))) {
          await mail(tx, p, 'ownerRemoved', [{ person: target, workspaceId: p.row.hostWorkspaceId }], now, { actorName: ctx.actor.name });
        }
        await publish(tx, p);
        return reload(tx, ctx, id);
      });
    },

    async transfer(ctx: Ctx, id: string, fromUserId: string, toUserId: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const loaded = await repo.loadForActor(tx, ctx.actor, id, { lock: true });
        // A Partnership Owner may hand their own ownership over; host Admins may move anyone's.
        const self = fromUserId === ctx.actor.userId && loaded?.facts.isPartnershipOwner === true;
        let p: PartnershipForActor;
        if (self) {
          p = assertPartnershipCan(loaded, id, 'view', '');
          if (!LIVE_PARTNERSHIP_STATES.includes(p.row.state)) {
            throw conflict(`This partnership is "${PARTNERSHIP_STATE_LABELS[p.row.state]}", so this cannot be done now.`, { state: p.row.state });
          }
        } else {
          p = assertPartnershipCan(loaded, id, 'manageOwners', 'Only host Admins, or the Partnership Owner themself, can transfer ownership.');
        }
        if (fromUserId === toUserId) throw ruleViolation('Pick a different person to transfer the ownership to.');
        const owners = (await life.owners(tx, p.row.hostWorkspaceId, [p.row.id])).get(p.row.id) ?? [];
        const from = owners.find((o) => o.userId === fromUserId);
        if (!from) throw notFound(`Partnership Owner "${fromUserId}"`);
        const to = await assertOwnerCandidate(tx, p, toUserId);
        await life.insertOwner(tx, p.row.hostWorkspaceId, p.row.id, toUserId, ctx.actor.userId, now);
        await life.deleteOwner(tx, p.row.hostWorkspaceId, p.row.id, fromUserId);
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'owners_transferred', targetEmail: to.email } }, now, { targetUserId: toUserId });
        await mail(tx, p, 'ownerAdded', [{ person: to, workspaceId: p.row.hostWorkspaceId }], now, { actorName: ctx.actor.name });
        if (!self && (await accountsRepository.findActiveMember(tx, p.row.hostWorkspaceId, fromUserId))) {
          await mail(tx, p, 'ownerRemoved', [{ person: from, workspaceId: p.row.hostWorkspaceId }], now, { actorName: ctx.actor.name });
        }
        await publish(tx, p);
        return reload(tx, ctx, id, self);
      });
    },

    /**
     * Hand the guest contact over to another guest Admin (Q6). The old contact's share grants (one
     * per live share: their grant on that account through this partnership) end and the new contact
     * receives the share's role, keeping a stronger grant they already hold through the partnership.
     */
    async changeGuestContact(ctx: Ctx, id: string, userId: string): Promise<PartnershipDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = await lockFor(tx, ctx, id, 'changeGuestContact', 'Only guest Admins and the Owner can change the contact.');
        const target = await accountsRepository.findActiveMember(tx, p.row.guestWorkspaceId, userId);
        if (!target) throw notFound(`Member "${userId}"`);
        if (target.role !== 'admin' && target.role !== 'owner') {
          throw ruleViolation(`${target.email} is not an Admin of ${p.guestName}. The contact must be an Admin or the Owner.`);
        }
        const old = p.row.guestContactUserId;
        if (old === userId) return reload(tx, ctx, id);
        const shares = await life.liveShares(tx, p.row.hostWorkspaceId, p.row.id);
        const oldGrants = old ? await life.liveGrantsOfUser(tx, p.row.id, old) : [];
        const newGrants = await life.liveGrantsOfUser(tx, p.row.id, userId);
        const toRevoke: string[] = [];
        const toCreate: Array<{ accountId: string; role: 'manager' | 'collaborator'; grantedBy: string }> = [];
        for (const s of shares) {
          const og = oldGrants.find((g) => g.accountId === s.accountId);
          if (og) toRevoke.push(og.id);
          const ng = newGrants.find((g) => g.accountId === s.accountId);
          if (ng && ACCOUNT_ROLE_RANK[ng.role] >= ACCOUNT_ROLE_RANK[s.role]) continue;
          if (ng) toRevoke.push(ng.id);
          toCreate.push({ accountId: s.accountId, role: s.role, grantedBy: s.sharedBy });
        }
        await life.revokeGrants(tx, toRevoke, ctx.actor.userId, 'guest_contact_changed', now);
        // The old contact no longer holds Manager on these accounts: their pending requests there go too (Q8).
        let cancelledRequests = 0;
        if (old) {
          for (const g of oldGrants.filter((g) => toRevoke.includes(g.id))) {
            cancelledRequests += await accessRepo.cancelPendingRequests(
              tx,
              p.row.hostWorkspaceId,
              { accountId: g.accountId, partnershipId: p.row.id, requesterUserId: old },
              { reason: 'requester_lost_manager', by: ctx.actor.userId, now },
            );
          }
        }
        for (const c of toCreate) {
          await life.insertPartnershipGrant(tx, {
            hostWorkspaceId: p.row.hostWorkspaceId,
            guestWorkspaceId: p.row.guestWorkspaceId,
            partnershipId: p.row.id,
            accountId: c.accountId,
            userId,
            role: c.role,
            grantedBy: c.grantedBy,
            now,
          });
        }
        await life.update(tx, p.row.hostWorkspaceId, p.row.id, { guestContactUserId: userId, updatedAt: now });
        await record(tx, p, ctx, { type: 'Partnership Updated', data: { ...ref(p), change: 'guest_contact_changed', targetEmail: target.email } }, now, { targetUserId: userId });
        await mail(tx, p, 'guestContact', [{ person: target, workspaceId: p.row.guestWorkspaceId }], now, { actorName: ctx.actor.name });
        // The old contact's share grants ended: tell them where that access went (Q6, Q9).
        const former = old ? await accountsRepository.findActiveMember(tx, p.row.guestWorkspaceId, old) : null;
        if (former) {
          await mail(tx, p, 'guestContactReplaced', [{ person: former, workspaceId: p.row.guestWorkspaceId }], now, {
            actorName: ctx.actor.name,
            newContactName: target.name || target.email,
          });
        }
        await publish(tx, p, cancelledRequests > 0 ? ['partnerships', 'activity', 'accounts', 'access-requests'] : ['partnerships', 'activity', 'accounts']);
        return reload(tx, ctx, id);
      });
    },
  };

  /** A Partnership Owner must be an active host member who may request partnerships (not Login-Only). */
  async function assertOwnerCandidate(tx: Db, p: PartnershipForActor, userId: string): Promise<PersonRow> {
    const m = await accountsRepository.findActiveMember(tx, p.row.hostWorkspaceId, userId);
    if (!m) throw notFound(`Member "${userId}"`);
    if (!workspaceCan({ role: m.role }, 'partners.request')) {
      throw ruleViolation(`${m.email} is a Login-Only member and cannot be a Partnership Owner.`);
    }
    return m;
  }
}
