import { z } from 'zod';
import { EMAIL_MAX } from './auth';
import { AccountRoleSchema } from './permissions';

/**
 * Host-guest partnership contracts (/partnerships, /access-requests), shared by the API and the
 * web app. The rules behind them: partners-spec §4.3, §5.1–5.4, R-HG-01…25 and docs/decisions/0011.
 */

export const PARTNERSHIP_REASON_MAX = 1000;
export const DECLINE_REASON_MAX = 500;
/** A pending request (awaiting either side) expires this many days after it was (re)sent, by default (spec Q5). */
export const PARTNERSHIP_REQUEST_TTL_DAYS_DEFAULT = 30;
/** "Send reminder" and "Resend request" are each allowed at most once per this many hours (R-HG-08, Q2, Q5). */
export const PARTNERSHIP_NUDGE_INTERVAL_HOURS = 24;
/** Version of the Terms of Service a guest Admin accepts; stored with the acceptance. */
export const PARTNERSHIP_TOS_VERSION = '2026-11';
/** At most this many targets in one access request, and accounts in one share. */
export const ACCESS_REQUEST_TARGETS_MAX = 50;
export const SHARE_ACCOUNTS_MAX = 100;

export const PartnershipStateSchema = z.enum([
  'awaiting_host_admin',
  'awaiting_guest_admin',
  'active',
  'declined_by_host',
  'declined_by_guest',
  'removed',
  'expired',
]);
export type PartnershipState = z.infer<typeof PartnershipStateSchema>;

/** The labels the Partners page shows (spec §5.1). */
export const PARTNERSHIP_STATE_LABELS: Record<PartnershipState, string> = {
  awaiting_host_admin: "Awaiting admin's decision",
  awaiting_guest_admin: "Awaiting partner's acceptance",
  active: 'Active',
  declined_by_host: 'Declined by host admin',
  declined_by_guest: 'Declined by partner',
  removed: 'Removed',
  expired: 'Expired',
};

/** States that hold the one-partnership-per-(host, guest) lock (R-HG-01; Q1 releases it on a host decline). */
export const LIVE_PARTNERSHIP_STATES: readonly PartnershipState[] = [
  'awaiting_host_admin',
  'awaiting_guest_admin',
  'active',
  'declined_by_guest',
];
export const PENDING_PARTNERSHIP_STATES: readonly PartnershipState[] = ['awaiting_host_admin', 'awaiting_guest_admin'];

/** Roles an account can be shared with into a partnership, and requested for guest members. Never Owner (R-HG-21). */
export const PartnershipAccountRoleSchema = z.enum(['collaborator', 'manager']);
export type PartnershipAccountRole = z.infer<typeof PartnershipAccountRoleSchema>;

/** Which side of the partnership the signed-in workspace is. */
export const PartnershipSideSchema = z.enum(['host', 'guest']);
export type PartnershipSide = z.infer<typeof PartnershipSideSchema>;

/**
 * What the actor may do with this partnership, computed on the server from the same policy that
 * enforces it (server/src/modules/partnerships/partnerships.policy.ts).
 */
export const PARTNERSHIP_ABILITY_KEYS = [
  'approve',
  'accept',
  'decline',
  'remind',
  'resend',
  'edit',
  'remove',
  'shareAccounts',
  'removeAccounts',
  'viewAccounts',
  'viewMembers',
  'manageMemberAccess',
  'manageOwners',
  'changeGuestContact',
  'changeSettings',
] as const;
export const PartnershipAbilityKeySchema = z.enum(PARTNERSHIP_ABILITY_KEYS);
export type PartnershipAbilityKey = z.infer<typeof PartnershipAbilityKeySchema>;
export const PartnershipAbilitiesSchema = z.object(
  Object.fromEntries(PARTNERSHIP_ABILITY_KEYS.map((k) => [k, z.boolean()])) as Record<PartnershipAbilityKey, z.ZodBoolean>,
);
export type PartnershipAbilities = Record<PartnershipAbilityKey, boolean>;

