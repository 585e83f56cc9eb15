import { z } from 'zod';
import { EMAIL_MAX } from './auth';
import { ShareAccountsRequestSchema } from './partnerships';
import { AccountRoleSchema, GuestRoleSchema } from './permissions';

/**
 * Local partner contracts (/local-partners, /accounts/:id/guests), shared by the API and the web
 * app. The rules behind them: partners-spec §3.8, §4.4, §5.5–5.7, R-LP-01…19, R-GU-01…09 and
 * docs/decisions/0012-local-partners-and-guests.md.
 */

export const COMPANY_NAME_MAX = 100;
/** Host Admins named in one request (creation or "Assign partnership host"). */
export const HOST_ADMINS_PER_REQUEST_MAX = 20;
/** Guest Users one Guest Admin shares an account with in one request. */
export const GUEST_SHARE_TARGETS_MAX = 50;
/** Version of the guest Terms of Service accepted when joining; stored on the membership. */
export const LOCAL_PARTNER_TOS_VERSION = '2026-12';

export const LocalPartnerStatusSchema = z.enum(['active', 'removed']);
export type LocalPartnerStatus = z.infer<typeof LocalPartnerStatusSchema>;

/** The role the partner's Guest Admins receive on a shared account (R-LP-06). Never Owner. */
export const LocalPartnerAccountRoleSchema = z.enum(['manager', 'collaborator']);
export type LocalPartnerAccountRole = z.infer<typeof LocalPartnerAccountRoleSchema>;

/** The viewer's relation to a partner, for labels. */
export const LocalPartnerViewerRoleSchema = z.enum(['workspace_admin', 'host_admin', 'guest_admin', 'guest_user']);
export type LocalPartnerViewerRole = z.infer<typeof LocalPartnerViewerRoleSchema>;

/**
 * What the actor may do with this partner, computed on the server by the policy that enforces it
 * (server/src/modules/local-partners/local-partners.policy.ts).
 */
export const LOCAL_PARTNER_ABILITY_KEYS = [
  'viewUsers',
  'viewAccounts',
  /** Invite Guest Users. */
  'inviteGuests',
  /** Invite Guest Admins, too. */
  'inviteGuestAdmins',
  'manageHostAdmins',
  /** Share accounts the actor Owns with the partner (Host Admins, R-LP-06). */
  'shareAccounts',
  'removeAccounts',
  'remove',
] as const;
export const LocalPartnerAbilityKeySchema = z.enum(LOCAL_PARTNER_ABILITY_KEYS);
export type LocalPartnerAbilityKey = z.infer<typeof LocalPartnerAbilityKeySchema>;
export const LocalPartnerAbilitiesSchema = z.object(
  Object.fromEntries(LOCAL_PARTNER_ABILITY_KEYS.map((k) => [k, z.boolean()])) as Record<LocalPartnerAbilityKey, z.ZodBoolean>,
);
export type LocalPartnerAbilities = Record<LocalPartnerAbilityKey, boolean>;

const PersonSchema = z.object({ userId: z.uuid(), name: z.string(), email: z.string() });
export type LocalPartnerPerson = z.infer<typeof PersonSchema>;

export const LocalPartnerDtoSchema = z
  .object({
    id: z.uuid(),
    companyName: z.string(),
    status: LocalPartnerStatusSchema,
    createdAt: z.iso.datetime(),
    createdBy: PersonSchema.nullable(),
    hostAdmins: z.array(PersonSchema),
    guestAdminCount: z.number().int(),
    guestUserCount: z.number().int(),
    /** Invites not yet accepted (pending or expired). */
    pendingInviteCount: z.number().int(),
    sharedAccountCount: z.number().int(),
    /** How the viewer relates to it; null for an Admin who is not a Host Admin of it (they see it through their role). */
    myRole: LocalPartnerViewerRoleSchema.nullable(),
    removedAt: z.iso.datetime().nullable(),
    abilities: LocalPartnerAbilitiesSchema,
  })
  .meta({ id: 'LocalPartner' });
export type LocalPartnerDto = z.infer<typeof LocalPartnerDtoSchema>;

