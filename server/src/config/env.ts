import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Latchkey reads from the environment, validated once at start.
 * The README's configuration table mirrors this file: keep them in step.
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** Base URL used in emailed links; also decides Secure/__Host- cookies when https. */
  LATCHKEY_PUBLIC_URL: z.url().optional(),
  /** PostgreSQL connection string. Unset: embedded PGlite under LATCHKEY_DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  LATCHKEY_DATA_DIR: z.string().default('.data'),
  /** Base64 of 32 random bytes, or a keyring "v1:<b64>,v2:<b64>" (the highest version encrypts). */
  LATCHKEY_MASTER_KEY: z.string().optional(),
  /** smtp://user:pass@host:port. Unset: messages are kept for the Dev mailbox page. */
  LATCHKEY_SMTP_URL: z.string().optional(),
  LATCHKEY_MAIL_FROM: z.string().default('Latchkey <no-reply@latchkey.local>'),
  /**
   * Keep outgoing email in the database and show it on the public Dev mailbox page instead of
   * sending it. Default: on when LATCHKEY_SMTP_URL is unset and NODE_ENV is not production; in
   * production it must be set explicitly. Never with LATCHKEY_SMTP_URL.
   */
  LATCHKEY_DEV_MAILBOX: bool.optional(),
  LATCHKEY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  LATCHKEY_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** Skip the demo seed on an empty database. */
  LATCHKEY_SKIP_SEED: bool.default(false),
  LATCHKEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* from a reverse proxy (for client IPs and https detection). */
  LATCHKEY_TRUST_PROXY: bool.default(false),
  /** A pending host-guest partnership request expires this many days after it was (re)sent (spec Q5). */
  LATCHKEY_PARTNERSHIP_REQUEST_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Port of the demo target site ("Demo Analytics", demo-site/) that `npm start` runs beside Latchkey; 0 disables it. */
  LATCHKEY_DEMO_SITE_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** Native partners (ADR 0014): the platform API base URLs. Tests and demos point them at local fakes. */
  LATCHKEY_META_API_URL: z.url().default('https://graph.facebook.com/v25.0'),
  LATCHKEY_TIKTOK_API_URL: z.url().default('https://business-api.tiktok.com/open_api/v1.3'),
  LATCHKEY_PINTEREST_API_URL: z.url().default('https://api.pinterest.com/v5'),
  /** Hours between the daily syncs of every onboarded native partner (0 turns the schedule off). */
  LATCHKEY_NATIVE_SYNC_INTERVAL_HOURS: z.coerce.number().int().min(0).max(24 * 7).default(24),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string;
  /** True when the public URL is https: cookies get Secure and the __Host- prefix. */
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  masterKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Outgoing email is kept for the Dev mailbox page (no SMTP); the /dev/mailbox routes answer. */
  devMailbox: boolean;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  skipSeed: boolean;
  logLevel: Env['LATCHKEY_LOG_LEVEL'];
  trustProxy: boolean;
  /** How long a pending partnership request lives before the expiry job ends it. */
  partnershipRequestTtlMs: number;
  /** Port of the demo target site started beside Latchkey; 0: not started. */
  demoSitePort: number;
  /** Platform API base URLs for native partners (no trailing slash). */
  nativeApiUrls: { meta: string; tiktok: string; pinterest: string };
  /** Interval of the scheduled native partner sync; 0 = off. */
  nativeSyncIntervalMs: number;
}

/**
 * An empty (or blank) variable means unset, for every setting: `LATCHKEY_DEV_MAILBOX=` in a
 * compose file or `.env` gets the default, exactly like leaving the line out (booleans and
 * numbers used to reject or coerce '' instead).
 */
export function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(EnvSchema.shape).map((k) => [k, source[k]?.trim() ? source[k] : undefined]));
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmptyValues(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const smtpUrl = e.LATCHKEY_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//i.test(smtpUrl)) {
    throw new Error('Invalid configuration:\n  LATCHKEY_SMTP_URL: use smtp://user:pass@host:port or smtps://user:pass@host:465');
  }
  if (smtpUrl && e.LATCHKEY_DEV_MAILBOX === true) {
    throw new Error(
      'Invalid configuration:\n  LATCHKEY_DEV_MAILBOX: the Dev mailbox keeps email instead of sending it; unset it when LATCHKEY_SMTP_URL is set',
    );
  }
  if (!smtpUrl && e.LATCHKEY_DEV_MAILBOX === undefined && e.NODE_ENV === 'production') {
    throw new Error(
      'Invalid configuration:\n  LATCHKEY_SMTP_URL: set it so Latchkey can send email, or set LATCHKEY_DEV_MAILBOX=1 to keep email on the public Dev mailbox page (not for real use)',
    );
  }
  if (!smtpUrl && e.LATCHKEY_DEV_MAILBOX === false) {
    throw new Error(
      'Invalid configuration:\n  LATCHKEY_DEV_MAILBOX: with the Dev mailbox off, set LATCHKEY_SMTP_URL so email has somewhere to go',
    );
  }
  const publicUrl = (e.LATCHKEY_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: path.resolve(e.LATCHKEY_DATA_DIR),
    masterKey: e.LATCHKEY_MASTER_KEY || undefined,
    smtpUrl,
    mailFrom: e.LATCHKEY_MAIL_FROM,
    devMailbox: !smtpUrl,
    sessionIdleMs: e.LATCHKEY_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.LATCHKEY_SESSION_ABSOLUTE_HOURS * 3_600_000,
    skipSeed: e.LATCHKEY_SKIP_SEED,
    logLevel: e.LATCHKEY_LOG_LEVEL,
    trustProxy: e.LATCHKEY_TRUST_PROXY,
    partnershipRequestTtlMs: e.LATCHKEY_PARTNERSHIP_REQUEST_TTL_DAYS * 86_400_000,
    demoSitePort: e.LATCHKEY_DEMO_SITE_PORT,
    nativeApiUrls: {
      meta: e.LATCHKEY_META_API_URL.replace(/\/+$/, ''),
      tiktok: e.LATCHKEY_TIKTOK_API_URL.replace(/\/+$/, ''),
      pinterest: e.LATCHKEY_PINTEREST_API_URL.replace(/\/+$/, ''),
    },
    nativeSyncIntervalMs: e.LATCHKEY_NATIVE_SYNC_INTERVAL_HOURS * 3_600_000,
  };
}