const PersonSchema = z.object({ userId: z.uuid(), name: z.string(), email: z.string() });
export type PartnershipPerson = z.infer<typeof PersonSchema>;

const DecisionSchema = z.object({
  /** Null when the decider is hidden from this side (host people appear to the guest as "Host user"). */
  by: PersonSchema.nullable(),
  at: z.iso.datetime(),
  reason: z.string().nullable(),
});

export const PartnershipDtoSchema = z
  .object({
    id: z.uuid(),
    /** The viewer's side. */
    side: PartnershipSideSchema,
    state: PartnershipStateSchema,
    stateLabel: z.string(),
    host: z.object({ name: z.string() }),
    /** The guest's Workspace ID is shown to the host side only (it is what they typed). */
    guest: z.object({ name: z.string(), workspaceId: z.string().nullable() }),
    /** The other side's name, for lists ("Your partners"). */
    partnerName: z.string(),
    partnerEmail: z.string(),
    reason: z.string().nullable(),
    /** The host user who asked; null on the guest side (shown as "Host user"). */
    requestedBy: PersonSchema.nullable(),
    requestedAt: z.iso.datetime(),
    hostDecision: DecisionSchema.nullable(),
    guestDecision: DecisionSchema.nullable(),
    tosAcceptedAt: z.iso.datetime().nullable(),
    /** Partnership Owners; empty on the guest side. */
    owners: z.array(PersonSchema),
    /** The guest Admin who receives shares (spec Q6). */
    guestContact: PersonSchema.nullable(),
    allowManagerRequests: z.boolean(),
    sharedAccountCount: z.number().int(),
    /** Guest members holding live access through this partnership. */
    memberCount: z.number().int(),
    /** Pending access requests the viewer may decide (host) or has sent (guest). */
    pendingAccessRequestCount: z.number().int(),
    /** When a pending request expires; null unless pending. */
    expiresAt: z.iso.datetime().nullable(),
    lastReminderAt: z.iso.datetime().nullable(),
    /** The earliest time "Send reminder" / "Resend request" can be used again; null when it can now. */
    nextNudgeAt: z.iso.datetime().nullable(),
    removedAt: z.iso.datetime().nullable(),
    abilities: PartnershipAbilitiesSchema,
  })
  .meta({ id: 'Partnership' });
export type PartnershipDto = z.infer<typeof PartnershipDtoSchema>;

export const PartnershipListQuerySchema = z
  .object({
    /** `current` (default) hides removed, expired and host-declined partnerships. */
    view: z.enum(['current', 'all']).default('current'),
  })
  .strict();
export type PartnershipListQuery = z.input<typeof PartnershipListQuerySchema>;

export const PartnershipListResponseSchema = z
  .object({
    items: z.array(PartnershipDtoSchema),
    /** This workspace's own Workspace ID, shown top right of the Partners page. */
    workspaceId: z.string(),
    /** Partnership requests waiting for this workspace's decision (host approval or guest acceptance). */
    awaitingMyDecision: z.number().int(),
    abilities: z.object({ request: z.boolean(), viewAll: z.boolean() }),
  })
  .meta({ id: 'PartnershipList' });
export type PartnershipListResponse = z.infer<typeof PartnershipListResponseSchema>;

const trimmedEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX)
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const CreatePartnershipRequestSchema = z
  .object({
    /** The partner's Workspace ID (shown top right of their Partners page). */
    workspaceId: z.string().trim().min(1, 'Enter the Workspace ID.').max(100),
    partnerEmail: trimmedEmail,
    /** Required for non-Admins; ignored (not asked) for Admins (R-HG-05). */
    reason: z.string().trim().max(PARTNERSHIP_REASON_MAX).optional(),
  })
  .strict()
  .meta({ id: 'CreatePartnershipRequest' });
