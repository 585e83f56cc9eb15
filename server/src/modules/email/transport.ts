import nodemailer from 'nodemailer';
import type { Config } from '../../config/env';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The outbox row id: sent as Message-ID material and the X-Latchkey-Message header, for tracing. */
  messageId: string;
}

/** Anything with pino's info/warn/error. */
export interface MailLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MailTransport {
  kind: 'smtp' | 'dev_mailbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * The transport the configuration asks for:
 * - LATCHKEY_SMTP_URL set: SMTP through nodemailer, with short timeouts (a hung server must not hold
 *   a message past its lease).
 * - otherwise the Dev mailbox: the message stays in the outbox table for the Dev mailbox page, and
 *   its id, recipient and subject are logged. Never the body: it can carry a one-time link (an
 *   invite token), and logs travel further than the database.
 */
export function createMailTransport(config: Pick<Config, 'smtpUrl'>, log: MailLogger): MailTransport {
  if (!config.smtpUrl) {
    return {
      kind: 'dev_mailbox',
      async send(m) {
        log.info({ mail: { id: m.messageId, to: m.to, subject: m.subject } }, `Dev mailbox: email to ${m.to}: ${m.subject}`);
      },
      close() {},
    };
  }
  const transporter = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(m) {
      const domain = /@([^>\s]+)>?\s*$/.exec(m.from)?.[1] ?? 'latchkey.local';
      await transporter.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: `<${m.messageId}@${domain}>`,
        headers: { 'X-Latchkey-Message': m.messageId, 'Auto-Submitted': 'auto-generated' },
      });
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * A delivery error as stored in `outbox.last_error`: the error's code and message, with anything
 * that looks like credentials in a URL removed, bounded in length.
 */
export function describeSendError(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
  const parts = [
    typeof e?.code === 'string' ? e.code : null,
    typeof e?.responseCode === 'number' ? String(e.responseCode) : null,
    typeof e?.message === 'string' ? e.message : String(err),
  ].filter(Boolean);
  return parts
    .join(' ')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, '$1[redacted]@')
    .replace(/\b(AUTH\s+\S+\s+)\S+/gi, '$1[redacted]')
    .slice(0, 500);
}
