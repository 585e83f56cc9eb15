import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  /** A toggle: shown as a menuitemcheckbox with this state. */
  checked?: boolean;
}

/**
 * A "More actions" button with a popup menu (role=menu): arrow keys move between items, Escape
 * closes and returns focus to the button. `label` is the button's accessible name.
 */
export function MoreActionsMenu({ label = 'More actions', items, text }: { label?: string; items: MenuItem[]; text?: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    ref.current?.querySelector<HTMLElement>('[role^=menuitem]')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  if (items.length === 0) return null;

  const onMenuKey = (e: KeyboardEvent) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>('[role^=menuitem]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      trigger.current?.focus();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      all[(i + 1) % all.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      all[(i - 1 + all.length) % all.length]?.focus();
    } else if (e.key === 'Home') {
      e.preventDefault();
      all[0]?.focus();
    } else if (e.key === 'End') {
      e.preventDefault();
      all[all.length - 1]?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu more-menu" ref={ref}>
      <button
        ref={trigger}
        type="button"
        className={text ? 'btn btn-secondary' : 'btn btn-ghost btn-sm more-trigger'}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {text ?? (
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
            <circle cx="3.5" cy="8" r="1.3" fill="currentColor" />
            <circle cx="8" cy="8" r="1.3" fill="currentColor" />
            <circle cx="12.5" cy="8" r="1.3" fill="currentColor" />
          </svg>
        )}
      </button>
      {open ? (
        <div className="menu-popover more-popover" role="menu" id={menuId} aria-label={label} onKeyDown={onMenuKey}>
          {items.map((it) => (
            <button
              key={it.label}
              type="button"
              role={it.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked={it.checked}
              tabIndex={-1}
              className={it.danger ? 'menuitem-danger' : undefined}
              onClick={() => {
                setOpen(false);
                // The item unmounts with the menu: hand focus to the trigger first, so a dialog the
                // item opens remembers (and returns focus to) the "More actions" button.
                trigger.current?.focus();
                it.onSelect();
              }}
            >
              {it.checked === undefined ? null : (
                <span className="menu-check" aria-hidden="true">
                  {it.checked ? '✓' : ''}
                </span>
              )}
              {it.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
