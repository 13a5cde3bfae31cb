// CheckpointStore: the recorder's shadow git repository for /workspace. Start reading here.
// takeCheckpoint turns the watcher's change set into a commit, touching only the changed paths
// and their directories; restoreCheckpoint is undo. See README.md for the design.
import fs from 'node:fs';
import path from 'node:path';
import { Exclusions, WATCHER_IGNORED_NAMES } from './exclusions';
import { MODE_TREE, ObjectStore } from './objects';
import { display, fromText, fsPath, type RelPath } from './paths';
import { applyChanges, diffTrees, isRestoreTemp } from './restore';
import { applyRetention, collectGarbage, readBoundary } from './retention';
import { Scanner, type ScanContext, type Skipped } from './scan';
import { StatCache } from './stat-cache';
import { unifiedDiff } from './text-diff';
import { TreeCache, type Entry } from './tree-cache';
import { ChangeWatch } from './watch';

export type { Skipped } from './scan';

export const REF = 'refs/heads/checkpoints'; // under refs/heads so plain git (log, fsck) accepts HEAD
const STAT_CACHE_FILE = 'kiln-stat-cache.json';
/** Touched by the watcher's flush (watch.ts): in the state, never in the workspace. */
const WATCH_FLAG_FILE = 'kiln-watch-flag';
const SAVE_DELAY_MS = 500;

export interface CheckpointStoreOptions {
  /** The shadow repository (created if missing), e.g. /state/checkpoints.git. */
  gitDir: string;
  /** The directory snapshotted, e.g. /workspace. Must exist. */
  workTree: string;
  /** Files above this size are skipped and reported (default 50 MiB). */
  maxFileBytes?: number;
  /** Extra exclusions, .gitignore syntax, relative to the work tree. */
  exclude?: string[];
  /** Checkpoints kept reachable by retention (default 2,000). */
  keep?: number;
  /** Background retention + gc interval (default 10 min; 0 = only when gc() is called). */
  gcIntervalMs?: number;
  /** Watch the work tree (default true). Without a watcher every checkpoint is a full rescan. */
  watch?: boolean;
  /** Told when the watcher saw changes that no checkpoint holds yet (the recorder debounces). */
  onChange?: () => void;
}

export interface CheckpointChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  oldOid?: string;
  newOid?: string;
  mode?: string;
  binary?: boolean;
  size?: number;
}

export interface Checkpoint {
  commit: string;
  parent: string | null;
  reason: string;
  /** Files changed versus `parent`. */
  files: number;
  changes: CheckpointChange[];
  /** True when nothing changed: `commit` is the previous checkpoint. */
  unchanged: boolean;
  skipped: Skipped[];
  ms: number;
}

export interface RestoreResult {
  /** The checkpoint of the present taken first, so the undo can itself be undone. */
  before: Checkpoint;
  restored: string;
  /** The new newest checkpoint (same tree as `restored`). */
  checkpoint: string;
  changed: number;
  failed: { path: string; reason: string }[];
  ms: number;
}

export interface CheckpointInfo { commit: string; parent: string | null; reason: string; time: number }

export class CheckpointError extends Error {
  constructor(readonly code: 'unknown-checkpoint' | 'no-workspace' | 'closed', message: string, readonly hint: string) {
    super(message);
  }
}

export class CheckpointStore {
  private readonly objects: ObjectStore;
  private readonly exclusions: Exclusions;
  private readonly stats = new StatCache();
  private readonly tree: TreeCache;
  private watch: ChangeWatch | null = null;
  private head: { commit: string; tree: string } | null = null;
  private needRescan = true;
  /** Checkpoints and restores asked for and not started yet: hashAhead gives way to them. */
  private asked = 0;
  /**
   * What hashAhead() took in since the head: its changes (by path) and the directories it
   * edited in the tree cache. The next checkpoint commits them with its own.
   */
  private ahead: { changes: Map<string, CheckpointChange>; touched: Set<RelPath> } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private saveTimer: NodeJS.Timeout | null = null;
  private gcTimer: NodeJS.Timeout | null = null;
  private gcRunning: Promise<void> | null = null;
  private closed = false;
  /** Files currently left out (too large, unreadable…), kept up to date by every scan. */
  private readonly skipped = new Map<RelPath, Skipped>();
  readonly maxFileBytes: number;

