import { ErrorCode } from '@shared/errors';
import type { LiveTopic } from '@shared/live';
import type {
  AccountGuestDto,
  AccountGuestsResponse,
  GuestShareCandidatesResponse,
  LocalPartnerAccountDto,
  LocalPartnerAccountRole,
  LocalPartnerAccountsResponse,
  LocalPartnerShareableAccountsResponse,
  ShareWithGuestsResponse,
  ShareWithLocalPartnerResponse,
} from '@shared/local-partners';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLE_RANK, isGuestRole, WORKSPACE_ROLE_LABELS, type GuestRole } from '@shared/permissions';
import { accountNotFound, loadAccountAccess, requireAccountAccess, type AccountAccess } from '../../authz/accounts';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { AppError, forbidden, notFound, ruleViolation } from '../../lib/errors';
import type { Ctx } from '../../lib/request-context';
import { inTransaction, isUniqueViolation } from '../../lib/tx';
import { accountsRepository } from '../accounts/accounts.repository';
import type { ActivityEventInput } from '@shared/activity';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import { localPartnerEmail, type LocalPartnerEmailBase } from './local-partners.emails';
import { localPartnerCan } from './local-partners.policy';
import { assertLocalPartnerCan, loadLocalPartner, type LoadedPartner } from './local-partners.service';
import { LOCAL_PARTNER_SOURCE, localPartnersRepository as repo } from './local-partners.repository';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>;

/**
 * Accounts shared with a local partner (spec §5.7, ADR 0012): a Host Admin shares accounts they
 * Own with the partner (its Guest Admins receive the role, R-LP-06); a Guest Admin who is Manager
 * passes an account on to Guest Users as Collaborator (R-LP-07); the account's Host Admins manage
 * its guests on the account's Guest users tab. Lock order: partner row, membership rows, account row.
 */
