import { describe, expect, it } from 'vitest';
import { createMailTransport } from './transport';

describe('Dev mailbox transport', () => {
  it('logs who and what, never the body (it can carry a one-time invite link)', async () => {
    const lines: unknown[][] = [];
    const log = { info: (...args: unknown[]) => lines.push(args), warn: (...args: unknown[]) => lines.push(args) };
    const transport = createMailTransport({ smtpUrl: undefined }, log as never);
    const token = 'tok_SECRET_1234567890abcdef';
    await transport.send({
      messageId: 'm-1',
      to: 'new.person@example.test',
      from: 'Latchkey <no-reply@latchkey.local>',
      subject: 'You are invited',
      text: `Join: http://localhost:8080/invite#token=${token}`,
      html: `<a href="http://localhost:8080/invite#token=${token}">Join</a>`,
    } as never);
    const printed = JSON.stringify(lines);
    expect(printed).toContain('new.person@example.test');
    expect(printed).toContain('You are invited');
    expect(printed).not.toContain(token);
  });
});
