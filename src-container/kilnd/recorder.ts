// The recorder: turns hook calls and watcher changes into an ordered chain of signed receipts.
//
// Every operation runs on one queue, so the chain's order is the order things happened:
//   before an action   [file receipts of unattributed changes] → checkpoint → (the action runs)
//   after a command    command receipt → file receipts of what it changed
//   after a tool call  tool receipt → file receipts
//   watcher (quiet)    checkpoint of the state before → file receipts
// A state gets its checkpoint event the first time it is the "before" of something, so every
// change in the timeline has a restore point just above it, and undo is one click to any of them.
import type { Checkpoint, CheckpointStore } from './checkpoints';
import type { EventStore } from './store';
import type { ActionInput, CheckpointInput, NostrEvent, SessionWriter, Written } from '../../src-shared/events';

export interface RecorderOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  writer: SessionWriter;
  /** Quiet time after the last file change before the watcher records it (default 100 ms). */
  debounceMs?: number;
  /** A hooked action that never reports its end stops holding back the watcher after this long. */
  actionLeaseMs?: number;
  log?: (line: string) => void;
}

type CheckpointReason = CheckpointInput['reason'];

export interface CommandEnd {
  command: string;
  cwd?: string;
  exitCode?: number;
  durationMs?: number;
}

export interface ToolCall {
  agent: string;
  tool: string;
  input?: unknown;
  output?: unknown;
  ok?: boolean;
}

/** Stores blobs, then the event; returns only after the commit (the relay fans out then). */
export function storeWritten(store: EventStore, written: Written): NostrEvent {
  for (const blob of written.blobs) store.putBlob(blob.bytes, blob.mime);
  const [result] = store.putMany([written.event], { signedInProcess: true });
  if (!result?.ok) throw new Error(`The event store refused a receipt: ${result?.reason ?? 'unknown reason'}`);
  return written.event;
}

