// A new session: a name (optional; Kiln picks one) and go. Its folder goes under the workspaces folder.
import { useState } from 'react';
import { useApp } from '../../state/app';
import { useSessions } from '../../state/sessions';
import { useSettings } from '../../state/settings';
import { Dialog } from '../common/Dialog';
import { DialogForm, DialogFormActions, TextField } from '../common/DialogForm';
import { ErrorNotice } from '../common/ErrorNotice';
import { ProgressBar } from '../common/ProgressBar';

export function NewSessionDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const task = useSessions((s) => s.busy.new);
  const error = useSessions((s) => s.error);
  const create = useSessions((s) => s.create);
  const progress = useApp((s) => (task ? s.progress[task] : undefined));
  const dir = useSettings((s) => s.settings?.workspacesDir) ?? '~/Kiln';
  const submit = async () => {
    const made = await create(name.trim() ? { name: name.trim() } : {});
    if (made) onClose();
  };
  return (
    <Dialog
      title="New session"
      onCancel={onClose}
      actions={<DialogFormActions form="new-session" label="Start" disabled={!!task} onCancel={onClose} cancelLabel={task ? 'Hide' : 'Cancel'} />}
    >
      <DialogForm id="new-session" onSubmit={() => void submit()}>
        <TextField label="Name" value={name} onChange={setName} autoFocus placeholder="Kiln picks one when empty" maxLength={60} />
        <p className="muted small">
          Its folder: <code>{dir}/{name.trim() || '<name>'}</code>
        </p>
      </DialogForm>
      {task && <ProgressBar label="Starting the session" current={progress?.current} total={progress?.total} message={progress?.message ?? 'Starting…'} />}
      {error && <ErrorNotice error={error} />}
    </Dialog>
  );
}
