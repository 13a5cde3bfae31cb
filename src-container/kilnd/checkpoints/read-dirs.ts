// Directories a scan read whole (new ones, mostly), each with its stamp from that read. The
// following checkpoints look at them again until their stamp stands still: parcel may send no
// event at all for the files made in a new directory during a burst (it did here, for 50,000
// of them), and a checkpoint in the middle of the burst would otherwise have been the last to
// look. A look is an lstat, and while the stamp moves (or was too fresh to trust) a readdir
// compared with the tree's names: not an lstat per file.
import fs from 'node:fs';
import { ancestors, fsPath, join, type RelPath } from './paths';
import type { DirStamp, Scanner } from './scan';
import { isRacy } from './stat-cache';
import type { TreeCache } from './tree-cache';

export class ReadDirs {
  private readonly stamps = new Map<RelPath, DirStamp>();

  constructor(private readonly workTree: string) {}

  /** Directories still to look at; a checkpoint is not a no-op while there are any. */
  get size(): number {
    return this.stamps.size;
  }

  /** Remembers the directories `scanner` read whole (the root is the full rescan's, not kept). */
  note(scanner: Scanner): void {
    for (const [d, stamp] of scanner.dirs) if (d !== '') this.stamps.set(d, stamp);
  }

  /**
   * Looks again (see top): one whose stamp stood still is done with; in one that moved, names
   * `tree` does not hold, and names it holds that are gone, join `dirty`; one that is gone joins
   * `dirty` itself (its old files become deletions).
   */
  async lookAgain(dirty: Set<RelPath>, tree: TreeCache): Promise<void> {
    for (const [d, stamp] of [...this.stamps]) {
      if (dirty.has(d) || ancestors(d).some((a) => dirty.has(a))) continue; // read whole anyway
      const abs = fsPath(this.workTree, d);
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isDirectory()) {
        this.stamps.delete(d);
        dirty.add(d);
        continue;
      }
      if (!stamp.racy && st.mtimeMs === stamp.mtimeMs && st.ctimeMs === stamp.ctimeMs) {
        this.stamps.delete(d);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(abs, { encoding: 'latin1' });
      } catch {
        dirty.add(d);
        continue;
      }
      this.stamps.set(d, { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, racy: isRacy(st) });
      const node = await tree.dir(d);
      const present = new Set(names);
      for (const name of names) if (!node?.has(name)) dirty.add(join(d, name));
      for (const name of node?.keys() ?? []) if (!present.has(name)) dirty.add(join(d, name));
    }
  }
}
