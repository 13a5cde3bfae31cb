// One receipt of the timeline, drawn for what it is: a command (exit code, duration), a tool
// call, a file or many-file change (diffs), a message (a conversation bubble), an undo (with
// its Redo), an error (stands out), the session's start and end.
import type { TEvent } from '../../../state/timeline';
import { ChangesEntry, FileEntry } from './FileEntry';
import type { ViewKind } from './FileDiff';

// One formatter for the page: toLocaleTimeString builds a new one per call (it was the top cost
// of scrolling a long timeline).
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export function time(at: number): string {
  return TIME.format(at * 1000);
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function summary(v: unknown, max = 160): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export const BEFORE_RE = /before: ([0-9a-f]{40}(?:[0-9a-f]{24})?)/;

export const RESTORED_RE = /restored ([0-9a-f]{40}(?:[0-9a-f]{24})?)/;

/**
 * `befores`: the "before" checkpoints of the undos so far. An undo that restores one of them is a
 * redo; its own button then undoes again.
 */
export function Entry({ ev, session, view, onRedo, befores, openDiffs }: { ev: TEvent; session: string; view: ViewKind; onRedo(before: string): void; befores: Set<string>; openDiffs: boolean }) {
  switch (ev.kind) {
    case 'sessionStart':
      return (
        <div className="entry entry-session">
          <span className="entry-icon" aria-hidden="true">▶</span>
          <span>
            Session started · {ev.content.agent} · {ev.content.model}
          </span>
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    case 'sessionEnd':
      return (
        <div className="entry entry-session">
          <span className="entry-icon" aria-hidden="true">■</span>
          <span>
            Session {ev.content.outcome} · {ev.content.actions} actions · {duration(ev.content.durationMs)}
          </span>
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    case 'error':
      return (
        <div className="entry entry-error" role="note" aria-label="Error">
          <span className="entry-icon" aria-hidden="true">!</span>
          <div>
            <strong>{ev.content.what}</strong>
            {ev.content.attempted && <div className="small">While: {ev.content.attempted}</div>}
            {ev.content.code && <div className="small muted">{ev.content.code}</div>}
          </div>
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    case 'checkpoint':
      return null; // drawn as the group's header
    case 'action':
      break;
  }
  const c = ev.content;
  switch (c.type) {
    case 'command':
      return (
        <div className="entry entry-command">
          <span className="entry-icon" aria-hidden="true">$</span>
          <code className="command-text">{c.command}</code>
          {c.exitCode !== undefined && (
            <span className={`badge ${c.exitCode === 0 ? 'badge-ok' : 'badge-bad'}`} aria-label={`exit code ${c.exitCode}`}>
              exit {c.exitCode}
            </span>
          )}
          {c.durationMs !== undefined && <span className="muted small">{duration(c.durationMs)}</span>}
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    case 'tool':
      return (
        <div className="entry entry-tool">
          <span className="entry-icon" aria-hidden="true">⚙</span>
          <div className="grow">
            <div>
              <strong>{c.tool}</strong> <span className="muted small">by {c.agent}</span>
              {c.ok === false && <span className="badge badge-bad">failed</span>}
            </div>
            {c.input !== undefined && <code className="small tool-input">{summary(c.input)}</code>}
          </div>
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    case 'file':
      return (
        <div className="entry entry-file">
          <FileEntry session={session} content={c} view={view} openSmall={openDiffs} />
        </div>
      );
    case 'changes':
      return (
        <div className="entry entry-file">
          <ChangesEntry session={session} content={c} view={view} openSmall={openDiffs} />
        </div>
      );
    case 'message': {
      const fromUser = c.from === 'user' || c.from === 'you';
      return (
        <div className={`entry entry-message ${fromUser ? 'from-user' : 'from-agent'}`}>
          <div className="bubble">
            <div className="bubble-from small">
              {c.from}
              {c.to ? ` → ${c.to}` : ''} · {time(ev.at)}
            </div>
            <div className="bubble-text">{c.text}</div>
          </div>
        </div>
      );
    }
    case 'git': {
      const before = c.operation === 'undo' ? BEFORE_RE.exec(c.detail ?? '')?.[1] : undefined;
      const restored = c.operation === 'undo' ? RESTORED_RE.exec(c.detail ?? '')?.[1] : undefined;
      const isRedo = !!restored && befores.has(restored);
      return (
        <div className={`entry entry-git${c.operation === 'undo' ? ' entry-undo' : ''}`}>
          <span className="entry-icon" aria-hidden="true">↶</span>
          <div className="grow">
            <strong>{c.operation === 'undo' ? (isRedo ? 'Redone' : 'Undone') : c.operation}</strong>
            {c.detail && <div className="small muted">{c.detail.replace(/[0-9a-f]{40}(?:[0-9a-f]{24})?/g, (h) => h.slice(0, 8))}</div>}
          </div>
          {before && (
            <button type="button" className="btn btn-small" onClick={() => onRedo(before)}>
              {isRedo ? 'Undo again' : 'Redo'}
            </button>
          )}
          <span className="entry-time">{time(ev.at)}</span>
        </div>
      );
    }
  }
}
