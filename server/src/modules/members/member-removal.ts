import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { sessionsRepository } from '../auth/sessions.repository';
import { localPartnerMemberLeft } from '../local-partners/local-partners.hooks';
import { lockPartnershipsOwnedBy, partnershipMemberRemoved } from '../partnerships/partnerships.jobs';
import { membersRepository as repo } from './members.repository';

export interface RemovalOutcome {
  endedSessions: number;
  endedGrants: number;
  /** Accounts that had no other Owner: `by` is now their Owner (ADR 0009). */
  ownershipsTransferred: number;
}

/**
 * Remove one member from a workspace, in the caller's transaction, after the caller authorized it
 * and locked what its own rules need (ADR 0012 lock order: local partner rows, then membership
 * rows, then partnerships and accounts). The membership is disabled (kept for reporting), the
 * person's sessions there end, every grant they hold from the workspace ends (direct, through a
 * local partner, through host-guest partnerships), their partnership roles and Host Admin roles
 * go, orphaned accounts go to `by`, and pending invites to their email are revoked. The caller
 * writes the activity event and publishes the live update.
 */
export async function removeMembership(
  tx: Db,
  deps: Pick<AppDeps, 'vault' | 'config' | 'live'>,
  v: { workspaceId: string; workspaceName: string; target: { userId: string; email: string }; by: string; now: Date },
): Promise<RemovalOutcome & { touchedAccounts: boolean }> {
  const { workspaceId, target, by, now } = v;
  await lockPartnershipsOwnedBy(tx, workspaceId, target.userId);
  await repo.lockAccountsOfUser(tx, workspaceId, target.userId);
  await repo.markRemoved(tx, workspaceId, target.userId, by, now);
  const endedSessions = await sessionsRepository.endAllForUser(tx, target.userId, 'member_removed', now, { workspaceId });
  const touched = await repo.revokeAllGrants(tx, workspaceId, target.userId, by, 'member_removed', now);
  await partnershipMemberRemoved(tx, deps, { workspaceId, workspaceName: v.workspaceName, userId: target.userId, by, now });
  await localPartnerMemberLeft(tx, deps, { workspaceId, workspaceName: v.workspaceName, userId: target.userId, now });
  const orphans = await repo.accountsWithoutOwner(tx, workspaceId, [...new Set(touched)], now);
  await repo.grantDirectOwner(tx, workspaceId, orphans, by, now);
  await repo.revokePendingInvitesForEmail(tx, workspaceId, target.email, now);
  return { endedSessions, endedGrants: touched.length, ownershipsTransferred: orphans.length, touchedAccounts: touched.length > 0 };
}