  private constructor(private readonly opts: CheckpointStoreOptions) {
    this.objects = new ObjectStore(opts.gitDir);
    this.exclusions = new Exclusions(opts.workTree, opts.exclude);
    this.tree = new TreeCache(this.objects, null);
    this.maxFileBytes = opts.maxFileBytes ?? 50 * 1024 * 1024;
  }

  /** Opens (or creates) the repository, starts the watcher and rescans the work tree. */
  static async open(opts: CheckpointStoreOptions): Promise<CheckpointStore> {
    const workTree = path.resolve(opts.workTree);
    if (!fs.statSync(workTree, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CheckpointError('no-workspace', `The workspace folder ${workTree} does not exist.`, 'Create or mount the workspace, then start the recorder again.');
    }
    // The real path: the watcher reports real paths, and we compare against this prefix.
    const store = new CheckpointStore({ ...opts, workTree: fs.realpathSync(workTree), gitDir: path.resolve(opts.gitDir) });
    await store.init();
    return store;
  }

  private async init(): Promise<void> {
    const { gitDir, workTree } = this.opts;
    initRepository(gitDir);
    this.stats.load(path.join(gitDir, STAT_CACHE_FILE));
    const commit = readRef(gitDir);
    if (commit) this.head = { commit, tree: (await this.objects.readCommit(commit)).tree };
    this.tree.reset(this.head?.tree ?? null);
    if (this.opts.watch !== false) {
      this.watch = new ChangeWatch(workTree, (n) => WATCHER_IGNORED_NAMES.has(n) || isRestoreTemp(n), path.join(gitDir, WATCH_FLAG_FILE), () => this.opts.onChange?.());
      this.watch.start(); // before the rescan: what changes during it is not lost
    }
    await this.takeCheckpoint('start', { flush: false });
    this.saveStats(); // compact: snapshot + empty journal
    const every = this.opts.gcIntervalMs ?? 10 * 60_000;
    if (every > 0) this.gcTimer = setInterval(() => void this.gc().catch(() => undefined), every).unref();
  }

  /** Waits until every change made before the call is in the change set. */
  async flush(): Promise<void> {
    await this.watch?.flush();
  }

  /**
   * Commits what changed since the last checkpoint. `flush: false` skips waiting for the
   * watcher's events still unread: use it only when the caller knows they were read.
   * `flush: 'when-dirty'` is the pre-action no-op: when the watcher has nothing pending once
   * the loop has read what the kernel holds (ChangeWatch.settled), the last checkpoint comes
   * back at once, without the flush; otherwise it flushes and commits as usual. `asked`
   * (performance.now() when the request arrived) lets a flush that came back since stand in
   * for its own.
   */
  takeCheckpoint(reason: string, opts: { flush?: boolean | 'when-dirty'; asked?: number } = {}): Promise<Checkpoint> {
    return this.serial(true, async () => {
      // A flush signalled after the request arrived (the previous command's capture, run late
      // for this) already brought every event from before it: no second flush.
      const flushed = opts.asked !== undefined && !!this.watch?.flushedSince(opts.asked);
      if (opts.flush === 'when-dirty' && this.head && this.watch && !this.needRescan && !this.ahead) {
        await new Promise((r) => setImmediate(r)); // let events already readable be delivered first
        if (this.watch.settled) return this.unchanged(reason, performance.now());
      }
      if (opts.flush !== false && !flushed) await this.flush();
      return this.checkpointNow(reason);
    });
  }

  /**
   * While a long action runs (a command unpacking 50,000 files), takes in what the watcher has
   * reported so far: hashes the files into the object store and edits the tree cache, without
   * a commit or a flush. The checkpoint after the action then has only the rest to scan, so the
   * next command is not kept waiting for all of it. A round gives way as soon as a checkpoint or
   * an undo is asked for: its paths go back to the watcher's set, for the checkpoint to scan.
   */
  hashAhead(): Promise<number> {
    return this.serial(false, async () => {
      if (!this.watch || this.needRescan || this.watch.lost || this.watch.degraded || !this.head) return 0;
      const drained = this.watch.drain();
      if (drained.size === 0) return 0;
      this.objects.beginBatch();
      try {
        const scanned = await this.scanChanges(new Set(drained), () => this.asked > 0);
        this.objects.endBatch(); // the blobs are on disk: nothing below can lose them
        if (!scanned) {
          this.watch.requeue(drained);
          return 0;
        }
        const ahead = (this.ahead ??= { changes: new Map(), touched: new Set() });
        mergeChanges(ahead.changes, scanned.changes);
        for (const d of scanned.touched) ahead.touched.add(d);
        return scanned.changes.length;
      } catch (e) {
        this.dropEdits();
        this.watch.requeue(drained);
        throw e;
      }
    });
  }

  private scanContext(): ScanContext {
    return { workTree: this.opts.workTree, maxFileBytes: this.maxFileBytes, exclusions: this.exclusions, stats: this.stats, objects: this.objects };
  }

  /** After a failure part-way: the tree cache may be half-edited, and what hashAhead took in is not committed. */
  private dropEdits(): void {
    this.objects.abortBatch();
    this.tree.reset(this.head?.tree ?? null);
    if (this.ahead) {
      this.ahead = null;
      this.needRescan = true; // its paths left the watcher's set: only a rescan finds them again
    }
  }

  private async checkpointNow(reason: string): Promise<Checkpoint> {
    const t0 = performance.now();
    let dirty: Set<RelPath>;
    if (this.needRescan || !this.watch || this.watch.lost || this.watch.degraded) {
      this.needRescan = false;
      if (this.watch) {
        this.watch.retryUnwatched();
        this.watch.lost = false;
        this.watch.drain();
      }
      this.exclusions.reset();
      dirty = new Set(['']);
    } else {
      dirty = this.watch.drain();
    }
    if (dirty.size === 0 && this.head && !this.ahead) return this.unchanged(reason, t0);
    this.objects.beginBatch();
    try {
      return await this.commitChanges(reason, dirty, t0);
    } catch (e) {
      this.dropEdits();
      this.watch?.requeue(dirty);
      throw e;
    }
  }

  private async commitChanges(reason: string, dirty: Set<RelPath>, t0: number): Promise<Checkpoint> {
    const ahead = this.ahead;
    const scanned = (await this.scanChanges(dirty))!;
    const touched = scanned.touched;
    let changes = scanned.changes;
    if (ahead) {
      changes = [...mergeChanges(ahead.changes, changes).values()];
      for (const d of ahead.touched) touched.add(d);
    }
    if (touched.size === 0 && this.head) {
      this.ahead = null; // it edited nothing
      return this.unchanged(reason, t0);
    }
    const root = this.tree.rebuild(touched.size ? touched : new Set(['']));
    this.ahead = null; // in the tree now: committed below, or the same tree as the head
    if (this.head && root === this.head.tree) return this.unchanged(reason, t0);
    const parent = this.head?.commit ?? null;
    this.objects.endBatch(); // blobs and trees are on disk before any ref can reach them
    const commit = this.advance(root, reason);
    return { commit, parent, reason, files: changes.length, changes, unchanged: false, skipped: [...this.skipped.values()], ms: performance.now() - t0 };
  }

  /**
   * Scans the changed paths into the tree cache: what changed, and the directories edited.
   * With `shouldStop`, the scan may give way part-way (null), and the tree cache is left as it was.
   */
  private async scanChanges(dirty: Set<RelPath>, shouldStop?: () => boolean): Promise<{ changes: CheckpointChange[]; touched: Set<RelPath> } | null> {
    for (const p of [...dirty]) for (const q of this.exclusions.ruleFileChanged(p)) dirty.add(q);
    const scanner = new Scanner({ ...this.scanContext(), shouldStop });
    const old = new Map<RelPath, Entry>();
    for (const p of [...dirty].sort()) {
      await this.tree.filesUnder(p, old);
      await scanner.collect(p);
    }
    if (scanner.stopped) return null;
    this.updateSkipped(dirty, scanner.skippedByPath);
    const changes: CheckpointChange[] = [];
    const touched = new Set<RelPath>();
    for (const [p, o] of old) {
      if (scanner.found.has(p)) continue;
      this.stats.delete(p);
      await this.tree.remove(p, touched);
      changes.push({ path: display(p), change: 'deleted', oldOid: o.oid, mode: o.mode });
    }
    for (const [p, n] of scanner.found) {
      const o = old.get(p);
      if (o && o.oid === n.oid && o.mode === n.mode) continue;
      await this.putChanged(p, n, o, scanner, touched, changes);
    }
    return { changes, touched };
  }

  /** Puts file `p` into the tree cache and lists it as changed from `was` (and any file it displaced as deleted). */
  private async putChanged(p: RelPath, n: Entry, was: Entry | undefined, scanner: Scanner, touched: Set<RelPath>, changes: CheckpointChange[]): Promise<void> {
    for (const d of await this.tree.put(p, n, touched)) changes.push({ path: display(d), change: 'deleted' });
    changes.push({ path: display(p), change: was ? 'modified' : 'added', oldOid: was?.oid, newOid: n.oid, mode: n.mode, ...scanner.info.get(p) });
  }

  private unchanged(reason: string, t0: number): Checkpoint {
    this.objects.endBatch(); // new blobs may exist (e.g. a file changed and changed back)
    const head = this.head!;
    return { commit: head.commit, parent: null, reason, files: 0, changes: [], unchanged: true, skipped: [...this.skipped.values()], ms: performance.now() - t0 };
  }

  private updateSkipped(scanned: Set<RelPath>, found: Map<RelPath, Skipped>): void {
    for (const k of this.skipped.keys()) {
      for (const p of scanned) {
        if (p === '' || k === p || k.startsWith(`${p}/`)) {
          this.skipped.delete(k);
          break;
        }
      }
    }
    for (const [k, v] of found) this.skipped.set(k, v);
  }

  /** Writes a commit of `tree` on top of the head and moves the ref to it. */
  private advance(tree: string, reason: string): string {
    const commit = this.objects.writeCommit(tree, this.head?.commit ?? null, reason);
    writeRef(this.opts.gitDir, commit);
    this.head = { commit, tree };
    this.scheduleSave();
    return commit;
  }

  /**
   * Undo: makes the work tree equal to checkpoint `commit` (files written byte for byte with
   * their modes, files it lacks deleted, emptied directories removed; ignored and excluded
   * files untouched), after checkpointing the present.
   */
  restoreCheckpoint(commit: string): Promise<RestoreResult> {
    return this.serial(true, async () => {
      const t0 = performance.now();
      const target = await this.objects.readCommit(commit).catch(() => null);
      if (!target) throw new CheckpointError('unknown-checkpoint', `There is no checkpoint ${commit}.`, 'Pick a checkpoint from the timeline.');
      // Undo must see the present exactly. The watch is exact (watch-tree.ts) unless the
      // kernel's queue overflowed, and then it says so (watch.ts) and this checkpoint of the
      // present rescans everything by stat. (With @parcel/watcher, which lost events, every
      // undo rescanned: ~1 s per 50,000 files here.)
      await this.flush();
      const before = await this.checkpointNow('undo');
      const diff = await diffTrees(this.objects, this.head!.tree, target.tree);
      const result = await applyChanges(this.objects, this.opts.workTree, diff);
      for (const p of result.deleted) this.stats.delete(p);
      const byPath = new Map(diff.map((c) => [c.path, c.to]));
      for (const p of result.written) {
        const st = fs.lstatSync(fsPath(this.opts.workTree, p), { throwIfNoEntry: false });
        const to = byPath.get(p);
        if (st && to) this.stats.record(p, st, to.mode, to.oid);
      }
      if (result.failed.length) this.needRescan = true; // the tree is not exactly `target`: look again
      this.tree.reset(target.tree);
      const head = target.tree === this.head!.tree ? this.head!.commit : this.advance(target.tree, `restore ${commit}`);
      return { before, restored: commit, checkpoint: head, changed: result.written.length + result.deleted.length, failed: result.failed, ms: performance.now() - t0 };
    });
  }

  /** Newest first, down to the retention boundary. */
  async list(limit = 100): Promise<CheckpointInfo[]> {
    const out: CheckpointInfo[] = [];
    const boundary = readBoundary(this.opts.gitDir);
    let oid = this.head?.commit ?? null;
    while (oid && out.length < limit) {
      const c = await this.objects.readCommit(oid);
      const parent = boundary.has(oid) ? null : c.parent;
      out.push({ commit: oid, parent, reason: c.message.split('\n')[0] ?? '', time: c.time });
      oid = parent;
    }
    return out;
  }

  /** The unified diff of a text change; null for binary content. */
  async diffFor(change: CheckpointChange): Promise<string | null> {
    const before = change.oldOid ? await this.objects.readBlob(change.oldOid) : null;
    const after = change.newOid ? await this.objects.readBlob(change.newOid) : null;
    return unifiedDiff(change.path, before, after);
  }

  /** A file's bytes at a checkpoint, or null when it was not there. */
  async readFileAt(commit: string, filePath: string): Promise<Buffer | null> {
    let oid = (await this.objects.readCommit(commit)).tree;
    let mode = MODE_TREE;
    for (const name of fromText(filePath).split('/').filter(Boolean)) {
      if (mode !== MODE_TREE) return null;
      const e = (await this.objects.readTree(oid)).find((x) => x.name === name);
      if (!e) return null;
      oid = e.oid;
      mode = e.mode;
    }
    return mode === MODE_TREE ? null : this.objects.readBlob(oid);
  }

  /** Retention, then `git gc --auto` and `git prune` in a child process. */
  gc(): Promise<void> {
    if (this.gcRunning) return this.gcRunning;
    const head = this.head?.commit;
    this.gcRunning = (async () => {
      try {
        if (head) await applyRetention(this.objects, this.opts.gitDir, head, this.opts.keep ?? 2000);
        await collectGarbage(this.opts.gitDir);
        this.objects.resetPackCache();
      } finally {
        this.gcRunning = null;
      }
    })();
    return this.gcRunning;
  }

  get headCommit(): string | null {
    return this.head?.commit ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.gcTimer) clearInterval(this.gcTimer);
    await this.queue.catch(() => undefined);
    await this.watch?.close();
    await this.gcRunning?.catch(() => undefined);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveStats();
    this.objects.close();
  }

