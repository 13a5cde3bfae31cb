// A model for the agents. A native Ollama on the host is used when it answers (this step never
// shows then). Otherwise: one primary button runs Ollama in a container and pulls the default
// model (its size said before anything downloads; a progress bar; a second click continues an
// interrupted download), or a cloud API key instead.
import { useEffect, useState } from 'react';
import type { ModelsStatus } from '../../../src-shared/api/contract';
import { bridge } from '../../bridge';
import { useApp } from '../../state/app';
import { asKilnError, type KilnError } from '../../state/errors';
import { useSettings } from '../../state/settings';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar, formatBytes } from '../common/ProgressBar';

export function modelReady(m: ModelsStatus): boolean {
  if (m.active === 'host' || m.active === 'cloud') return true;
  if (m.active === 'container') return m.default.present;
  return false;
}

export function ModelStep() {
  const models = useApp((s) => s.models)!;
  const refresh = useApp((s) => s.refreshModels);
  const platform = useApp((s) => s.info?.platform);
  // No engine to run Ollama on (the all-in-one container): the host's Ollama or a key only.
  const canRunContainer = useApp((s) => s.info?.capabilities.localModelContainer !== false);
  const [mode, setMode] = useState<'local' | 'key'>('local');
  const [phase, setPhase] = useState<'idle' | 'starting' | 'pulling'>('idle');
  const [error, setError] = useState<KilnError | null>(null);
  const [interrupted, setInterrupted] = useState(false);
  const task = `models.pull:${models.default.name}`;
  // An Ollama started on this computer meanwhile is picked up: look again every 3 s while idle.
  useEffect(() => {
    if (phase !== 'idle' || mode !== 'local') return;
    const t = setInterval(() => void refresh(), 3000);
    return () => clearInterval(t);
  }, [phase, mode, refresh]);
  const progress = useApp((s) => s.progress[task]);

  const start = async () => {
    setError(null);
    try {
      setPhase('starting');
      const { url } = await bridge.call('models.startLocal', {});
      setPhase('pulling');
      await bridge.call('models.pull', { name: models.default.name, host: url });
      await refresh();
      setPhase('idle');
    } catch (err) {
      setError(asKilnError(err));
      setInterrupted(true);
      setPhase('idle');
    }
  };

  if (mode === 'key') return <KeyForm models={models} onBack={() => setMode('local')} />;

  return (
    <section className="step" aria-labelledby="model-title">
      <h1 id="model-title">Choose how agents think</h1>
      {canRunContainer ? (
        <p className="lead">
          No Ollama answered on this computer. Kiln can run one in a container and download <strong>{models.default.label}</strong> (
          {formatBytes(models.default.approxBytes)}), once, for every session.
        </p>
      ) : (
        <p className="lead">No Ollama answered on this computer. Start Ollama there (Kiln uses it when it answers), or use a cloud API key.</p>
      )}
      {phase === 'idle' ? (
        <div className="actions">
          {canRunContainer && (
            <button type="button" className="btn btn-primary" onClick={() => void start()}>
              {interrupted ? 'Continue the download' : 'Start a local model'}
            </button>
          )}
          <button type="button" className="btn btn-link" onClick={() => setMode('key')}>
            Use a cloud API key instead
          </button>
        </div>
      ) : (
        <ProgressBar
          label={`Downloading ${models.default.label}`}
          current={progress?.current}
          total={progress?.total}
          message={phase === 'starting' ? 'Starting Ollama…' : (progress?.message ?? 'Starting the download…')}
          bytes
        />
      )}
      {error && <ErrorNotice error={error} />}
      <p className="muted small">
        {platform === 'darwin' ? 'On this Mac' : 'On a Mac'}, the native Ollama app is many times faster: it uses the GPU.{' '}
        <a href="https://ollama.com/download" target="_blank" rel="noreferrer noopener">
          Get Ollama
        </a>{' '}
        and start it; Kiln uses it when it answers.
      </p>
    </section>
  );
}

function KeyForm({ models, onBack }: { models: ModelsStatus; onBack(): void }) {
  const [provider, setProvider] = useState(models.keys[0]?.provider ?? '');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const error = useSettings((s) => s.error);
  const setKeyOnHost = useSettings((s) => s.setKey);
  return (
    <section className="step" aria-labelledby="key-title">
      <h1 id="key-title">Use a cloud API key</h1>
      <p className="lead">Kiln keeps the key on this computer and gives it to sessions; this page never sees it again.</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void setKeyOnHost(provider, key.trim()).finally(() => setBusy(false));
        }}
      >
        <label>
          Provider
          <select value={provider} onChange={(e) => setProvider(e.target.value)}>
            {models.keys.map((k) => (
              <option key={k.provider} value={k.provider}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          API key
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder="Paste the key" />
        </label>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy || key.trim().length < 8 || !provider}>
            Save the key
          </button>
          <button type="button" className="btn btn-link" onClick={onBack}>
            Run a local model instead
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
