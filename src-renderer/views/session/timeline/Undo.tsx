// Undo you can undo: "Undo to here" first asks the host what would change (timeline.undoPreview)
// and lists it; nothing moves before the person confirms. The undo checkpoints the present first
// and answers with it (`before`): "Redo" restores that, right where the person clicked and on
// the undo's receipt.
import { useCallback, useMemo, useState } from 'react';
import type { RequestOutput } from '../../../../src-shared/api/contract';
import { bridge } from '../../../bridge';
import { asKilnError, type KilnError } from '../../../state/errors';
import type { Group } from '../../../state/timeline';
import { Dialog } from '../../common/Dialog';
import { time } from './Entry';

type Preview = RequestOutput<'timeline.undoPreview'>;

export function useUndo(session: string, groups: Group[]) {
  const [dialog, setDialog] = useState<{ commit: string; at: number; preview: Preview | null; last?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<KilnError | null>(null);
  const [undone, setUndone] = useState<Record<string, string>>({});

  const preview = useCallback(
    async (commit: string, at: number, last?: boolean) => {
      setError(null);
      setDialog({ commit, at, preview: null, last });
      try {
        const p = await bridge.call('timeline.undoPreview', { id: session, checkpoint: commit });
        setDialog((d) => (d && d.commit === commit ? { ...d, preview: p } : d));
      } catch (err) {
        setDialog(null);
        setError(asKilnError(err));
      }
    },
    [session],
  );

  const confirm = useCallback(async () => {
    if (!dialog) return;
    const { commit } = dialog;
    setDialog(null);
    setBusy(true);
    try {
      const r = await bridge.call('timeline.undo', { id: session, checkpoint: commit });
      setUndone((u) => ({ ...u, [commit]: r.before }));
    } catch (err) {
      setError(asKilnError(err));
    } finally {
      setBusy(false);
    }
  }, [dialog, session]);

  const redo = useCallback(
    async (before: string) => {
      setBusy(true);
      setError(null);
      try {
        await bridge.call('timeline.undo', { id: session, checkpoint: before });
        setUndone((u) => Object.fromEntries(Object.entries(u).filter(([, b]) => b !== before)));
      } catch (err) {
        setError(asKilnError(err));
      } finally {
        setBusy(false);
      }
    },
    [session],
  );

  /** The checkpoint just before the newest command, tool call or file change. */
  const undoLast = useCallback(() => {
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i]!;
      if (g.checkpoint && g.items.some((e) => e.kind === 'action' && e.type !== 'message' && e.type !== 'git')) {
        void preview(g.checkpoint.content.commit, g.checkpoint.at, true);
        return;
      }
    }
    setError({ code: 'E_NOTHING_TO_UNDO', message: 'There is no action to undo yet.', next: 'Run a command or ask the agent for something first.' });
  }, [groups, preview]);

  return useMemo(
    () => ({ dialog, busy, error, undone, preview, confirm, redo, undoLast, cancel: () => setDialog(null), clearError: () => setError(null) }),
    [dialog, busy, error, undone, preview, confirm, redo, undoLast],
  );
}

export function UndoDialog({ state }: { state: ReturnType<typeof useUndo> }) {
  const d = state.dialog!;
  const p = d.preview;
  const none = p && p.added.length + p.modified.length + p.deleted.length === 0;
  return (
    <Dialog
      title={d.last ? 'Undo the last action?' : `Undo to ${time(d.at)}?`}
      onCancel={state.cancel}
      actions={
        <>
          <button type="button" className="btn" onClick={state.cancel}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!p} onClick={() => void state.confirm()} data-autofocus>
            Undo
          </button>
        </>
      }
    >
      {!p ? (
        <p className="muted">Working out what would change…</p>
      ) : none ? (
        <p>The workspace already matches this checkpoint: nothing would change.</p>
      ) : (
        <>
          <p>These files in the workspace will change. The present is saved first, so you can redo.</p>
          <FileList title="Removed" kind="deleted" paths={p.deleted} />
          <FileList title="Changed back" kind="modified" paths={p.modified} />
          <FileList title="Added back" kind="added" paths={p.added} />
          {p.truncated && <p className="muted small">The lists are cut at 1,000 files each.</p>}
        </>
      )}
    </Dialog>
  );
}

function FileList({ title, paths, kind }: { title: string; paths: string[]; kind: string }) {
  if (paths.length === 0) return null;
  return (
    <section className="undo-list" aria-label={title}>
      <h3>
        {title} <span className="muted">({paths.length})</span>
      </h3>
      <ul>
        {paths.slice(0, 200).map((p) => (
          <li key={p}>
            <span className={`change-tag tag-${kind}`} aria-hidden="true" />
            <code>{p}</code>
          </li>
        ))}
        {paths.length > 200 && <li className="muted small">and {paths.length - 200} more</li>}
      </ul>
    </section>
  );
}
