import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token for links and cookies: 32 bytes (256 bits) from the CSPRNG, base64url. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy token, hex. Safe for lookup: the token is not guessable, so no salt is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A public, unguessable identifier: 130 bits as 26 Crockford base32 characters, e.g. a Workspace ID. */
export function newPublicId(): string {
  const bytes = randomBytes(17); // 136 bits; we use 130 of them
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out += CROCKFORD[Number(bits & 31n)];
    bits >>= 5n;
  }
  return out;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Lower-case and trim an email address; the only form stored or compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