export const LocalPartnerListResponseSchema = z
  .object({
    items: z.array(LocalPartnerDtoSchema),
    abilities: z.object({ create: z.boolean() }),
  })
  .meta({ id: 'LocalPartnerList' });
export type LocalPartnerListResponse = z.infer<typeof LocalPartnerListResponseSchema>;

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address.')
  .max(EMAIL_MAX)
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const CompanyNameSchema = z
  .string()
  .trim()
  .min(1, "Enter your partner's company name.")
  .max(COMPANY_NAME_MAX, `The company name can be at most ${COMPANY_NAME_MAX} characters.`);

const UserIds = z
  .array(z.uuid())
  .max(HOST_ADMINS_PER_REQUEST_MAX)
  .refine((a) => new Set(a).size === a.length, 'A person is listed twice.');

export const CreateLocalPartnerRequestSchema = z
  .object({
    companyName: CompanyNameSchema,
    /** The first Guest Admin (R-LP-03: the role is fixed). */
    guestAdminEmail: Email,
    /** "Assign a partnership host": yourself and/or other workspace users (at least one). */
    hostAdminUserIds: UserIds.min(1, 'Choose at least one Host Admin.'),
  })
  .strict()
  .meta({ id: 'CreateLocalPartnerRequest' });
export type CreateLocalPartnerRequest = z.input<typeof CreateLocalPartnerRequestSchema>;

export const AddHostAdminsRequestSchema = z
  .object({ userIds: UserIds.min(1, 'Choose at least one person.') })
  .strict()
  .meta({ id: 'AddHostAdminsRequest' });
export type AddHostAdminsRequest = z.input<typeof AddHostAdminsRequestSchema>;

export const InviteGuestRequestSchema = z
  .object({ email: Email, role: GuestRoleSchema.default('guest_user') })
  .strict()
  .meta({ id: 'InviteGuestRequest' });
export type InviteGuestRequest = z.input<typeof InviteGuestRequestSchema>;

export const ChangeGuestRoleRequestSchema = z.object({ role: GuestRoleSchema }).strict().meta({ id: 'ChangeGuestRoleRequest' });
export type ChangeGuestRoleRequest = z.input<typeof ChangeGuestRoleRequestSchema>;

/** A guest of the partner (the Users tab). */
export const LocalPartnerGuestDtoSchema = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: GuestRoleSchema,
    /** "Guest Admin" or "Guest User". */
    roleLabel: z.string(),
    /** `mfa_pending`: joined but has not turned on two-step verification yet, so they can open no account. */
    status: z.enum(['active', 'mfa_pending']),
    joinedAt: z.iso.datetime(),
    /** Last time they used Latchkey in this workspace. */
    lastActiveAt: z.iso.datetime().nullable(),
    /** Accounts they hold live access to in this workspace. */
    accountCount: z.number().int(),
    isYou: z.boolean(),
    abilities: z.object({ changeRole: z.boolean(), remove: z.boolean(), resetMfa: z.boolean(), forcePasswordReset: z.boolean() }),
  })
  .meta({ id: 'LocalPartnerGuest' });
export type LocalPartnerGuestDto = z.infer<typeof LocalPartnerGuestDtoSchema>;

export const LocalPartnerInviteDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: GuestRoleSchema,
    roleLabel: z.string(),
    /** 'expired' once expiresAt has passed; an expired invite can be re-sent. */
    status: z.enum(['pending', 'expired']),
    invitedBy: z.object({ name: z.string(), email: z.string() }),
    sentAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    abilities: z.object({ resend: z.boolean(), revoke: z.boolean() }),
  })
  .meta({ id: 'LocalPartnerInvite' });
export type LocalPartnerInviteDto = z.infer<typeof LocalPartnerInviteDtoSchema>;

export const LocalPartnerHostAdminDtoSchema = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    addedAt: z.iso.datetime(),
    isYou: z.boolean(),
    abilities: z.object({ remove: z.boolean() }),
  })
  .meta({ id: 'LocalPartnerHostAdmin' });
export type LocalPartnerHostAdminDto = z.infer<typeof LocalPartnerHostAdminDtoSchema>;

