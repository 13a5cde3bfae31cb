// The change set: @parcel/watcher (inotify on Linux) feeds the paths that changed since the
// last checkpoint. A checkpoint drains the set *before* hashing, so a write during hashing
// lands in the next set.
//
// flush(): parcel delivers events in batches, ~50 ms after they happen. To be sure a write
// that already returned is in the set, flush re-sets the work tree root's own timestamps to
// their current values: that queues an IN_ATTRIB event for the root behind every event
// already queued on the same inotify descriptor, and once a batch carrying it arrives, every
// earlier event has been delivered. No file is written into the workspace for this.
//
// What the watcher cannot tell us, and how we make up for it (issue 12: one undo of 1,000 files
// restored 850; the stress test in tests/unit/container/kilnd/record-load.test.ts lost one
// file in ~20 rounds the same way):
//  - @parcel/watcher loses events that arrive while it hands a batch over: Watcher::
//    triggerCallbacks takes the list (EventList::getEvents) and then clears it (clear()) under
//    two separate locks, so an event the inotify thread adds in between is dropped. That
//    happens only while events stream in, i.e. in a burst of writes, and more often under load.
//    So when batches arrive back to back (STREAM_MS apart), the directories of their paths
//    are also queued for a shallow stat rescan (their files' lstat; only changed ones hashed),
//    which finds a file whose event was dropped.
//  - It also skips the kernel's IN_Q_OVERFLOW (the inotify queue, fs.inotify.max_queued_events,
//    filled up and events were dropped) without a word. A batch of BURST paths or more, which
//    is when that happens, counts as "events may be lost": the next checkpoint rescans
//    everything (lstat of every file, hashing only what changed).
//  Undo rescans everything regardless (store.ts).
import fs from 'node:fs';
import watcher, { type AsyncSubscription, type Event } from '@parcel/watcher';
import { fromText, parentOf, type RelPath } from './paths';

const FLUSH_TIMEOUT_MS = 2000;
/** parcel's MAX_WAIT_TIME (500 ms) plus a margin: after this much quiet, events arrive at once. */
const QUIET_MS = 600;
/** Batches closer than this belong to one stream of events (parcel batches every ≥ 50 ms). */
const STREAM_MS = 250;

/**
 * Paths in one batch from which we assume events may have been lost (see top). In theory only
 * a batch of about a queue's worth follows an overflow, but under load parcel also lost every
 * later event of one directory in the middle of a 50,000-file burst (1 run in 5, with the
 * queue far from full), so any big batch means a full stat rescan at the next checkpoint (an
 * lstat per file; only files whose stat changed are read).
 */
export function burstThreshold(): number {
  let queue = 16384;
  try {
    queue = Number(fs.readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim()) || queue;
  } catch { /* not Linux: keep the kernel's default */ }
  return Math.max(16, Math.min(1024, Math.floor(queue / 4)));
}

export class ChangeWatch {
  private dirty = new Set<RelPath>();
  private sub: AsyncSubscription | null = null;
  private rootSeen: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Set when events may have been lost (queue overflow, watcher error): rescan everything. */
  lost = false;
  /** How many times `lost` was set by a burst (for logs and tests). */
  bursts = 0;
  /** Read when the subscription starts: the kernel gives each inotify instance the limit of that moment. */
  private burst = 1024;
  private lastBatch = performance.now();
  /** Directories to rescan shallowly (their own files), see top. */
  private shallow = new Set<RelPath>();
  /** Directories of the previous batch's paths. */
  private lastDirs = new Set<RelPath>();
  /** When (performance.now()) the newest flush that came back was signalled. */
  private flushedAt = -Infinity;

  constructor(
    private readonly workTree: string,
    private readonly ignoreGlobs: string[],
    /** Called after a batch that added paths to the change set (not for flush signals). */
    private readonly onDirty: () => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.burst = burstThreshold();
    this.sub = await watcher.subscribe(this.workTree, (err, events) => this.onEvents(err, events), {
      ignore: this.ignoreGlobs,
    });
  }

  /**
   * True when a change made before now has certainly reached the set already (so a no-op can
   * skip the flush): parcel holds events ~50 ms only while it is busy; after QUIET_MS without a
   * batch it delivers the next event at once (Debounce::notifyIfReady), within a millisecond or two.
   */
  get settled(): boolean {
    return this.dirty.size === 0 && this.shallow.size === 0 && !this.lost && performance.now() - this.lastBatch > QUIET_MS;
  }

  private onEvents(err: Error | null, events: Event[]): void {
    const now = performance.now();
    const streaming = now - this.lastBatch < STREAM_MS;
    this.lastBatch = now;
    if (err) this.lost = true; // overflow or a backend error: we no longer know what changed
    let sawRoot = false;
    const dirs = new Set<RelPath>();
    for (const e of events) {
      if (e.path === this.workTree) {
        sawRoot = true; // our flush signal, or an attribute change of the root itself
        continue;
      }
      if (!e.path.startsWith(`${this.workTree}/`)) continue;
      const rel = e.path.slice(this.workTree.length + 1);
      // A name that is not UTF-8 reaches us mangled: rescan its directory instead.
      const p = rel.includes('\uFFFD') ? parentOf(fromText(rel)) : fromText(rel);
      this.dirty.add(p);
      dirs.add(parentOf(p));
    }
    if (streaming) {
      // Events may have been dropped between this batch and the last one (see top).
      for (const d of dirs) this.shallow.add(d);
      for (const d of this.lastDirs) this.shallow.add(d);
    }
    this.lastDirs = dirs;
    if (events.length >= this.burst) {
      this.lost = true; // the queue may have overflowed, silently: rescan (see top)
      this.bursts++;
    }
    if (sawRoot && this.rootSeen) this.rootSeen();
    if (this.dirty.size > 0 || err) this.onDirty();
  }

  /** Takes the current change set; later events start a new one. */
  drain(): Set<RelPath> {
    const out = this.dirty;
    this.dirty = new Set();
    return out;
  }

  /** Takes the directories queued for a shallow rescan (see top). */
  drainShallow(): Set<RelPath> {
    const out = this.shallow;
    this.shallow = new Set();
    return out;
  }

  /** Puts paths back (a checkpoint that failed must not lose its changes). */
  requeue(paths: Iterable<RelPath>): void {
    for (const p of paths) this.dirty.add(p);
  }

  get pending(): number {
    return this.dirty.size + this.shallow.size;
  }

  /** True when a flush signalled at or after `t` (performance.now()) has come back: every event before `t` is in the set. */
  flushedSince(t: number): boolean {
    return this.flushedAt >= t;
  }

  /** Resolves once every event queued before the call has been delivered (see top). */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.flushOnce());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async flushOnce(): Promise<void> {
    if (!this.sub) return;
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), FLUSH_TIMEOUT_MS);
      this.rootSeen = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    const sentAt = performance.now();
    try {
      const st = fs.statSync(this.workTree);
      fs.utimesSync(this.workTree, st.atimeMs / 1000, st.mtimeMs / 1000);
    } catch {
      this.lost = true; // cannot signal (read-only root?): fall back to a rescan
      this.rootSeen = null;
      return;
    }
    const ok = await seen;
    this.rootSeen = null;
    if (!ok) this.lost = true;
    else this.flushedAt = Math.max(this.flushedAt, sentAt);
  }

  async close(): Promise<void> {
    const sub = this.sub;
    this.sub = null;
    if (sub) await sub.unsubscribe();
  }
}
