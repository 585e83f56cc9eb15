import { INVITE_TTL_DAYS, type InviteRole } from '@shared/members';
import type { Db } from '../../db/client';
import type { AppDeps } from '../../deps';
import { hashToken, newToken } from '../../lib/tokens';
import { enqueueEmail } from '../email/outbox';
import { inviteEmail } from './members.emails';
import { membersRepository as repo } from './members.repository';

const INVITE_TTL_MS = INVITE_TTL_DAYS * 24 * 60 * 60 * 1000;

/**
 * Write an invite (or give an existing one a fresh link) and queue its email, in the caller's
 * transaction. The raw token exists only in the email; the database keeps its hash. Used by the
 * Members page and by local partners (guest invites carry the partner, ADR 0012).
 */
export async function issueInvite(
  tx: Db,
  deps: Pick<AppDeps, 'clock' | 'vault' | 'config'>,
  v: {
    workspaceId: string;
    workspaceName: string;
    inviter: { userId: string; name: string };
    /** Null for a new invite; an id to replace the link of a pending one. */
    inviteId: string | null;
    email: string;
    role: InviteRole;
    localPartner: { id: string; companyName: string } | null;
  },
): Promise<string> {
  const now = deps.clock.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  let id = v.inviteId;
  if (id) {
    await repo.replaceInviteToken(tx, v.workspaceId, id, { tokenHash: hashToken(token), now, expiresAt });
  } else {
    id = await repo.insertInvite(tx, v.workspaceId, {
      email: v.email,
      role: v.role,
      localPartnerId: v.localPartner?.id ?? null,
      tokenHash: hashToken(token),
      invitedBy: v.inviter.userId,
      now,
      expiresAt,
    });
  }
  await enqueueEmail(
    tx,
    deps.vault,
    inviteEmail({
      publicUrl: deps.config.publicUrl,
      token,
      to: v.email,
      workspaceId: v.workspaceId,
      workspaceName: v.workspaceName,
      inviterName: v.inviter.name,
      role: v.role,
      expiresAt,
      companyName: v.localPartner?.companyName ?? null,
    }),
    now,
  );
  return id;
}
