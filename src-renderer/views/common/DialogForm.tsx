// The form inside a dialog that asks for a name or a folder (fork, save as recipe, new session):
// Enter or the dialog's primary button submits it (a submit button outside the form reaches it
// through `form={id}`), and each field is a labelled text box, found by that label.
import type { InputHTMLAttributes, ReactNode } from 'react';

export function DialogForm({ id, onSubmit, children }: { id: string; onSubmit(): void; children: ReactNode }) {
  return (
    <form
      id={id}
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

/** A labelled text box; `autoFocus` marks it for the dialog to focus first. */
export function TextField({ label, value, onChange, autoFocus, ...input }: { label: string; value: string; onChange(value: string): void; autoFocus?: boolean } & InputProps) {
  return (
    <label>
      {label}
      <input value={value} onChange={(e) => onChange(e.target.value)} data-autofocus={autoFocus || undefined} {...input} />
    </label>
  );
}

/** Cancel and the primary button that submits the form `form`. */
export function DialogFormActions({ form, label, disabled, onCancel, cancelLabel = 'Cancel' }: { form: string; label: string; disabled?: boolean; onCancel(): void; cancelLabel?: string }) {
  return (
    <>
      <button type="button" className="btn" onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" form={form} className="btn btn-primary" disabled={disabled}>
        {label}
      </button>
    </>
  );
}
