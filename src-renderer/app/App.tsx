// The window: a connection banner, then first run until there is a session, then the sidebar
// with the selected session (or settings).
import { useCallback, useEffect, useState } from 'react';
import { useApp } from '../state/app';
import { useSessions } from '../state/sessions';
import { useSettings } from '../state/settings';
import { ErrorNotice } from '../views/common/ErrorNotice';
import { RecordBanner } from './RecordBanner';
import { FirstRun, useFirstRunStep } from '../views/first-run/FirstRun';
import { DropHint } from '../views/gallery/DropHint';
import { GalleryView } from '../views/gallery/GalleryView';
import { useRecipeDrop, useRecipeLinks } from '../views/gallery/hooks';
import { RecipeNotes } from '../views/gallery/RecipeNotes';
import { SessionView } from '../views/session/SessionView';
import { Sidebar, type Page } from '../views/sessions/Sidebar';
import { SettingsView } from '../views/settings/SettingsView';

export function App() {
  const connection = useApp((s) => s.connection);
  const list = useSessions((s) => s.list);
  const loaded = useSessions((s) => s.loaded);
  const selected = useSessions((s) => s.selected);
  const step = useFirstRunStep(list.length, loaded);
  const [page, setPage] = useState<Page>('session');
  const toGallery = useCallback(() => setPage('gallery'), []);
  const dragging = useRecipeDrop(toGallery);
  useRecipeLinks(toGallery);

  useEffect(() => {
    if (connection === 'no-token' || connection === 'stale-token') return;
    void useApp.getState().load();
    void useSessions.getState().load();
    void useSettings.getState().load();
  }, [connection === 'no-token' || connection === 'stale-token']);

  if (connection === 'no-token' || connection === 'stale-token') return <NoToken stale={connection === 'stale-token'} />;
  const session = list.find((s) => s.id === selected);

  return (
    <div className="app">
      <ConnectionBanner />
      <RecordBanner />
      {step === 'loading' ? (
        <Loading />
      ) : step !== 'done' && !(step === 'session' && page === 'gallery') ? (
        <FirstRun step={step} />
      ) : (
        <div className="shell">
          <Sidebar page={page} onPage={setPage} />
          {page === 'settings' ? (
            <SettingsView />
          ) : page === 'gallery' ? (
            <GalleryView onStarted={() => setPage('session')} />
          ) : session ? (
            <SessionView key={session.id} session={session} />
          ) : (
            <main className="empty center">
              <p>No session selected.</p>
              <p className="muted">Pick one on the left, or start a new one.</p>
            </main>
          )}
        </div>
      )}
      {step !== 'loading' && <GlobalError />}
      <RecipeNotes />
      {dragging && <DropHint />}
    </div>
  );
}

function Loading() {
  const error = useApp((s) => s.error);
  if (error) {
    return (
      <main className="first-run">
        <div className="first-run-card">
          <ErrorNotice error={error} />
          <div className="actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                useApp.getState().setError(null);
                void useApp.getState().load().then(() => {
                  void useApp.getState().refreshImage();
                  void useApp.getState().refreshModels();
                });
                void useSessions.getState().load();
              }}
            >
              Try again
            </button>
          </div>
        </div>
      </main>
    );
  }
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Connecting to Kiln…
    </div>
  );
}

function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  const [showBack, setShowBack] = useState(false);
  useEffect(() => {
    if (connection !== 'reconnected') return;
    setShowBack(true);
    const t = setTimeout(() => setShowBack(false), 2000);
    return () => clearTimeout(t);
  }, [connection]);
  if (connection === 'reconnecting') {
    return (
      <div className="banner banner-warn" role="status">
        <span className="spinner" aria-hidden="true" /> Reconnecting… Kiln stopped answering; this page reconnects by itself when it is back.
      </div>
    );
  }
  if (showBack) {
    return (
      <div className="banner banner-ok" role="status">
        Reconnected.
      </div>
    );
  }
  return null;
}

function GlobalError() {
  const error = useApp((s) => s.error);
  const setError = useApp((s) => s.setError);
  if (!error) return null;
  return (
    <div className="toast">
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
    </div>
  );
}

function NoToken({ stale }: { stale: boolean }) {
  return (
    <main className="first-run">
      <div className="first-run-card">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" /> Kiln
        </div>
        <section className="step">
          <h1>{stale ? 'Kiln was restarted' : 'Open Kiln from its link'}</h1>
          <p className="lead">
            {stale
              ? 'This page holds the key of an earlier start. Each start of kiln web makes a new one.'
              : 'This page needs the key that comes with the link kiln web prints.'}
          </p>
          <p>
            Open the link that <code>kiln web</code> printed in its terminal (it starts with <code>http://127.0.0.1</code> and ends with{' '}
            <code>#token=…</code>).
          </p>
        </section>
      </div>
    </main>
  );
}