export type CreatePartnershipRequest = z.input<typeof CreatePartnershipRequestSchema>;

export const UpdatePartnershipRequestSchema = z
  .object({
    partnerEmail: trimmedEmail.optional(),
    reason: z.string().trim().max(PARTNERSHIP_REASON_MAX).optional(),
    allowManagerRequests: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'UpdatePartnershipRequest' });
export type UpdatePartnershipRequest = z.input<typeof UpdatePartnershipRequestSchema>;

export const DeclinePartnershipRequestSchema = z
  .object({ reason: z.string().trim().max(DECLINE_REASON_MAX).optional() })
  .strict()
  .meta({ id: 'DeclinePartnershipRequest' });

export const AcceptPartnershipRequestSchema = z
  .object({
    /** The Terms of Service checkbox (R-HG-06). Must be true. */
    acceptTerms: z.literal(true, { message: 'Accept the Terms of Service to continue.' }),
  })
  .strict()
  .meta({ id: 'AcceptPartnershipRequest' });

export const PartnershipOwnerRequestSchema = z.object({ userId: z.uuid() }).strict().meta({ id: 'PartnershipOwnerRequest' });
export const TransferPartnershipRequestSchema = z
  .object({ fromUserId: z.uuid(), toUserId: z.uuid() })
  .strict()
  .meta({ id: 'TransferPartnershipRequest' });
export const GuestContactRequestSchema = z.object({ userId: z.uuid() }).strict().meta({ id: 'GuestContactRequest' });

/** An account shared into the partnership (the Accounts tab). */
export const PartnershipAccountDtoSchema = z
  .object({
    accountId: z.uuid(),
    label: z.string(),
    application: z.string(),
    /** The role the guest contact received. */
    role: PartnershipAccountRoleSchema,
    sharedBy: PersonSchema.nullable(),
    sharedAt: z.iso.datetime(),
    /** Guest members with live access to it through this partnership. */
    memberCount: z.number().int(),
    abilities: z.object({ remove: z.boolean() }),
  })
  .meta({ id: 'PartnershipAccount' });
export type PartnershipAccountDto = z.infer<typeof PartnershipAccountDtoSchema>;

export const PartnershipAccountsResponseSchema = z
  .object({ items: z.array(PartnershipAccountDtoSchema) })
  .meta({ id: 'PartnershipAccounts' });

/** Accounts the actor may share into the partnership (the wizard's list): active, owned by the actor, not yet shared. */
export const ShareableAccountDtoSchema = z
  .object({ accountId: z.uuid(), label: z.string(), application: z.string(), username: z.string() })
  .meta({ id: 'ShareableAccount' });
export const ShareableAccountsResponseSchema = z
  .object({ items: z.array(ShareableAccountDtoSchema) })
  .meta({ id: 'ShareableAccounts' });

export const ShareAccountsRequestSchema = z
  .object({
    accounts: z
      .array(z.object({ accountId: z.uuid(), role: PartnershipAccountRoleSchema }).strict())
      .min(1, 'Select at least one account.')
      .max(SHARE_ACCOUNTS_MAX)
      .refine((a) => new Set(a.map((x) => x.accountId)).size === a.length, 'An account is listed twice.'),
  })
  .strict()
  .meta({ id: 'ShareAccountsRequest' });
export type ShareAccountsRequest = z.input<typeof ShareAccountsRequestSchema>;

/** A guest member's access to one account through the partnership (the Members tab). */
export const PartnershipMemberAccessDtoSchema = z
  .object({
    accountId: z.uuid(),
    accountLabel: z.string(),
    role: PartnershipAccountRoleSchema,
    grantedAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    abilities: z.object({ changeRole: z.boolean(), remove: z.boolean() }),
  })
  .meta({ id: 'PartnershipMemberAccess' });

