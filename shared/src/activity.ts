import { z } from 'zod';
import { AccountRoleSchema, WorkspaceRoleSchema } from './permissions';

/**
 * The activity event union: a STORED CONTRACT. Rows written years ago must still parse.
 * - Add a new type freely; add optional fields to an existing type freely.
 * - Never rename a type, remove a field, or narrow a field's type. Write a migration if you must.
 * Names follow the spec's event names where it has them (partners-spec §3.10).
 */

const accountRef = { accountLabel: z.string() };
const userRef = { targetEmail: z.string() };
const partnershipRef = { partnershipId: z.string(), hostWorkspaceName: z.string(), guestWorkspaceName: z.string() };
const localPartnerRef = { localPartnerId: z.string(), companyName: z.string() };
const nativeHubRef = { nativeHubId: z.string(), platform: z.enum(['meta', 'tiktok', 'pinterest']), hubName: z.string() };
const nativePartnerRef = { nativePartnerId: z.string(), platform: z.enum(['meta', 'tiktok', 'pinterest']), partnerName: z.string() };
const nativePersonRef = { personExternalId: z.string(), personName: z.string().nullable(), personEmail: z.string().nullable() };
/** Set on member and grant events that happened through a local partner (ADR 0012). */
const viaLocalPartner = { localPartnerId: z.string().optional() };

