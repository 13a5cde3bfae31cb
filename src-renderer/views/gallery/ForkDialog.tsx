// "Fork" on a card: a new name and the folder to write the copy to (parent = the card's hash).
import { useState } from 'react';
import { useRecipes, type RecipeCard } from '../../state/recipes';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';

export function ForkDialog({ card, onClose }: { card: RecipeCard; onClose(): void }) {
  const [name, setName] = useState(`${card.name}-fork`);
  const [dir, setDir] = useState(`~/Kiln/recipes/${card.name}-fork`);
  const [busy, setBusy] = useState(false);
  const error = useRecipes((s) => s.error);
  const submit = async () => {
    setBusy(true);
    const ok = await useRecipes.getState().fork(card.hash, dir.trim(), name.trim() || undefined);
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog
      title={`Fork ${card.name}`}
      onCancel={onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || !dir.trim()} onClick={() => void submit()}>
            {busy ? 'Forking…' : 'Fork'}
          </button>
        </>
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-autofocus spellCheck={false} />
        </label>
        <label>
          Folder
          <input value={dir} onChange={(e) => setDir(e.target.value)} spellCheck={false} />
        </label>
      </form>
      {error && <ErrorNotice error={error} compact />}
    </Dialog>
  );
}
