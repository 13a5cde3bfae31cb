// One session: its header (state, workspace, stop/resume/remove), its terminals (a tab per
// agent plus a shell, or side by side) and its timeline beside them.
import { useEffect, useState } from 'react';
import type { SessionSummary } from '../../../src-shared/api/contract';
import { useApp } from '../../state/app';
import { useSessions } from '../../state/sessions';
import { useTimeline } from '../../state/timeline';
import { Dialog } from '../common/Dialog';
import { ErrorNotice } from '../common/ErrorNotice';
import { shortPath } from '../sessions/Sidebar';
import { Terminals } from './Terminals';
import { Timeline } from './timeline/Timeline';
import { SaveRecipeButton } from '../gallery/SaveRecipe';

export function SessionView({ session }: { session: SessionSummary }) {
  const open = useTimeline((s) => s.open);
  useEffect(() => {
    void open(session.id);
  }, [session.id, open]);
  return (
    <main className="session" aria-label={`Session ${session.name}`}>
      <SessionHeader session={session} />
      {session.problem && <ErrorNotice error={session.problem} />}
      <div className="session-body">
        <section className="pane-terminals" aria-label="Terminals">
          {session.state === 'running' ? (
            <Terminals key={session.id} session={session} />
          ) : (
            <div className="empty center">
              <p>This session is {session.state}.</p>
              <p className="muted">{session.state === 'stopped' ? 'Resume it to open its terminals; its timeline stays readable.' : 'Its terminals open once it runs.'}</p>
            </div>
          )}
        </section>
        <section className="pane-timeline" aria-label="Timeline">
          <Timeline session={session} />
        </section>
      </div>
    </main>
  );
}

function SessionHeader({ session }: { session: SessionSummary }) {
  const busy = useSessions((s) => s.busy[session.id]);
  const error = useSessions((s) => s.error);
  const { stop, resume, remove, clearError } = useSessions.getState();
  const [confirm, setConfirm] = useState(false);
  // Hidden where this host cannot do it (the all-in-one container is its one session).
  const caps = useApp((s) => s.info?.capabilities);
  const canStop = caps?.stopSessions !== false;
  const canRemove = caps?.removeSessions !== false;
  return (
    <header className="session-header">
      <div className="session-title">
        <h1>{session.name}</h1>
        <span className={`badge state-${session.state}`}>{busy ?? session.state}</span>
        <span className="muted small" title={session.workspace}>
          {shortPath(session.workspace)}
          {session.model ? ` · ${session.model}` : ''}
        </span>
      </div>
      <div className="session-actions">
        <SaveRecipeButton session={session.id} name={session.name} />
        {session.state === 'running' || session.state === 'starting' ? (
          canStop && (
            <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void stop(session.id)}>
              Stop
            </button>
          )
        ) : (
          <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void resume(session.id)}>
            Resume
          </button>
        )}
        {canRemove && (
          <button type="button" className="btn btn-small btn-danger-ghost" disabled={!!busy} onClick={() => setConfirm(true)}>
            Remove
          </button>
        )}
      </div>
      {error && (
        <div className="header-error">
          <ErrorNotice error={error} onDismiss={clearError} compact />
        </div>
      )}
      {confirm && (
        <Dialog
          title={`Remove “${session.name}”?`}
          onCancel={() => setConfirm(false)}
          actions={
            <>
              <button type="button" className="btn" onClick={() => setConfirm(false)} data-autofocus>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-danger"
                onClick={() => {
                  setConfirm(false);
                  void remove(session.id);
                }}
              >
                Remove session
              </button>
            </>
          }
        >
          <p>Its containers and its record (timeline and checkpoints) are deleted.</p>
          <p>
            The workspace folder is kept: <code>{session.workspace}</code>
          </p>
        </Dialog>
      )}
    </header>
  );
}
