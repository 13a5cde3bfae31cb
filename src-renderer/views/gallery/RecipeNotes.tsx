// The fallback sentences of a recipe start ("wanted claude-…, runs on qwen… instead"), shown
// over the window until dismissed.
import { useRecipes } from '../../state/recipes';

export function RecipeNotes() {
  const notes = useRecipes((s) => s.notes);
  if (!notes) return null;
  return (
    <div className="toast">
      <div className="notice notice-warn" role="status" aria-label="Recipe notes">
        <div className="notice-body">
          <p className="notice-message">{notes.name} started with changes:</p>
          {notes.notes.map((n, i) => (
            <p key={i} className="notice-next">
              {n}
            </p>
          ))}
        </div>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => useRecipes.getState().clearNotes()} aria-label="Dismiss recipe notes">
          Dismiss
        </button>
      </div>
    </div>
  );
}
