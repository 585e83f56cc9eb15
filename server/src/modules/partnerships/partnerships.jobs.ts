import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps';
import type { Db } from '../../db/client';
import { NO_REQUEST } from '../../lib/request-context';
import { inTransaction } from '../../lib/tx';
import { recordActivity } from '../activity/activity.recorder';
import { enqueueEmail } from '../email/outbox';
import { partnershipEmail } from './partnerships.emails';
import { partnershipsLifecycleRepository as life } from './partnerships.repository';
import { accountsRepository } from '../accounts/accounts.repository';
import { queryRows } from '../../db/client';
import { sql } from 'drizzle-orm';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'vault' | 'config' | 'live'>;

export const EXPIRY_BATCH = 50;

async function names(tx: Db, hostId: string, guestId: string): Promise<{ host: string; guest: string }> {
  const rows = await queryRows<{ id: string; name: string }>(tx, sql`select id, name from workspaces where id in (${hostId}::uuid, ${guestId}::uuid)`);
  return { host: rows.find((r) => r.id === hostId)!.name, guest: rows.find((r) => r.id === guestId)!.name };
}

/**
 * Expire pending partnership requests past `expires_at` (spec Q5): state → expired, one
 * 'Partnership Expired' event (no actor) and an email to the Partnership Owners each, in batches;
 * rows are claimed FOR UPDATE SKIP LOCKED so concurrent runs and user actions never collide.
 * Returns how many expired.
 */
export async function runPartnershipExpiry(deps: Deps): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(deps.db, async (tx) => {
      const now = deps.clock.now();
      const rows = await life.claimExpired(tx, now, EXPIRY_BATCH);
      for (const r of rows) {
        const { host, guest } = await names(tx, r.hostWorkspaceId, r.guestWorkspaceId);
        await life.update(tx, r.hostWorkspaceId, r.id, { state: 'expired', updatedAt: now });
        await recordActivity(
          tx,
          { type: 'Partnership Expired', data: { partnershipId: r.id, hostWorkspaceName: host, guestWorkspaceName: guest, fromState: r.state } },
          { workspaceId: r.hostWorkspaceId, partnerWorkspaceId: r.guestWorkspaceId, actor: null, meta: NO_REQUEST, at: now },
        );
        const owners = (await life.owners(tx, r.hostWorkspaceId, [r.id])).get(r.id) ?? [];
        for (const o of owners) {
          if (!(await accountsRepository.findActiveMember(tx, r.hostWorkspaceId, o.userId))) continue;
          await enqueueEmail(
            tx,
            deps.vault,
            partnershipEmail('expired', { publicUrl: deps.config.publicUrl, partnershipId: r.id, hostName: host, guestName: guest }, { email: o.email, workspaceId: r.hostWorkspaceId }),
            now,
          );
        }
        await deps.live.publish(tx, { workspaceIds: [r.hostWorkspaceId, r.guestWorkspaceId], topics: ['partnerships', 'activity'] });
      }
      return rows.length;
    });
    total += n;
    if (n < EXPIRY_BATCH) return total;
  }
}

