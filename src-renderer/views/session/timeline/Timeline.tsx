// The session's timeline, live: every receipt in chain order, grouped by checkpoint (the
// checkpoint, then the command or tool call, then its file receipts). Virtualised with
// react-virtuoso (newest page first; older pages load as you scroll up). Filters by type and
// agent, text search, the chain badge, and undo/redo.
import { forwardRef, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { SessionSummary } from '../../../../src-shared/api/contract';
import { agentOf, groupEvents, useTimeline, type Group } from '../../../state/timeline';
import { ErrorNotice } from '../../common/ErrorNotice';
import { ChainBadge } from './ChainBadge';
import { BEFORE_RE, Entry, time } from './Entry';
import type { ViewKind } from './FileDiff';
import { UndoDialog, useUndo } from './Undo';

const FILTERS: { key: string; label: string }[] = [
  { key: 'checkpoint', label: 'Checkpoints' },
  { key: 'command', label: 'Commands' },
  { key: 'tool', label: 'Tools' },
  { key: 'file', label: 'Files' },
  { key: 'message', label: 'Messages' },
  { key: 'git', label: 'Undo' },
  { key: 'error', label: 'Errors' },
];
const START_INDEX = 10_000_000;
/** Small diffs start open in the newest groups only: a long history stays light to scroll. */
const OPEN_DIFFS_IN_NEWEST = 12;
const REASON: Record<string, string> = {
  start: 'Session start',
  'pre-command': 'Before a command',
  'pre-tool': 'Before a tool call',
  watcher: 'Checkpoint',
  manual: 'Manual checkpoint',
  undo: 'Before undo',
  rescan: 'Rescan',
};
export const UNDO_SHORTCUT = navigator.platform.toLowerCase().startsWith('mac') ? '⌘⇧Z' : 'Ctrl+Shift+Z';

export function Timeline({ session }: { session: SessionSummary }) {
  const events = useTimeline((s) => s.events);
  const filters = useTimeline((s) => s.filters);
  const more = useTimeline((s) => s.more);
  const loading = useTimeline((s) => s.loading);
  const error = useTimeline((s) => s.error);
  const { setFilters, loadOlder } = useTimeline.getState();
  const [view, setView] = useState<ViewKind>('unified');
  const groups = useMemo(() => groupEvents(events, filters), [events, filters]);
  const agents = useMemo(() => {
    const set = new Set<string>();
    for (const ev of events) {
      const a = agentOf(ev);
      if (a) set.add(a);
    }
    return [...set].sort();
  }, [events]);
  const undo = useUndo(session.id, groups);
  const befores = useMemo(() => {
    const set = new Set<string>();
    for (const ev of events) {
      if (ev.kind !== 'action' || ev.content.type !== 'git' || ev.content.operation !== 'undo') continue;
      const m = BEFORE_RE.exec(ev.content.detail ?? '');
      if (m) set.add(m[1]!);
    }
    return set;
  }, [events]);
  const virtuoso = useRef<VirtuosoHandle | null>(null);

  // Prepending older pages keeps the scroll position: firstItemIndex goes down by what was added.
  const filterKey = JSON.stringify(filters);
  const firstItemIndex = START_INDEX - groups.length;

  // Undo of the last action from the keyboard (the terminal lets this shortcut through).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.code === 'KeyZ') {
        e.preventDefault();
        undo.undoLast();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [undo]);

  const renderGroup = useCallback(
    (index: number, g: Group) => (
      <GroupView
        g={g}
        pos={index - firstItemIndex + 1}
        size={groups.length}
        session={session.id}
        view={view}
        undo={undo}
        befores={befores}
        openDiffs={index - firstItemIndex >= groups.length - OPEN_DIFFS_IN_NEWEST}
      />
    ),
    [firstItemIndex, groups.length, session.id, view, undo, befores],
  );

  return (
    <div className="timeline">
      <div className="timeline-bar">
        <div className="timeline-title">
          <h2>Timeline</h2>
          <ChainBadge session={session.id} count={events.length} />
        </div>
        <div className="timeline-filters" role="group" aria-label="Show in the timeline">
          {FILTERS.map((f) => {
            const on = !filters.hidden.includes(f.key);
            return (
              <button
                key={f.key}
                type="button"
                className={`chip${on ? ' on' : ''}`}
                aria-pressed={on}
                onClick={() => setFilters({ hidden: on ? [...filters.hidden, f.key] : filters.hidden.filter((k) => k !== f.key) })}
              >
                {f.label}
              </button>
            );
          })}
        </div>
        <div className="timeline-tools">
          <input
            type="search"
            className="input-small grow"
            placeholder="Search the timeline"
            aria-label="Search the timeline"
            value={filters.text}
            onChange={(e) => setFilters({ text: e.target.value })}
          />
          <select aria-label="Agent" className="input-small" value={filters.agent} onChange={(e) => setFilters({ agent: e.target.value })}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          <select aria-label="Diff layout" className="input-small" value={view} onChange={(e) => setView(e.target.value as ViewKind)}>
            <option value="unified">Unified</option>
            <option value="split">Split</option>
          </select>
        </div>
      </div>
      {error && <ErrorNotice error={error} compact />}
      {undo.error && <ErrorNotice error={undo.error} onDismiss={undo.clearError} compact />}
      {groups.length === 0 ? (
        <div className="empty center">
          {loading ? (
            <p className="muted">Loading the timeline…</p>
          ) : events.length === 0 ? (
            <>
              <p>Nothing recorded yet.</p>
              <p className="muted small">Run a command in the terminal or ask the agent for something: every action appears here, undoable.</p>
            </>
          ) : (
            <>
              <p>Nothing matches these filters.</p>
              <button type="button" className="btn btn-small" onClick={() => setFilters({ hidden: [], agent: '', text: '' })}>
                Clear the filters
              </button>
            </>
          )}
        </div>
      ) : (
        <Virtuoso
          key={filterKey}
          ref={virtuoso}
          className="timeline-list"
          data={groups}
          firstItemIndex={firstItemIndex}
          initialTopMostItemIndex={groups.length - 1}
          computeItemKey={(_i, g) => g.key}
          itemContent={renderGroup}
          followOutput={(atBottom) => (atBottom ? 'auto' : false)}
          startReached={() => void loadOlder()}
          increaseViewportBy={{ top: 400, bottom: 400 }}
          components={{ List: FeedList, Header: more ? OlderHeader : undefined }}
        />
      )}
      <p className="timeline-hint muted small">
        Undo the last action: <kbd>{UNDO_SHORTCUT}</kbd>
      </p>
      {undo.dialog && <UndoDialog state={undo} />}
    </div>
  );
}

