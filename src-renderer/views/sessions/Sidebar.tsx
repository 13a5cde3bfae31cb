// The sessions sidebar: every session with its state, workspace, recipe and agents; new session;
// Up/Down move between sessions; Recipes (the gallery) and Settings below.
import { useRef, useState } from 'react';
import type { SessionSummary } from '../../../src-shared/api/contract';
import { useSessions } from '../../state/sessions';
import { titleOf } from '../../state/terminals';
import { NewSessionDialog } from './NewSessionDialog';

export type Page = 'session' | 'settings' | 'gallery';

export function Sidebar({ page, onPage }: { page: Page; onPage(p: Page): void }) {
  const list = useSessions((s) => s.list);
  const selected = useSessions((s) => s.selected);
  const select = useSessions((s) => s.select);
  const creating = useSessions((s) => !!s.busy.new);
  const [dialog, setDialog] = useState(false);
  const listRef = useRef<HTMLUListElement | null>(null);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.session-item') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    next?.focus();
    e.preventDefault();
  };

  return (
    <aside className="sidebar" aria-label="Sessions">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark" /> Kiln
      </div>
      <div className="sidebar-head">
        <h2 id="sessions-heading">Sessions</h2>
        <button type="button" className="btn btn-small" onClick={() => setDialog(true)} disabled={creating}>
          {creating ? 'Starting…' : 'New session'}
        </button>
      </div>
      {list.length === 0 ? (
        <p className="empty small">No sessions yet. Start one with “New session”.</p>
      ) : (
        <ul className="session-list" aria-labelledby="sessions-heading" ref={listRef} onKeyDown={onKeyDown}>
          {list.map((s) => (
            <li key={s.id}>
              <SessionItem s={s} current={page === 'session' && s.id === selected} onSelect={() => (select(s.id), onPage('session'))} />
            </li>
          ))}
        </ul>
      )}
      <nav className="sidebar-foot" aria-label="App">
        <button type="button" className={`nav-item${page === 'gallery' ? ' current' : ''}`} aria-current={page === 'gallery' ? 'page' : undefined} onClick={() => onPage('gallery')}>
          Recipes
        </button>
        <button type="button" className={`nav-item${page === 'settings' ? ' current' : ''}`} aria-current={page === 'settings' ? 'page' : undefined} onClick={() => onPage('settings')}>
          Settings
        </button>
      </nav>
      {dialog && <NewSessionDialog onClose={() => setDialog(false)} />}
    </aside>
  );
}

function SessionItem({ s, current, onSelect }: { s: SessionSummary; current: boolean; onSelect(): void }) {
  const busy = useSessions((st) => st.busy[s.id]);
  const agents = (s.agents ?? []).map(titleOf).join(', ');
  return (
    <button
      type="button"
      className={`session-item${current ? ' current' : ''}`}
      aria-current={current ? 'page' : undefined}
      aria-label={`${s.name}, ${busy ?? s.state}`}
      onClick={onSelect}
    >
      <span className="session-line">
        <span className={`state-dot state-${s.state}`} aria-hidden="true" />
        <span className="session-name">{s.name}</span>
        <span className="session-state">{busy ?? s.state}</span>
      </span>
      <span className="session-meta" title={s.workspace}>
        {shortPath(s.workspace)}
      </span>
      {(agents || s.recipe) && (
        <span className="session-meta">
          {[s.recipe && `recipe ${s.recipe}`, agents].filter(Boolean).join(' · ')}
        </span>
      )}
    </button>
  );
}

export function shortPath(p: string): string {
  return p.replace(/^\/(home|Users)\/[^/]+/, '~');
}
