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
  'Account Deleted': z.object({ ...accountRef }),
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
  }),
  /** A member's access to an account was removed. */
  'Account Access Removed': z.object({ ...accountRef, ...userRef, role: AccountRoleSchema }),
  /** An Owner revealed or copied a secret. */
  'Password Retrieved': z.object({ ...accountRef, field: z.enum(['password', 'totp']) }),

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
