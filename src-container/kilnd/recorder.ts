// The recorder: turns hook calls and watcher changes into an ordered chain of signed receipts.
//
// Two queues keep the chain's order the order things happened, without making a checkpoint wait
// for signatures: the checkpoint queue takes snapshots (and undo) one at a time and answers as
// soon as the commit is in the shadow repository; each step then hands its receipts to the
// receipt queue, which signs and stores them in the same order, and steps aside while a
// command waits for its checkpoint (the thread is one: signing would hold the checkpoint up).
//   before an action   [changes receipt of unattributed changes] → checkpoint → (the action runs)
//   after a command    command receipt → one changes receipt of what it changed (cause: the command)
//   after a tool call  tool receipt → one changes receipt
//   watcher (quiet)    checkpoint of the state before → one changes receipt
// Receipts scale with actions, not files: a command that makes 50,000 files is one `changes`
// receipt (the list past the event size in a blob). A state gets its checkpoint event the first
// time it is the "before" of something, so every change has a restore point just above it.
import type { Checkpoint, CheckpointChange, CheckpointStore, Skipped } from './checkpoints';
import type { EventStore } from './store';
import { MAX_INLINE_DIFF_BYTES, type ActionInput, type ChangedFile, type CheckpointInput, type NostrEvent, type SessionWriter, type Written } from '../../src-shared/events';

export interface RecorderOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  writer: SessionWriter;
  /** Quiet time after the last file change before the watcher records it (default 100 ms). */
  debounceMs?: number;
  /** A hooked action that never reports its end stops holding back the watcher after this long. */
  actionLeaseMs?: number;
  /** Hash a running action's files ahead (HASH_AHEAD_EVERY_MS); worth it with a core to spare. */
  hashAhead?: boolean;
  log?: (line: string) => void;
}

type CheckpointReason = CheckpointInput['reason'];

/** Diffs read that did not fit the inline budget, after which no more are tried (see describe). */
const MAX_DIFF_MISSES = 8;
/**
 * How long the capture after a command waits for the next command to start. A script's
 * commands come back to back (a few ms apart): the two then share one watcher flush and one
 * checkpoint instead of one each.
 */
const END_GRACE_MS = 25;
/**
 * Receipts wait while a command waits for its checkpoint (signing a 50,000-file receipt takes
 * a few hundred ms of the one thread), but no longer than this, so a stream of commands
 * cannot hold them back for ever.
 */
const RECEIPTS_YIELD_MAX_MS = 2_000;
/**
 * While an action runs and files change, the store hashes them ahead this often (or after a
 * pause as long as the last round, whichever is longer: at most half a core, the command
 * keeps the rest), so the capture after a command that wrote 50,000 files has only its last
 * moments left to do.
 */
