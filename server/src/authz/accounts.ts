import { and, desc, eq, gt, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { ACCOUNT_ABILITY_KEYS, type AccountAbilities, type AccountStatus } from '@shared/accounts';
import { ErrorCode } from '@shared/errors';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLE_RANK, accountRoleAllows, type AccountAction, type AccountRole } from '@shared/permissions';
import type { Db } from '../db/client';
import { accounts, grants, localPartners, partnerships } from '../db/schema/index';
import { AppError, forbidden } from '../lib/errors';
import type { Actor } from '../lib/request-context';

/** The actor's effective standing on one account: the strongest live grant, and the account's status. */
export interface AccountAccess {
  accountId: string;
  /** The account's own workspace (the host's, for an account reached through a partnership). */
  workspaceId: string;
  label: string;
  status: AccountStatus;
  role: AccountRole;
  /** Held from another workspace: a host's account seen through a host-guest partnership. */
  fromPartnerWorkspace: boolean;
  /** The actor is a Guest Admin of a local partner here (ADR 0012). */
  guestAdmin: boolean;
}

/** What decides an account action: the role, the account's status, and where the access comes from. */
export type AccountAccessFacts = Pick<AccountAccess, 'role' | 'status' | 'fromPartnerWorkspace' | 'guestAdmin'>;

/** Rank of a grant's role as SQL (strongest = highest), for ORDER BY / max(). */
export const grantRoleRank = sql<number>`(case ${grants.role} when 'owner' then ${sql.raw(String(ACCOUNT_ROLE_RANK.owner))} when 'manager' then ${sql.raw(String(ACCOUNT_ROLE_RANK.manager))} else ${sql.raw(String(ACCOUNT_ROLE_RANK.collaborator))} end)`;

/**
 * A grant held from another workspace (a guest's, through a host-guest partnership) counts only
 * while that partnership is active and links exactly these two workspaces; a grant through a local
 * partner only while that partner is active. Removing either also revokes its grants in the same
 * transaction; this check is the second lock on the door, so a grant a cascade missed still opens
 * nothing. Direct grants pass on the first test (subject = account workspace, not a partner source).
 */
export function reachableGrant(): SQL {
  return sql`((${grants.subjectWorkspaceId} = ${grants.workspaceId}
      and (${grants.sourceKind} <> 'local_partner' or exists (
        select 1 from ${localPartners} lp
        where lp.id = ${grants.sourceId} and lp.workspace_id = ${grants.workspaceId} and lp.status = 'active')))
    or (${grants.sourceKind} = 'host_guest_partnership' and exists (
    select 1 from ${partnerships} p
    where p.id = ${grants.sourceId}
      and p.state = 'active'
      and p.host_workspace_id = ${grants.workspaceId}
      and p.guest_workspace_id = ${grants.subjectWorkspaceId})))`;
}

/**
 * The same liveness as `liveGrant`, for a grants row aliased `g` inside a raw SQL subquery
 * (`exists (select 1 from grants g where … and ${liveGrantAsG(now)})`).
 */
export function liveGrantAsG(now: Date): SQL {
  const at = now.toISOString();
  return sql`g.revoked_at is null
    and (g.valid_from is null or g.valid_from <= ${at}::timestamptz)
    and (g.valid_until is null or g.valid_until > ${at}::timestamptz)`;
}

/** Conditions for a grant that is live at `now`: not revoked, inside its validity window. */
export function liveGrant(now: Date): SQL {
  return and(
    isNull(grants.revokedAt),
    or(isNull(grants.validFrom), lte(grants.validFrom, now)),
    or(isNull(grants.validUntil), gt(grants.validUntil, now)),
  )!;
}

/** The one answer for "no such account" and "not yours to know about": same code, same message. */
export function accountNotFound(accountId: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `Account "${accountId}" was not found.`);
}

/**
 * Load the actor's effective role on an account in ONE indexed query (grants_user_live_idx):
 * the strongest live grant this user holds from the workspace they are signed in to. That is an
 * account of their own workspace, or a host's account shared with their workspace through an
 * active partnership (reachableGrant). Returns null when there is none, or when the account is
 * deleted and the actor is not one of its Owners (a deleted account is invisible to everyone else).
 */
