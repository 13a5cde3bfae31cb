// The last checkpoint's tree, held as directory → entries and loaded lazily from the object
// store. A checkpoint edits only the directories on its changed paths' ancestor chains and
// re-writes just those tree objects; every other subtree keeps its oid and is reused as is.
import { MODE_TREE, type ObjectStore } from './objects';
import { ancestors, baseName, depth, join, parentOf, type RelPath } from './paths';

export interface Entry { mode: string; oid: string }
type Dir = Map<string, Entry>;

export class TreeCache {
  private nodes = new Map<RelPath, Dir>();

  constructor(private readonly objects: ObjectStore, private rootOid: string | null) {}

  get root(): string | null {
    return this.rootOid;
  }

  /** Drops every loaded directory: the cache now stands for `rootOid`. */
  reset(rootOid: string | null): void {
    this.rootOid = rootOid;
    this.nodes = new Map();
  }

  /** Entries of directory `rel`, or null when `rel` is not a directory in the tree. */
  async dir(rel: RelPath): Promise<Dir | null> {
    const cached = this.nodes.get(rel);
    if (cached) return cached;
    let oid: string | null;
    if (rel === '') {
      oid = this.rootOid;
    } else {
      const parent = await this.dir(parentOf(rel));
      const e = parent?.get(baseName(rel));
      if (!e || e.mode !== MODE_TREE) return null;
      oid = e.oid;
    }
    const node: Dir = new Map();
    if (oid) for (const e of await this.objects.readTree(oid)) node.set(e.name, { mode: e.mode, oid: e.oid });
    this.nodes.set(rel, node);
    return node;
  }

  async lookup(rel: RelPath): Promise<Entry | null> {
    if (rel === '') return this.rootOid ? { mode: MODE_TREE, oid: this.rootOid } : null;
    return (await this.dir(parentOf(rel)))?.get(baseName(rel)) ?? null;
  }

  /** Every file (blob or symlink) at or under `rel`. */
  async filesUnder(rel: RelPath, out = new Map<RelPath, Entry>()): Promise<Map<RelPath, Entry>> {
    const e = await this.lookup(rel);
    if (!e) return out;
    if (e.mode !== MODE_TREE) {
      out.set(rel, e);
      return out;
    }
    const node = await this.dir(rel);
    for (const [name, child] of node ?? []) {
      const p = join(rel, name);
      if (child.mode === MODE_TREE) await this.filesUnder(p, out);
      else out.set(p, child);
    }
    return out;
  }

  /** Removes file `rel`; marks its directories for rebuilding. */
  async remove(rel: RelPath, touched: Set<RelPath>): Promise<void> {
    const parent = await this.dir(parentOf(rel));
    const e = parent?.get(baseName(rel));
    if (!parent || !e || e.mode === MODE_TREE) return;
    parent.delete(baseName(rel));
    for (const a of ancestors(rel)) touched.add(a);
  }

  /**
   * Sets file `rel`, creating missing directories. A file standing where a directory must go
   * is replaced; its path is returned so the caller can report it deleted.
   */
  async put(rel: RelPath, entry: Entry, touched: Set<RelPath>): Promise<RelPath[]> {
    const displaced: RelPath[] = [];
    let node = await this.dir('');
    for (const a of ancestors(rel).slice(1)) {
      const existing = node!.get(baseName(a));
      if (existing?.mode === MODE_TREE) {
        node = await this.dir(a);
        continue;
      }
      if (existing) displaced.push(a);
      node!.set(baseName(a), { mode: MODE_TREE, oid: '' }); // oid filled in by rebuild
      node = new Map();
      this.nodes.set(a, node);
    }
    const old = node!.get(baseName(rel));
    if (old?.mode === MODE_TREE) this.forgetUnder(rel); // a directory became a file
    node!.set(baseName(rel), entry);
    for (const a of ancestors(rel)) touched.add(a);
    return displaced;
  }

  private forgetUnder(rel: RelPath): void {
    for (const k of this.nodes.keys()) if (k.startsWith(`${rel}/`) || k === rel) this.nodes.delete(k);
  }

  /** Re-writes the touched directories, deepest first; returns the new root tree oid. */
  rebuild(touched: Set<RelPath>): string {
    const order = [...touched].sort((a, b) => depth(b) - depth(a));
    for (const d of order) {
      const node = this.nodes.get(d);
      if (!node) continue; // replaced by a file on the way
      if (d === '') {
        this.rootOid = this.objects.writeTree([...node].map(([name, e]) => ({ name, ...e })));
        continue;
      }
      const parent = this.nodes.get(parentOf(d));
      const slot = parent?.get(baseName(d));
      if (!parent || slot?.mode !== MODE_TREE) continue;
      if (node.size === 0) {
        parent.delete(baseName(d)); // git keeps no empty directories
        this.nodes.delete(d);
        continue;
      }
      parent.set(baseName(d), { mode: MODE_TREE, oid: this.objects.writeTree([...node].map(([name, e]) => ({ name, ...e }))) });
    }
    return this.rootOid ?? this.objects.writeTree([]);
  }
}
