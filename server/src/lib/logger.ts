import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from '../config/env';

/**
 * Paths pino must never print. Secrets are also kept out of log calls by construction (the vault
 * returns plaintext only to its callers), but redaction is the net under that.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  '*.totpSecret',
  '*.code',
];

export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  stream?: DestinationStream,
): FastifyServerOptions['logger'] {
  const base = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        // Query strings can carry invite tokens: log the path only.
        url: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
  return stream ? { ...base, stream } : base;
}