  /** Runs `fn` after everything queued before; `asks`: a checkpoint or restore, which hashAhead makes way for. */
  private serial<T>(asks: boolean, fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CheckpointError('closed', 'The checkpoint store is closed.', 'Open it again.'));
    if (asks) this.asked++;
    const next = this.queue.then(() => {
      if (asks) this.asked--;
      return fn();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The journal gets this checkpoint's few entries soon, off the checkpoint's own path. */
  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      try {
        this.stats.appendJournal(path.join(this.opts.gitDir, STAT_CACHE_FILE));
      } catch { /* a lost journal only makes the next start re-hash those files */ }
    }, SAVE_DELAY_MS).unref();
  }

  private saveStats(): void {
    try {
      this.stats.save(path.join(this.opts.gitDir, STAT_CACHE_FILE), this.head?.commit ?? null);
    } catch { /* a lost cache only makes the next start rescan by hashing */ }
  }
}

/**
 * Folds `later` (changes after those in `into`) into `into`, by path: the result goes from the
 * state before the first to the state after the last (added then deleted is nothing; a file
 * changed back to its old content is nothing).
 */
export function mergeChanges(into: Map<string, CheckpointChange>, later: CheckpointChange[]): Map<string, CheckpointChange> {
  for (const c of later) {
    const first = into.get(c.path);
    if (!first) {
      into.set(c.path, c);
      continue;
    }
    const existed = first.change !== 'added';
    if (!existed && c.change === 'deleted') into.delete(c.path);
    else if (!existed) into.set(c.path, { ...c, change: 'added', oldOid: undefined });
    else if (c.change === 'deleted') into.set(c.path, { ...c, oldOid: first.oldOid, mode: first.mode });
    else if (first.oldOid !== undefined && first.oldOid === c.newOid) into.delete(c.path);
    else into.set(c.path, { ...c, change: 'modified', oldOid: first.oldOid });
  }
  return into;
}

function initRepository(gitDir: string): void {
  if (fs.existsSync(path.join(gitDir, 'HEAD'))) return;
  for (const d of ['objects/info', 'objects/pack', 'refs/kiln', 'refs/heads', 'refs/tags']) fs.mkdirSync(path.join(gitDir, d), { recursive: true });
  fs.writeFileSync(path.join(gitDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n\tlogAllRefUpdates = false\n[gc]\n\tpackRefs = false\n');
  fs.writeFileSync(path.join(gitDir, 'HEAD'), `ref: ${REF}\n`);
}

function readRef(gitDir: string): string | null {
  try {
    const oid = fs.readFileSync(path.join(gitDir, REF), 'utf8').trim();
    return /^[0-9a-f]{40}$/.test(oid) ? oid : null;
  } catch {
    return null;
  }
}

function writeRef(gitDir: string, commit: string): void {
  const file = path.join(gitDir, REF);
  fs.writeFileSync(`${file}.tmp`, `${commit}\n`);
  fs.renameSync(`${file}.tmp`, file);
}
