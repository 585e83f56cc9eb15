import { useId, type ComponentPropsWithRef, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Shown after the label, e.g. "(optional)". */
  optional?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A label, the control, a hint and an error message, wired together for assistive technology. */
export function Field({ label, hint, error, optional, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field-label">
        {label}
        {optional ? <span className="field-optional"> (optional)</span> : null}
      </label>
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true as const } : {}) })}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; error?: string | undefined; optional?: boolean; className?: string };

export function TextField({ label, hint, error, optional, className, ...input }: Common & ComponentPropsWithRef<'input'>) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(c) => <input className="input" {...input} {...c} />}
    </Field>
  );
}

/**
 * A 6-digit authenticator code: numeric keypad on phones, one-time-code autofill, room for the
 * space people type in the middle ("123 456").
 */
export function CodeField({ className, ...props }: Common & Omit<ComponentPropsWithRef<'input'>, 'inputMode' | 'autoComplete' | 'maxLength'>) {
  return (
    <TextField
      className={['code-field', className ?? ''].filter(Boolean).join(' ')}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      {...props}
    />
  );
}

export function TextAreaField({ label, hint, error, optional, className, ...input }: Common & ComponentPropsWithRef<'textarea'>) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(c) => <textarea className="input textarea" {...input} {...c} />}
    </Field>
  );
}

export function SelectField({ label, hint, error, optional, className, children, ...select }: Common & ComponentPropsWithRef<'select'>) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(c) => (
        <select className="input select" {...select} {...c}>
          {children}
        </select>
      )}
    </Field>
  );
}
