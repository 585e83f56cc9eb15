import { errorMessage } from '../api/client';
import { Button } from './Button';

/** A failed load: the server's message and a retry button. */
export function ErrorState({ error, onRetry, title = 'This could not be loaded' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="error-state" role="alert">
      <strong>{title}</strong>
      <p>{errorMessage(error)}</p>
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** An inline error under a form, announced to screen readers. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {typeof error === 'string' ? error : errorMessage(error)}
    </div>
  );
}
