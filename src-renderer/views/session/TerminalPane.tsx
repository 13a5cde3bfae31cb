import { useApp } from '../../state/app';
import { openTask, type Tab } from '../../state/terminals';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar } from '../common/ProgressBar';
import { useTerminal } from './useTerminal';

export function TerminalPane(props: { session: string; tab: Tab; place: 'left' | 'right' | 'hidden'; active: boolean; onBound(id: string): void; onExit(exitCode: number | null): void }) {
  const { session, tab, place, active } = props;
  const { ref, error, exited, phase, restart } = useTerminal({
    session,
    tabKey: tab.key,
    kind: tab.kind,
    attach: tab.terminal,
    active,
    onBound: props.onBound,
    onExit: props.onExit,
  });
  // An agent's first open installs it into the shared volume and writes its settings: say so.
  const progress = useApp((s) => s.progress[openTask(tab.key)]);
  const preparing = phase === 'opening' && !error && progress && !progress.done;
  return (
    <div
      id={`panel-${tab.key}`}
      role="tabpanel"
      aria-labelledby={`tab-${tab.key}`}
      className={`terminal-pane place-${place}`}
      hidden={place === 'hidden'}
      data-state={exited ? 'exited' : phase}
    >
      {preparing && (
        <div className="terminal-progress">
          <ProgressBar label={`Preparing ${tab.title}`} message={progress.message} {...(progress.current !== undefined ? { current: progress.current } : {})} {...(progress.total !== undefined ? { total: progress.total } : {})} />
        </div>
      )}
      {error && (
        <div className="terminal-error">
          <ErrorNotice error={error} compact />
          <button type="button" className="btn btn-small" onClick={restart}>
            Open again
          </button>
        </div>
      )}
      <div className="terminal-host" ref={ref} />
    </div>
  );
}
