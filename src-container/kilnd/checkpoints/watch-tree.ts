// A recursive watcher on Node's fs.watch: one inotify watch per directory, all on the event
// loop's single inotify descriptor, so events are read in the kernel's order (flush relies on
// it, watch.ts). It replaces @parcel/watcher, which never watches the subdirectories of a
// directory that arrives with them (`mkdir -p a/b`, `git clone`, `tar x`, `mv dir here`): every
// later change in them went unseen (parcel-bundler/watcher#97, open since 2022; 36 runs in 40
// here). A new directory is watched first and read after, so each subdirectory is either in
// the listing (and watched from here) or made later (and reported by the watch): none falls
// between. Files made in a directory before its watch need no event: the directory itself is
// reported, and a checkpoint reads a reported directory whole.
import fs from 'node:fs';
import path from 'node:path';
import { baseName, fromText, fsPath, join, parentOf, type RelPath } from './paths';

export interface TreeEvents {
  /** `rel` (or something in it) changed. Called as the loop reads the event, before any later one. */
  changed(rel: RelPath): void;
  /** A directory could not be watched (the kernel's watch limit…): changes may go unseen. */
  failed(err: Error): void;
}

interface Watched {
  watcher: fs.FSWatcher;
  /** Which directory this is (see identity): a path deleted and made again is another one. */
  id: string | null;
  /** Names of the watched subdirectories, so a removed tree is unwatched without a scan of all. */
  children: Set<string>;
}

export class WatchTree {
  private readonly dirs = new Map<RelPath, Watched>();
  /** Directories the kernel would not let us watch (its watch limit…): retried by retry(). */
  private readonly unwatched = new Set<RelPath>();
  private readonly rootName: string;

  constructor(
    private readonly workTree: string,
    /** Names never watched nor reported, at any depth (.git, node_modules…, our own temp files). */
    private readonly ignored: (name: string) => boolean,
    private readonly events: TreeEvents,
  ) {
    this.rootName = fromText(path.basename(workTree));
  }

  /** Watches the whole tree; throws when the root itself cannot be watched. */
  start(): void {
    this.watch('');
    if (!this.dirs.has('')) throw new Error(`Cannot watch ${this.workTree}: it is not a readable directory.`);
  }

  /** Directories that could not be watched: changes in them are seen only by a rescan. */
  get failures(): number {
    return this.unwatched.size;
  }

  /** Tries again to watch the directories that could not be watched (those still there). */
  retry(): void {
    for (const rel of [...this.unwatched]) {
      this.unwatched.delete(rel);
      if (!this.dirs.has(rel)) this.watch(rel);
    }
  }

  close(): void {
    for (const d of this.dirs.values()) d.watcher.close();
    this.dirs.clear();
    this.unwatched.clear();
  }

  /** Watches `rel` and every directory under it: the watch first, then the listing (see top). */
  private watch(rel: RelPath): void {
    const abs = fsPath(this.workTree, rel);
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(abs, { encoding: 'buffer', persistent: false }, (type, name) => this.onEvent(rel, type, name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // gone already: its parent's event said so
      this.unwatched.add(rel);
      this.events.failed(e as Error);
      return;
    }
    watcher.on('error', (e) => this.events.failed(e));
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      watcher.close(); // replaced by a file in between: its parent's event says so
      return;
    }
    this.dirs.set(rel, { watcher, id: identity(st), children: new Set() });
    if (rel !== '') this.dirs.get(parentOf(rel))?.children.add(baseName(rel));
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true, encoding: 'latin1' });
    } catch {
      return; // unreadable: its scan reports it
    }
    for (const e of entries) if (e.isDirectory() && !this.ignored(e.name)) this.watch(join(rel, e.name));
  }

  /** Stops watching `rel` and everything under it. */
  private unwatch(rel: RelPath): void {
    for (const w of this.detach(rel)) w.close();
  }

  /**
   * Watches `rel` again from scratch. The new watches are made before the old are closed: on a
   * live directory inotify hands back the same watch, so not one event is missed in between.
   */
  private rewatch(rel: RelPath): void {
    const old = this.detach(rel);
    this.watch(rel);
    for (const w of old) w.close();
  }

  /** Forgets `rel` and everything under it; returns their watchers, still open. */
  private detach(rel: RelPath): fs.FSWatcher[] {
    const out: fs.FSWatcher[] = [];
    const take = (p: RelPath): void => {
      const d = this.dirs.get(p);
      if (!d) return;
      for (const c of d.children) take(join(p, c));
      out.push(d.watcher);
      this.dirs.delete(p);
    };
    take(rel);
    if (rel !== '') this.dirs.get(parentOf(rel))?.children.delete(baseName(rel));
    return out;
  }

  private onEvent(dir: RelPath, type: string, name: Buffer | string | null): void {
    if (!this.dirs.has(dir)) return; // a late event for a directory unwatched since
    if (name === null) {
      this.events.changed(dir);
      return;
    }
    const n = Buffer.isBuffer(name) ? name.toString('latin1') : fromText(name);
    // A watched directory's events about itself carry its own name. Its parent reports the same
    // change by name (handled below), except for the root, which has no parent here.
    if (dir === '' && type === 'rename' && n === this.rootName && !fs.statSync(this.workTree, { throwIfNoEntry: false })?.isDirectory()) {
      this.events.failed(new Error(`The watched folder ${this.workTree} is gone.`));
      return;
    }
    if (this.ignored(n)) return;
    const rel = join(dir, n);
    this.events.changed(rel);
    const known = this.dirs.get(rel);
    if (type !== 'rename' && !known) return; // a file's content or attributes: nothing to watch
    const st = lstat(fsPath(this.workTree, rel));
    if (st?.isDirectory()) {
      if (!known) this.watch(rel);
      else if (known.id === null || known.id !== identity(st)) this.rewatch(rel);
    } else if (known) {
      this.unwatch(rel);
    }
  }
}

/**
 * Which directory a stat is of. The inode alone is not enough: a directory deleted and made
 * again gets the freed inode back at once (ext4, overlayfs), and its old watch is dead. The
 * birth time tells them apart; where the file system has none, every event about a
 * directory's entry re-watches it (null never matches).
 */
function identity(st: fs.Stats): string | null {
  return st.birthtimeMs > 0 ? `${st.ino}:${st.birthtimeMs}` : null;
}

function lstat(p: string | Buffer): fs.Stats | undefined {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false }); // gone is common (a temp file renamed): no exception for it
  } catch {
    return undefined; // a parent became a file (ENOTDIR)
  }
}