export async function loadAccountAccess(
  db: Db,
  actor: Pick<Actor, 'userId' | 'workspaceId' | 'role'>,
  accountId: string,
  now: Date,
): Promise<AccountAccess | null> {
  const [row] = await db
    .select({
      accountId: accounts.id,
      workspaceId: accounts.workspaceId,
      label: accounts.label,
      status: accounts.status,
      role: grants.role,
    })
    .from(grants)
    .innerJoin(accounts, and(eq(accounts.id, grants.accountId), eq(accounts.workspaceId, grants.workspaceId)))
    .where(
      and(
        eq(grants.subjectWorkspaceId, actor.workspaceId),
        eq(grants.userId, actor.userId),
        eq(grants.accountId, accountId),
        liveGrant(now),
        reachableGrant(),
      ),
    )
    .orderBy(desc(grantRoleRank))
    .limit(1);
  if (!row) return null;
  if (row.status === 'deleted' && row.role !== 'owner') return null;
  return { ...row, fromPartnerWorkspace: row.workspaceId !== actor.workspaceId, guestAdmin: actor.role === 'guest_admin' };
}

/** Actions an Owner may still take on a deleted account. */
const DELETED_ACTIONS: ReadonlySet<AccountAction> = new Set(['account.view', 'account.restore']);

/**
 * May this access do this action, given the role table and the account's status?
 * Restore is only meaningful on a deleted account; everything but view/restore needs it active.
 */
export function accountCan(access: AccountAccessFacts, action: AccountAction): boolean {
  if (!accountRoleAllows(access.role, action)) return false;
  // A Manager asks a host's Owners for access from a guest workspace (R-HG-11) ...
  if (action === 'account.requestAccess' && !access.fromPartnerWorkspace) return false;
  // ... and passes it on directly as a Guest Admin of a local partner (R-LP-07).
  if (action === 'account.shareWithGuests' && (access.fromPartnerWorkspace || !access.guestAdmin)) return false;
  if (action === 'account.restore') return access.status === 'deleted';
  if (access.status === 'deleted') return DELETED_ACTIONS.has(action);
  return true;
}

/**
 * Throw the right error when the action is not allowed:
 * 409 conflict when the status is what stands in the way (deleted, or restoring an active account),
 * 403 forbidden when the role is.
 */
export function assertAccountCan(access: AccountAccess, action: AccountAction): void {
  if (accountCan(access, action)) return;
  if (!accountRoleAllows(access.role, action)) {
    throw forbidden(
      `Your role on "${access.label}" (${ACCOUNT_ROLE_LABELS[access.role]}) does not allow this. Ask one of the account's Owners.`,
    );
  }
  if (action === 'account.restore') {
    throw new AppError(ErrorCode.CONFLICT, `Account "${access.label}" is not deleted, so there is nothing to restore.`);
  }
  if (!accountCan({ ...access, status: 'active' }, action)) {
    // The role would allow it, but not from where the actor holds the account.
    throw forbidden(
      action === 'account.requestAccess'
        ? `Access requests are for accounts shared with your workspace through a partnership; "${access.label}" is not.`
        : `Only a Guest Admin of a local partner who is Manager of "${access.label}" can share it with guest users.`,
    );
  }
  throw new AppError(ErrorCode.CONFLICT, `Account "${access.label}" is deleted — restore it first.`);
}

/** Load the access and check the action in one step; 404 when the actor has no live access. */
export async function requireAccountAccess(
  db: Db,
  actor: Pick<Actor, 'userId' | 'workspaceId' | 'role'>,
  accountId: string,
  action: AccountAction,
  now: Date,
): Promise<AccountAccess> {
  const access = await loadAccountAccess(db, actor, accountId, now);
  if (!access) throw accountNotFound(accountId);
  assertAccountCan(access, action);
  return access;
}

/** Per-object abilities for the presenter, so the web app never re-implements permissions. */
export function accountAbilities(access: AccountAccessFacts): AccountAbilities {
  return Object.fromEntries(
    ACCOUNT_ABILITY_KEYS.map((k) => [k, accountCan(access, `account.${k}` as AccountAction)]),
  ) as AccountAbilities;
}