const FeedList = forwardRef<HTMLDivElement, React.HTMLAttributes<HTMLDivElement>>(function FeedList(props, ref) {
  return <div {...props} ref={ref} role="feed" aria-label="Timeline receipts" aria-busy={false} />;
});

function OlderHeader() {
  return <div className="muted small center-text older">Loading older receipts…</div>;
}

function GroupView({ g, pos, size, session, view, undo, befores, openDiffs }: { g: Group; pos: number; size: number; session: string; view: ViewKind; undo: ReturnType<typeof useUndo>; befores: Set<string>; openDiffs: boolean }) {
  const cp = g.checkpoint;
  const redoTarget = cp ? undo.undone[cp.content.commit] : undefined;
  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget) return;
    const sib = e.key === 'ArrowDown' || e.key === 'PageDown' ? 'nextElementSibling' : e.key === 'ArrowUp' || e.key === 'PageUp' ? 'previousElementSibling' : null;
    if (!sib) return;
    e.preventDefault();
    const wrapper = e.currentTarget.parentElement?.[sib] as HTMLElement | null;
    wrapper?.querySelector<HTMLElement>('article')?.focus();
  };
  return (
    <article className="group" tabIndex={0} aria-posinset={pos} aria-setsize={size} aria-label={cp ? `${REASON[cp.content.reason] ?? 'Checkpoint'} at ${time(cp.at)}` : 'Receipts'} onKeyDown={onKeyDown}>
      {cp && (
        <div className={`checkpoint reason-${cp.content.reason}`}>
          <span className="checkpoint-mark" aria-hidden="true" />
          <span className="checkpoint-label">{REASON[cp.content.reason] ?? 'Checkpoint'}</span>
          <span className="muted small mono" title={cp.content.commit}>
            {cp.content.commit.slice(0, 8)}
          </span>
          <span className="muted small">{time(cp.at)}</span>
          <span className="grow" />
          {redoTarget ? (
            <>
              <span className="small undone-note">Undone</span>
              <button type="button" className="btn btn-small" onClick={() => undo.redo(redoTarget)} disabled={undo.busy}>
                Redo
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-small btn-undo" onClick={() => undo.preview(cp.content.commit, cp.at)} disabled={undo.busy} aria-label="Undo to here">
              Undo to here
            </button>
          )}
        </div>
      )}
      {g.items.map((ev) => (
        <Entry key={ev.id} ev={ev} session={session} view={view} onRedo={undo.redo} befores={befores} openDiffs={openDiffs} />
      ))}
    </article>
  );
}
