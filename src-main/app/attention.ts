// A long task (the runtime image build, a model pull) that finishes while the window is in the
// background earns a notification and a dock/taskbar badge; bringing the window forward clears it.
// Fed the same pushes the window gets; Electron's notifier and badge come in as functions.
export const LONG_TASK = /^(image\.build|models\.pull:.+)$/;

export interface AttentionDeps {
  isForeground(): boolean;
  notify(title: string, body: string): void;
  setBadge(count: number): void;
}

/** "The runtime image is ready" / "qwen2.5-coder:7b is downloaded". */
export function finishedTitle(task: string): string {
  if (task === 'image.build') return 'The runtime image is ready';
  const model = task.slice('models.pull:'.length);
  return `${model} is downloaded`;
}

export function createAttention(deps: AttentionDeps): { onPush(msg: unknown): void; onFocus(): void; readonly pending: number } {
  let pending = 0;
  return {
    onPush(msg) {
      const m = msg as { t?: string; stream?: string; payload?: { task?: unknown; message?: unknown; done?: unknown } };
      if (m?.t !== 'push' || m.stream !== 'progress' || m.payload?.done !== true) return;
      const task = m.payload.task;
      if (typeof task !== 'string' || !LONG_TASK.test(task) || deps.isForeground()) return;
      pending += 1;
      deps.setBadge(pending);
      deps.notify(finishedTitle(task), typeof m.payload.message === 'string' ? m.payload.message : '');
    },
    onFocus() {
      if (pending === 0) return;
      pending = 0;
      deps.setBadge(0);
    },
    get pending() {
      return pending;
    },
  };
}
