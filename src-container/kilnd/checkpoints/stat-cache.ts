// path → {stat, oid}: lets a rescan skip hashing files whose lstat is unchanged, like git's
// index. Persisted in the state dir so a restart costs readdir+lstat, not a re-hash.
// Racy entries (modified so shortly before being hashed that a later write could get the same
// mtime) are always re-hashed, as git does for its racy index. How short depends on the file
// system's timestamps: Linux stamps files from its coarse clock (one tick, ≤ 10 ms), so where
// timestamps carry sub-second digits a 100 ms window is safe with room to spare; a file system
// with whole-second timestamps (FAT keeps 2 s) gets a 2 s window.
import fs from 'node:fs';
import type { Stats } from 'node:fs';
import type { RelPath } from './paths';

/** The racy window for file systems with fine timestamps, and for whole-second ones. */
const RACY_FINE_MS = 100;
const RACY_COARSE_MS = 2000;

/** How long after its last change a file's stat can be trusted (see top). */
function racyWindowMs(st: { mtimeMs: number; ctimeMs: number }): number {
  return st.mtimeMs % 1000 !== 0 || st.ctimeMs % 1000 !== 0 ? RACY_FINE_MS : RACY_COARSE_MS;
}

/** True while a file (or directory) changed at `st` is too recent to trust its stat (see top). */
function isRacy(st: { mtimeMs: number; ctimeMs: number }, at = Date.now()): boolean {
  return at - Math.max(st.mtimeMs, st.ctimeMs) < racyWindowMs(st);
}
const VERSION = 1;

export interface StatEntry {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
  mode: string;
  oid: string;
  racy: boolean;
}

type Row = [string, number, number, number, number, string, string, number];

export class StatCache {
  readonly entries = new Map<RelPath, StatEntry>();
  private readonly changed = new Set<RelPath>();

  /** The cached oid when `st` matches the entry and the entry is trustworthy. */
  lookup(rel: RelPath, st: Stats, mode: string): string | undefined {
    const e = this.entries.get(rel);
    if (!e || e.racy) return undefined;
    if (e.mode !== mode || e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ctimeMs !== st.ctimeMs || e.ino !== st.ino) {
      return undefined;
    }
    return e.oid;
  }

  record(rel: RelPath, st: Stats, mode: string, oid: string, hashedAt = Date.now()): void {
    const racy = isRacy(st, hashedAt);
    this.entries.set(rel, { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, size: st.size, ino: st.ino, mode, oid, racy });
    this.changed.add(rel);
  }

  delete(rel: RelPath): void {
    if (this.entries.delete(rel)) this.changed.add(rel);
  }

  /** Appends the entries changed since the last save or append (one JSON row per line). */
  appendJournal(file: string): void {
    if (this.changed.size === 0) return;
    const lines: string[] = [];
    for (const p of this.changed) {
      const e = this.entries.get(p);
      lines.push(JSON.stringify(e ? toRow(p, e) : [p]));
    }
    this.changed.clear();
    fs.appendFileSync(`${file}.journal`, `${lines.join('\n')}\n`);
  }

  /** Atomic write (temp + rename): a crash leaves the old file or the new one. */
  save(file: string, head: string | null): void {
    const rows: Row[] = [];
    for (const [p, e] of this.entries) rows.push(toRow(p, e));
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: VERSION, head, rows }));
    fs.renameSync(tmp, file);
    fs.rmSync(`${file}.journal`, { force: true }); // the snapshot now holds everything
    this.changed.clear();
  }

  /** Loads a saved cache; a missing or unreadable file just means a slower first rescan. */
  load(file: string): void {
    let data: { version?: number; rows?: Row[] } = {};
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch { /* no snapshot yet */ }
    if (data.version === VERSION && Array.isArray(data.rows)) for (const row of data.rows) this.apply(row);
    let journal = '';
    try {
      journal = fs.readFileSync(`${file}.journal`, 'utf8');
    } catch { /* no journal */ }
    for (const line of journal.split('\n')) {
      try {
        if (line) this.apply(JSON.parse(line));
      } catch { /* a torn last line from a crash: that entry is just re-hashed */ }
    }
  }

  private apply(row: Row | [string]): void {
    if (row.length === 1) {
      this.entries.delete(row[0]);
      return;
    }
    const [p, mtimeMs, ctimeMs, size, ino, mode, oid, racy] = row;
    this.entries.set(p, { mtimeMs, ctimeMs, size, ino, mode, oid, racy: racy === 1 });
  }
}

function toRow(p: RelPath, e: StatEntry): Row {
  return [p, e.mtimeMs, e.ctimeMs, e.size, e.ino, e.mode, e.oid, e.racy ? 1 : 0];
}
