import { z } from 'zod';
import { type ACCOUNT_ROLE_ACTIONS, AccountRoleSchema, DirectAccountRoleSchema } from './permissions';

/**
 * Accounts vault contracts, shared by the API and the web app.
 * No route ever returns a password or a TOTP secret except POST /accounts/:id/reveal (Owners only);
 * every other DTO carries only `hasPassword` / `hasTotp`.
 */

export const ACCOUNT_LABEL_MAX = 200;
export const ACCOUNT_APPLICATION_MAX = 100;
export const ACCOUNT_LOGIN_URL_MAX = 2048;
export const ACCOUNT_USERNAME_MAX = 256;
export const ACCOUNT_PASSWORD_MAX = 1024;
export const ACCOUNT_NOTES_MAX = 10_000;
export const ACCOUNT_CUSTOM_FIELDS_MAX = 140;
export const CUSTOM_FIELD_NAME_MAX = 100;
export const CUSTOM_FIELD_VALUE_MAX = 2000;

const Label = z.string().trim().min(1, 'Enter a label.').max(ACCOUNT_LABEL_MAX);
const Application = z.string().trim().min(1, 'Enter the application (e.g. "Instagram").').max(ACCOUNT_APPLICATION_MAX);

/** An http(s) URL. Empty string is treated like "no URL". */
const LoginUrl = z
  .string()
  .trim()
  .max(ACCOUNT_LOGIN_URL_MAX)
  .refine(
    (s) => {
      if (s === '') return true;
      try {
        const u = new URL(s);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'Enter a web address starting with http:// or https://.' },
  )
  .transform((s) => (s === '' ? null : s));

const Username = z.string().max(ACCOUNT_USERNAME_MAX);
const Password = z.string().max(ACCOUNT_PASSWORD_MAX);

/** A base32 TOTP secret (16–128 characters). Spaces people paste are removed; letters are upper-cased. */
export const TotpSecretSchema = z
  .string()
  .max(256)
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(
    z
      .string()
      .min(16, 'The authenticator key is too short (at least 16 characters).')
      .max(128, 'The authenticator key is too long (at most 128 characters).')
      .regex(/^[A-Z2-7]+=*$/, 'The authenticator key must be base32 (letters A–Z and digits 2–7).'),
  );

const Notes = z.string().max(ACCOUNT_NOTES_MAX);

export const CustomFieldSchema = z.object({
  name: z.string().trim().min(1, 'Enter a field name.').max(CUSTOM_FIELD_NAME_MAX),
  value: z.string().max(CUSTOM_FIELD_VALUE_MAX),
});
export type CustomField = z.infer<typeof CustomFieldSchema>;
const CustomFields = z.array(CustomFieldSchema).max(ACCOUNT_CUSTOM_FIELDS_MAX);

export const CreateAccountRequestSchema = z
  .object({
    label: Label,
    application: Application,
    loginUrl: LoginUrl.nullable().optional(),
    username: Username.optional(),
    password: Password.optional(),
    totpSecret: TotpSecretSchema.optional(),
    notes: Notes.optional(),
    customFields: CustomFields.optional(),
  })
  .strict()
  .meta({ id: 'CreateAccountRequest' });
export type CreateAccountRequest = z.input<typeof CreateAccountRequestSchema>;

/** Every field optional. For password / totpSecret: a string sets it, null clears it, absent leaves it. */
export const UpdateAccountRequestSchema = z
  .object({
    label: Label.optional(),
    application: Application.optional(),
    loginUrl: LoginUrl.nullable().optional(),
    username: Username.optional(),
    password: Password.nullable().optional(),
    totpSecret: TotpSecretSchema.nullable().optional(),
    notes: Notes.optional(),
    customFields: CustomFields.optional(),
  })
  .strict()
  .meta({ id: 'UpdateAccountRequest' });
export type UpdateAccountRequest = z.input<typeof UpdateAccountRequestSchema>;

export const AccountStatusSchema = z.enum(['active', 'deleted']);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/** Per-object abilities, derived on the server from ACCOUNT_ROLE_ACTIONS and the account's status. */
export const ACCOUNT_ABILITY_KEYS = [
  'view',
  'login',
  'update',
  'revealSecret',
  'viewMembers',
  'share',
  'changeMemberRole',
  'removeMember',
  'delete',
  'restore',
  'viewActivity',
  'requestAccess',
  'shareWithGuests',
] as const;
export const AccountAbilityKeySchema = z.enum(ACCOUNT_ABILITY_KEYS);
export type AccountAbilityKey = z.infer<typeof AccountAbilityKeySchema>;
export const AccountAbilitiesSchema = z.object(
  Object.fromEntries(ACCOUNT_ABILITY_KEYS.map((k) => [k, z.boolean()])) as Record<AccountAbilityKey, z.ZodBoolean>,
);
export type AccountAbilities = Record<AccountAbilityKey, boolean>;

// Keep the ability keys in lockstep with the permission table (compile-time check).
type _AbilityKeysMatchActions =
  `account.${AccountAbilityKey}` extends (typeof ACCOUNT_ROLE_ACTIONS)[keyof typeof ACCOUNT_ROLE_ACTIONS][number] ? true : never;
const _abilityKeysMatch: _AbilityKeysMatchActions = true;
void _abilityKeysMatch;

export const PersonRefSchema = z.object({ name: z.string(), email: z.string() });
export type PersonRef = z.infer<typeof PersonRefSchema>;

export const AccountSummaryDtoSchema = z
  .object({
    id: z.uuid(),
    label: z.string(),
    application: z.string(),
    loginUrl: z.string().nullable(),
    username: z.string(),
    myRole: AccountRoleSchema,
    /** "Owner", "Manager", "Collaborator". */
    myRoleLabel: z.string(),
    status: AccountStatusSchema,
    hasPassword: z.boolean(),
    hasTotp: z.boolean(),
    updatedAt: z.iso.datetime(),
    /** The host workspace's name when the account was shared with this workspace through a partnership; null for the workspace's own accounts. */
    hostWorkspaceName: z.string().nullable(),
    abilities: AccountAbilitiesSchema,
  })
  .meta({ id: 'AccountSummary' });
export type AccountSummaryDto = z.infer<typeof AccountSummaryDtoSchema>;

export const AccountDetailDtoSchema = AccountSummaryDtoSchema.extend({
  notes: z.string(),
  customFields: z.array(CustomFieldSchema),
  createdAt: z.iso.datetime(),
  createdBy: PersonRefSchema.nullable(),
  deletedAt: z.iso.datetime().nullable(),
  /**
   * Local partners this account is shared with whose guests the viewer manages on it (a Host Admin
   * who Owns it): the account page shows them a Guest users tab (ADR 0012). Empty otherwise.
   */
  guestPartners: z.array(z.object({ id: z.uuid(), companyName: z.string() })),
}).meta({ id: 'AccountDetail' });
export type AccountDetailDto = z.infer<typeof AccountDetailDtoSchema>;

export const AccountsListQuerySchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    status: AccountStatusSchema.default('active'),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  });
// No `.meta({ id })` on query or params schemas: @fastify/swagger cannot resolve a $ref for parameters.
export type AccountsListQuery = z.input<typeof AccountsListQuerySchema>;

