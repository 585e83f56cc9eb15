import { generate, generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 defaults, as every authenticator app expects them. */
export const TOTP_PERIOD_SECONDS = 30;
/** Accept the previous and the next time step too (clock drift between phone and server). */
export const TOTP_TOLERANCE_STEPS = 1;
export const TOTP_ISSUER = 'Latchkey';

/** A new 160-bit TOTP secret, base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans: issuer "Latchkey", label = the user's email. */
export function totpUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The time step (RFC 6238 counter) a moment falls in. */
export function totpStepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Check a 6-digit code at `at`, within ±1 step, refusing any step ≤ `lastStep` (replay).
 * Returns the matched time step, or null. The caller must still record the step atomically
 * (a conditional UPDATE), so two concurrent uses of one code cannot both pass.
 */
export async function matchTotp(secret: string, code: string, at: Date, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: TOTP_TOLERANCE_STEPS * TOTP_PERIOD_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  if (!result.valid || !('timeStep' in result)) return null;
  return result.timeStep;
}

/** The code an authenticator shows at `at` (used by tests and the demo seed). */
export function totpCodeAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}
