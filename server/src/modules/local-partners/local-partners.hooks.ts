import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { ErrorCode } from '@shared/errors';
import { ACCOUNT_ROLE_RANK, type GuestRole, type WorkspaceRole } from '@shared/permissions';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { localPartnerHostAdmins, localPartners, memberships } from '../../db/schema/index';
import { AppError } from '../../lib/errors';
import { enqueueEmail } from '../email/outbox';
import { localPartnerEmail } from './local-partners.emails';
import { localPartnersRepository as repo } from './local-partners.repository';

/**
 * How other modules' member changes reach local partners (ADR 0012): member removal and demotion
 * (members module), joining through a guest invite (invite acceptance). Each runs inside the
 * caller's transaction.
 */

/**
 * Lock (FOR UPDATE, id order) every local partner the member's change can affect: the partners
 * they host and the partner they are a guest of. Call BEFORE locking membership rows: local
 * partner rows, then membership rows, then partnerships and accounts, is the one lock order.
 */
export async function lockLocalPartnersOf(tx: Db, workspaceId: string, userId: string): Promise<void> {
  const hosted = tx
    .select({ id: localPartnerHostAdmins.localPartnerId })
    .from(localPartnerHostAdmins)
    .where(and(eq(localPartnerHostAdmins.workspaceId, workspaceId), eq(localPartnerHostAdmins.userId, userId)));
  const guestOf = tx
    .select({ id: sql<string>`${memberships.localPartnerId}` })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  await tx
    .select({ id: localPartners.id })
    .from(localPartners)
    .where(and(eq(localPartners.workspaceId, workspaceId), or(inArray(localPartners.id, hosted), inArray(localPartners.id, guestOf))))
    .orderBy(asc(localPartners.id))
    .for('update');
}

export const lastGuestAdmin = (email: string, companyName: string) =>
  new AppError(
    ErrorCode.LAST_GUEST_ADMIN,
    `${email} is the last Guest Admin of ${companyName}. Make another guest a Guest Admin first: without one, nobody can pass on the accounts shared with the partner.`,
  );

/**
 * Spec Q19: an active partner keeps at least one Guest Admin. Call with the partner row locked
 * (lockLocalPartnersOf, or the partner's own routes), before demoting or removing `target`.
 */
export async function assertNotLastGuestAdmin(
  tx: Db,
  workspaceId: string,
  target: { email: string; role: WorkspaceRole; localPartnerId: string | null },
): Promise<void> {
  if (target.role !== 'guest_admin' || !target.localPartnerId) return;
  const partner = await repo.find(tx, workspaceId, target.localPartnerId);
  if (!partner || partner.status !== 'active') return;
  if ((await repo.countActiveGuestAdmins(tx, workspaceId, partner.id)) <= 1) throw lastGuestAdmin(target.email, partner.companyName);
}

/**
 * The member no longer hosts anything: they left the workspace or became Login-Only (Host Admins
 * share accounts they Own, which Login-Only members cannot). Partners left without a Host Admin
 * keep working, and the workspace's Admins are emailed to assign one (spec Q19, ADR 0012).
 */
export async function localPartnerMemberLeft(
  tx: Db,
  deps: Pick<AppDeps, 'vault' | 'config' | 'live'>,
  v: { workspaceId: string; workspaceName: string; userId: string; now: Date },
): Promise<void> {
  const partnerIds = await repo.removeHostAdminEverywhere(tx, v.workspaceId, v.userId);
  if (partnerIds.length === 0) return;
  const admins = await repo.workspaceAdmins(tx, v.workspaceId);
  for (const partner of await repo.listActive(tx, v.workspaceId, partnerIds)) {
    if ((await repo.countHostAdmins(tx, v.workspaceId, partner.id)) > 0) continue;
    for (const a of admins) {
      if (a.userId === v.userId) continue;
      await enqueueEmail(
        tx,
        deps.vault,
        localPartnerEmail(
          'noHostAdmin',
          { publicUrl: deps.config.publicUrl, workspaceId: v.workspaceId, workspaceName: v.workspaceName, partnerId: partner.id, companyName: partner.companyName },
          a.email,
        ),
        v.now,
      );
    }
  }
  await deps.live.publish(tx, { workspaceIds: [v.workspaceId], topics: ['local-partners'] });
}

/**
 * A guest joined (invite accepted), under the partner's row lock (FOR SHARE) taken by the caller:
 * a Guest Admin receives the partner's live shares with their roles (the shares go to the
 * partner's Guest Admins, §3.4), and the Host Admins are told. Returns how many grants it gave.
 */
export async function localPartnerGuestJoined(
  tx: Db,
  deps: Pick<AppDeps, 'vault' | 'config'>,
  v: { workspaceId: string; workspaceName: string; partnerId: string; guest: { userId: string; name: string; email: string }; role: GuestRole; now: Date },
): Promise<number> {
  const partner = await repo.find(tx, v.workspaceId, v.partnerId);
  if (!partner) return 0;
  let granted = 0;
  if (v.role === 'guest_admin') {
    const shares = await repo.listShares(tx, v.workspaceId, v.partnerId, v.now);
    const held = new Map(
      (await repo.livePartnerGrants(tx, v.workspaceId, v.partnerId, v.now, { userIds: [v.guest.userId] })).map((g) => [g.accountId, g]),
    );
    for (const s of shares) {
      if (s.accountStatus !== 'active') continue;
      const mine = held.get(s.accountId);
      if (mine && ACCOUNT_ROLE_RANK[mine.role] >= ACCOUNT_ROLE_RANK[s.role]) continue;
      if (mine) await repo.revokeGrants(tx, v.workspaceId, [mine.id], { by: s.sharedById ?? v.guest.userId, reason: 'role_changed', now: v.now });
      await repo.insertPartnerGrant(tx, {
        workspaceId: v.workspaceId,
        partnerId: v.partnerId,
        accountId: s.accountId,
        userId: v.guest.userId,
        role: s.role,
        by: s.sharedById ?? v.guest.userId,
        now: v.now,
      });
      granted += 1;
    }
  }
  const base = { publicUrl: deps.config.publicUrl, workspaceId: v.workspaceId, workspaceName: v.workspaceName, partnerId: partner.id, companyName: partner.companyName };
  for (const h of await repo.hostAdmins(tx, v.workspaceId, [partner.id])) {
    await enqueueEmail(tx, deps.vault, localPartnerEmail('guestJoined', base, h.email, { personName: v.guest.name || v.guest.email, guestRole: v.role }), v.now);
  }
  return granted;
}
