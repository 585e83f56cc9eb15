import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** Undo quoted-printable soft line breaks and =XX escapes (nodemailer wraps long lines this way). */
export function decodeQuotedPrintable(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The links in a received message's text, decoded. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...decodeQuotedPrintable(mail.raw).matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
}

/** Header value (first line only) of a received message, e.g. "Subject". */
export function headerOf(mail: ReceivedMail, name: string): string | undefined {
  const m = mail.raw.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'));
  return m?.[1]?.trim();
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives (tests never fake the transport). */
export class TestSmtp {
  received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (_auth, _session, cb) => cb(null, { user: 'test' }),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get running(): boolean {
    return this.server !== null;
  }

  get url(): string {
    return `smtp://mailer:s3cret-pw@127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  for(to: string): ReceivedMail[] {
    return this.received.filter((r) => r.to.includes(to));
  }

  /** Wait for a message to `to` whose decoded text matches `pattern`. */
  async waitFor(to: string, pattern: RegExp, timeoutMs = 20_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.for(to).find((m) => pattern.test(decodeQuotedPrintable(m.raw)));
      if (found) return found;
      if (Date.now() > deadline) {
        const subjects = this.for(to).map((m) => headerOf(m, 'Subject'));
        throw new Error(`No mail to ${to} matching ${pattern} within ${timeoutMs} ms; got: ${JSON.stringify(subjects)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
