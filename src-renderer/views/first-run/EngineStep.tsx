// No engine answers: say what to install on this platform, with its link, and re-check by
// ourselves every 3 s (the person installs and starts it; the page moves on).
import { useEffect } from 'react';
import { useApp } from '../../state/app';

const INSTALL: Record<string, { name: string; url: string }> = {
  darwin: { name: 'Docker Desktop for Mac (or OrbStack)', url: 'https://docs.docker.com/desktop/setup/install/mac-install/' },
  win32: { name: 'Docker Desktop for Windows', url: 'https://docs.docker.com/desktop/setup/install/windows-install/' },
  linux: { name: 'Docker Engine', url: 'https://docs.docker.com/engine/install/' },
};

export function EngineStep() {
  const engine = useApp((s) => s.engine);
  const platform = useApp((s) => s.info?.platform) ?? guessPlatform();
  const refresh = useApp((s) => s.refreshEngine);
  useEffect(() => {
    const t = setInterval(() => void refresh(), 3000);
    return () => clearInterval(t);
  }, [refresh]);
  const install = INSTALL[platform] ?? INSTALL.linux!;
  const error = engine && !engine.ok ? engine.error : null;
  return (
    <section className="step" aria-labelledby="engine-title">
      <h1 id="engine-title">Kiln needs a container engine</h1>
      <p className="lead">{error?.message ?? 'No container engine answered on this computer.'}</p>
      {error?.next && <p>{error.next}</p>}
      <p>
        On this computer, install <strong>{install.name}</strong> and start it. Kiln notices by itself — this page checks again every few
        seconds.
      </p>
      <div className="actions">
        <a className="btn btn-primary" href={install.url} target="_blank" rel="noreferrer noopener">
          Get {install.name.split(' (')[0]}
        </a>
      </div>
      <p className="muted" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> Checking for an engine…
      </p>
    </section>
  );
}

function guessPlatform(): string {
  const p = navigator.platform.toLowerCase();
  return p.startsWith('mac') ? 'darwin' : p.startsWith('win') ? 'win32' : 'linux';
}