export class Recorder {
  private queue: Promise<unknown> = Promise.resolve();
  /** Commits known to have a checkpoint event in this chain (a cache of the store; see isMarked). */
  private readonly marked = new Set<string>();
  /** The last checkpoint result per commit we may still need to describe (its parent, files, ms). */
  private readonly recent = new Map<string, Checkpoint>();
  /** Leases of hooked actions in flight (start time); the watcher waits while any is live. */
  private readonly inFlight: number[] = [];
  private actions = 0;
  private lastBefore: string | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly debounceMs: number;
  private readonly leaseMs: number;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: RecorderOptions) {
    this.debounceMs = opts.debounceMs ?? 100;
    this.leaseMs = opts.actionLeaseMs ?? 30_000;
    this.log = opts.log ?? (() => {});
    // A recorder resuming a chain (after a crash) picks up where the store says it stands.
    const session = { '#E': [opts.writer.position.startId] };
    this.actions = opts.store.count({ kinds: [4601], ...session });
    for (const ev of opts.store.query({ kinds: [4601], ...session, limit: 100 })) {
      // Command and tool receipts name the checkpoint taken before them (file receipts, the one after).
      const { type, checkpoint } = JSON.parse(ev.content) as { type?: unknown; checkpoint?: unknown };
      if (type !== 'file' && typeof checkpoint === 'string') {
        this.lastBefore = checkpoint;
        break;
      }
    }
  }

  get actionCount(): number {
    return this.actions;
  }
  /** The checkpoint taken before the most recent action: the default target of undo. */
  get lastRestorePoint(): string | null {
    return this.lastBefore;
  }

  /** Records the session's first state so it can always be restored. */
  start(): Promise<Checkpoint> {
    return this.serial(async () => {
      const cp = await this.opts.checkpoints.takeCheckpoint('start');
      this.remember(cp);
      this.mark(cp.commit, 'start');
      return cp;
    });
  }

  /** The watcher saw changes: record them once things have been quiet for debounceMs. */
  noteChange(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (this.hasLiveAction()) return this.noteChangeLater();
      void this.serial(() => this.capture()).catch((err) => this.log(`watcher capture failed: ${String(err)}`));
    }, this.debounceMs);
  }

  /** Before a mutating action: a checkpoint of the present, taken and recorded before it runs. */
  beforeAction(reason: CheckpointReason): Promise<{ commit: string; eventId: string | null }> {
    this.inFlight.push(Date.now());
    return this.serial(async () => {
      const cp = await this.capture(reason);
      const eventId = this.mark(cp.commit, reason);
      this.lastBefore = cp.commit;
      return { commit: cp.commit, eventId };
    });
  }

  afterCommand(end: CommandEnd): Promise<void> {
    this.endLease();
    return this.serial(async () => {
      this.write(this.opts.writer.action({ type: 'command', ...end, ...(this.lastBefore ? { checkpoint: this.lastBefore } : {}) }));
      await this.capture();
    });
  }

  afterTool(call: ToolCall): Promise<void> {
    this.endLease();
    return this.serial(async () => {
      this.write(this.opts.writer.action({ type: 'tool', phase: 'after', ...call, ...(this.lastBefore ? { checkpoint: this.lastBefore } : {}) }));
      await this.capture();
    });
  }

  message(from: string, text: string, to?: string): Promise<void> {
    return this.serial(async () => {
      this.write(this.opts.writer.action({ type: 'message', from, text, ...(to ? { to } : {}) }));
    });
  }

  /** A checkpoint on request (the CLI's `kiln checkpoint`). */
  checkpointNow(): Promise<Checkpoint> {
    return this.serial(async () => {
      const cp = await this.capture('manual');
      this.mark(cp.commit, 'manual');
      return cp;
    });
  }

  /** Undo: restore the workspace to `target` (default: before the last action). Undoable. */
  undo(target?: string): Promise<{ restored: string; before: string; changed: number; ms: number }> {
    return this.serial(async () => {
      const commit = target ?? this.lastBefore;
      if (!commit) throw Object.assign(new Error('There is no action to undo yet.'), { code: 'nothing-to-undo' });
      await this.capture('undo');
      const result = await this.opts.checkpoints.restoreCheckpoint(commit);
      this.remember(result.before);
      this.mark(result.before.commit, 'undo');
      this.write(this.opts.writer.action({
        type: 'git',
        operation: 'undo',
        detail: `restored ${commit} (before: ${result.before.commit}; ${result.changed} files changed${result.failed.length ? `; ${result.failed.length} failed` : ''})`,
      }));
      this.marked.add(result.checkpoint); // same tree as `commit`, which has its event already
      return { restored: commit, before: result.before.commit, changed: result.changed, ms: result.ms };
    });
  }

  /** Writes session end after everything queued has been recorded. */
  async close(outcome: 'stopped' | 'completed' | 'crashed', startedAt: number): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    await this.serial(async () => {
      await this.capture().catch(() => undefined);
      if (!this.opts.writer.ended) {
        this.write(this.opts.writer.end({ durationMs: Date.now() - startedAt, actions: this.actions, outcome }));
      }
    });
    this.closed = true;
  }

  /** Snapshot the present; record receipts for changes since the last snapshot. */
  private async capture(reason: CheckpointReason = 'watcher'): Promise<Checkpoint> {
    const cp = await this.opts.checkpoints.takeCheckpoint(reason);
    if (cp.unchanged || cp.changes.length === 0) return cp;
    this.remember(cp);
    if (cp.parent) this.mark(cp.parent, 'watcher');
    for (const change of cp.changes) {
      const diff = change.binary ? null : await this.opts.checkpoints.diffFor(change).catch(() => null);
      const file: ActionInput = {
        type: 'file',
        path: change.path,
        change: change.change,
        checkpoint: cp.commit,
        ...(change.binary ? { binary: true } : {}),
        ...(change.size !== undefined ? { size: change.size } : {}),
        ...(change.newOid ? { oid: change.newOid } : {}),
        ...(diff ? { diff } : {}),
      };
      this.write(this.opts.writer.action(file));
    }
    for (const skipped of cp.skipped) {
      this.write(this.opts.writer.error({ what: `${skipped.path} was not checkpointed (${skipped.reason}${skipped.size ? `, ${skipped.size} bytes` : ''})`, code: `checkpoint-${skipped.reason}` }));
    }
    return cp;
  }

  /** Gives `commit` its checkpoint event unless it has one; returns the event id if written. */
  private mark(commit: string, reason: CheckpointReason): string | null {
    if (this.isMarked(commit)) return null;
    const known = this.recent.get(commit);
    const written = this.write(this.opts.writer.checkpoint({
      commit,
      reason,
      files: known?.files ?? 0,
      ...(known?.parent ? { parent: known.parent } : {}),
      ...(known ? { ms: known.ms } : {}),
    }));
    this.marked.add(commit);
    return written.id;
  }

  private isMarked(commit: string): boolean {
    if (this.marked.has(commit)) return true;
    const found = this.opts.store.count({ kinds: [4602], '#E': [this.opts.writer.position.startId], '#r': [commit] }) > 0;
    if (found) this.marked.add(commit);
    return found;
  }

  private remember(cp: Checkpoint): void {
    this.recent.set(cp.commit, cp);
    if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value as string);
  }

  private write(written: Written): NostrEvent {
    const event = storeWritten(this.opts.store, written);
    if (event.kind === 4601) this.actions++;
    return event;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private hasLiveAction(): boolean {
    const now = Date.now();
    while (this.inFlight.length && now - (this.inFlight[0] as number) > this.leaseMs) this.inFlight.shift();
    return this.inFlight.length > 0;
  }

  private endLease(): void {
    this.inFlight.shift();
  }

  private noteChangeLater(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.noteChange();
    }, Math.max(this.debounceMs, 250));
  }
}
