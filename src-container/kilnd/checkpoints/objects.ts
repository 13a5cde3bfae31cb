// Git objects of the shadow repository, written and read in-process.
// Writing: loose objects (zlib + sha1) by hand — the format is tiny and stable, and it is ~4×
// faster than isomorphic-git's writeBlob (measured in tests/bench/checkpoints.bench.ts); a
// checkpoint with many objects writes one packfile instead (pack.ts). Reading: loose objects by
// hand (the hot path), packed ones through one long-lived `git cat-file --batch` (cat-file.ts):
// git reads packs, deltas included, without loading a whole pack into memory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { zlibObject } from './compress';
import { CatFile } from './cat-file';
import { PackWriter } from './pack';

/** Objects per checkpoint above which they go into one packfile instead of loose files. */
const PACK_THRESHOLD = 64;

export type ObjectType = 'blob' | 'tree' | 'commit';
export const MODE_FILE = '100644';
export const MODE_EXEC = '100755';
export const MODE_LINK = '120000';
export const MODE_TREE = '40000';

/** One entry of a tree object. `name` is the raw byte name as a latin1 string. */
export interface TreeEntry { mode: string; name: string; oid: string }

export class ObjectStore {
  private readonly objectsDir: string;
  private readonly knownDirs = new Set<string>();
  private readonly catFile: CatFile;
  private batch: { pending: { oid: string; type: ObjectType; body: Buffer }[]; seen: Set<string>; pack: PackWriter | null } | null = null;

  constructor(readonly gitDir: string) {
    this.objectsDir = path.join(gitDir, 'objects');
    this.catFile = new CatFile(gitDir);
  }

  /** Ends the cat-file helper process. */
  close(): void {
    this.catFile.close();
  }

  /** Forget cached pack indexes (after `git gc` wrote new packs). */
  resetPackCache(): void {
    this.catFile.close(); // a new process sees the new packs
    this.knownDirs.clear(); // and gc may have removed emptied fan-out directories
  }

  hash(type: ObjectType, body: Buffer): string {
    return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
  }

  private loosePath(oid: string): string {
    return path.join(this.objectsDir, oid.slice(0, 2), oid.slice(2));
  }

  /**
   * Starts collecting writes: the first few stay pending and are written loose at the end;
   * beyond PACK_THRESHOLD they all go into one packfile. Objects become readable at endBatch.
   */
  beginBatch(): void {
    this.batch = { pending: [], seen: new Set(), pack: null };
  }

  endBatch(): void {
    const b = this.batch;
    this.batch = null;
    if (!b) return;
    if (b.pack) b.pack.finish();
    else for (const o of b.pending) this.writeLoose(o.oid, o.type, o.body);
  }

  abortBatch(): void {
    this.batch?.pack?.abort();
    this.batch = null;
  }

  /** Writes the object unless a loose copy exists; returns its oid. Atomic (temp + rename). */
  write(type: ObjectType, body: Buffer): string {
    const oid = this.hash(type, body);
    const b = this.batch;
    if (b) {
      // Once packing, a duplicate of an older object costs a few bytes; a stat per object costs more.
      if (b.seen.has(oid) || (!b.pack && fs.existsSync(this.loosePath(oid)))) return oid;
      b.seen.add(oid);
      if (!b.pack && b.pending.length < PACK_THRESHOLD) {
        b.pending.push({ oid, type, body });
        return oid;
      }
      if (!b.pack) {
        b.pack = new PackWriter(path.join(this.objectsDir, 'pack'));
        for (const o of b.pending) b.pack.add(o.oid, o.type, o.body);
        b.pending = [];
      }
      b.pack.add(oid, type, body);
      return oid;
    }
    return this.writeLoose(oid, type, body);
  }

