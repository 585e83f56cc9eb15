import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

/**
 * Accessible tabs (WAI-ARIA tabs pattern): a tablist with roving tabindex, ArrowLeft/ArrowRight
 * move to the previous/next tab (wrapping), select it and focus it. The single panel shows
 * `children` for the selected tab. Ids are `${idPrefix}tab-${id}` and `${idPrefix}panel-${id}`.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  idPrefix = '',
  children,
}: {
  label: string;
  tabs: readonly TabItem<T>[];
  selected: T;
  onSelect: (id: T) => void;
  idPrefix?: string;
  children: ReactNode;
}) {
  const refs = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === selected);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!.id;
    onSelect(next);
    refs.current[next]?.focus();
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label={label}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${idPrefix}tab-${t.id}`}
            aria-selected={selected === t.id}
            aria-controls={`${idPrefix}panel-${t.id}`}
            tabIndex={selected === t.id ? 0 : -1}
            onClick={() => onSelect(t.id)}
            onKeyDown={onKey}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}panel-${selected}`} aria-labelledby={`${idPrefix}tab-${selected}`}>
        {children}
      </div>
    </>
  );
}
