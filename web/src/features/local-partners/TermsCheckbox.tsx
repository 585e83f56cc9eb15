import { useId, useState } from 'react';

/** The guest Terms of Service checkbox of the invite page (R-GU-02), with the terms one click away. */
export function TermsCheckbox({
  checked,
  onChange,
  error,
  version,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  error?: string | undefined;
  version: string | null;
}) {
  const [show, setShow] = useState(false);
  const textId = useId();
  const errorId = useId();
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      {show ? (
        <div className="tos-text" id={textId} tabIndex={0}>
          <p>
            <strong>Latchkey guest terms{version ? ` (${version})` : ''}.</strong> You use the accounts this workspace shares with
            your company only for the work agreed with it. You never see their passwords, and every use is recorded in the
            workspace's activity trail.
          </p>
          <p>
            You sign in with two-step verification. The workspace's admins and your hosts may change your access or remove you at
            any time; when your company stops being a partner, your access here ends.
          </p>
        </div>
      ) : null}
      <label className="checkbox tos-check">
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        <span>
          I have read and accept the{' '}
          <button
            type="button"
            className="btn-link"
            aria-expanded={show}
            aria-controls={textId}
            onClick={(e) => {
              e.preventDefault();
              setShow((s) => !s);
            }}
          >
            Terms of Service
          </button>
        </span>
      </label>
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