const HASH_AHEAD_EVERY_MS = 300;

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
  /** Snapshots and restores, one at a time; never waits for the receipt queue. */
  private cpQueue: Promise<unknown> = Promise.resolve();
  /** Signing and storing, in the order the checkpoint queue handed the work over. */
  private rxQueue: Promise<unknown> = Promise.resolve();
  /** Commits known to have a checkpoint event in this chain (a cache of the store; see isMarked). */
  private readonly marked = new Set<string>();
  /** The last checkpoint result per commit we may still need to describe (its parent, files, ms). */
  private readonly recent = new Map<string, Checkpoint>();
  /** Leases of hooked actions in flight (start time); the watcher waits while any is live. */
  private readonly inFlight: number[] = [];
  /** Skipped files already reported (path → size), so a big file is one error, not one per capture. */
  private readonly reportedSkips = new Map<string, number | undefined>();
  private actions = 0;
  /** Pre-action checkpoints asked for and not answered yet; `waiters` hears when none is left. */
  private waitingBefore = 0;
  private waiters: (() => void)[] = [];
  private lastBefore: string | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private ahead: { timer: NodeJS.Timeout | null; busy: boolean; ms: number } = { timer: null, busy: false, ms: 0 };
  /** The capture after the last command or tool call, until it runs (see END_GRACE_MS). */
  private pendingEnd: { timer: NodeJS.Timeout; run: () => void } | null = null;
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
      // Command and tool receipts name the checkpoint taken before them (change receipts, the one after).
      const { type, checkpoint } = JSON.parse(ev.content) as { type?: unknown; checkpoint?: unknown };
      if (type !== 'file' && type !== 'changes' && typeof checkpoint === 'string') {
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

  /** Resolves once every receipt handed over so far is signed and stored (readers, tests, close). */
  settled(): Promise<void> {
    this.runPendingEnd();
    return this.cpQueue.then(() => this.rxQueue).then(() => undefined, () => undefined);
  }

  /** Records the session's first state so it can always be restored. */
  start(): Promise<Checkpoint> {
    return this.snapshot(async (receipts) => {
      const cp = await this.opts.checkpoints.takeCheckpoint('start');
      this.remember(cp);
      receipts(() => this.mark(cp.commit, 'start'));
      return cp;
    });
  }

  /** The watcher saw changes: record them once things have been quiet for debounceMs. */
  noteChange(): void {
    if (this.closed) return;
    if (this.opts.hashAhead && this.hasLiveAction()) this.hashAheadSoon();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (this.hasLiveAction()) return this.noteChangeLater();
      void this.snapshot((receipts) => this.capture(receipts)).catch((err) => this.log(`watcher capture failed: ${String(err)}`));
    }, this.debounceMs);
  }

  /**
   * Before a mutating action: a checkpoint of the present, committed before the action runs.
   * Answers as soon as the commit exists; its receipts are signed afterwards, in order. When
   * nothing changed since the last checkpoint (the watcher knows) it answers at once.
   */
  beforeAction(reason: CheckpointReason): Promise<{ commit: string }> {
    const asked = performance.now();
    this.inFlight.push(Date.now());
    this.waitingBefore++;
    const answered = this.snapshot(async (receipts) => {
      const cp = await this.capture(receipts, reason, { flush: 'when-dirty', asked });
      this.lastBefore = cp.commit;
      receipts(() => this.mark(cp.commit, reason));
      return { commit: cp.commit };
    });
    const done = (): void => {
      if (--this.waitingBefore > 0) return;
      for (const wake of this.waiters.splice(0)) wake();
    };
    answered.then(done, done);
    return answered;
  }

  /**
   * After a command line. Returns once the work is queued (the hook does not wait for the
   * capture): the command receipt and then its changes follow in order; `settled()` waits for them.
   */
  afterCommand(end: CommandEnd): void {
    this.afterAction({ type: 'command', ...end }, 'command');
  }

  /** After a tool call; queued like afterCommand. */
  afterTool(call: ToolCall): void {
    this.afterAction({ type: 'tool', phase: 'after', ...call }, 'tool');
  }

  /** The action's receipt (naming the checkpoint before it), then one changes receipt caused by it. */
  private afterAction(action: Extract<ActionInput, { type: 'command' | 'tool' }>, what: string): void {
    this.endLease();
    const checkpoint = this.lastBefore;
    this.deferEnd(() => void this.snapshot(async (receipts) => {
      let cause: string | undefined;
      receipts(() => { cause = this.write(this.opts.writer.action({ ...action, ...(checkpoint ? { checkpoint } : {}) })).id; });
      await this.capture(receipts, 'watcher', {}, () => cause);
    }).catch((err) => this.log(`${what} capture failed: ${String(err)}`)));
  }

  message(from: string, text: string, to?: string): Promise<void> {
    return this.snapshot(async (receipts) => {
      receipts(() => void this.write(this.opts.writer.action({ type: 'message', from, text, ...(to ? { to } : {}) })));
    });
  }

  /**
   * Commands that ran while the recorder could not be reached (the hooks kept a list): one error
   * receipt naming every one of them, so no command ran unprotected without a trace.
   */
  unprotected(commands: { at?: number; phase: string; command: string }[]): Promise<void> {
    if (commands.length === 0) return Promise.resolve();
    return this.snapshot(async (receipts) => {
      const lines = commands.map((c) => `${c.at ? new Date(c.at * 1000).toISOString() : 'unknown time'} ${c.phase === 'end' ? '(end not recorded) ' : ''}${c.command}`);
      receipts(() => void this.write(this.opts.writer.error({
        what: `${commands.length} ${commands.length === 1 ? 'command' : 'commands'} ran without a checkpoint while the recorder could not be reached: ${commands.map((c) => c.command).join(' ; ')}`,
        attempted: lines.join('\n'),
        code: 'unrecorded-commands',
      })));
    });
  }

  /** A checkpoint on request (the CLI's `kiln checkpoint`). */
  checkpointNow(): Promise<Checkpoint> {
    return this.snapshot(async (receipts) => {
      const cp = await this.capture(receipts, 'manual');
      receipts(() => this.mark(cp.commit, 'manual'));
      return cp;
    });
  }

  /** Undo: restore the workspace to `target` (default: before the last action). Undoable. */
  undo(target?: string): Promise<{ restored: string; before: string; changed: number; ms: number }> {
    return this.snapshot(async (receipts) => {
      const commit = target ?? this.lastBefore;
      if (!commit) throw Object.assign(new Error('There is no action to undo yet.'), { code: 'nothing-to-undo' });
      await this.capture(receipts, 'undo');
      const result = await this.opts.checkpoints.restoreCheckpoint(commit);
      this.remember(result.before);
      receipts(() => {
        this.mark(result.before.commit, 'undo');
        this.write(this.opts.writer.action({
          type: 'git',
          operation: 'undo',
          detail: `restored ${commit} (before: ${result.before.commit}; ${result.changed} files changed${result.failed.length ? `; ${result.failed.length} failed` : ''})`,
        }));
        this.marked.add(result.checkpoint); // same tree as `commit`, which has its event already
      });
      return { restored: commit, before: result.before.commit, changed: result.changed, ms: result.ms };
    });
  }

  /** Writes session end after everything queued has been recorded. */
  async close(outcome: 'stopped' | 'completed' | 'crashed', startedAt: number): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    if (this.ahead.timer) clearTimeout(this.ahead.timer);
    await this.snapshot(async (receipts) => {
      await this.capture(receipts).catch(() => undefined);
      receipts(() => {
        if (!this.opts.writer.ended) this.write(this.opts.writer.end({ durationMs: Date.now() - startedAt, actions: this.actions, outcome }));
      });
    });
    await this.settled();
    this.closed = true;
  }

  /**
   * Snapshot the present; hand the receipts for what changed since the last snapshot to the
   * receipt queue: the parent's checkpoint event (if it has none yet), then ONE changes receipt.
   */
  private async capture(receipts: Receipts, reason: CheckpointReason = 'watcher', opts: { flush?: 'when-dirty'; asked?: number } = {}, cause: () => string | undefined = () => undefined): Promise<Checkpoint> {
    const cp = await this.opts.checkpoints.takeCheckpoint(reason, opts);
    const newSkips = this.newSkips(cp.skipped);
    if (cp.unchanged || cp.changes.length === 0) {
      if (newSkips.length) receipts(() => this.writeSkips(newSkips));
      return cp;
    }
    this.remember(cp);
    // Diffs are read now, on the checkpoint side, while the blobs are hot: only up to the budget.
    const files = await this.describe(cp.changes);
    receipts(() => {
      if (cp.parent) this.mark(cp.parent, 'watcher');
      const c = cause();
      this.write(this.opts.writer.action({
        type: 'changes',
        files,
        total: cp.changes.length,
        checkpoint: cp.commit,
        ...(cp.parent ? { parent: cp.parent } : {}),
        ...(c ? { cause: c } : {}),
      }));
      if (newSkips.length) this.writeSkips(newSkips);
    });
    return cp;
  }

  /** Every changed file, with its diff inline while the diffs fit MAX_INLINE_DIFF_BYTES in all. */
  private async describe(changes: CheckpointChange[]): Promise<ChangedFile[]> {
    let budget = MAX_INLINE_DIFF_BYTES;
    let misses = 0;
    const out: ChangedFile[] = [];
    for (const change of changes) {
      let diff: string | null = null;
      // A diff holds at least the file's text (or its old text, for a deletion) and its path:
      // skip the read when that cannot fit. Past a few reads that did not fit, the budget is
      // spent: a 50,000-file command must not read 50,000 blobs for diffs it cannot keep.
      if (budget > 0 && !change.binary && (change.size ?? 0) + Buffer.byteLength(change.path) <= budget) {
        diff = await this.opts.checkpoints.diffFor(change).catch(() => null);
        if (diff !== null && Buffer.byteLength(diff) > budget) {
          diff = null;
          if (++misses >= MAX_DIFF_MISSES) budget = 0;
        }
        if (diff !== null) budget -= Buffer.byteLength(diff);
      }
      out.push({
        path: change.path,
        change: change.change,
        ...(change.binary ? { binary: true } : {}),
        ...(change.size !== undefined ? { size: change.size } : {}),
        ...(change.newOid ? { oid: change.newOid } : {}),
        ...(diff ? { diff } : {}),
      });
    }
    return out;
  }

  private newSkips(skipped: Skipped[]): Skipped[] {
    const now = new Set(skipped.map((s) => s.path));
    for (const p of [...this.reportedSkips.keys()]) if (!now.has(p)) this.reportedSkips.delete(p);
    const fresh = skipped.filter((s) => !this.reportedSkips.has(s.path) || this.reportedSkips.get(s.path) !== s.size);
    for (const s of fresh) this.reportedSkips.set(s.path, s.size);
    return fresh;
  }

  private writeSkips(skipped: Skipped[]): void {
    for (const s of skipped.slice(0, 20)) {
      this.write(this.opts.writer.error({ what: `${s.path} was not checkpointed (${s.reason}${s.size ? `, ${s.size} bytes` : ''})`, code: `checkpoint-${s.reason}` }));
    }
    if (skipped.length > 20) {
      this.write(this.opts.writer.error({ what: `${skipped.length - 20} more files were not checkpointed`, attempted: skipped.slice(20).map((s) => `${s.path} (${s.reason})`).join('\n'), code: 'checkpoint-skipped' }));
    }
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

  /**
   * Runs `fn` on the checkpoint queue. `receipts(work)` appends `work` to the receipt queue at
   * once (so receipts keep the order of the snapshots that made them); `fn`'s result does not
   * wait for them.
   */
  private snapshot<T>(fn: (receipts: Receipts) => Promise<T>): Promise<T> {
    this.runPendingEnd(); // an end's capture keeps its place before anything that comes after it
    const receipts: Receipts = (work) => {
      this.rxQueue = this.rxQueue
        .then(() => this.noCommandWaiting())
        .then(work)
        .catch((err: unknown) => this.log(`a receipt could not be stored: ${String(err)}`));
    };
    const run = this.cpQueue.then(() => fn(receipts), () => fn(receipts));
    this.cpQueue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no command waits for its checkpoint, or after RECEIPTS_YIELD_MAX_MS. */
  private noCommandWaiting(): Promise<void> | void {
    if (this.waitingBefore === 0) return;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, RECEIPTS_YIELD_MAX_MS);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private hasLiveAction(): boolean {
    const now = Date.now();
    while (this.inFlight.length && now - (this.inFlight[0] as number) > this.leaseMs) this.inFlight.shift();
    return this.inFlight.length > 0;
  }

  private endLease(): void {
    this.inFlight.shift();
  }

  /** Queues an end's capture after END_GRACE_MS, or sooner when anything else is queued. */
  private deferEnd(run: () => void): void {
    this.runPendingEnd();
    this.pendingEnd = { timer: setTimeout(() => this.runPendingEnd(), END_GRACE_MS), run };
  }

  private runPendingEnd(): void {
    const p = this.pendingEnd;
    if (!p) return;
    this.pendingEnd = null;
    clearTimeout(p.timer);
    p.run();
  }

  private hashAheadSoon(): void {
    const a = this.ahead;
    if (a.timer || a.busy) return;
    a.timer = setTimeout(() => {
      a.timer = null;
      if (this.closed || !this.hasLiveAction()) return;
      a.busy = true;
      const t0 = performance.now();
      void this.opts.checkpoints.hashAhead()
        .then((hashed) => {
          a.busy = false;
          a.ms = performance.now() - t0;
          if (hashed > 0) this.hashAheadSoon(); // the next round, without waiting for a batch of events
        }, (err: unknown) => {
          a.busy = false;
          this.log(`hashing ahead failed: ${String(err)}`);
        });
    }, Math.max(HASH_AHEAD_EVERY_MS, a.ms));
  }

  private noteChangeLater(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.noteChange();
    }, Math.max(this.debounceMs, 250));
  }
}

type Receipts = (work: () => void) => void;