export function createLocalPartnerAccessService(deps: Deps) {
  const { db, clock, vault, config, live } = deps;

  const emailBase = (ctx: Ctx, p: { id: string; companyName: string }): LocalPartnerEmailBase => ({
    publicUrl: config.publicUrl,
    workspaceId: ctx.actor.workspaceId,
    workspaceName: ctx.actor.workspaceName,
    partnerId: p.id,
    companyName: p.companyName,
  });

  async function record(tx: Db, ctx: Ctx, event: ActivityEventInput, now: Date, accountId: string | null, targetUserId: string | null = null) {
    await recordActivity(tx, event, {
      workspaceId: ctx.actor.workspaceId,
      actor: { userId: ctx.actor.userId, email: ctx.actor.email },
      accountId,
      targetUserId,
      meta: ctx.meta,
      at: now,
    });
  }

  const publish = (tx: Db, ctx: Ctx, more: LiveTopic[] = []) =>
    live.publish(tx, { workspaceIds: [ctx.actor.workspaceId], topics: ['local-partners', 'accounts', 'activity', ...more] });

  /** Lock the account row, then read the actor's access to it fresh; 404 when they have none (ADR 0008). */
  async function lockAccount(tx: Db, ctx: Ctx, accountId: string, now: Date): Promise<AccountAccess> {
    await accountsRepository.lock(tx, ctx.actor.workspaceId, accountId);
    const access = await loadAccountAccess(tx, ctx.actor, accountId, now);
    if (!access || access.fromPartnerWorkspace) throw accountNotFound(accountId);
    return access;
  }

  async function presentShares(tx: Db, ctx: Ctx, p: LoadedPartner, now: Date, onlyAccountIds?: string[]): Promise<LocalPartnerAccountDto[]> {
    const ws = ctx.actor.workspaceId;
    const shares = await repo.listShares(tx, ws, p.row.id, now, onlyAccountIds);
    // Accounts are visible through grants only (ADR 0008): a share of an account the viewer holds
    // nothing on is not listed to them.
    const visible = await accessibleAccounts(tx, ctx, shares.map((s) => s.accountId), now);
    const canRemove = localPartnerCan(p.facts, 'removeAccounts');
    return shares
      .filter((s) => visible.has(s.accountId))
      .map((s) => ({
        accountId: s.accountId,
        label: s.label,
        application: s.application,
        role: s.role,
        sharedBy: s.sharedById ? { userId: s.sharedById, name: s.sharedByName ?? '', email: s.sharedByEmail ?? '' } : null,
        sharedAt: s.sharedAt.toISOString(),
        guestCount: s.guestCount,
        abilities: {
          remove: canRemove,
          shareWithGuests: p.facts.guestRole === 'guest_admin' && visible.get(s.accountId) === 'manager' && s.accountStatus === 'active',
        },
      }));
  }

  /** Of these accounts, those the actor holds a live grant on (own workspace), with their strongest role. */
  const accessibleAccounts = (tx: Db, ctx: Ctx, accountIds: string[], now: Date) =>
    repo.strongestRoles(tx, ctx.actor.workspaceId, ctx.actor.userId, accountIds, now);

  /**
   * The partner a Guest Admin shares for, and the account, both checked under locks: the actor is
   * a Guest Admin of THIS partner, Manager of the account, and the account is shared with it.
   */
  async function guestAdminShareContext(tx: Db, ctx: Ctx, partnerId: string, lock: boolean) {
    const p = assertLocalPartnerCan(
      await loadLocalPartner(tx, ctx, partnerId, lock ? 'share' : undefined),
      partnerId,
      'viewAccounts',
      'Guest Users do not share accounts.',
    );
    if (p.facts.guestRole !== 'guest_admin' || p.row.status !== 'active') {
      throw forbidden(`Only Guest Admins of ${p.row.companyName} pass its accounts on to its Guest Users; Owners share from the account page.`);
    }
    return p;
  }

  async function assertSharedWith(tx: Db, ctx: Ctx, p: LoadedPartner, accountId: string, label: string) {
    const share = await repo.findLiveShare(tx, ctx.actor.workspaceId, p.row.id, accountId);
    if (!share) {
      throw new AppError(ErrorCode.CONFLICT, `"${label}" is not shared with ${p.row.companyName} (any more).`, { accountId });
    }
    return share;
  }

  /**
   * The guest's partner, for the account's Guest users tab: the actor must be a Host Admin of it,
   * Own the account, and the account must be shared with that partner.
   */
  async function accountGuestContext(tx: Db, ctx: Ctx, accountId: string, now: Date, lock: boolean) {
    const access = lock ? await lockAccount(tx, ctx, accountId, now) : await requireOwnAccount(tx, ctx, accountId, now);
    const hosted = new Set(await repo.partnersHostedBy(tx, ctx.actor.workspaceId, ctx.actor.userId));
    const partners = (await repo.partnersOfAccount(tx, ctx.actor.workspaceId, accountId)).filter((p) => hosted.has(p.id));
    if (access.role !== 'owner' || partners.length === 0) {
      throw forbidden(`Only Host Admins of a partner "${access.label}" is shared with, who own it, manage its guest users.`);
    }
    if (access.status !== 'active') throw new AppError(ErrorCode.CONFLICT, `Account "${access.label}" is deleted — restore it first.`);
    return { access, partners };
  }

  async function requireOwnAccount(tx: Db, ctx: Ctx, accountId: string, now: Date) {
    const access = await loadAccountAccess(tx, ctx.actor, accountId, now);
    if (!access || access.fromPartnerWorkspace) throw accountNotFound(accountId);
    return access;
  }

  /** One guest's rows on the account's Guest users tab, folded to one entry per person. */
  function foldGuests(rows: Awaited<ReturnType<typeof repo.guestGrantsOnAccount>>, accountActive: boolean): AccountGuestDto[] {
    const byUser = new Map<string, (typeof rows)[number][]>();
    for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    return [...byUser.values()].map((grants) => {
      const best = grants.reduce((a, b) => (ACCOUNT_ROLE_RANK[b.role] > ACCOUNT_ROLE_RANK[a.role] ? b : a));
      const viaPartner = grants.find((g) => g.sourceKind === LOCAL_PARTNER_SOURCE && g.sourceId === g.partnerId);
      const partnerRole = best.partnerRole as GuestRole;
      return {
        userId: best.userId,
        name: best.name,
        email: best.email,
        localPartner: { id: best.partnerId!, companyName: best.companyName },
        partnerRole,
        partnerRoleLabel: WORKSPACE_ROLE_LABELS[partnerRole],
        role: best.role,
        roleLabel: ACCOUNT_ROLE_LABELS[best.role],
        sharedVia: viaPartner ? ('local_partner' as const) : ('direct' as const),
        grantedAt: (viaPartner ?? best).grantedAt.toISOString(),
        lastUsedAt: grants.map((g) => g.lastUsedAt).reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null)?.toISOString() ?? null,
        status: best.mfaEnabledAt ? ('active' as const) : ('mfa_pending' as const),
        abilities: { changeRole: accountActive && Boolean(viaPartner), remove: accountActive },
      };
    });
  }

  /** The target guest on the account's Guest users tab, with their live grants there; 404 when they hold none. */
  async function accountGuest(tx: Db, ctx: Ctx, accountId: string, userId: string, now: Date) {
    // The one lock order (partner row, membership row, account row): a concurrent removal of the
    // guest (which locks their partner FOR UPDATE first) either waits for this change or wins,
    // and then the guest is no longer listed; a grant is never written for someone just removed.
    const target = (await repo.rolesOf(tx, ctx.actor.workspaceId, [userId])).get(userId);
    if (target?.localPartnerId) {
      await repo.find(tx, ctx.actor.workspaceId, target.localPartnerId, { lock: 'share' });
      await repo.lockGuests(tx, ctx.actor.workspaceId, target.localPartnerId, [userId]);
    }
    const { access, partners } = await accountGuestContext(tx, ctx, accountId, now, true);
    const rows = await repo.guestGrantsOnAccount(tx, ctx.actor.workspaceId, accountId, now, partners.map((p) => p.id), userId);
    const [guest] = foldGuests(rows, true);
    if (!guest) throw notFound(`Guest "${userId}" with access to "${access.label}"`);
    const partner = partners.find((p) => p.id === guest.localPartner.id)!;
    return { access, guest, rows, partner };
  }

  return {
    async accounts(ctx: Ctx, id: string): Promise<LocalPartnerAccountsResponse> {
      const p = assertLocalPartnerCan(await loadLocalPartner(db, ctx, id), id, 'viewAccounts', 'Guest Users do not see the partner’s accounts.');
      return { items: await presentShares(db, ctx, p, clock.now()) };
    },

    async shareable(ctx: Ctx, id: string): Promise<LocalPartnerShareableAccountsResponse> {
      const p = assertLocalPartnerCan(await loadLocalPartner(db, ctx, id), id, 'shareAccounts', 'Only Host Admins share accounts with the partner.');
      const rows = await repo.listShareable(db, ctx.actor.workspaceId, ctx.actor.userId, p.row.id, clock.now());
      return {
        items: rows.map((r) => ({ accountId: r.accountId, label: r.label, application: r.application, username: r.username, sharedRole: r.sharedRole ?? null })),
      };
    },

    /**
     * Share accounts the actor Owns with the partner (R-LP-06): the share records the role, and each
     * current Guest Admin receives it through the partner — unless they already hold an equal or
     * stronger grant through it. Sharing an already-shared account again sets its role and reaches
     * the Guest Admins who lack it (ADR 0012). One event per account that changed.
     */
    async share(ctx: Ctx, id: string, items: Array<{ accountId: string; role: LocalPartnerAccountRole }>): Promise<ShareWithLocalPartnerResponse> {
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const ws = ctx.actor.workspaceId;
          const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'shareAccounts', 'Only Host Admins share accounts with the partner.');
          const guestAdmins = (await repo.guests(tx, ws, p.row.id, now)).filter((g) => g.role === 'guest_admin');
          let grantsCreated = 0;
          for (const item of [...items].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
            const access = await lockAccount(tx, ctx, item.accountId, now);
            if (access.role !== 'owner') {
              throw forbidden(`You are ${ACCOUNT_ROLE_LABELS[access.role]} of "${access.label}"; only its Owners share it with a partner (R-LP-06).`);
            }
            if (access.status !== 'active') throw new AppError(ErrorCode.CONFLICT, `Account "${access.label}" is deleted — restore it first.`);
            const share = await repo.findLiveShare(tx, ws, p.row.id, item.accountId);
            if (!share) await repo.insertShare(tx, { workspaceId: ws, partnerId: p.row.id, accountId: item.accountId, role: item.role, by: ctx.actor.userId, now });
            else if (share.role !== item.role) await repo.setShareRole(tx, ws, share.id, item.role, ctx.actor.userId, now);
            const held = new Map(
              (await repo.livePartnerGrants(tx, ws, p.row.id, now, { accountId: item.accountId, userIds: guestAdmins.map((g) => g.userId) })).map((g) => [g.userId, g]),
            );
            const reached: string[] = [];
            for (const g of guestAdmins) {
              const mine = held.get(g.userId);
              if (mine && ACCOUNT_ROLE_RANK[mine.role] >= ACCOUNT_ROLE_RANK[item.role]) continue;
              if (mine) await repo.revokeGrants(tx, ws, [mine.id], { by: ctx.actor.userId, reason: 'role_changed', now });
              await repo.insertPartnerGrant(tx, { workspaceId: ws, partnerId: p.row.id, accountId: item.accountId, userId: g.userId, role: item.role, by: ctx.actor.userId, now });
              await enqueueEmail(
                tx,
                vault,
                localPartnerEmail('accountShared', emailBase(ctx, p.row), g.email, {
                  actorName: ctx.actor.name,
                  accountId: item.accountId,
                  accountLabel: access.label,
                  accountRole: item.role,
                }),
                now,
              );
              reached.push(g.email);
            }
            grantsCreated += reached.length;
            if (!share || share.role !== item.role || reached.length > 0) {
              await record(
                tx,
                ctx,
                {
                  type: 'Account Shared Via Local Partner',
                  data: { localPartnerId: p.row.id, companyName: p.row.companyName, accountLabel: access.label, role: item.role, targetEmails: reached.sort() },
                },
                now,
                item.accountId,
              );
            }
          }
          await publish(tx, ctx);
          return { items: await presentShares(tx, ctx, p, now, items.map((i) => i.accountId)), grantsCreated };
        });
      } catch (err) {
        if (isUniqueViolation(err, 'local_partner_accounts_one_live_idx') || isUniqueViolation(err, 'grants_one_live_per_source_idx')) {
          throw new AppError(ErrorCode.CONFLICT, 'These accounts were shared with the partner at the same moment by someone else. Reload and try again.');
        }
        throw err;
      }
    },

    /** Remove an account from the partner (R-LP-13): every grant on it through the partner ends; direct shares stay. */
    async removeAccount(ctx: Ctx, id: string, accountId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const p = assertLocalPartnerCan(await loadLocalPartner(tx, ctx, id, 'update'), id, 'removeAccounts', 'Only Host Admins and workspace Admins remove accounts from the partner.');
        const access = await lockAccount(tx, ctx, accountId, now);
        if (!(await repo.findLiveShare(tx, ws, p.row.id, accountId))) throw notFound(`Account "${accountId}" shared with ${p.row.companyName}`);
        await repo.endShares(tx, ws, p.row.id, ctx.actor.userId, now, accountId);
        const ended = await repo.revokePartnerGrants(tx, ws, p.row.id, { by: ctx.actor.userId, reason: 'account_removed_from_partner', now, accountId });
        const lost = await repo.people(tx, [...new Set(ended.map((g) => g.userId))]);
        for (const person of lost.values()) {
          await enqueueEmail(
            tx,
            vault,
            localPartnerEmail('accountRemovedFromPartner', emailBase(ctx, p.row), person.email, { actorName: ctx.actor.name, accountLabel: access.label }),
            now,
          );
        }
        await record(
          tx,
          ctx,
          { type: 'Account Removed From Local Partner', data: { localPartnerId: p.row.id, companyName: p.row.companyName, accountLabel: access.label, endedGrants: ended.length } },
          now,
          accountId,
        );
        await publish(tx, ctx);
      });
    },

    /** The partner's Guest Users a Guest Admin may pass the account on to. */
    async shareCandidates(ctx: Ctx, id: string, accountId: string): Promise<GuestShareCandidatesResponse> {
      const now = clock.now();
      const p = await guestAdminShareContext(db, ctx, id, false);
      const access = await requireAccountAccess(db, ctx.actor, accountId, 'account.shareWithGuests', now);
      await assertSharedWith(db, ctx, p, accountId, access.label);
      return { items: await repo.guestShareCandidates(db, ctx.actor.workspaceId, p.row.id, accountId, now) };
    },

    /**
     * A Guest Admin who is Manager passes the account on to Guest Users of the same partner, as
     * Collaborator (R-LP-07). All or nothing: anyone who already has access, or is not a Guest User
     * of the partner, refuses the whole request.
     */
    async shareWithGuests(ctx: Ctx, id: string, accountId: string, userIds: string[]): Promise<ShareWithGuestsResponse> {
      try {
        return await inTransaction(db, async (tx) => {
          const now = clock.now();
          const ws = ctx.actor.workspaceId;
          const p = await guestAdminShareContext(tx, ctx, id, true);
          const targets = await repo.lockGuests(tx, ws, p.row.id, [...userIds].sort());
          await accountsRepository.lock(tx, ws, accountId);
          const access = await requireAccountAccess(tx, ctx.actor, accountId, 'account.shareWithGuests', now);
          await assertSharedWith(tx, ctx, p, accountId, access.label);
          for (const userId of userIds) {
            const t = targets.find((x) => x.userId === userId);
            if (!t || t.status !== 'active') throw notFound(`Guest "${userId}" of ${p.row.companyName}`);
            if (t.role !== 'guest_user') {
              throw ruleViolation(`${t.email} is a ${isGuestRole(t.role) ? WORKSPACE_ROLE_LABELS[t.role] : 'member'}: Guest Admins pass accounts on to Guest Users only (R-LP-07).`, { userId });
            }
            if (await repo.holdsLiveGrant(tx, ws, accountId, userId, now)) {
              throw new AppError(ErrorCode.ALREADY_EXISTS, `${t.email} already has access to "${access.label}".`, { userId });
            }
          }
          const granted: Array<{ userId: string; email: string }> = [];
          for (const userId of userIds) {
            const t = targets.find((x) => x.userId === userId)!;
            await repo.insertPartnerGrant(tx, { workspaceId: ws, partnerId: p.row.id, accountId, userId, role: 'collaborator', by: ctx.actor.userId, now });
            await enqueueEmail(
              tx,
              vault,
              localPartnerEmail('accountShared', emailBase(ctx, p.row), t.email, {
                actorName: ctx.actor.name,
                accountId,
                accountLabel: access.label,
                accountRole: 'collaborator',
              }),
              now,
            );
            await record(
              tx,
              ctx,
              { type: 'Sharing Of Account', data: { accountLabel: access.label, targetEmail: t.email, role: 'collaborator', localPartnerId: p.row.id } },
              now,
              accountId,
              userId,
            );
            granted.push({ userId, email: t.email });
          }
          await publish(tx, ctx);
          return { granted };
        });
      } catch (err) {
        if (isUniqueViolation(err, 'grants_one_live_per_source_idx')) {
          throw new AppError(ErrorCode.ALREADY_EXISTS, 'One of these guest users was given access to this account at the same moment. Reload and try again.');
        }
        throw err;
      }
    },

    /** The account's Guest users tab (spec §5.7 "Manage"): guests of the partners the actor hosts and the account is shared with. */
    async accountGuests(ctx: Ctx, accountId: string): Promise<AccountGuestsResponse> {
      const now = clock.now();
      const { access, partners } = await accountGuestContext(db, ctx, accountId, now, false);
      const rows = await repo.guestGrantsOnAccount(db, ctx.actor.workspaceId, accountId, now, partners.map((p) => p.id));
      return { items: foldGuests(rows, access.status === 'active') };
    },

    /**
     * Change a guest's role on the account through the partner (Manager ↔ Collaborator), leaving
     * their partner role alone (R-LP-11). A direct grant is changed on the Members tab instead.
     */
    async changeAccountGuestRole(ctx: Ctx, accountId: string, userId: string, role: LocalPartnerAccountRole): Promise<AccountGuestDto> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const { access, guest, rows, partner } = await accountGuest(tx, ctx, accountId, userId, now);
        const viaPartner = rows.filter((r) => r.sourceKind === LOCAL_PARTNER_SOURCE && r.sourceId === partner.id);
        if (viaPartner.length === 0) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `${guest.email} holds "${access.label}" through a direct share, not through ${partner.companyName}: change it on the Members tab.`,
          );
        }
        const current = viaPartner[0]!;
        if (current.role !== role) {
          await repo.revokeGrants(tx, ws, viaPartner.map((r) => r.grantId), { by: ctx.actor.userId, reason: 'role_changed', now });
          await repo.insertPartnerGrant(tx, { workspaceId: ws, partnerId: partner.id, accountId, userId, role, by: ctx.actor.userId, now });
          await enqueueEmail(
            tx,
            vault,
            localPartnerEmail('accountRoleChanged', emailBase(ctx, partner), guest.email, { actorName: ctx.actor.name, accountId, accountLabel: access.label, accountRole: role }),
            now,
          );
          await record(
            tx,
            ctx,
            { type: 'Account Role Updated', data: { accountLabel: access.label, targetEmail: guest.email, fromRole: current.role, toRole: role, localPartnerId: partner.id } },
            now,
            accountId,
            userId,
          );
          await publish(tx, ctx);
        }
        const fresh = await repo.guestGrantsOnAccount(tx, ws, accountId, now, [partner.id], userId);
        return foldGuests(fresh, true)[0]!;
      });
    },

    /** Remove a guest from the account (R-LP-12): every live grant they hold on it ends; their partner role stays. */
    async removeAccountGuest(ctx: Ctx, accountId: string, userId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const ws = ctx.actor.workspaceId;
        const { access, guest, rows, partner } = await accountGuest(tx, ctx, accountId, userId, now);
        await repo.revokeGrants(tx, ws, rows.map((r) => r.grantId), { by: ctx.actor.userId, reason: 'removed', now });
        await enqueueEmail(
          tx,
          vault,
          localPartnerEmail('accountAccessRemoved', emailBase(ctx, partner), guest.email, { actorName: ctx.actor.name, accountLabel: access.label }),
          now,
        );
        await record(
          tx,
          ctx,
          { type: 'Account Access Removed', data: { accountLabel: access.label, targetEmail: guest.email, role: guest.role, localPartnerId: partner.id } },
          now,
          accountId,
          userId,
        );
        await publish(tx, ctx);
      });
    },
  };
}
export type LocalPartnerAccessService = ReturnType<typeof createLocalPartnerAccessService>;
