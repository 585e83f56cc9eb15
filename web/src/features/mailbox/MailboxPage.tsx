import { useState, type ReactNode } from 'react';
import type { MailboxMessageDto } from '@shared/mailbox';
import { isApiError } from '../../api/client';
import { Badge } from '../../components/Badge';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { MailIcon } from '../../components/Icons';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/Spinner';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { useMailbox, useMailboxMessage } from './api';

const URL_RE = /(https?:\/\/[^\s<>"')]+)/g;

/** Plain text with its http(s) links made clickable (no HTML is interpreted). */
function Linkified({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const i = m.index;
    if (i > last) parts.push(text.slice(last, i));
    parts.push(
      <a key={i} href={m[0]}>
        {m[0]}
      </a>,
    );
    last = i + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

function Viewer({ message }: { message: MailboxMessageDto }) {
  const [part, setPart] = useState<'text' | 'html'>('text');
  return (
    <article className="card" aria-labelledby="mail-subject">
      <div className="mail-head">
        <h2 id="mail-subject">{message.subject}</h2>
        <dl>
          <dt>To</dt>
          <dd>{message.to}</dd>
          <dt>Sent</dt>
          <dd>{formatDateTime(message.createdAt)}</dd>
          <dt>Template</dt>
          <dd>
            <code>{message.template}</code> {message.status !== 'sent' ? <Badge tone="warning">{message.status}</Badge> : null}
          </dd>
        </dl>
      </div>
      <div className="tabs" role="tablist" aria-label="Message format" style={{ padding: '0 16px', marginBottom: 0 }}>
        {(['text', 'html'] as const).map((p) => (
          <button key={p} type="button" role="tab" aria-selected={part === p} onClick={() => setPart(p)}>
            {p === 'text' ? 'Text' : 'HTML'}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={part === 'text' ? 'Text part' : 'HTML part'}>
        {part === 'text' ? (
          <pre className="mail-text">
            <Linkified text={message.text} />
          </pre>
        ) : (
          <iframe className="mail-frame" title={`HTML part of “${message.subject}”`} sandbox="" srcDoc={message.html} />
        )}
      </div>
    </article>
  );
}

export function MailboxPage() {
  useTitle('Dev mailbox');
  const list = useMailbox();
  const [selected, setSelected] = useState<string | null>(null);
  const messages = list.data?.messages ?? [];
  const current = selected ?? messages[0]?.id ?? null;
  const message = useMailboxMessage(current);

  if (list.isError && isApiError(list.error, 'route_not_found')) {
    return (
      <div className="card">
        <EmptyState title="The Dev mailbox is off">This server sends email through SMTP, so messages are not kept here.</EmptyState>
      </div>
    );
  }

  return (
    <>
      <PageHeader
        title="Dev mailbox"
        description="No mail server is configured, so Latchkey keeps outgoing email here instead of sending it. Only for development."
      />
      {list.isPending ? (
        <Loading label="Loading messages…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : messages.length === 0 ? (
        <div className="card">
          <EmptyState icon={<MailIcon />} title="No messages yet">
            Invites and notifications appear here as soon as Latchkey sends them.
          </EmptyState>
        </div>
      ) : (
        <div className="mailbox">
          <nav className="card" aria-label="Messages">
            <ul className="mail-list">
              {messages.map((m) => (
                <li key={m.id}>
                  <button type="button" aria-current={m.id === current ? 'true' : undefined} onClick={() => setSelected(m.id)}>
                    <span className="subject">{m.subject}</span>
                    <span className="meta">
                      <span>{m.to}</span>
                      <time dateTime={m.createdAt}>{formatRelative(m.createdAt)}</time>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div>
            {message.isPending ? (
              <div className="card">
                <Loading label="Opening message…" />
              </div>
            ) : message.isError ? (
              <ErrorState error={message.error} onRetry={() => message.refetch()} />
            ) : (
              <Viewer key={message.data.id} message={message.data} />
            )}
          </div>
        </div>
      )}
    </>
  );
}
