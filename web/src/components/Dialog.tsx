import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons at the bottom (put the primary action last). */
  footer?: ReactNode;
  /** When set, the body is a <form> and Enter submits it. */
  onSubmit?: () => void;
  size?: 'sm' | 'md' | 'lg';
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), Escape closes it, and focus returns to the element that opened it.
 */
export function Dialog({ open, onClose, title, description, children, footer, onSubmit, size = 'md' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      const first = d.querySelector<HTMLElement>('[data-autofocus]') ??
        d.querySelector<HTMLElement>('.dialog-body input:not([type=hidden]):not([disabled]), .dialog-body select, .dialog-body textarea') ??
        d.querySelector<HTMLElement>('.dialog-footer .btn:last-child');
      first?.focus();
    } else if (!open && d.open) {
      d.close();
      if (opener.current instanceof HTMLElement) opener.current.focus();
    }
  }, [open]);

  useEffect(() => {
    const d = ref.current;
    const back = opener;
    return () => {
      if (d?.open) {
        d.close();
        if (back.current instanceof HTMLElement && back.current.isConnected) back.current.focus();
      }
    };
  }, []);

  const body = (
    <>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
      </header>
      <div className="dialog-body">
        {description ? (
          <p id={descId} className="dialog-description">
            {description}
          </p>
        ) : null}
        {children}
      </div>
      {footer ? <footer className="dialog-footer">{footer}</footer> : null}
    </>
  );

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content box) closes it.
        if (e.target === ref.current) {
          const r = ref.current.getBoundingClientRect();
          const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
          if (!inside) onClose();
        }
      }}
    >
      {open ? (
        onSubmit ? (
          <form
            noValidate
            className="dialog-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              onSubmit();
            }}
          >
            {body}
          </form>
        ) : (
          body
        )
      ) : null}
    </dialog>
  );
}

/** A yes/no question for destructive actions. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirmLabel,
  onConfirm,
  busy,
  error,
  tone = 'danger',
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  error?: ReactNode;
  tone?: 'danger' | 'primary';
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      size="sm"
      onSubmit={onConfirm}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`btn btn-${tone}`} disabled={busy} aria-busy={busy || undefined} data-autofocus>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body">{children}</div>
      {error}
    </Dialog>
  );
}