/** Run the expiry job now and then every `intervalMs` (default 10 minutes), like auth housekeeping. */
export function startPartnershipExpiry(deps: Deps, log: FastifyBaseLogger, intervalMs = 10 * 60_000) {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= runPartnershipExpiry(deps)
      .then((n) => {
        if (n) log.info({ expired: n }, 'partnership requests expired');
      })
      .catch((err: unknown) => log.warn({ err }, 'partnership expiry failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Member removal cascade (R-HG-18, Q4), run inside members.service remove()'s transaction after
 * the member's grants were revoked (by subject workspace, so partnership grants went too):
 * pending access requests they sent or were the target of in this (guest) workspace are
 * cancelled; where they were a guest contact the contact is cleared (the guest side picks a new
 * one); their Partnership Owner rows in this (host) workspace go, and every host Admin is told
 * about a partnership left without owner.
 */
/**
 * Before a member's removal touches their accounts: lock the host-side partnerships they own, in id
 * order. Owner changes (add/remove/transfer) and shares take the partnership row lock first and the
 * account rows after, so taking these locks before the accounts keeps one order (no deadlock), and
 * the owner rows dropped later (dropOwnerEverywhere) are counted against committed state: a
 * concurrent "remove owner" cannot leave a partnership with no owner and no alert (spec Q4).
 */
export async function lockPartnershipsOwnedBy(tx: Db, hostWorkspaceId: string, userId: string): Promise<void> {
  await queryRows(
    tx,
    sql`select p.id from partnerships p
        where p.host_workspace_id = ${hostWorkspaceId}::uuid
          and exists (select 1 from partnership_owners po where po.partnership_id = p.id and po.user_id = ${userId}::uuid)
        order by p.id for update of p`,
  );
}

export async function partnershipMemberRemoved(
  tx: Db,
  deps: Pick<AppDeps, 'vault' | 'config' | 'live'>,
  v: { workspaceId: string; workspaceName: string; userId: string; by: string; now: Date },
): Promise<{ cancelledRequests: number; contactCleared: number; orphaned: number; lateGrants: number }> {
  // Every grant through a partnership is created under that partnership's row lock (share, accept
  // an access request, change a role or the contact). The caller revoked this member's grants
  // before we got here, without that lock, so a grant created concurrently (committed after that
  // revoke's snapshot) would outlive the membership. Take the locks of the active partnerships
  // where this workspace is the guest (id order; membership row, then partnership row, is the one
  // order: no partnership route locks a membership), then sweep again.
  await queryRows(
    tx,
    sql`select id from partnerships where guest_workspace_id = ${v.workspaceId}::uuid and state = 'active' order by id for update`,
  );
  const late = await queryRows<{ id: string }>(
    tx,
    sql`update grants set revoked_at = ${v.now.toISOString()}::timestamptz, revoked_by = ${v.by}::uuid, revoke_reason = 'member_removed'
        where subject_workspace_id = ${v.workspaceId}::uuid and user_id = ${v.userId}::uuid
          and source_kind = 'host_guest_partnership' and revoked_at is null
        returning id`,
  );
  // Partnerships the removal touches, found before anything changes: for the live updates below.
  const touched = await queryRows<{ host: string; guest: string }>(
    tx,
    sql`select distinct p.host_workspace_id as host, p.guest_workspace_id as guest from partnerships p
        where (p.guest_workspace_id = ${v.workspaceId}::uuid and (p.guest_contact_user_id = ${v.userId}::uuid
                 or exists (select 1 from grants g where g.source_kind = 'host_guest_partnership' and g.source_id = p.id and g.user_id = ${v.userId}::uuid and g.revoked_at = ${v.now.toISOString()}::timestamptz)
                 or exists (select 1 from access_requests ar where ar.partnership_id = p.id and ar.status = 'pending' and (ar.requester_user_id = ${v.userId}::uuid or ar.target_user_id = ${v.userId}::uuid))))
           or (p.host_workspace_id = ${v.workspaceId}::uuid and exists (select 1 from partnership_owners po where po.partnership_id = p.id and po.user_id = ${v.userId}::uuid))`,
  );
  const cancelledRequests = await life.cancelRequestsOfMember(tx, v.workspaceId, v.userId, v.by, v.now);
  const cleared = await life.clearGuestContact(tx, v.workspaceId, v.userId, v.now);
  const orphaned = await life.dropOwnerEverywhere(tx, v.workspaceId, v.userId);
  const workspaceIds = [...new Set(touched.flatMap((r) => [r.host, r.guest]))];
  if (workspaceIds.length > 0) {
    await deps.live.publish(tx, { workspaceIds, topics: ['partnerships', 'accounts', 'access-requests'] });
  }
  if (orphaned.length > 0) {
    const admins = await life.admins(tx, v.workspaceId);
    for (const o of orphaned) {
      for (const a of admins) {
        await enqueueEmail(
          tx,
          deps.vault,
          partnershipEmail('orphaned', { publicUrl: deps.config.publicUrl, partnershipId: o.id, hostName: v.workspaceName, guestName: o.guestName }, { email: a.email, workspaceId: v.workspaceId }),
          v.now,
        );
      }
    }
  }
  return { cancelledRequests, contactCleared: cleared.length, orphaned: orphaned.length, lateGrants: late.length };
}

/**
 * A guest member demoted to Login-Only (R-C-01, R-HG-23: Login-Only members hold Collaborator at
 * most), run inside members.service changeRole()'s transaction: under the row locks of the active
 * partnerships where this workspace is the guest (same order as the removal above), their Manager
 * grants through those partnerships become Collaborator grants (the old rows are revoked and kept
 * for the trail), and the access requests they sent (a Manager's right) are cancelled.
 * Returns how many grants were downgraded.
 */
export async function partnershipMemberDemoted(
  tx: Db,
  deps: Pick<AppDeps, 'live'>,
  v: { workspaceId: string; userId: string; by: string; now: Date },
): Promise<{ downgradedGrants: number; cancelledRequests: number }> {
  const locked = await queryRows<{ id: string; host: string }>(
    tx,
    sql`select id, host_workspace_id as host from partnerships where guest_workspace_id = ${v.workspaceId}::uuid and state = 'active' order by id for update`,
  );
  if (locked.length === 0) return { downgradedGrants: 0, cancelledRequests: 0 };
  const at = v.now.toISOString();
  const ended = await queryRows<{ workspace_id: string; account_id: string; source_id: string }>(
    tx,
    sql`update grants set revoked_at = ${at}::timestamptz, revoked_by = ${v.by}::uuid, revoke_reason = 'role_downgraded'
        where subject_workspace_id = ${v.workspaceId}::uuid and user_id = ${v.userId}::uuid
          and source_kind = 'host_guest_partnership' and role = 'manager' and revoked_at is null
        returning workspace_id, account_id, source_id`,
  );
  for (const g of ended) {
    await tx.execute(
      sql`insert into grants (workspace_id, subject_workspace_id, account_id, user_id, role, source_kind, source_id, granted_by, granted_at)
          values (${g.workspace_id}::uuid, ${v.workspaceId}::uuid, ${g.account_id}::uuid, ${v.userId}::uuid, 'collaborator',
                  'host_guest_partnership', ${g.source_id}::uuid, ${v.by}::uuid, ${at}::timestamptz)`,
    );
  }
  const cancelled = await queryRows<{ id: string }>(
    tx,
    sql`update access_requests set status = 'cancelled', cancel_reason = 'requester_lost_manager', decided_by = ${v.by}::uuid, decided_at = ${at}::timestamptz
        where guest_workspace_id = ${v.workspaceId}::uuid and requester_user_id = ${v.userId}::uuid and status = 'pending'
        returning id`,
  );
  if (ended.length > 0 || cancelled.length > 0) {
    const hosts = [...new Set(locked.map((p) => p.host))];
    await deps.live.publish(tx, { workspaceIds: [v.workspaceId, ...hosts], topics: ['partnerships', 'accounts', 'access-requests'] });
  }
  return { downgradedGrants: ended.length, cancelledRequests: cancelled.length };
}
