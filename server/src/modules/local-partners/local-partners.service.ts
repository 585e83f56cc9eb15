import type { ActivityEventInput } from '@shared/activity';
import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import type {
  CreateLocalPartnerRequest,
  CreateLocalPartnerResponse,
  LocalPartnerDto,
  LocalPartnerGuestDto,
  LocalPartnerInviteDto,
  LocalPartnerListResponse,
  LocalPartnerUsersResponse,
  RemoveGuestResponse,
  RemoveLocalPartnerResponse,
} from '@shared/local-partners';
import type { MemberResetResponse } from '@shared/members';
import { isGuestRole, WORKSPACE_ROLE_LABELS, type GuestRole } from '@shared/permissions';
import { assertWorkspaceCan, workspaceCan } from '../../authz/workspace';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, conflict, forbidden, notFound, ruleViolation } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { normalizeEmail } from '../../lib/tokens';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import { forcePasswordReset, resetMfa } from '../members/member-credentials';
import { removeMembership } from '../members/member-removal';
import { issueInvite } from '../members/invites';
import { membersRepository } from '../members/members.repository';
import { workspacesRepository } from '../workspaces/workspaces.repository';
import { localPartnerEmail, type LocalPartnerEmailBase } from './local-partners.emails';
import { lastGuestAdmin } from './local-partners.hooks';
import { guestAbilities, localPartnerCan, localPartnerVisible, type LocalPartnerAction, type LocalPartnerFacts } from './local-partners.policy';
import { presentGuest, presentHostAdmin, presentInvite, presentLocalPartner } from './local-partners.presenter';
import { localPartnersRepository as repo, type LocalPartnerRow } from './local-partners.repository';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>;

export interface LoadedPartner {
  row: LocalPartnerRow;
  facts: LocalPartnerFacts;
}

export const localPartnerNotFound = (id: string) => notFound(`Local partner "${id}"`);

/** The domain of an email address (lower-case), for R-LP-02 and the corporate domains (R-LP-05). */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** Is the domain one of the corporate domains, or a subdomain of one? */
export function onCorporateDomain(email: string, corporateDomains: readonly string[]): string | null {
  const d = emailDomain(email);
  return corporateDomains.find((c) => d === c || d.endsWith(`.${c}`)) ?? null;
}

/**
 * Load a partner with the facts its policy needs, read fresh in the caller's transaction: the
 * actor's membership (role, partner) and Host Admin row. With `lock`, the partner row is locked
 * first (FOR UPDATE serialises changes to its people and shares; FOR SHARE keeps it active).
 */
export async function loadLocalPartner(tx: Db, ctx: Ctx, partnerId: string, lock?: 'update' | 'share'): Promise<LoadedPartner | null> {
  const ws = ctx.actor.workspaceId;
  const row = await repo.find(tx, ws, partnerId, lock ? { lock } : {});
  if (!row) return null;
  const me = (await repo.rolesOf(tx, ws, [ctx.actor.userId])).get(ctx.actor.userId);
  if (!me || me.status !== 'active') return null;
  const isHostAdmin = await repo.isHostAdmin(tx, ws, partnerId, ctx.actor.userId);
  const guestRole = isGuestRole(me.role) && me.localPartnerId === partnerId ? me.role : null;
  return { row, facts: { status: row.status, actorRole: me.role, isHostAdmin, guestRole } };
}

/**
 * 404 when the actor may not know the partner; 409 when their role would allow the action but the
 * partner was removed; 403 otherwise.
 */
export function assertLocalPartnerCan(p: LoadedPartner | null, id: string, action: LocalPartnerAction, denied: string): LoadedPartner {
  if (!p || !localPartnerVisible(p.facts)) throw localPartnerNotFound(id);
  if (localPartnerCan(p.facts, action)) return p;
  if (p.row.status === 'removed' && localPartnerCan({ ...p.facts, status: 'active' }, action)) {
    throw conflict(`The local partner "${p.row.companyName}" was removed, so this cannot be done any more.`, { status: 'removed' });
  }
  throw forbidden(denied);
}

