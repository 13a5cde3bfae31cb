// The change set: the paths that changed since the last checkpoint, from a recursive inotify
// watch (watch-tree.ts). A checkpoint drains the set *before* hashing, so a write during
// hashing lands in the next set.
//
// Events reach the set as the event loop reads them from the kernel, with no batching delay:
// a write that returned before a request arrived is in the set once the loop has turned
// (`settled`). flush() makes sure of it without that reasoning: it touches a flag file outside
// the workspace, watched on the same inotify descriptor, and once that event is read every
// earlier one has been. Nothing in the workspace is touched for this.
//
// What the kernel cannot promise: when the reader falls behind, its queue (fs.inotify.
// max_queued_events per inotify instance) fills up and later events are dropped; libuv skips
// the overflow notice without a word. A queue that full is read in one go, so a turn of the
// loop that brings BURST events or more counts as "events may be lost": the next checkpoint
// rescans everything (lstat of every file, hashing only what changed), an undo's included.
import fs from 'node:fs';
import { WatchTree } from './watch-tree';
import type { RelPath } from './paths';

const FLUSH_TIMEOUT_MS = 2000;

/**
 * Events in one turn of the loop from which we assume some were lost (see top): a quarter of
 * the queue, so a queue that overflowed always counts, and a reader a little behind does not.
 */
export function burstThreshold(): number {
  let queue = 16384;
  try {
    queue = Number(fs.readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim()) || queue;
  } catch { /* not Linux: keep the kernel's default */ }
  return Math.max(16, Math.min(4096, Math.floor(queue / 4)));
}

export class ChangeWatch {
  private dirty = new Set<RelPath>();
  private tree: WatchTree | null = null;
  private flag: fs.FSWatcher | null = null;
  private flagSeen: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Set when events may have been lost (queue overflow, a directory not watched): rescan everything. */
  lost = false;
  /** Read when the watch starts: the kernel gives each inotify instance the limit of that moment. */
  private burst = 4096;
  /** Events read in the current turn of the loop (its end is scheduled at the first). */
  private inTurn = 0;
  /** When (performance.now()) the newest flush that came back was signalled. */
  private flushedAt = -Infinity;

  constructor(
    private readonly workTree: string,
    /** Names the watch skips at any depth (watch-tree.ts). */
    private readonly ignored: (name: string) => boolean,
    /** A file of our own outside the work tree (made if missing), touched by flush(). */
    private readonly flagFile: string,
    /** Called at the end of a turn of the loop that added paths to the change set. */
    private readonly onDirty: () => void = () => {},
  ) {}

  start(): void {
    this.burst = burstThreshold();
    fs.writeFileSync(this.flagFile, '');
    this.flag = fs.watch(this.flagFile, { persistent: false }, () => this.flagSeen?.());
    this.flag.on('error', () => { this.lost = true; });
    this.tree = new WatchTree(this.workTree, this.ignored, {
      changed: (rel) => {
        this.dirty.add(rel);
        this.counted();
      },
      failed: () => { this.lost = true; },
    });
    this.tree.start();
  }

  /**
   * True when every change made before the current turn of the loop is in the set and there is
   * none: inotify queues an event in the writer's own system call, and the loop reads all of
   * them each time it polls (call after a setImmediate, so this turn's poll is done).
   */
  get settled(): boolean {
    return this.dirty.size === 0 && !this.lost && !this.degraded;
  }

  /** One more event in this turn of the loop; at its end, a burst check and one onDirty. */
  private counted(): void {
    if (this.inTurn++ > 0) return;
    setImmediate(() => {
      if (this.inTurn >= this.burst) this.lost = true; // the queue may have overflowed, silently (see top)
      this.inTurn = 0;
      if (this.dirty.size > 0) this.onDirty();
    });
  }

  /**
   * True when some directories could not be watched (the kernel's watch limit, fs.inotify.
   * max_user_watches): until they are, every checkpoint rescans everything, and a no-op is
   * never assumed.
   */
  get degraded(): boolean {
    return !!this.tree && this.tree.failures > 0;
  }

  /** Tries again to watch what could not be: call right before a full rescan, so nothing falls between. */
  retryUnwatched(): void {
    this.tree?.retry();
  }

  /** Takes the current change set; later events start a new one. */
  drain(): Set<RelPath> {
    const out = this.dirty;
    this.dirty = new Set();
    return out;
  }

  /** Puts paths back (a checkpoint that failed must not lose its changes). */
  requeue(paths: Iterable<RelPath>): void {
    for (const p of paths) this.dirty.add(p);
  }

  /** True when a flush signalled at or after `t` (performance.now()) has come back: every event before `t` is in the set. */
  flushedSince(t: number): boolean {
    return this.flushedAt >= t;
  }

  /** Resolves once every event queued before the call is in the set (see top). */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.flushOnce());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async flushOnce(): Promise<void> {
    if (!this.flag) return;
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), FLUSH_TIMEOUT_MS);
      this.flagSeen = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    const sentAt = performance.now();
    try {
      const now = new Date();
      fs.utimesSync(this.flagFile, now, now);
    } catch {
      this.lost = true; // cannot signal: fall back to a rescan
      this.flagSeen = null;
      return;
    }
    const ok = await seen;
    this.flagSeen = null;
    if (!ok) this.lost = true;
    else this.flushedAt = Math.max(this.flushedAt, sentAt);
  }

  close(): void {
    this.tree?.close();
    this.tree = null;
    this.flag?.close();
    this.flag = null;
  }
}
