// "Save as recipe" on a session header: asks for a folder (default ~/Kiln/recipes/<session>),
// writes the session's setup there (recipes.save) and adds it to the gallery.
import { useState } from 'react';
import { useRecipes } from '../../state/recipes';
import { Dialog } from '../common/Dialog';
import { DialogForm, DialogFormActions, TextField } from '../common/DialogForm';
import { ErrorNotice } from '../common/ErrorNotice';

export function SaveRecipeButton({ session, name }: { session: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [dir, setDir] = useState(`~/Kiln/recipes/${name}`);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const error = useRecipes((s) => s.error);
  const submit = async () => {
    setBusy(true);
    const out = await useRecipes.getState().save(session, dir.trim());
    setBusy(false);
    if (out) setSaved(out);
  };
  const close = () => (setOpen(false), setSaved(null), useRecipes.getState().clearError());
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        Save as recipe
      </button>
      {open && (
        <Dialog
          title="Save as recipe"
          onCancel={close}
          actions={
            saved ? (
              <button type="button" className="btn btn-primary" onClick={close}>
                Done
              </button>
            ) : (
              <DialogFormActions form="save-recipe" label={busy ? 'Saving…' : 'Save'} disabled={busy || !dir.trim()} onCancel={close} />
            )
          }
        >
          {saved ? (
            <p role="status">
              Saved to <code>{saved}</code>. It is in the gallery under Recipes.
            </p>
          ) : (
            <DialogForm id="save-recipe" onSubmit={() => void submit()}>
              <TextField label="Folder" value={dir} onChange={setDir} autoFocus spellCheck={false} />
            </DialogForm>
          )}
          {error && !saved && <ErrorNotice error={error} compact />}
        </Dialog>
      )}
    </>
  );
}
