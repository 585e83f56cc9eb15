import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from './render';

describe('renderEmail', () => {
  const content = {
    title: 'Join “Acme” on Latchkey',
    intro: ['Olive invited you as Admin.', 'Accept within 3 days.'],
    action: { label: 'Accept the invite', url: 'https://latchkey.test/invite#token=abc' },
    footer: 'If you did not expect this, ignore it.',
  };

  it('gives a text part with the title, every paragraph, the bare link and the footer', () => {
    const { text } = renderEmail(content);
    expect(text).toContain('Join “Acme” on Latchkey');
    expect(text).toContain('Olive invited you as Admin.\n\nAccept within 3 days.');
    expect(text).toContain('Accept the invite: https://latchkey.test/invite#token=abc');
    expect(text).toContain('If you did not expect this, ignore it.');
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('gives an HTML part with a button to the action URL', () => {
    const { html } = renderEmail(content);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<a href="https://latchkey.test/invite#token=abc"');
    expect(html).toContain('>Accept the invite</a>');
  });

  it('escapes every interpolated value in the HTML', () => {
    const evil = '<script>alert(1)</script>"\'&';
    const { html, text } = renderEmail({
      title: evil,
      intro: [evil],
      action: { label: evil, url: 'https://x.test/?a="><img src=x onerror=alert(1)>' },
      footer: evil,
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    // Text is plain: it stays as written.
    expect(text).toContain(evil);
  });

  it('refuses an action URL that is not http(s)', () => {
    expect(() => renderEmail({ ...content, action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(/http\(s\)/);
    expect(() => renderEmail({ ...content, action: { label: 'x', url: 'not a url' } })).toThrow(/not a valid URL/);
  });

  it('works without action and footer', () => {
    const { text, html } = renderEmail({ title: 'Hello', intro: 'One line.' });
    expect(text).toBe('Hello\n\nOne line.\n\nSent by Latchkey');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('<hr');
  });

  it('escapeHtml escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