export const LocalPartnerUsersResponseSchema = z
  .object({
    hostAdmins: z.array(LocalPartnerHostAdminDtoSchema),
    guests: z.array(LocalPartnerGuestDtoSchema),
    /** Empty unless the viewer may invite. */
    invites: z.array(LocalPartnerInviteDtoSchema),
  })
  .meta({ id: 'LocalPartnerUsers' });
export type LocalPartnerUsersResponse = z.infer<typeof LocalPartnerUsersResponseSchema>;

export const CreateLocalPartnerResponseSchema = z
  .object({ partner: LocalPartnerDtoSchema, invite: LocalPartnerInviteDtoSchema })
  .meta({ id: 'CreateLocalPartnerResponse' });
export type CreateLocalPartnerResponse = z.infer<typeof CreateLocalPartnerResponseSchema>;

export const LocalPartnerInviteResponseSchema = z.object({ invite: LocalPartnerInviteDtoSchema }).meta({ id: 'LocalPartnerInviteResponse' });
export const LocalPartnerGuestResponseSchema = z.object({ guest: LocalPartnerGuestDtoSchema }).meta({ id: 'LocalPartnerGuestResponse' });

/** DELETE /local-partners/:id/guests/:userId: what the removal ended. */
export const RemoveGuestResponseSchema = z
  .object({ endedSessions: z.number().int(), endedGrants: z.number().int() })
  .meta({ id: 'RemoveGuestResponse' });
export type RemoveGuestResponse = z.infer<typeof RemoveGuestResponseSchema>;

/** DELETE /local-partners/:id: what the removal ended. */
export const RemoveLocalPartnerResponseSchema = z
  .object({
    partner: LocalPartnerDtoSchema,
    removedGuests: z.number().int(),
    endedSessions: z.number().int(),
    endedGrants: z.number().int(),
    revokedInvites: z.number().int(),
  })
  .meta({ id: 'RemoveLocalPartnerResponse' });
export type RemoveLocalPartnerResponse = z.infer<typeof RemoveLocalPartnerResponseSchema>;

/** An account shared with the partner (the Accounts tab). */
export const LocalPartnerAccountDtoSchema = z
  .object({
    accountId: z.uuid(),
    label: z.string(),
    application: z.string(),
    /** The role its Guest Admins received. */
    role: LocalPartnerAccountRoleSchema,
    sharedBy: PersonSchema.nullable(),
    sharedAt: z.iso.datetime(),
    /** Guests holding live access to it through the partner. */
    guestCount: z.number().int(),
    abilities: z.object({ remove: z.boolean(), shareWithGuests: z.boolean() }),
  })
  .meta({ id: 'LocalPartnerAccount' });
export type LocalPartnerAccountDto = z.infer<typeof LocalPartnerAccountDtoSchema>;

export const LocalPartnerAccountsResponseSchema = z
  .object({ items: z.array(LocalPartnerAccountDtoSchema) })
  .meta({ id: 'LocalPartnerAccounts' });
export type LocalPartnerAccountsResponse = z.infer<typeof LocalPartnerAccountsResponseSchema>;

/**
 * Accounts the actor may share with the partner (the wizard): active, Owned by the actor. An
 * account already shared carries its role: sharing it again gives that role to the Guest Admins
 * who do not hold it yet (ADR 0012).
 */
export const LocalPartnerShareableAccountDtoSchema = z
  .object({
    accountId: z.uuid(),
    label: z.string(),
    application: z.string(),
    username: z.string(),
    sharedRole: LocalPartnerAccountRoleSchema.nullable(),
  })
  .meta({ id: 'LocalPartnerShareableAccount' });
export const LocalPartnerShareableAccountsResponseSchema = z
  .object({ items: z.array(LocalPartnerShareableAccountDtoSchema) })
  .meta({ id: 'LocalPartnerShareableAccounts' });
export type LocalPartnerShareableAccountDto = z.infer<typeof LocalPartnerShareableAccountDtoSchema>;
export type LocalPartnerShareableAccountsResponse = z.infer<typeof LocalPartnerShareableAccountsResponseSchema>;

