import { useEffect, useState } from 'react';

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Set the document title for a page ("Members · Latchkey"). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Latchkey` : 'Latchkey';
  }, [title]);
}
