// Turns changed paths into their current file entries: lstat, the stat cache, and hashing of
// what really changed. A directory path is walked whole (a directory moved in arrives as one
// event); a path that is gone or excluded yields nothing, so its old files become deletions.
import fs from 'node:fs';
import type { Stats } from 'node:fs';
import type { Exclusions } from './exclusions';
import { MODE_EXEC, MODE_FILE, MODE_LINK, type ObjectStore } from './objects';
import { display, fsPath, join, type RelPath } from './paths';
import type { StatCache } from './stat-cache';
import { isBinary } from './text-diff';
import type { Entry } from './tree-cache';

export interface Skipped { path: string; reason: 'too-large' | 'special-file' | 'unreadable'; size?: number }

export interface ScanContext {
  workTree: string;
  maxFileBytes: number;
  exclusions: Exclusions;
  stats: StatCache;
  objects: ObjectStore;
  /** Asked at each yield: true ends the scan early (`stopped`); what it found so far stays valid. */
  shouldStop?: () => boolean;
}

/** Yield to the event loop every so often: a full rescan must not freeze the recorder. */
const YIELD_EVERY = 512;

export class Scanner {
  readonly found = new Map<RelPath, Entry>();
  readonly skippedByPath = new Map<RelPath, Skipped>();
  /** Size and binary-ness of the files hashed in this scan (stat-cache hits are not read). */
  readonly info = new Map<RelPath, { binary: boolean; size: number }>();
  private readonly walked = new Set<RelPath>();
  private work = 0;
  /** Set when shouldStop said so: directories may be walked in part (found holds whole files only). */
  stopped = false;

  constructor(private readonly ctx: ScanContext) {}

  /** Records the current files at or under `rel` into `found`. */
  async collect(rel: RelPath): Promise<void> {
    if (this.stopped || this.walked.has(rel)) return;
    this.walked.add(rel);
    if (++this.work % YIELD_EVERY === 0) {
      await new Promise((r) => setImmediate(r));
      if (this.ctx.shouldStop?.()) {
        this.stopped = true;
        return;
      }
    }
    const abs = fsPath(this.ctx.workTree, rel);
    let st: Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      return; // gone (ENOENT), or a parent became a file (ENOTDIR)
    }
    if (st.isDirectory()) {
      if (this.ctx.exclusions.isExcluded(rel, true)) return;
      let names: string[];
      try {
        names = fs.readdirSync(abs, { encoding: 'latin1' });
      } catch {
        this.skip(rel, { path: display(rel), reason: 'unreadable' });
        return;
      }
      for (const name of names) await this.collect(join(rel, name));
      return;
    }
    if (rel === '' || this.ctx.exclusions.isExcluded(rel, false)) return;
    if (st.isSymbolicLink()) {
      this.file(rel, st, MODE_LINK, () => fs.readlinkSync(abs, { encoding: 'buffer' }));
    } else if (st.isFile()) {
      if (st.size > this.ctx.maxFileBytes) {
        this.skip(rel, { path: display(rel), reason: 'too-large', size: st.size });
        return;
      }
      this.file(rel, st, st.mode & 0o111 ? MODE_EXEC : MODE_FILE, () => fs.readFileSync(abs));
    } else {
      this.skip(rel, { path: display(rel), reason: 'special-file' });
    }
  }

  private skip(rel: RelPath, s: Skipped): void {
    this.skippedByPath.set(rel, s);
  }

  private file(rel: RelPath, st: Stats, mode: string, read: () => Buffer): void {
    let oid = this.ctx.stats.lookup(rel, st, mode);
    if (!oid) {
      let body: Buffer;
      try {
        body = read();
      } catch {
        this.skip(rel, { path: display(rel), reason: 'unreadable' });
        return;
      }
      oid = this.ctx.objects.write('blob', body);
      this.info.set(rel, { binary: isBinary(body), size: body.length });
      // The stat from before the read: a write racing the read changes it, so the next
      // checkpoint re-hashes (and the watcher has queued the path again anyway).
      this.ctx.stats.record(rel, st, mode, oid);
    }
    this.found.set(rel, { mode, oid });
  }
}
