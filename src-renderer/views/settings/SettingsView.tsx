// Settings: models (local ones found, the default, cloud keys — entered once, shown back only
// as a hint), where workspaces go, the engine in use, and the theme.
import { useEffect, useState } from 'react';
import { useApp } from '../../state/app';
import { useSettings } from '../../state/settings';
import { ErrorNotice } from '../common/ErrorNotice';
import { formatBytes } from '../common/ProgressBar';

export function SettingsView() {
  const settings = useSettings((s) => s.settings);
  const theme = useSettings((s) => s.theme);
  const error = useSettings((s) => s.error);
  const saved = useSettings((s) => s.saved);
  const { load, save } = useSettings.getState();
  const models = useApp((s) => s.models);
  const engine = useApp((s) => s.engine);
  const info = useApp((s) => s.info);
  const [dir, setDir] = useState('');
  useEffect(() => {
    void load();
    void useApp.getState().refreshModels();
    void useApp.getState().refreshEngine();
  }, [load]);
  useEffect(() => {
    if (settings) setDir(settings.workspacesDir);
  }, [settings]);

  const local = [...(models?.host?.models ?? []).map((m) => ({ ...m, where: 'Ollama on this computer' })), ...(models?.container.models ?? []).map((m) => ({ ...m, where: 'Kiln’s Ollama container' }))];

  return (
    <main className="settings" aria-label="Settings">
      <h1>Settings</h1>
      {error && <ErrorNotice error={error} />}
      {saved && (
        <p className="muted small" role="status">
          {saved}
        </p>
      )}

      <section className="card" aria-labelledby="set-models">
        <h2 id="set-models">Models</h2>
        <p className="muted small">
          In use:{' '}
          {models ? { host: 'Ollama on this computer', container: 'Kiln’s Ollama container', cloud: 'a cloud API', none: 'none yet' }[models.active] : '…'}
          {models?.host ? ` (${models.host.url}, Ollama ${models.host.version})` : ''}
        </p>
        <label>
          Default model for new sessions
          <select value={settings?.defaultModel ?? ''} onChange={(e) => void save({ defaultModel: e.target.value })} disabled={!settings}>
            <option value="">Kiln’s default{models ? ` (${models.default.label})` : ''}</option>
            {local.map((m) => (
              <option key={`${m.where}-${m.name}`} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        {local.length === 0 ? (
          <p className="empty small">No local models found. Start Ollama on this computer, or let Kiln run one from the first-run screen.</p>
        ) : (
          <ul className="plain-list" aria-label="Local models">
            {local.map((m) => (
              <li key={`${m.where}-${m.name}`}>
                <code>{m.name}</code> <span className="muted small">· {formatBytes(m.size)} · {m.where}</span>
              </li>
            ))}
          </ul>
        )}
        <h3>Cloud API keys</h3>
        <p className="muted small">Entered once and kept by Kiln on this computer; this page only ever sees the last characters.</p>
        {(models?.keys ?? []).map((k) => (
          <KeyRow key={k.provider} provider={k.provider} label={k.label} set={k.set} hint={k.hint} />
        ))}
      </section>

      <section className="card" aria-labelledby="set-workspaces">
        <h2 id="set-workspaces">Workspaces</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void save({ workspacesDir: dir.trim() });
          }}
        >
          <label className="grow">
            New session folders go in
            <input value={dir} onChange={(e) => setDir(e.target.value)} disabled={!settings} />
          </label>
          <button type="submit" className="btn" disabled={!settings || dir.trim() === settings.workspacesDir}>
            Save
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="set-engine">
        <h2 id="set-engine">Engine</h2>
        {engine?.ok ? (
          <p>
            {engine.name} {engine.version} <span className="muted small">· {engine.endpoint}</span>
          </p>
        ) : engine ? (
          <ErrorNotice error={engine.error} compact />
        ) : (
          <p className="muted">Checking…</p>
        )}
        {info && (
          <p className="muted small">
            {info.name} {info.version} · {info.mode} mode
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="set-theme">
        <h2 id="set-theme">Appearance</h2>
        <div role="radiogroup" aria-labelledby="set-theme" className="segmented">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t} className={theme === t ? 'on' : ''}>
              <input type="radio" name="theme" value={t} checked={theme === t} onChange={() => void save({ theme: t })} />
              {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </div>
      </section>
    </main>
  );
}

function KeyRow({ provider, label, set, hint }: { provider: string; label: string; set: boolean; hint?: string }) {
  const [value, setValue] = useState('');
  const { setKey, clearKey } = useSettings.getState();
  return (
    <form
      className="row key-row"
      onSubmit={(e) => {
        e.preventDefault();
        void setKey(provider, value.trim()).then((ok) => ok && setValue(''));
      }}
    >
      <span className="key-label">{label}</span>
      {set ? (
        <>
          <code className="grow">{hint ? `••••${hint.replace(/^[•*.]+/, '')}` : 'saved'}</code>
          <button type="button" className="btn btn-small" onClick={() => void clearKey(provider)}>
            Remove key
          </button>
        </>
      ) : (
        <>
          <input className="grow" type="password" autoComplete="off" aria-label={`${label} API key`} placeholder="Paste the key" value={value} onChange={(e) => setValue(e.target.value)} />
          <button type="submit" className="btn btn-small" disabled={value.trim().length < 8}>
            Save key
          </button>
        </>
      )}
    </form>
  );
}
