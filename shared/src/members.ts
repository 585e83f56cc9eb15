import { z } from 'zod';
import { EMAIL_MAX, PASSWORD_INPUT_MAX, SessionDtoSchema } from './auth';
import { AssignableWorkspaceRoleSchema, GuestRoleSchema, WorkspaceRoleSchema } from './permissions';

/** Members and invites contracts (/members, /invites), shared by the API and the web app. */

export const MEMBER_NAME_MAX = 100;
/** Invites expire this long after they are sent (or re-sent). */
export const INVITE_TTL_DAYS = 3;
/** Upper bound on an invite token in a request (tokens are 43 base64url characters). */
export const INVITE_TOKEN_MAX = 200;

/** Roles an invite carries: a member role, or a guest role of a local partner (ADR 0012). */
export const InviteRoleSchema = z.enum([...AssignableWorkspaceRoleSchema.options, ...GuestRoleSchema.options]);
export type InviteRole = z.infer<typeof InviteRoleSchema>;

/** The local partner a guest (or a guest invite) belongs to. */
export const MemberLocalPartnerSchema = z.object({ id: z.uuid(), companyName: z.string() });

export const MemberStatusSchema = z.enum(['active', 'removed']);
export type MemberStatus = z.infer<typeof MemberStatusSchema>;

export const MemberDtoSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: WorkspaceRoleSchema,
    /** "Owner", "Admin", "User", "Login-Only", "Guest Admin", "Guest User". */
    roleLabel: z.string(),
    /** Guests only: their local partner. Their role is changed there, not on the Members page. */
    localPartner: MemberLocalPartnerSchema.nullable(),
    /** False until the member turned on two-step verification (guests must, R-GU-04). */
    mfaEnabled: z.boolean(),
    status: MemberStatusSchema,
    /** ISO 8601. */
    joinedAt: z.string(),
    /** ISO 8601, or null if the member has not been active in this workspace yet. */
    lastActiveAt: z.string().nullable(),
    /** True for the signed-in member's own row. */
    isYou: z.boolean(),
    abilities: z.object({ changeRole: z.boolean(), remove: z.boolean(), resetMfa: z.boolean(), forcePasswordReset: z.boolean() }),
  })
  .meta({ id: 'Member' });
export type MemberDto = z.infer<typeof MemberDtoSchema>;

export const InviteStatusSchema = z.enum(['pending', 'expired']);
export type InviteStatus = z.infer<typeof InviteStatusSchema>;

export const InviteDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: InviteRoleSchema,
    /** Guest invites only: the local partner the invitee joins. */
    localPartner: MemberLocalPartnerSchema.nullable(),
    /** 'expired' once expiresAt has passed; an expired invite can be re-sent. */
    status: InviteStatusSchema,
    invitedBy: z.object({ name: z.string(), email: z.string() }),
    /** ISO 8601: when the current link was sent. */
    sentAt: z.string(),
    /** ISO 8601. */
    expiresAt: z.string(),
    abilities: z.object({ resend: z.boolean(), revoke: z.boolean() }),
  })
  .meta({ id: 'Invite' });
export type InviteDto = z.infer<typeof InviteDtoSchema>;

export const MembersListResponseSchema = z
  .object({
    members: z.array(MemberDtoSchema),
    /** Pending and expired invites; empty unless the actor may invite. */
    invites: z.array(InviteDtoSchema),
  })
  .meta({ id: 'MembersListResponse' });
export type MembersListResponse = z.infer<typeof MembersListResponseSchema>;

const Email = z
  .string()
  .trim()
  .min(1, 'Enter an email address.')
  .max(EMAIL_MAX)
  .pipe(z.email('Enter a valid email address.'));

export const InviteRequestSchema = z
  .object({ email: Email, role: AssignableWorkspaceRoleSchema })
  .strict()
  .meta({ id: 'InviteRequest' });
export type InviteRequest = z.input<typeof InviteRequestSchema>;

export const InviteResponseSchema = z.object({ invite: InviteDtoSchema }).meta({ id: 'InviteResponse' });
export type InviteResponse = z.infer<typeof InviteResponseSchema>;

export const ChangeRoleRequestSchema = z
  .object({ role: AssignableWorkspaceRoleSchema })
  .strict()
  .meta({ id: 'ChangeRoleRequest' });
export type ChangeRoleRequest = z.input<typeof ChangeRoleRequestSchema>;

export const MemberResponseSchema = z.object({ member: MemberDtoSchema }).meta({ id: 'MemberResponse' });
export type MemberResponse = z.infer<typeof MemberResponseSchema>;

const Token = z.string().trim().min(1, 'The invite link is incomplete.').max(INVITE_TOKEN_MAX);

export const InviteLookupRequestSchema = z
  .object({ token: Token })
  .strict()
  .meta({ id: 'InviteLookupRequest' });
export type InviteLookupRequest = z.input<typeof InviteLookupRequestSchema>;

export const InviteLookupResponseSchema = z
  .object({
    workspaceName: z.string(),
    email: z.string(),
    role: InviteRoleSchema,
    /** True when a Latchkey login with this email exists: the person must sign in first, then accept. */
    existingUser: z.boolean(),
    /** Guest invites: the partner company they join as, and the Terms of Service version to accept. */
    localPartner: z.object({ companyName: z.string() }).nullable(),
    termsVersion: z.string().nullable(),
  })
  .meta({ id: 'InviteLookupResponse' });
export type InviteLookupResponse = z.infer<typeof InviteLookupResponseSchema>;

/**
 * New person: token + name + password (creates the login, signs in).
 * Existing user: token only, sent while signed in as the invited email (with X-CSRF-Token).
 * Guest invites (ADR 0012) also need `acceptTerms: true`; a new guest gives a family name too.
 */
export const AcceptInviteRequestSchema = z
  .object({
    token: Token,
    name: z.string().trim().min(1, 'Enter your name.').max(MEMBER_NAME_MAX).optional(),
    familyName: z.string().trim().min(1, 'Enter your family name.').max(MEMBER_NAME_MAX).optional(),
    password: z.string().min(1, 'Choose a password.').max(PASSWORD_INPUT_MAX).optional(),
    /** The guest Terms of Service checkbox. */
    acceptTerms: z.literal(true, { message: 'Accept the Terms of Service to continue.' }).optional(),
  })
  .strict()
  .meta({ id: 'AcceptInviteRequest' });
export type AcceptInviteRequest = z.input<typeof AcceptInviteRequestSchema>;

/** POST /invites/accept answers with the full session, now in the invite's workspace. */
export const AcceptInviteResponseSchema = z
  .object({ status: z.literal('signed_in'), session: SessionDtoSchema })
  .meta({ id: 'AcceptInviteResponse' });
export type AcceptInviteResponse = z.infer<typeof AcceptInviteResponseSchema>;

/** DELETE /members/:userId: what the removal ended. */
export const RemoveMemberResponseSchema = z
  .object({
    member: MemberDtoSchema,
    endedSessions: z.number().int(),
    endedGrants: z.number().int(),
    /** Accounts that had no other Owner: you are now their Owner. */
    ownershipsTransferred: z.number().int(),
  })
  .meta({ id: 'RemoveMemberResponse' });
export type RemoveMemberResponse = z.infer<typeof RemoveMemberResponseSchema>;

/** POST /members/:userId/reset-mfa and /force-password-reset: what the reset ended. */
export const MemberResetResponseSchema = z.object({ endedSessions: z.number().int() }).meta({ id: 'MemberResetResponse' });
export type MemberResetResponse = z.infer<typeof MemberResetResponseSchema>;
