// The first session: a workspace folder under the workspaces folder (~/Kiln/<name>), started
// with its steps shown as they happen.
import { useApp } from '../../state/app';
import { useSessions } from '../../state/sessions';
import { useSettings } from '../../state/settings';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar } from '../common/ProgressBar';

export function SessionStep() {
  const task = useSessions((s) => s.busy.new);
  const error = useSessions((s) => s.error);
  const create = useSessions((s) => s.create);
  const clearError = useSessions((s) => s.clearError);
  const progress = useApp((s) => (task ? s.progress[task] : undefined));
  const dir = useSettings((s) => s.settings?.workspacesDir) ?? '~/Kiln';
  return (
    <section className="step" aria-labelledby="session-title">
      <h1 id="session-title">Start your first session</h1>
      <p className="lead">
        A session is an agent at work in a folder of its own, in a container. Every change it makes is recorded and can be undone. Its
        folder goes in <code>{dir}</code>.
      </p>
      {task ? (
        <ProgressBar label="Starting the session" current={progress?.current} total={progress?.total} message={progress?.message ?? 'Starting…'} />
      ) : (
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => void create()}>
            Start a session
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} onDismiss={clearError} />}
    </section>
  );
}
