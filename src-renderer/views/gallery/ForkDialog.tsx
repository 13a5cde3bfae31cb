// "Fork" on a card: a new name and the folder to write the copy to (parent = the card's hash).
import { useState } from 'react';
import { useRecipes, type RecipeCard } from '../../state/recipes';
import { Dialog } from '../common/Dialog';
import { DialogForm, DialogFormActions, TextField } from '../common/DialogForm';
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
      actions={<DialogFormActions form="fork-recipe" label={busy ? 'Forking…' : 'Fork'} disabled={busy || !dir.trim()} onCancel={onClose} />}
    >
      <DialogForm id="fork-recipe" onSubmit={() => void submit()}>
        <TextField label="Name" value={name} onChange={setName} autoFocus spellCheck={false} />
        <TextField label="Folder" value={dir} onChange={setDir} spellCheck={false} />
      </DialogForm>
      {error && <ErrorNotice error={error} compact />}
    </Dialog>
  );
}