export const ActivityEventSchemas = {
  /** Someone signed in to Latchkey (password, and MFA when enrolled). */
  'Login To Latchkey': z.object({ mfa: z.boolean() }),
  /** A sign-in failed: wrong password, wrong MFA code, or throttled. Email is never stored raw for unknown users. */
  'Login To Latchkey Failed': z.object({ reason: z.enum(['invalid_credentials', 'mfa_invalid', 'rate_limited']) }),
  /** The user signed out. */
  'Logout From Latchkey': z.object({}),
  /** The user changed their password; their other sessions ended. */
  'Password Changed': z.object({ endedSessions: z.number().int() }),
  /** The user turned on MFA. */
  'MFA Enabled': z.object({}),
  /** The user turned off MFA. */
  'MFA Disabled': z.object({}),

  /** A workspace was created (CLI or seed). */
  'Workspace Created': z.object({ name: z.string() }),
  /** The workspace name changed. */
  'Workspace Updated': z.object({ from: z.string(), to: z.string() }),
  /** The corporate domains changed (guests may not be invited on them, R-LP-05). */
  'Workspace Settings Updated': z.object({ corporateDomainsAdded: z.array(z.string()), corporateDomainsRemoved: z.array(z.string()) }),

  /** An invite was sent to an email address. */
  'User Invited': z.object({ ...userRef, role: WorkspaceRoleSchema, ...viaLocalPartner }),
  /** An invite email was sent again (with a fresh link). */
  'User Invite Resent': z.object({ ...userRef, ...viaLocalPartner }),
  /** A pending invite was revoked. */
  'User Invite Revoked': z.object({ ...userRef, ...viaLocalPartner }),
  /** An invite was accepted: the person joined the workspace (a guest also accepted the Terms of Service). */
  'User Created': z.object({ ...userRef, role: WorkspaceRoleSchema, ...viaLocalPartner }),
  /** A member's workspace role changed. */
  'User Updated': z.object({
    ...userRef,
    fromRole: WorkspaceRoleSchema,
    toRole: WorkspaceRoleSchema,
    /** Demotion to Login-Only: how many direct Owner grants became Collaborator (R-C-06). */
    downgradedGrants: z.number().int().optional(),
    ...viaLocalPartner,
  }),
  /** A member was removed: disabled, sessions and grants ended. */
  'User Deactivated': z.object({
    ...userRef,
    endedGrants: z.number().int(),
    endedSessions: z.number().int(),
    /** Accounts left without a live Owner, handed to the removing Admin so nothing is orphaned. */
    ownershipsTransferred: z.number().int().optional(),
    ...viaLocalPartner,
    /** Set when the removal came with removing their local partner. */
    reason: z.enum(['partner_removed']).optional(),
  }),
  /** An Admin reset a member's authenticator: they set up MFA again at their next sign-in (ADR 0012). */
  'User MFA Reset': z.object({ ...userRef, endedSessions: z.number().int(), ...viaLocalPartner }),
  /** An Admin forced a password reset: the old password stopped working and a reset link was emailed. */
  'User Password Reset Forced': z.object({ ...userRef, endedSessions: z.number().int(), ...viaLocalPartner }),
  /** The user chose a new password with a reset link; their sessions ended. */
  'Password Reset': z.object({ endedSessions: z.number().int() }),

  /** An account was added to the vault. */
  'Account Created': z.object({ ...accountRef, application: z.string() }),
  /** An account's details or secrets changed. Lists field names only, never values. */
  'Account Updated': z.object({ ...accountRef, fields: z.array(z.string()) }),
  /** An account was deleted (restorable). */
  'Account Deleted': z.object({
    ...accountRef,
    /** Pending access requests on it that were cancelled (spec §5.2, R-HG-22). */
    cancelledRequests: z.number().int().optional(),
  }),
  /** A deleted account was restored. */
  'Account Restored': z.object({ ...accountRef, restoredGrants: z.number().int() }),
  /** An account was shared with a member. */
  'Sharing Of Account': z.object({ ...accountRef, ...userRef, role: AccountRoleSchema, ...viaLocalPartner }),
  /** A member's role on an account changed. */
  'Account Role Updated': z.object({
    ...accountRef,
    ...userRef,
    fromRole: AccountRoleSchema,
    toRole: AccountRoleSchema,
    /** Set when the grant came through a host-guest partnership. */
    partnershipId: z.string().optional(),
    ...viaLocalPartner,
  }),
  /** A member's access to an account was removed. */
  'Account Access Removed': z.object({
    ...accountRef,
    ...userRef,
    role: AccountRoleSchema,
    /** Set when the grant came through a host-guest partnership. */
    partnershipId: z.string().optional(),
    ...viaLocalPartner,
  }),
  /** An Owner revealed or copied a secret. */
  'Password Retrieved': z.object({ ...accountRef, field: z.enum(['password', 'totp']) }),

  // ── Host-guest partnerships (spec §3.10). Every event carries the partnership and both names. ──
  /** A host user asked for a partnership. `autoApproved` when the requester is a host Admin (R-HG-05). */
  'Partnership Requested': z.object({
    ...partnershipRef,
    partnerEmail: z.string(),
    autoApproved: z.boolean(),
  }),
  /** One side said yes: the host Admin approved (`side: host`) or the guest Admin accepted with the Terms of Service (`side: guest`). */
  'Partnership Accepted': z.object({ ...partnershipRef, side: z.enum(['host', 'guest']) }),
  /** One side said no (spec Q1: `side` tells which). */
  'Partnership Declined': z.object({ ...partnershipRef, side: z.enum(['host', 'guest']), reason: z.string().optional() }),
  /** Details changed, a reminder or a resend went out, owners or the guest contact changed (spec Q16). */
  'Partnership Updated': z.object({
    ...partnershipRef,
    change: z.enum([
      'reminder_sent',
      'request_resent',
      'details_edited',
      'setting_changed',
      'owner_added',
      'owner_removed',
      'owners_transferred',
      'guest_contact_changed',
    ]),
    /** Field names for edits; never values of secrets (there are none here). */
    fields: z.array(z.string()).optional(),
    targetEmail: z.string().optional(),
  }),
  /** A pending request ran out of time (spec Q5). Written by the expiry job (no actor). */
  'Partnership Expired': z.object({ ...partnershipRef, fromState: z.string() }),
  /** The partnership ended; every grant through it ended and pending access requests were cancelled. */
  'Partnership Removed': z.object({
    ...partnershipRef,
    side: z.enum(['host', 'guest']),
    endedGrants: z.number().int(),
    cancelledRequests: z.number().int(),
  }),
  /** The Partnership Owner shared an account into the partnership; the guest contact got `role`. */
  'Account Shared Via Partnership': z.object({ ...partnershipRef, ...accountRef, role: AccountRoleSchema, targetEmail: z.string() }),
  /** An account left the partnership; every grant on it through the partnership ended. */
  'Account Removed From Partnership': z.object({
    ...partnershipRef,
    ...accountRef,
    endedGrants: z.number().int(),
    cancelledRequests: z.number().int(),
  }),
  /** A guest Manager asked the host's Owners to give a member of their workspace access (R-HG-11). */
  'Access Requested': z.object({ ...partnershipRef, ...accountRef, ...userRef, role: AccountRoleSchema }),
  /** A host account Owner accepted an access request: the target now holds `role`. */
  'Access Request Accepted': z.object({ ...partnershipRef, ...accountRef, ...userRef, role: AccountRoleSchema }),
  /** A host account Owner declined an access request. */
  'Access Request Declined': z.object({ ...partnershipRef, ...accountRef, ...userRef }),
  /**
   * A pending access request was cancelled: by the requester (no `reason`), or by a host Owner's
   * accept that found the requester or the target no longer fit (`reason`). Other automatic
   * cancellations are counted on the event that caused them.
   */
  'Access Request Cancelled': z.object({
    ...partnershipRef,
    ...accountRef,
    ...userRef,
    reason: z.enum(['requester_removed', 'requester_lost_manager', 'target_removed']).optional(),
  }),

  // ── Local partners (ADR 0012). Guests' own changes use the member and grant events above, with localPartnerId. ──
  /** An Admin added a local partner, named its Host Admins and invited its first Guest Admin. */
  'Local Partner Added': z.object({ ...localPartnerRef, guestAdminEmail: z.string(), hostAdminEmails: z.array(z.string()) }),
  /** A Host Admin was assigned or removed. */
  'Local Partner Updated': z.object({
    ...localPartnerRef,
    change: z.enum(['host_admin_added', 'host_admin_removed']),
    targetEmails: z.array(z.string()),
  }),
  /** The partner was removed: its guests were removed from the workspace, its shares ended, its Host Admins lost the role. */
  'Local Partner Removed': z.object({
    ...localPartnerRef,
    removedGuests: z.number().int(),
    endedSessions: z.number().int(),
    endedGrants: z.number().int(),
    revokedInvites: z.number().int(),
  }),
  /** A Host Admin shared an account with the partner; its Guest Admins (targetEmails) received `role`. */
  'Account Shared Via Local Partner': z.object({ ...localPartnerRef, ...accountRef, role: AccountRoleSchema, targetEmails: z.array(z.string()) }),
  /** An account left the partner: every grant on it through the partner ended. */
  'Account Removed From Local Partner': z.object({ ...localPartnerRef, ...accountRef, endedGrants: z.number().int() }),

  // ── Trusted devices and one-click log in (issue 5, ADR 0013). No secret and no ticket value is ever stored here. ──
  /** A user approved a browser extension: it became a trusted device of theirs in this workspace. */
  'Device Paired': z.object({ deviceId: z.string(), browser: z.string(), os: z.string() }),
  /** A trusted device was revoked: its next request is refused. */
  'Device Revoked': z.object({ deviceId: z.string(), browser: z.string(), os: z.string() }),
  /** The extension filled an account's login page: username, password and (when set) the current TOTP code. */
  'Log in': z.object({
    ...accountRef,
    deviceId: z.string(),
    browser: z.string(),
    os: z.string(),
    ip: z.string().nullable().optional(),
    totp: z.boolean(),
  }),
  /** A log in through the extension was refused; `reason` is the error code answered. */
  'Login attempt': z.object({
    accountLabel: z.string().optional(),
    deviceId: z.string(),
    browser: z.string(),
    os: z.string(),
    ip: z.string().nullable().optional(),
    reason: z.enum([
      'ticket_unknown',
      'ticket_used',
      'ticket_expired',
      'ticket_wrong_device',
      'ticket_origin_mismatch',
      'ticket_access_revoked',
      'device_revoked',
    ]),
    /** For ticket_origin_mismatch: the origin the extension tried to fill. */
    origin: z.string().optional(),
  }),
  // ── Native partners (ADR 0014): read-only platform data; daily-sync events have no actor. ──
  /** An Admin connected a business hub (and became its App Owner); `canRead`/`cannotRead` are what the credential could read. */
  'Native Hub Connected': z.object({ ...nativeHubRef, canRead: z.array(z.string()), cannotRead: z.array(z.string()) }),
  /** An App Owner replaced the hub's credential. */
  'Native Hub Credential Replaced': z.object({ ...nativeHubRef }),
  /** An App Owner disconnected the hub: its token is forgotten, its partners' people stay as last seen (stale, spec Q23). */
  'Native Hub Disconnected': z.object({ ...nativeHubRef, stalePeople: z.number().int() }),
  /** "Check for updates" found a partner with at least one of our assets shared with it (R-NP-01): Pending onboarding. */
  'Native Partner Discovered': z.object({ ...nativePartnerRef, sharedAssets: z.number().int() }),
  /** An App Owner connected the partner's credential: Onboarded. */
  'Native Partner Onboarded': z.object({ ...nativePartnerRef }),
  /** An App Owner disconnected the partner's token: back to Pending onboarding, people kept as stale (spec Q23). */
  'Native Partner Disconnected': z.object({ ...nativePartnerRef, stalePeople: z.number().int() }),
  /** A sync finished; counts are the difference from the previous completed sync (a first sync is the baseline). */
  'Native Sync Completed': z.object({
    ...nativePartnerRef,
    jobId: z.string(),
    trigger: z.enum(['manual', 'daily']),
    assets: z.number().int(),
    people: z.number().int(),
    newPeople: z.number().int(),
    lostPeople: z.number().int(),
    changedAccesses: z.number().int(),
    baseline: z.boolean(),
  }),
  /** A sync stopped; nothing it half-read counts as removed. */
  'Native Sync Not Completed': z.object({ ...nativePartnerRef, jobId: z.string(), trigger: z.enum(['manual', 'daily']), reason: z.string() }),
  /** A person of the partner appeared on our assets since the last sync. */
  'Native Partner Person Added': z.object({ ...nativePartnerRef, ...nativePersonRef, assets: z.array(z.object({ assetName: z.string().nullable(), level: z.string(), rawRoles: z.array(z.string()) })) }),
  /** A person of the partner is on none of our assets any more. */
  'Native Partner Person Removed': z.object({ ...nativePartnerRef, ...nativePersonRef }),
  /** A known person's access to one asset was granted, revoked or changed on the platform. */
  'Native Partner Permission Changed': z.object({
    ...nativePartnerRef,
    ...nativePersonRef,
    change: z.enum(['granted', 'revoked', 'changed']),
    assetExternalId: z.string(),
    assetName: z.string().nullable(),
    fromRoles: z.array(z.string()),
    toRoles: z.array(z.string()),
    fromLevel: z.string().nullable(),
    toLevel: z.string().nullable(),
  }),

  /** The key-encryption key was rotated; data keys were re-wrapped. */
  'Encryption Key Rotated': z.object({ fromVersion: z.number().int(), toVersion: z.number().int() }),
} as const;

export type ActivityEventType = keyof typeof ActivityEventSchemas;
export const ActivityEventTypeSchema = z.enum(
  Object.keys(ActivityEventSchemas) as [ActivityEventType, ...ActivityEventType[]],
);

export type ActivityEventData<T extends ActivityEventType> = z.infer<(typeof ActivityEventSchemas)[T]>;

/** What a service hands to the activity recorder: a type and its typed payload. */
export type ActivityEventInput = {
  [T in ActivityEventType]: { type: T; data: ActivityEventData<T> };
}[ActivityEventType];

/** Date presets of the Activity page. */
export const ActivityRangePresetSchema = z.enum(['today', 'last_7_days', 'last_30_days', 'last_3_months', 'custom']);
export type ActivityRangePreset = z.infer<typeof ActivityRangePresetSchema>;
