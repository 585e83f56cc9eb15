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