/** Same shape as a partnership share: accounts with the role the Guest Admins receive. */
export const ShareWithLocalPartnerRequestSchema = ShareAccountsRequestSchema;
export type ShareWithLocalPartnerRequest = z.input<typeof ShareWithLocalPartnerRequestSchema>;

export const ShareWithLocalPartnerResponseSchema = z
  .object({
    items: z.array(LocalPartnerAccountDtoSchema),
    /** Grants created for the partner's Guest Admins. */
    grantsCreated: z.number().int(),
  })
  .meta({ id: 'ShareWithLocalPartnerResponse' });
export type ShareWithLocalPartnerResponse = z.infer<typeof ShareWithLocalPartnerResponseSchema>;

/** A Guest User a Guest Admin may pass the account on to (the "Share Access" dialog). */
export const GuestShareCandidateDtoSchema = z
  .object({ userId: z.uuid(), name: z.string(), email: z.string(), hasAccess: z.boolean() })
  .meta({ id: 'GuestShareCandidate' });
export const GuestShareCandidatesResponseSchema = z
  .object({ items: z.array(GuestShareCandidateDtoSchema) })
  .meta({ id: 'GuestShareCandidates' });
export type GuestShareCandidateDto = z.infer<typeof GuestShareCandidateDtoSchema>;
export type GuestShareCandidatesResponse = z.infer<typeof GuestShareCandidatesResponseSchema>;

export const ShareWithGuestsRequestSchema = z
  .object({
    userIds: z
      .array(z.uuid())
      .min(1, 'Choose at least one guest user.')
      .max(GUEST_SHARE_TARGETS_MAX)
      .refine((a) => new Set(a).size === a.length, 'A person is listed twice.'),
  })
  .strict()
  .meta({ id: 'ShareWithGuestsRequest' });
export type ShareWithGuestsRequest = z.input<typeof ShareWithGuestsRequestSchema>;

export const ShareWithGuestsResponseSchema = z
  .object({ granted: z.array(z.object({ userId: z.uuid(), email: z.string() })) })
  .meta({ id: 'ShareWithGuestsResponse' });
export type ShareWithGuestsResponse = z.infer<typeof ShareWithGuestsResponseSchema>;

/** A guest with access to an account (the account's Guest users tab, for its Host Admins). */
export const AccountGuestDtoSchema = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    localPartner: z.object({ id: z.uuid(), companyName: z.string() }),
    partnerRole: GuestRoleSchema,
    partnerRoleLabel: z.string(),
    /** Their strongest live role on the account. */
    role: AccountRoleSchema,
    roleLabel: z.string(),
    /** 'local_partner' (through the partner) or 'direct' (an Owner shared it with them directly). */
    sharedVia: z.enum(['local_partner', 'direct']),
    grantedAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    /** Workspace status: `mfa_pending` until they turn on two-step verification. */
    status: z.enum(['active', 'mfa_pending']),
    abilities: z.object({ changeRole: z.boolean(), remove: z.boolean() }),
  })
  .meta({ id: 'AccountGuest' });
export type AccountGuestDto = z.infer<typeof AccountGuestDtoSchema>;

export const AccountGuestsResponseSchema = z.object({ items: z.array(AccountGuestDtoSchema) }).meta({ id: 'AccountGuests' });
export type AccountGuestsResponse = z.infer<typeof AccountGuestsResponseSchema>;

export const ChangeAccountGuestRoleRequestSchema = z
  .object({ role: LocalPartnerAccountRoleSchema })
  .strict()
  .meta({ id: 'ChangeAccountGuestRoleRequest' });
export type ChangeAccountGuestRoleRequest = z.input<typeof ChangeAccountGuestRoleRequestSchema>;

export const LocalPartnerParamsSchema = z.object({ id: z.uuid() });
export const LocalPartnerUserParamsSchema = z.object({ id: z.uuid(), userId: z.uuid() });
export const LocalPartnerInviteParamsSchema = z.object({ id: z.uuid(), inviteId: z.uuid() });
export const LocalPartnerAccountParamsSchema = z.object({ id: z.uuid(), accountId: z.uuid() });
export const AccountGuestParamsSchema = z.object({ accountId: z.uuid(), userId: z.uuid() });