  private writeLoose(oid: string, type: ObjectType, body: Buffer): string {
    const file = this.loosePath(oid);
    if (fs.existsSync(file)) return oid;
    const dir = path.dirname(file);
    if (!this.knownDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    const data = zlibObject(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]));
    const tmp = `${dir}/tmp_${process.pid}_${oid.slice(2, 10)}`;
    try {
      fs.writeFileSync(tmp, data, { mode: 0o444 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      fs.mkdirSync(dir, { recursive: true }); // `git prune` removed the emptied fan-out directory
      fs.writeFileSync(tmp, data, { mode: 0o444 });
    }
    fs.renameSync(tmp, file);
    return oid;
  }

  async read(oid: string): Promise<{ type: ObjectType; body: Buffer }> {
    let raw: Buffer | undefined;
    try { raw = fs.readFileSync(this.loosePath(oid)); } catch { /* packed */ }
    if (raw) {
      const data = inflateSync(raw);
      const nul = data.indexOf(0);
      const type = data.subarray(0, data.indexOf(32)).toString('latin1') as ObjectType;
      return { type, body: data.subarray(nul + 1) };
    }
    const obj = await this.catFile.read(oid);
    return { type: obj.type as ObjectType, body: obj.body };
  }

  /**
   * Many objects' bodies at once: loose ones read here, packed ones through the long-lived
   * `git cat-file --batch` process.
   */
  async readMany(oids: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const packed: string[] = [];
    for (const oid of new Set(oids)) {
      try {
        const data = inflateSync(fs.readFileSync(this.loosePath(oid)));
        out.set(oid, data.subarray(data.indexOf(0) + 1));
      } catch {
        packed.push(oid);
      }
    }
    const objs = await Promise.all(packed.map((oid) => this.catFile.read(oid)));
    packed.forEach((oid, i) => out.set(oid, objs[i]!.body));
    return out;
  }

  async readBlob(oid: string): Promise<Buffer> {
    return (await this.read(oid)).body;
  }

  async readTree(oid: string): Promise<TreeEntry[]> {
    const { type, body } = await this.read(oid);
    if (type !== 'tree') throw new Error(`object ${oid} is a ${type}, not a tree`);
    return parseTree(body);
  }

  writeTree(entries: TreeEntry[]): string {
    return this.write('tree', serializeTree(entries));
  }

  async readCommit(oid: string): Promise<CommitInfo> {
    const { type, body } = await this.read(oid);
    if (type !== 'commit') throw new Error(`object ${oid} is a ${type}, not a commit`);
    return parseCommit(oid, body.toString('utf8'));
  }

  writeCommit(tree: string, parent: string | null, message: string, when = new Date()): string {
    const ts = `${Math.floor(when.getTime() / 1000)} +0000`;
    const who = 'Kiln <kiln@localhost>';
    const lines = [`tree ${tree}`];
    if (parent) lines.push(`parent ${parent}`);
    lines.push(`author ${who} ${ts}`, `committer ${who} ${ts}`, '', message.endsWith('\n') ? message : `${message}\n`);
    return this.write('commit', Buffer.from(lines.join('\n'), 'utf8'));
  }
}

export interface CommitInfo { commit: string; tree: string; parent: string | null; time: number; message: string }

function parseCommit(oid: string, text: string): CommitInfo {
  const split = text.indexOf('\n\n');
  const head = text.slice(0, split).split('\n');
  const field = (k: string) => head.find((l) => l.startsWith(`${k} `))?.slice(k.length + 1);
  const committer = field('committer') ?? '';
  const secs = Number(/ (\d+) [+-]\d{4}$/.exec(committer)?.[1] ?? 0);
  return { commit: oid, tree: field('tree') ?? '', parent: field('parent') ?? null, time: secs * 1000, message: text.slice(split + 2) };
}

/** Git's tree order: byte order of names, a tree's name compared as if it ended in '/'. */
function sortKey(e: TreeEntry): string {
  return e.mode === MODE_TREE ? `${e.name}/` : e.name;
}

export function serializeTree(entries: TreeEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => {
    const ka = sortKey(a), kb = sortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0; // latin1 strings: code unit order == byte order
  });
  const parts: Buffer[] = [];
  for (const e of sorted) {
    parts.push(Buffer.from(`${e.mode} `, 'latin1'), Buffer.from(e.name, 'latin1'), Buffer.from([0]), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

export function parseTree(body: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(32, i);
    const nul = body.indexOf(0, sp);
    out.push({
      mode: body.toString('latin1', i, sp),
      name: body.toString('latin1', sp + 1, nul),
      oid: body.toString('hex', nul + 1, nul + 21),
    });
    i = nul + 21;
  }
  return out;
}
