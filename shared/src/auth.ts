import { z } from 'zod';

/** The password policy's length bounds (the server also refuses very common passwords). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
import { GuestRoleSchema, WorkspaceAction, WorkspaceRoleSchema } from './permissions';

/**
 * Sign-in, MFA, session and password contracts, shared by the API and the web app.
 * Strings are bounded; limits are generous on input (the server enforces the real policy) so a
 * long password gives a policy message rather than a validation error.
 */

export const EMAIL_MAX = 254;
/** Upper bound on any password field in a request (the policy allows at most 128). */
export const PASSWORD_INPUT_MAX = 1024;

const Email = z.string().trim().min(1, 'Enter your email address.').max(EMAIL_MAX);
const Password = z.string().min(1, 'Enter your password.').max(PASSWORD_INPUT_MAX);
/** A 6-digit TOTP code. Spaces people type (e.g. "123 456") are removed. */
export const TotpCodeSchema = z
  .string()
  .max(16)
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

export const LoginRequestSchema = z.object({ email: Email, password: Password }).meta({ id: 'LoginRequest' });
export type LoginRequest = z.input<typeof LoginRequestSchema>;

export const SessionUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  mfaEnabled: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const SessionWorkspaceSchema = z.object({
  /** Internal id (used with POST /session/workspace). */
  id: z.uuid(),
  /** The Workspace ID people share with partners. */
  publicId: z.string(),
  name: z.string(),
});

/** The local partner a guest belongs to in the session's workspace (ADR 0012). */
export const SessionLocalPartnerSchema = z.object({ id: z.uuid(), companyName: z.string(), role: GuestRoleSchema });
export type SessionLocalPartner = z.infer<typeof SessionLocalPartnerSchema>;

export const MyWorkspaceSchema = z.object({ id: z.uuid(), name: z.string(), role: WorkspaceRoleSchema });
export type MyWorkspace = z.infer<typeof MyWorkspaceSchema>;

export const SessionDtoSchema = z
  .object({
    user: SessionUserSchema,
    workspace: SessionWorkspaceSchema,
    role: WorkspaceRoleSchema,
    /** "Owner", "Admin", "User", "Login-Only". */
    roleLabel: z.string(),
    abilities: z.record(WorkspaceAction, z.boolean()),
    /** Send as the X-CSRF-Token header on every state-changing request. */
    csrfToken: z.string(),
    /** Every workspace the user is an active member of (for the switcher). */
    workspaces: z.array(MyWorkspaceSchema),
    /** Set when the user is a guest of a local partner in this workspace. */
    localPartner: SessionLocalPartnerSchema.nullable(),
    /**
     * True for a guest who has not turned on two-step verification: until they do, every route but
     * MFA set-up answers 403 mfa_enrolment_required (R-GU-04).
     */
    mfaEnrolmentRequired: z.boolean(),
  })
  .meta({ id: 'Session' });
export type SessionDto = z.infer<typeof SessionDtoSchema>;

export const LoginResponseSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('signed_in'), session: SessionDtoSchema }),
    z.object({
      status: z.literal('mfa_required'),
      /** CSRF token of the pending session: send it as X-CSRF-Token with POST /auth/mfa. */
      csrfToken: z.string(),
    }),
  ])
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const MfaRequestSchema = z.object({ code: TotpCodeSchema }).meta({ id: 'MfaRequest' });
export type MfaRequest = z.input<typeof MfaRequestSchema>;

/** POST /auth/mfa answers with the full session. */
export const MfaResponseSchema = z.object({ status: z.literal('signed_in'), session: SessionDtoSchema });
export type MfaResponse = z.infer<typeof MfaResponseSchema>;

export const SwitchWorkspaceRequestSchema = z.object({ workspaceId: z.uuid() }).meta({ id: 'SwitchWorkspaceRequest' });
export type SwitchWorkspaceRequest = z.infer<typeof SwitchWorkspaceRequestSchema>;

export const ChangePasswordRequestSchema = z
  .object({ currentPassword: Password, newPassword: z.string().min(1, 'Enter a new password.').max(PASSWORD_INPUT_MAX) })
  .meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const ChangePasswordResponseSchema = z.object({ endedSessions: z.number().int() });
export type ChangePasswordResponse = z.infer<typeof ChangePasswordResponseSchema>;

export const MfaEnrolRequestSchema = z.object({ password: Password }).meta({ id: 'MfaEnrolRequest' });
export type MfaEnrolRequest = z.infer<typeof MfaEnrolRequestSchema>;

export const MfaEnrolResponseSchema = z
  .object({
    /** Base32 secret, for typing into an authenticator app. Shown once. */
    secret: z.string(),
    otpauthUrl: z.string(),
    /** A PNG QR code of otpauthUrl, as a data: URL. */
    qrDataUrl: z.string(),
  })
  .meta({ id: 'MfaEnrolResponse' });
export type MfaEnrolResponse = z.infer<typeof MfaEnrolResponseSchema>;

export const MfaConfirmRequestSchema = z.object({ code: TotpCodeSchema }).meta({ id: 'MfaConfirmRequest' });
export type MfaConfirmRequest = z.input<typeof MfaConfirmRequestSchema>;

export const MfaDisableRequestSchema = z
  .object({ password: Password, code: TotpCodeSchema })
  .meta({ id: 'MfaDisableRequest' });
export type MfaDisableRequest = z.input<typeof MfaDisableRequestSchema>;

/** Answer of POST /me/mfa/confirm and /me/mfa/disable. */
export const MfaStatusResponseSchema = z.object({ mfaEnabled: z.boolean() });
export type MfaStatusResponse = z.infer<typeof MfaStatusResponseSchema>;

/** Forced password resets (ADR 0012): the emailed link lives this long. */
export const PASSWORD_RESET_TTL_HOURS = 24;
/** Upper bound on a reset token in a request (tokens are 43 base64url characters). */
export const RESET_TOKEN_MAX = 200;
const ResetToken = z.string().trim().min(1, 'The reset link is incomplete.').max(RESET_TOKEN_MAX);

export const PasswordResetLookupRequestSchema = z.object({ token: ResetToken }).strict().meta({ id: 'PasswordResetLookupRequest' });
export const PasswordResetLookupResponseSchema = z.object({ email: z.string() }).meta({ id: 'PasswordResetLookupResponse' });
export type PasswordResetLookupResponse = z.infer<typeof PasswordResetLookupResponseSchema>;

export const PasswordResetCompleteRequestSchema = z
  .object({ token: ResetToken, newPassword: z.string().min(1, 'Choose a new password.').max(PASSWORD_INPUT_MAX) })
  .strict()
  .meta({ id: 'PasswordResetCompleteRequest' });
export type PasswordResetCompleteRequest = z.input<typeof PasswordResetCompleteRequestSchema>;
