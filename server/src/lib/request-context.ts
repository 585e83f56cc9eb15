import type { WorkspaceRole } from '@shared/permissions';

/** Who is acting: resolved from the session cookie by the session plugin, once per request. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** The workspace the session works in (internal id). */
  workspaceId: string;
  workspacePublicId: string;
  workspaceName: string;
  role: WorkspaceRole;
  /** Guests only: the local partner they belong to in this workspace (ADR 0012). */
  localPartnerId: string | null;
  sessionId: string;
  mfaEnabled: boolean;
}

/** Facts about the HTTP request that go into the activity trail. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };

/** What a service method needs to know about the caller. */
export interface Ctx {
  actor: Actor;
  meta: RequestMeta;
}