/**
 * Local partners (ADR 0012): the partner, its Host Admins, its guests and their invites. Sharing
 * lives in local-partner-access.service.ts. Every change is one transaction under the partner's
 * row lock, with its activity event, emails and live update.
 */
export function createLocalPartnersService(deps: Deps) {
  const { db, clock, vault, config, live } = deps;
  const actorRef = (ctx: Ctx) => ({ userId: ctx.actor.userId, email: ctx.actor.email });

  const emailBase = (ctx: Ctx, p: Pick<LocalPartnerRow, 'id' | 'companyName'>): LocalPartnerEmailBase => ({
    publicUrl: config.publicUrl,
    workspaceId: ctx.actor.workspaceId,
    workspaceName: ctx.actor.workspaceName,
    partnerId: p.id,
    companyName: p.companyName,
  });

  async function record(tx: Db, ctx: Ctx, event: ActivityEventInput, now: Date, targetUserId: string | null = null) {
    await recordActivity(tx, event, { workspaceId: ctx.actor.workspaceId, actor: actorRef(ctx), targetUserId, meta: ctx.meta, at: now });
  }

  const publish = (tx: Db, ctx: Ctx, more: LiveTopic[] = []) =>
    live.publish(tx, { workspaceIds: [ctx.actor.workspaceId], topics: ['local-partners', 'activity', ...more] });

  /** The DTOs of these partners as the actor sees them (facts per partner), in two or three queries. */
  async function present(tx: Db, ctx: Ctx, loaded: LoadedPartner[]): Promise<LocalPartnerDto[]> {
    const ids = loaded.map((p) => p.row.id);
    const ws = ctx.actor.workspaceId;
    const [hostAdmins, counts, creators] = [await repo.hostAdmins(tx, ws, ids), await repo.counts(tx, ws, ids), await repo.creators(tx, ws, ids)];
    return loaded.map((p) =>
      presentLocalPartner(
        p.row,
        p.facts,
        hostAdmins.filter((h) => h.partnerId === p.row.id),
        counts.get(p.row.id) ?? { guestAdmins: 0, guestUsers: 0, invites: 0, accounts: 0 },
        creators.get(p.row.id) ?? null,
      ),
    );
  }

  async function presentOne(tx: Db, ctx: Ctx, p: LoadedPartner): Promise<LocalPartnerDto> {
    const [dto] = await present(tx, ctx, [p]);
    return dto!;
  }

  /**
   * Who may be invited as a guest (R-LP-04/05): nobody on a corporate domain, nobody already a
   * member or a guest of the workspace, nobody with an invite pending. `email` is normalized.
   */
  async function assertInvitable(tx: Db, ctx: Ctx, email: string, now: Date): Promise<{ supersede: string | null }> {
    const ws = await workspacesRepository.findById(tx, ctx.actor.workspaceId);
    const corporate = onCorporateDomain(email, ws?.corporateDomains ?? []);
    if (corporate) {
      throw ruleViolation(
        `${email} is on ${corporate}, one of ${ctx.actor.workspaceName}'s corporate domains. People on it are members, not guests: invite them from the Members page.`,
        { rule: 'R-LP-05', domain: corporate },
      );
    }
    const member = await repo.memberByEmail(tx, ctx.actor.workspaceId, email);
    if (member?.status === 'active') {
      throw new AppError(
        ErrorCode.ALREADY_EXISTS,
        isGuestRole(member.role) ? `${email} is already a guest of this workspace.` : `${email} is already a member of this workspace.`,
        { rule: 'R-LP-04' },
      );
    }
    const pending = await membersRepository.findPendingInviteByEmail(tx, ctx.actor.workspaceId, email, { forUpdate: true });
    if (pending && pending.expiresAt.getTime() > now.getTime()) {
      throw new AppError(ErrorCode.ALREADY_EXISTS, `An invite to ${email} is already pending. Resend it instead.`, { inviteId: pending.id });
    }
    return { supersede: pending?.id ?? null };
  }

  /** Issue a guest invite (or a fresh link for one) and return its DTO. */
  async function sendGuestInvite(
    tx: Db,
    ctx: Ctx,
    p: LoadedPartner,
    v: { inviteId: string | null; email: string; role: GuestRole },
  ): Promise<LocalPartnerInviteDto> {
    const id = await issueInvite(tx, deps, {
      workspaceId: ctx.actor.workspaceId,
      workspaceName: ctx.actor.workspaceName,
      inviter: { userId: ctx.actor.userId, name: ctx.actor.name },
      inviteId: v.inviteId,
      email: v.email,
      role: v.role,
      localPartner: { id: p.row.id, companyName: p.row.companyName },
    });
    const row = await membersRepository.findInvite(tx, ctx.actor.workspaceId, id);
    return presentInvite(row!, p.facts, clock.now());
  }

  /** A pending invite of this partner, locked; 404 otherwise. */
  async function partnerInvite(tx: Db, ctx: Ctx, p: LoadedPartner, inviteId: string) {
    const inv = await membersRepository.findInvite(tx, ctx.actor.workspaceId, inviteId, { forUpdate: true });
    if (!inv || inv.status !== 'pending' || inv.localPartnerId !== p.row.id) throw notFound(`Invite "${inviteId}"`);
    if (inv.role === 'guest_admin' && !localPartnerCan(p.facts, 'inviteGuestAdmins')) {
      throw forbidden(`Only Host Admins and workspace Admins manage invites to Guest Admins.`);
    }
    return inv;
  }

  /** One guest of the partner, locked (FOR UPDATE), with the partner's Guest Admin count; 404 otherwise. */
  async function lockedGuest(tx: Db, ctx: Ctx, p: LoadedPartner, userId: string) {
    const [g] = await repo.lockGuests(tx, ctx.actor.workspaceId, p.row.id, [userId]);
    if (!g || g.status !== 'active' || !isGuestRole(g.role)) throw notFound(`Guest "${userId}" of ${p.row.companyName}`);
    const guestAdmins = await repo.countActiveGuestAdmins(tx, ctx.actor.workspaceId, p.row.id);
    const abilities = guestAbilities(p.facts, ctx.actor.userId, { userId: g.userId, role: g.role }, guestAdmins);
    return { guest: { ...g, role: g.role }, guestAdmins, abilities };
  }

  /** Identity-wide resets are for identities that belong to this workspace alone (ADR 0012). */
  async function assertOwnIdentity(tx: Db, ctx: Ctx, guest: { userId: string; email: string }) {
    if (await repo.belongsElsewhere(tx, ctx.actor.workspaceId, guest.userId)) {
      throw conflict(
        `${guest.email} also uses Latchkey in another workspace, so their sign-in is theirs to manage. Ask them to change it, or remove them from this workspace.`,
        { rule: 'identity_shared' },
      );
    }
  }

  return {
    async list(ctx: Ctx): Promise<LocalPartnerListResponse> {
      assertWorkspaceCan(ctx.actor, 'partners.view', 'Your role has no Partners page.');
      const ws = ctx.actor.workspaceId;
      const all = workspaceCan(ctx.actor, 'localPartners.manageAll');
      const hosted = new Set(await repo.partnersHostedBy(db, ws, ctx.actor.userId));
      const ids = all ? undefined : [...hosted, ...(ctx.actor.role === 'guest_admin' && ctx.actor.localPartnerId ? [ctx.actor.localPartnerId] : [])];
      const rows = await repo.listActive(db, ws, ids);
      const loaded = rows.map((row) => ({
        row,
        facts: {
          status: row.status,
          actorRole: ctx.actor.role,
          isHostAdmin: hosted.has(row.id),
          guestRole: isGuestRole(ctx.actor.role) && ctx.actor.localPartnerId === row.id ? ctx.actor.role : null,
        },
      }));
      return {
        items: await present(db, ctx, loaded.filter((p) => localPartnerCan(p.facts, 'view'))),
        abilities: { create: workspaceCan(ctx.actor, 'localPartners.create') },
      };
    },

    async get(ctx: Ctx, id: string): Promise<LocalPartnerDto> {
      const p = assertLocalPartnerCan(await loadLocalPartner(db, ctx, id), id, 'view', 'Guest Users do not manage the partner.');
      return presentOne(db, ctx, p);
    },

    /**
     * Add a local partner (R-LP-01…05): the company, its Host Admins (active Users, Admins or the
     * Owner) and the invite to its first Guest Admin, in one transaction with one event.
     */
    async create(ctx: Ctx, input: CreateLocalPartnerRequest): Promise<CreateLocalPartnerResponse> {
      assertWorkspaceCan(ctx.actor, 'localPartners.create', 'Only Admins and the Owner can add local partners.');
      const ws = ctx.actor.workspaceId;
      const email = normalizeEmail(input.guestAdminEmail);
      const companyName = input.companyName.trim();
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const { supersede } = await assertInvitable(tx, ctx, email, now);
          // Host Admins: locked FOR SHARE so none is removed or demoted while they become one.
          const hosts = await repo.activeMembers(tx, ws, input.hostAdminUserIds, { lock: true });
          for (const userId of input.hostAdminUserIds) {
            const h = hosts.find((m) => m.userId === userId);
            if (!h) throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" was not found in this workspace.`, { field: 'hostAdminUserIds' });
            if (!['owner', 'admin', 'user'].includes(h.role)) {
              throw ruleViolation(
                `${h.email} is a ${WORKSPACE_ROLE_LABELS[h.role]} and cannot be a Host Admin: Host Admins are Users, Admins or the Owner (they share accounts they own).`,
                { field: 'hostAdminUserIds', userId },
              );
            }
            if (emailDomain(h.email) === emailDomain(email)) {
              throw ruleViolation(
                `The Guest Admin (${email}) and the Host Admin ${h.email} use the same domain (${emailDomain(email)}). A local partner's Guest Admin comes from another organization.`,
                { rule: 'R-LP-02', field: 'guestAdminEmail' },
              );
            }
          }
          if (supersede) await membersRepository.revokeInvite(tx, ws, supersede, now);
          const row = await repo.insert(tx, { workspaceId: ws, companyName, createdBy: ctx.actor.userId, now });
          await repo.addHostAdmins(tx, ws, row.id, input.hostAdminUserIds, ctx.actor.userId, now);
          const p: LoadedPartner = {
            row,
            facts: { status: 'active', actorRole: ctx.actor.role, isHostAdmin: input.hostAdminUserIds.includes(ctx.actor.userId), guestRole: null },
          };
          const invite = await sendGuestInvite(tx, ctx, p, { inviteId: null, email, role: 'guest_admin' });
          for (const h of hosts) {
            if (h.userId === ctx.actor.userId) continue;
            await enqueueEmail(tx, vault, localPartnerEmail('hostAdminAdded', emailBase(ctx, row), h.email, { actorName: ctx.actor.name }), now);
          }
          await record(
            tx,
            ctx,
            {
              type: 'Local Partner Added',
              data: { localPartnerId: row.id, companyName, guestAdminEmail: email, hostAdminEmails: hosts.map((h) => h.email).sort() },
            },
            now,
          );
          await publish(tx, ctx, ['members']);
          return { partner: await presentOne(tx, ctx, p), invite };
        });
      } catch (err) {
        if (isUniqueViolation(err, 'local_partners_one_active_name_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `A local partner named "${companyName}" already exists. Choose another name.`, {
            field: 'companyName',
          });
        }
        if (isUniqueViolation(err, 'invites_one_pending_per_email_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `An invite to ${email} is already pending. Resend it instead.`, { field: 'guestAdminEmail' });
        }
        throw err;
      }
    },

    /**
     * Remove the partner (R-LP-14, Q20): every guest is removed from the workspace (signed out,
     * every grant ended), pending guest invites are revoked, shares end, Host Admins lose the role.
     * One transaction; one 'User Deactivated' per guest and one 'Local Partner Removed'.
     */
    async remove(ctx: Ctx, id: string): Promise<RemoveLocalPartnerResponse> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'remove', 'Only its Host Admins and workspace Admins can remove a local partner.');
        const base = emailBase(ctx, p.row);
        const guestIds = await repo.lockActiveGuestIds(tx, ws, p.row.id);
        const people = await repo.people(tx, guestIds);
        let endedSessions = 0;
        let endedGrants = 0;
        for (const userId of guestIds) {
          const guest = people.get(userId)!;
          const r = await removeMembership(tx, deps, { workspaceId: ws, workspaceName: ctx.actor.workspaceName, target: guest, by: ctx.actor.userId, now });
          endedSessions += r.endedSessions;
          endedGrants += r.endedGrants;
          await record(
            tx,
            ctx,
            {
              type: 'User Deactivated',
              data: { targetEmail: guest.email, endedGrants: r.endedGrants, endedSessions: r.endedSessions, localPartnerId: p.row.id, reason: 'partner_removed' },
            },
            now,
            userId,
          );
          await enqueueEmail(tx, vault, localPartnerEmail('partnerRemoved', base, guest.email, { actorName: ctx.actor.name }), now);
        }
        const revokedInvites = await repo.revokePartnerInvites(tx, ws, p.row.id, now);
        await repo.endShares(tx, ws, p.row.id, ctx.actor.userId, now);
        // Every partner grant belonged to a guest removed above; this only sweeps what a cascade missed.
        endedGrants += (await repo.revokePartnerGrants(tx, ws, p.row.id, { by: ctx.actor.userId, reason: 'partner_removed', now })).length;
        const hosts = await repo.hostAdmins(tx, ws, [p.row.id]);
        await repo.removeAllHostAdmins(tx, ws, p.row.id);
        for (const h of hosts) {
          if (h.userId === ctx.actor.userId) continue;
          await enqueueEmail(tx, vault, localPartnerEmail('partnerRemoved', base, h.email, { actorName: ctx.actor.name }), now);
        }
        await repo.markRemoved(tx, ws, p.row.id, ctx.actor.userId, now);
        await record(
          tx,
          ctx,
          {
            type: 'Local Partner Removed',
            data: { localPartnerId: p.row.id, companyName: p.row.companyName, removedGuests: guestIds.length, endedSessions, endedGrants, revokedInvites },
          },
          now,
        );
        await publish(tx, ctx, ['members', 'accounts']);
        const removed: LoadedPartner = { row: { ...p.row, status: 'removed', removedAt: now, removedBy: ctx.actor.userId }, facts: { ...p.facts, status: 'removed', isHostAdmin: false } };
        return { partner: await presentOne(tx, ctx, removed), removedGuests: guestIds.length, endedSessions, endedGrants, revokedInvites };
      });
    },

    async users(ctx: Ctx, id: string): Promise<LocalPartnerUsersResponse> {
      const p = assertLocalPartnerCan(await loadLocalPartner(db, ctx, id), id, 'viewUsers', 'Guest Users do not see the partner’s people.');
      const ws = ctx.actor.workspaceId;
      const now = clock.now();
      const [hosts, guests] = [await repo.hostAdmins(db, ws, [p.row.id]), await repo.guests(db, ws, p.row.id, now)];
      const guestAdmins = guests.filter((g) => g.role === 'guest_admin').length;
      const canInvite = localPartnerCan(p.facts, 'inviteGuests');
      const invites = canInvite ? (await membersRepository.listPendingInvites(db, ws)).filter((i) => i.localPartnerId === p.row.id) : [];
      return {
        hostAdmins: hosts.map((h) => presentHostAdmin(h, ctx.actor.userId, p.facts, hosts.length)),
        guests: guests.map((g) => presentGuest(g, ctx.actor.userId, guestAbilities(p.facts, ctx.actor.userId, g, guestAdmins))),
        invites: invites.map((i) => presentInvite(i, p.facts, now)),
      };
    },

    /** "Assign partnership host" (R-LP-03): active Users, Admins or the Owner. People who already are Host Admins are skipped. */
    async addHostAdmins(ctx: Ctx, id: string, userIds: string[]): Promise<LocalPartnerDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'manageHostAdmins', 'Only Host Admins and workspace Admins assign Host Admins.');
        const people = await repo.activeMembers(tx, ws, userIds, { lock: true });
        for (const userId of userIds) {
          const m = people.find((x) => x.userId === userId);
          if (!m) throw new AppError(ErrorCode.NOT_FOUND, `Member "${userId}" was not found in this workspace.`);
          if (!['owner', 'admin', 'user'].includes(m.role)) {
            throw ruleViolation(`${m.email} is a ${WORKSPACE_ROLE_LABELS[m.role]} and cannot be a Host Admin: Host Admins are Users, Admins or the Owner.`, { userId });
          }
        }
        const added = await repo.addHostAdmins(tx, ws, p.row.id, userIds, ctx.actor.userId, now);
        if (added.length > 0) {
          const addedPeople = people.filter((m) => added.includes(m.userId));
          for (const m of addedPeople) {
            if (m.userId === ctx.actor.userId) continue;
            await enqueueEmail(tx, vault, localPartnerEmail('hostAdminAdded', emailBase(ctx, p.row), m.email, { actorName: ctx.actor.name }), now);
          }
          await repo.touch(tx, ws, p.row.id, now);
          await record(
            tx,
            ctx,
            {
              type: 'Local Partner Updated',
              data: { localPartnerId: p.row.id, companyName: p.row.companyName, change: 'host_admin_added', targetEmails: addedPeople.map((m) => m.email).sort() },
            },
            now,
            added.length === 1 ? added[0]! : null,
          );
          await publish(tx, ctx);
        }
        const fresh = await loadLocalPartner(tx, ctx, id);
        return presentOne(tx, ctx, fresh!);
      });
    },

    /** A partner keeps at least one Host Admin (Q19). A Host Admin may step down if another remains. */
    async removeHostAdmin(ctx: Ctx, id: string, userId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'manageHostAdmins', 'Only Host Admins and workspace Admins manage Host Admins.');
        const hosts = await repo.hostAdmins(tx, ws, [p.row.id]);
        const target = hosts.find((h) => h.userId === userId);
        if (!target) throw notFound(`Host Admin "${userId}" of ${p.row.companyName}`);
        if (hosts.length <= 1) {
          throw new AppError(
            ErrorCode.LAST_HOST_ADMIN,
            `${target.email} is the last Host Admin of ${p.row.companyName}. Assign another Host Admin first.`,
          );
        }
        await repo.removeHostAdmin(tx, ws, p.row.id, userId);
        if (userId !== ctx.actor.userId) {
          await enqueueEmail(tx, vault, localPartnerEmail('hostAdminRemoved', emailBase(ctx, p.row), target.email, { actorName: ctx.actor.name }), now);
        }
        await repo.touch(tx, ws, p.row.id, now);
        await record(
          tx,
          ctx,
          { type: 'Local Partner Updated', data: { localPartnerId: p.row.id, companyName: p.row.companyName, change: 'host_admin_removed', targetEmails: [target.email] } },
          now,
          userId,
        );
        await publish(tx, ctx);
      });
    },

    /** "Invite guest users" (R-LP-04/05, R-GU-01): Guest Admins invite Guest Users; Host Admins and Admins either role. */
    async invite(ctx: Ctx, id: string, input: { email: string; role: GuestRole }): Promise<LocalPartnerInviteDto> {
      const email = normalizeEmail(input.email);
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'share'), id, 'inviteGuests', 'Only Host Admins, Guest Admins and workspace Admins invite guests.');
          if (input.role === 'guest_admin') {
            assertLocalPartnerCan(p, id, 'inviteGuestAdmins', 'Guest Admins invite Guest Users; Host Admins can make them Guest Admins afterwards.');
          }
          const { supersede } = await assertInvitable(tx, ctx, email, now);
          if (supersede) await membersRepository.revokeInvite(tx, ctx.actor.workspaceId, supersede, now);
          const invite = await sendGuestInvite(tx, ctx, p, { inviteId: null, email, role: input.role });
          const existing = await workspacesRepository.findUserByEmail(tx, email);
          await record(tx, ctx, { type: 'User Invited', data: { targetEmail: email, role: input.role, localPartnerId: p.row.id } }, now, existing?.id ?? null);
          await publish(tx, ctx, ['members']);
          return invite;
        });
      } catch (err) {
        if (isUniqueViolation(err, 'invites_one_pending_per_email_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, `An invite to ${email} is already pending. Resend it instead.`);
        }
        throw err;
      }
    },

    async resendInvite(ctx: Ctx, id: string, inviteId: string): Promise<LocalPartnerInviteDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'share'), id, 'inviteGuests', 'Only Host Admins, Guest Admins and workspace Admins manage guest invites.');
        const inv = await partnerInvite(tx, ctx, p, inviteId);
        const invite = await sendGuestInvite(tx, ctx, p, { inviteId: inv.id, email: inv.email, role: inv.role as GuestRole });
        await record(tx, ctx, { type: 'User Invite Resent', data: { targetEmail: inv.email, localPartnerId: p.row.id } }, now);
        await publish(tx, ctx, ['members']);
        return invite;
      });
    },

    async revokeInvite(ctx: Ctx, id: string, inviteId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'share'), id, 'inviteGuests', 'Only Host Admins, Guest Admins and workspace Admins manage guest invites.');
        const inv = await partnerInvite(tx, ctx, p, inviteId);
        await membersRepository.revokeInvite(tx, ctx.actor.workspaceId, inv.id, now);
        await record(tx, ctx, { type: 'User Invite Revoked', data: { targetEmail: inv.email, localPartnerId: p.row.id } }, now);
        await publish(tx, ctx, ['members']);
      });
    },

    /**
     * Guest User ↔ Guest Admin (R-LP-10). Account roles do not change with it (R-LP-11). The last
     * Guest Admin cannot be demoted (Q19): checked under the partner's row lock.
     */
    async changeGuestRole(ctx: Ctx, id: string, userId: string, role: GuestRole): Promise<LocalPartnerGuestDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'viewUsers', 'Only Host Admins, Guest Admins and workspace Admins change guests’ roles.');
        const { guest, guestAdmins, abilities } = await lockedGuest(tx, ctx, p, userId);
        if (guest.role !== role) {
          if (!abilities.changeRole) {
            if (guest.role === 'guest_admin' && guestAdmins <= 1) throw lastGuestAdmin(guest.email, p.row.companyName);
            throw forbidden('Guest Admins promote Guest Users and may step down themselves; they do not change other Guest Admins.');
          }
          await repo.setGuestRole(tx, ws, p.row.id, userId, role);
          if (userId !== ctx.actor.userId) {
            await enqueueEmail(tx, vault, localPartnerEmail('guestRoleChanged', emailBase(ctx, p.row), guest.email, { actorName: ctx.actor.name, guestRole: role }), now);
          }
          await record(
            tx,
            ctx,
            { type: 'User Updated', data: { targetEmail: guest.email, fromRole: guest.role, toRole: role, localPartnerId: p.row.id } },
            now,
            userId,
          );
          await publish(tx, ctx, ['members']);
        }
        const fresh = (await repo.guests(tx, ws, p.row.id, now)).find((g) => g.userId === userId)!;
        const count = await repo.countActiveGuestAdmins(tx, ws, p.row.id);
        const facts = userId === ctx.actor.userId && p.facts.guestRole ? { ...p.facts, guestRole: role } : p.facts;
        return presentGuest(fresh, ctx.actor.userId, guestAbilities(facts, ctx.actor.userId, fresh, count));
      });
    },

    /** Remove a guest from the partner, which removes them from the workspace (R-LP-09). */
    async removeGuest(ctx: Ctx, id: string, userId: string): Promise<RemoveGuestResponse> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'viewUsers', 'Only Host Admins, Guest Admins and workspace Admins remove guests.');
        const { guest, guestAdmins, abilities } = await lockedGuest(tx, ctx, p, userId);
        if (!abilities.remove) {
          if (guest.role === 'guest_admin' && guestAdmins <= 1 && userId !== ctx.actor.userId) throw lastGuestAdmin(guest.email, p.row.companyName);
          throw forbidden(
            userId === ctx.actor.userId
              ? 'You cannot remove yourself from the partner. Ask a Host Admin.'
              : 'Guest Admins remove Guest Users only; a Host Admin removes Guest Admins.',
          );
        }
        const r = await removeMembership(tx, deps, { workspaceId: ws, workspaceName: ctx.actor.workspaceName, target: guest, by: ctx.actor.userId, now });
        await enqueueEmail(tx, vault, localPartnerEmail('guestRemoved', emailBase(ctx, p.row), guest.email, { actorName: ctx.actor.name }), now);
        await record(
          tx,
          ctx,
          { type: 'User Deactivated', data: { targetEmail: guest.email, endedGrants: r.endedGrants, endedSessions: r.endedSessions, localPartnerId: p.row.id } },
          now,
          userId,
        );
        await publish(tx, ctx, r.touchedAccounts ? ['members', 'accounts'] : ['members']);
        return { endedSessions: r.endedSessions, endedGrants: r.endedGrants };
      });
    },

    async resetGuestMfa(ctx: Ctx, id: string, userId: string): Promise<MemberResetResponse> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'share'), id, 'viewUsers', 'Only Host Admins, Guest Admins and workspace Admins reset a guest’s MFA.');
        const { guest, abilities } = await lockedGuest(tx, ctx, p, userId);
        if (!abilities.resetMfa) throw forbidden(userId === ctx.actor.userId ? 'Reset your own MFA in Settings.' : 'Guest Admins reset Guest Users only.');
        await assertOwnIdentity(tx, ctx, guest);
        const endedSessions = await resetMfa(tx, deps, { ctx, target: guest, localPartnerId: p.row.id, now });
        await publish(tx, ctx, ['members']);
        return { endedSessions };
      });
    },

    async forceGuestPasswordReset(ctx: Ctx, id: string, userId: string): Promise<MemberResetResponse> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'share'), id, 'viewUsers', 'Only Host Admins, Guest Admins and workspace Admins reset a guest’s password.');
        const { guest, abilities } = await lockedGuest(tx, ctx, p, userId);
        if (!abilities.forcePasswordReset) throw forbidden(userId === ctx.actor.userId ? 'Change your own password in Settings.' : 'Guest Admins reset Guest Users only.');
        await assertOwnIdentity(tx, ctx, guest);
        const endedSessions = await forcePasswordReset(tx, deps, { ctx, target: guest, localPartnerId: p.row.id, now });
        await publish(tx, ctx, ['members']);
        return { endedSessions };
      });
    },
  };
}
export type LocalPartnersService = ReturnType<typeof createLocalPartnersService>;
