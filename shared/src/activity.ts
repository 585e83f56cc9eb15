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

  /** An invite was sent to an email address. */
  'User Invited': z.object({ ...userRef, role: WorkspaceRoleSchema }),
  /** An invite email was sent again (with a fresh link). */
  'User Invite Resent': z.object({ ...userRef }),
  /** A pending invite was revoked. */
  'User Invite Revoked': z.object({ ...userRef }),
  /** An invite was accepted: the person joined the workspace. */
  'User Created': z.object({ ...userRef, role: WorkspaceRoleSchema }),
  /** A member's workspace role changed. */
  'User Updated': z.object({
    ...userRef,
    fromRole: WorkspaceRoleSchema,
    toRole: WorkspaceRoleSchema,
    /** Demotion to Login-Only: how many direct Owner grants became Collaborator (R-C-06). */
    downgradedGrants: z.number().int().optional(),
  }),
  /** A member was removed: disabled, sessions and grants ended. */
  'User Deactivated': z.object({
    ...userRef,
    endedGrants: z.number().int(),
    endedSessions: z.number().int(),
    /** Accounts left without a live Owner, handed to the removing Admin so nothing is orphaned. */
    ownershipsTransferred: z.number().int().optional(),
  }),

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
  'Sharing Of Account': z.object({ ...accountRef, ...userRef, role: AccountRoleSchema }),
  /** A member's role on an account changed. */
  'Account Role Updated': z.object({
    ...accountRef,
    ...userRef,
    fromRole: AccountRoleSchema,
    toRole: AccountRoleSchema,
    /** Set when the grant came through a host-guest partnership. */
    partnershipId: z.string().optional(),
  }),
  /** A member's access to an account was removed. */
  'Account Access Removed': z.object({
    ...accountRef,
    ...userRef,
    role: AccountRoleSchema,
    /** Set when the grant came through a host-guest partnership. */
    partnershipId: z.string().optional(),
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
