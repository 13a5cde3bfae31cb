// The session's terminals: a tablist (one tab per agent, plus a shell; "New tab" adds a shell or
// any agent Kiln supports), each pane kept mounted
// (hidden when inactive) so a tab keeps its screen; "Split" shows two side by side. A find box
// searches the active terminal (search addon).
//
// Every tab closes, as in VS Code's terminal panel: its ✕ button, a middle click, Delete on the
// focused tab, or Ctrl+Shift+W (⌘⇧W) anywhere in the terminals — not Ctrl+W, which a shell needs
// (erase a word). The session's own agent tab closes too: the recorder runs beside it, not in it,
// and "New tab" opens it again. With none left, the panel says so and offers a new one.
import { useEffect, useState } from 'react';
import type { SessionSummary } from '../../../src-shared/api/contract';
import { agentsOf, titleOf, useTerminals, type Tab } from '../../state/terminals';
import { ErrorNotice } from '../common/ErrorNotice';
import { NewTabMenu } from './NewTabMenu';
import { TerminalPane } from './TerminalPane';
import { terminalRegistry } from './useTerminal';

export function Terminals({ session }: { session: SessionSummary }) {
  const state = useTerminals((s) => s.bySession[session.id]);
  const error = useTerminals((s) => s.error);
  const { load, activate, toggleSplit, bound, exited, closeTab, addTab } = useTerminals.getState();
  const [find, setFind] = useState('');
  useEffect(() => {
    void load(session);
  }, [session, load]);
  if (!state) return <div className="empty center muted">Opening terminals…</div>;
  const { tabs, active, split, secondary } = state;

  /** Focus then goes to the tab now current (from the tab strip's keyboard) or its terminal. */
  const close = (key: string, focusTab = false) => {
    void closeTab(session.id, key); // the store picks the neighbour at once, before the host answers
    const next = useTerminals.getState().bySession[session.id]?.active;
    requestAnimationFrame(() => {
      if (!next) document.getElementById(`new-tab-empty-${session.id}`)?.focus();
      else if (focusTab) document.getElementById(`tab-${next}`)?.focus();
      else terminalRegistry.get(next)?.term.focus();
    });
  };
  const onPanelKey = (e: React.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.code === 'KeyW' && active) {
      e.preventDefault();
      close(active);
    }
  };

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    if (e.key === 'Delete') {
      e.preventDefault();
      return close(tabs[i]!.key, true);
    }
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j < 0) return;
    e.preventDefault();
    activate(session.id, tabs[j]!.key);
    document.getElementById(`tab-${tabs[j]!.key}`)?.focus();
  };

  return (
    <div className="terminals" onKeyDown={onPanelKey}>
      <div className="terminals-bar">
        <div role="tablist" aria-label="Terminals" className="tabs">
          {tabs.map((t, i) => (
            // The close button sits beside the tab, not in it: a button inside a button is not a control.
            <div
              key={t.key}
              role="presentation"
              className={`tab${t.key === active ? ' current' : ''}${split && t.key === secondary ? ' secondary' : ''}`}
              onAuxClick={(e) => {
                if (e.button === 1) {
                  e.preventDefault();
                  close(t.key);
                }
              }}
              onMouseDown={(e) => e.button === 1 && e.preventDefault() /* no autoscroll on middle click */}
            >
              <button
                id={`tab-${t.key}`}
                type="button"
                role="tab"
                className="tab-label"
                aria-selected={t.key === active}
                aria-controls={`panel-${t.key}`}
                tabIndex={t.key === active ? 0 : -1}
                onClick={() => activate(session.id, t.key)}
                onKeyDown={(e) => onTabKey(e, i)}
              >
                {t.title}
                {t.exited && <span className="tab-status">{exitNote(t)}</span>}
              </button>
              <button
                type="button"
                className="tab-close"
                tabIndex={-1}
                aria-label={`Close ${t.title}`}
                aria-keyshortcuts={t.key === active ? 'Control+Shift+W' : undefined}
                title={`Close ${t.title} (Ctrl+Shift+W)`}
                onClick={() => close(t.key)}
              >
                <span aria-hidden="true">×</span>
              </button>
            </div>
          ))}
        </div>
        <div className="terminals-tools">
          <input
            type="search"
            className="input-small"
            aria-label="Find in terminal"
            placeholder="Find"
            value={find}
            onChange={(e) => {
              setFind(e.target.value);
              terminalRegistry.get(active)?.search.findNext(e.target.value, { incremental: true });
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') terminalRegistry.get(active)?.search[e.shiftKey ? 'findPrevious' : 'findNext'](find);
            }}
          />
          <NewTabMenu session={session.id} />
          <button type="button" className="btn btn-small" aria-pressed={split} onClick={() => toggleSplit(session.id)} disabled={tabs.length < 2}>
            Split
          </button>
        </div>
      </div>
      {error && <ErrorNotice error={error} compact />}
      {tabs.length === 0 && (
        <div className="terminals-empty center">
          <p>No terminal is open in this session.</p>
          <p className="muted small">The session keeps running and recording; open a shell or an agent to work in it.</p>
          <div className="terminals-empty-actions">
            <button id={`new-tab-empty-${session.id}`} type="button" className="btn" onClick={() => addTab(session.id, 'shell')}>
              Open a shell
            </button>
            {agentsOf(session).map((kind) => (
              <button key={kind} type="button" className="btn" onClick={() => addTab(session.id, kind)}>
                Open {titleOf(kind)}
              </button>
            ))}
          </div>
        </div>
      )}
      <div className={`terminal-panes${split ? ' split' : ''}`} hidden={tabs.length === 0}>
        {tabs.map((t) => {
          const place = t.key === active ? 'left' : split && t.key === secondary ? 'right' : 'hidden';
          return (
            <TerminalPane
              key={t.key}
              session={session.id}
              tab={t}
              place={place}
              active={t.key === active}
              onBound={(id) => bound(session.id, t.key, id)}
              onExit={(code) => exited(session.id, t.key, code)}
            />
          );
        })}
      </div>
    </div>
  );
}

/** What an exited tab says beside its name. */
function exitNote(t: Tab): string {
  return t.exitCode === undefined ? 'exited' : t.exitCode === null ? 'exited (signal)' : `exited (code ${t.exitCode})`;
}
