import { useEffect, useState } from 'react';
import { useToast } from './Toast';

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Copies a value and says so for a moment ("Copied"). `label` names what is copied, for screen readers. */
export function CopyButton({ value, label = 'Copy', size = 'sm', onCopied }: { value: string | (() => Promise<string | null>); label?: string; size?: 'sm' | 'md'; onCopied?: () => void }) {
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  useEffect(() => {
    if (!copied) return;
    const t = window.setTimeout(() => setCopied(false), 1800);
    return () => window.clearTimeout(t);
  }, [copied]);

  return (
    <button
      type="button"
      className={`btn btn-secondary ${size === 'sm' ? 'btn-sm' : ''}`}
      aria-label={label}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const text = typeof value === 'string' ? value : await value();
          if (text === null) return;
          if (await copyText(text)) {
            setCopied(true);
            onCopied?.();
          } else {toast.error('Your browser did not allow copying. Select the text and copy it instead.');}
        } finally {
          setBusy(false);
        }
      }}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
        {copied ? (
          <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        ) : (
          <>
            <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
            <path d="M3 10.5V3.8C3 3.3 3.3 3 3.8 3h6.7" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
          </>
        )}
      </svg>
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}
