// A KilnError as a person reads it: the sentence, then the next step. Never a stack or JSON.
import type { KilnError } from '../../state/errors';

export function ErrorNotice({ error, onDismiss, compact }: { error: KilnError; onDismiss?: () => void; compact?: boolean }) {
  return (
    <div className={`notice notice-error${compact ? ' compact' : ''}`} role="alert">
      <div className="notice-body">
        <p className="notice-message">{error.message}</p>
        {error.next && <p className="notice-next">{error.next}</p>}
      </div>
      {onDismiss && (
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss} aria-label="Dismiss error">
          Dismiss
        </button>
      )}
    </div>
  );
}
