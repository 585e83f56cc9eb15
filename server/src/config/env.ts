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
  LATCHKEY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  LATCHKEY_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** Skip the demo seed on an empty database. */
  LATCHKEY_SKIP_SEED: bool.default(false),
  LATCHKEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* from a reverse proxy (for client IPs and https detection). */
  LATCHKEY_TRUST_PROXY: bool.default(false),
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
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  skipSeed: boolean;
  logLevel: Env['LATCHKEY_LOG_LEVEL'];
  trustProxy: boolean;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
    smtpUrl: e.LATCHKEY_SMTP_URL || undefined,
    mailFrom: e.LATCHKEY_MAIL_FROM,
    sessionIdleMs: e.LATCHKEY_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.LATCHKEY_SESSION_ABSOLUTE_HOURS * 3_600_000,
    skipSeed: e.LATCHKEY_SKIP_SEED,
    logLevel: e.LATCHKEY_LOG_LEVEL,
    trustProxy: e.LATCHKEY_TRUST_PROXY,
  };
}