export const AccountsListResponseSchema = z
  .object({ items: z.array(AccountSummaryDtoSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AccountsListResponse' });
export type AccountsListResponse = z.infer<typeof AccountsListResponseSchema>;

export const SecretFieldSchema = z.enum(['password', 'totp']);
export type SecretField = z.infer<typeof SecretFieldSchema>;

export const RevealRequestSchema = z.object({ field: SecretFieldSchema }).strict().meta({ id: 'RevealRequest' });
export type RevealRequest = z.infer<typeof RevealRequestSchema>;

export const RevealResponseSchema = z
  .object({ field: SecretFieldSchema, value: z.string() })
  .meta({ id: 'RevealResponse' });
export type RevealResponse = z.infer<typeof RevealResponseSchema>;

export const AccountMemberDtoSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: AccountRoleSchema,
    roleLabel: z.string(),
    /** How the access was given: "direct" for now (partnerships add more sources later). */
    sharedVia: z.string(),
    grantedAt: z.iso.datetime(),
    grantedBy: PersonRefSchema.nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    isYou: z.boolean(),
    /** Set when the access comes through a host-guest partnership (sharedVia 'host_guest_partnership'). */
    partnership: z.object({ id: z.uuid(), guestWorkspaceName: z.string() }).nullable().optional(),
    /** Set when the access comes through a local partner (sharedVia 'local_partner'): managed on the Guest users tab. */
    localPartner: z.object({ id: z.uuid(), companyName: z.string() }).nullable().optional(),
    abilities: z.object({ changeRole: z.boolean(), remove: z.boolean() }),
  })
  .meta({ id: 'AccountMember' });
export type AccountMemberDto = z.infer<typeof AccountMemberDtoSchema>;

export const AccountMembersResponseSchema = z
  .object({ items: z.array(AccountMemberDtoSchema) })
  .meta({ id: 'AccountMembersResponse' });
export type AccountMembersResponse = z.infer<typeof AccountMembersResponseSchema>;

export const ShareAccountRequestSchema = z
  .object({ userId: z.uuid(), role: DirectAccountRoleSchema })
  .strict()
  .meta({ id: 'ShareAccountRequest' });
export type ShareAccountRequest = z.infer<typeof ShareAccountRequestSchema>;

export const ChangeAccountRoleRequestSchema = z
  .object({ role: DirectAccountRoleSchema })
  .strict()
  .meta({ id: 'ChangeAccountRoleRequest' });
export type ChangeAccountRoleRequest = z.infer<typeof ChangeAccountRoleRequestSchema>;

export const AccountParamsSchema = z.object({ accountId: z.uuid() });
export const AccountMemberParamsSchema = z.object({ accountId: z.uuid(), userId: z.uuid() });