export const PartnershipMemberDtoSchema = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    /** True for the guest contact (who receives shares). */
    isGuestContact: z.boolean(),
    accounts: z.array(PartnershipMemberAccessDtoSchema),
  })
  .meta({ id: 'PartnershipMember' });
export type PartnershipMemberDto = z.infer<typeof PartnershipMemberDtoSchema>;

export const PartnershipMembersResponseSchema = z
  .object({ items: z.array(PartnershipMemberDtoSchema) })
  .meta({ id: 'PartnershipMembers' });

export const ChangeMemberAccessRequestSchema = z
  .object({ role: PartnershipAccountRoleSchema })
  .strict()
  .meta({ id: 'ChangeMemberAccessRequest' });

// ── Access requests (§5.4) ──────────────────────────────────────────────────────────────────

export const AccessRequestStatusSchema = z.enum(['pending', 'accepted', 'declined', 'cancelled']);
export type AccessRequestStatus = z.infer<typeof AccessRequestStatusSchema>;

export const AccessRequestDtoSchema = z
  .object({
    id: z.uuid(),
    partnershipId: z.uuid(),
    accountId: z.uuid(),
    accountLabel: z.string(),
    /** The guest workspace's name (as the host sees it) or the host's (as the guest sees it). */
    partnerName: z.string(),
    requester: PersonSchema,
    target: PersonSchema,
    role: PartnershipAccountRoleSchema,
    status: AccessRequestStatusSchema,
    cancelReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
    /** The deciding host Owner; null when hidden from the guest side. */
    decidedBy: PersonSchema.nullable(),
    abilities: z.object({ accept: z.boolean(), decline: z.boolean(), cancel: z.boolean() }),
  })
  .meta({ id: 'AccessRequest' });
export type AccessRequestDto = z.infer<typeof AccessRequestDtoSchema>;

export const AccessRequestListQuerySchema = z
  .object({
    accountId: z.uuid().optional(),
    status: AccessRequestStatusSchema.optional(),
  })
  .strict();
export type AccessRequestListQuery = z.input<typeof AccessRequestListQuerySchema>;

export const AccessRequestListResponseSchema = z
  .object({ items: z.array(AccessRequestDtoSchema) })
  .meta({ id: 'AccessRequestList' });

export const CreateAccessRequestSchema = z
  .object({
    accountId: z.uuid(),
    userIds: z
      .array(z.uuid())
      .min(1, 'Pick at least one member.')
      .max(ACCESS_REQUEST_TARGETS_MAX)
      .refine((a) => new Set(a).size === a.length, 'A member is listed twice.'),
    role: PartnershipAccountRoleSchema.default('collaborator'),
  })
  .strict()
  .meta({ id: 'CreateAccessRequest' });
export type CreateAccessRequest = z.input<typeof CreateAccessRequestSchema>;

export const CreateAccessRequestResponseSchema = z
  .object({ items: z.array(AccessRequestDtoSchema) })
  .meta({ id: 'CreateAccessRequestResponse' });

/** Members of the requester's own workspace who may be picked as targets (name or email search). */
export const AccessRequestCandidatesQuerySchema = z
  .object({ accountId: z.uuid(), q: z.string().trim().max(200).optional() })
  .strict();
export const AccessRequestCandidateDtoSchema = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    /** Why the member cannot be picked, if so ("Already has access", "Request pending"). */
    unavailableReason: z.string().nullable(),
    /** Login-Only members can receive Collaborator only (R-HG-23, R-C-01). */
    maxRole: AccountRoleSchema,
  })
  .meta({ id: 'AccessRequestCandidate' });
export const AccessRequestCandidatesResponseSchema = z
  .object({
    items: z.array(AccessRequestCandidateDtoSchema),
    /** Whether the host lets Managers ask for the Manager role on this partnership (spec Q7). */
    managerRoleAllowed: z.boolean(),
  })
  .meta({ id: 'AccessRequestCandidates' });
