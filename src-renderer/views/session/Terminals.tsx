// The session's terminals: a tablist (one tab per agent, plus a shell; "New tab" adds a shell or
// any agent Kiln supports), each pane kept mounted
// (hidden when inactive) so a tab keeps its screen; "Split" shows two side by side. A find box
// searches the active terminal (search addon).
import { useEffect, useState } from 'react';
import type { SessionSummary } from '../../../src-shared/api/contract';
import { useTerminals } from '../../state/terminals';
import { ErrorNotice } from '../common/ErrorNotice';
import { NewTabMenu } from './NewTabMenu';
import { TerminalPane } from './TerminalPane';
import { terminalRegistry } from './useTerminal';

export function Terminals({ session }: { session: SessionSummary }) {
  const state = useTerminals((s) => s.bySession[session.id]);
  const error = useTerminals((s) => s.error);
  const { load, activate, toggleSplit, bound, exited } = useTerminals.getState();
  const [find, setFind] = useState('');
  useEffect(() => {
    void load(session);
  }, [session, load]);
  if (!state) return <div className="empty center muted">Opening terminals…</div>;
  const { tabs, active, split, secondary } = state;

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
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
    <div className="terminals">
      <div className="terminals-bar">
        <div role="tablist" aria-label="Terminals" className="tabs">
          {tabs.map((t, i) => (
            <button
              key={t.key}
              id={`tab-${t.key}`}
              type="button"
              role="tab"
              aria-selected={t.key === active}
              aria-controls={`panel-${t.key}`}
              tabIndex={t.key === active ? 0 : -1}
              className={`tab${t.key === active ? ' current' : ''}${split && t.key === secondary ? ' secondary' : ''}`}
              onClick={() => activate(session.id, t.key)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t.title}
              {t.exited && <span className="muted"> (exited)</span>}
            </button>
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
      <div className={`terminal-panes${split ? ' split' : ''}`}>
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
              onExit={() => exited(session.id, t.key)}
            />
          );
        })}
      </div>
    </div>
  );
}
