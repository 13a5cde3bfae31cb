// path → {stat, oid}: lets a rescan skip hashing files whose lstat is unchanged, like git's
// index. Persisted in the state dir so a restart costs readdir+lstat, not a re-hash.
// Racy entries (modified within RACY_MS of being hashed: the kernel's coarse mtime clock may
// give a later write the same mtime) are always re-hashed, as git does for its racy index.
import fs from 'node:fs';
import type { Stats } from 'node:fs';
import type { RelPath } from './paths';

const RACY_MS = 1000;
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
    const racy = hashedAt - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS;
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
