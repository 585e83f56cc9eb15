/**
 * The one email layout. Every template builds its message with `renderEmail`, which returns a plain
 * text part and an HTML part; every interpolated value is HTML-escaped, and the action link must be
 * http(s). Keep templates short: a title, a few sentences, one button.
 */
export interface EmailContent {
  /** Heading, also the HTML <title>. */
  title: string;
  /** One paragraph, or several. Plain text: it is escaped, never interpreted as HTML. */
  intro: string | string[];
  /** The one thing to do, as a button (HTML) and a bare link (text). */
  action?: { label: string; url: string };
  /** Small print, e.g. "This link expires in 3 days. If you did not expect it, ignore this email." */
  footer?: string;
}

export interface RenderedEmail {
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function assertHttpUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Email action URL is not a valid URL: "${url.slice(0, 80)}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Email action URL must be http(s), got "${parsed.protocol}"`);
  }
  return parsed.toString();
}

export function renderEmail(content: EmailContent): RenderedEmail {
  const paragraphs = (Array.isArray(content.intro) ? content.intro : [content.intro]).filter((p) => p.trim() !== '');
  const action = content.action ? { label: content.action.label, url: assertHttpUrl(content.action.url) } : undefined;

  const text = [
    content.title,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    ...(content.footer ? ['--', content.footer, ''] : []),
    'Sent by Latchkey',
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(content.title)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border-radius:8px;padding:32px;">
<tr><td>
<p style="margin:0 0 24px;font-size:14px;font-weight:600;letter-spacing:.04em;color:#57606a;">LATCHKEY</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3;">${e(content.title)}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 16px;font-size:15px;line-height:1.5;">${e(p)}</p>`).join('\n')}
${
  action
    ? `<p style="margin:24px 0;"><a href="${e(action.url)}" style="display:inline-block;background:#1f6feb;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600;">${e(action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:#57606a;">Or paste this link into your browser:<br><span style="word-break:break-all;">${e(action.url)}</span></p>`
    : ''
}
${content.footer ? `<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 16px;">\n<p style="margin:0;font-size:12px;line-height:1.5;color:#57606a;">${e(content.footer)}</p>` : ''}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
  return { text, html };
}
