// Undo's file work: the difference between two checkpoint trees, computed in-process (equal
// subtrees are skipped by oid, so cost follows the change), then applied to the work tree:
// deletions first (a file may stand where a directory must go), then atomic writes (temp file
// + rename, so a crash leaves old or new content, never half a file), then the directories
// our deletions emptied. Excluded and ignored files are in neither tree, so they are never touched.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { MODE_EXEC, MODE_LINK, MODE_TREE, type ObjectStore } from './objects';
import { display, fsPath, join, parentOf, type RelPath } from './paths';
import type { Entry } from './tree-cache';

const UMASK = process.umask();
const WRITE_CONCURRENCY = 8;
/** Blobs read per `git cat-file` round: bounds memory on a restore of many large files. */
const READ_CHUNK = 256;
const TMP_PREFIX = `${process.pid}-${randomBytes(4).toString('hex')}`;
let tmpCounter = 0;
const TMP_NAME = `.kiln-restore-${TMP_PREFIX}-`;

/** True for the temp files this process's undo writes and renames into place (the watcher skips them). */
export function isRestoreTemp(name: string): boolean {
  return name.startsWith(TMP_NAME);
}

export interface TreeChange { path: RelPath; from?: Entry; to?: Entry }

/** Files that differ between tree `a` and tree `b` (null = empty tree). */
export async function diffTrees(objects: ObjectStore, a: string | null, b: string | null, prefix: RelPath = '', out: TreeChange[] = []): Promise<TreeChange[]> {
  if (a === b) return out;
  const left = new Map((a ? await objects.readTree(a) : []).map((e) => [e.name, e]));
  const right = new Map((b ? await objects.readTree(b) : []).map((e) => [e.name, e]));
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(name), r = right.get(name);
    if (l && r && l.oid === r.oid && l.mode === r.mode) continue;
    const p = join(prefix, name);
    const lTree = l?.mode === MODE_TREE, rTree = r?.mode === MODE_TREE;
    if (lTree || rTree) await diffTrees(objects, lTree ? l!.oid : null, rTree ? r!.oid : null, p, out);
    const from = l && !lTree ? { mode: l.mode, oid: l.oid } : undefined;
    const to = r && !rTree ? { mode: r.mode, oid: r.oid } : undefined;
    if (from || to) out.push({ path: p, from, to });
  }
  return out;
}

export interface ApplyResult { written: RelPath[]; deleted: RelPath[]; failed: { path: string; reason: string }[] }

/** Makes the work tree's files match `changes[].to` (absent `to` = delete). */
export async function applyChanges(objects: ObjectStore, workTree: string, changes: TreeChange[]): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], deleted: [], failed: [] };
  const emptied = new Set<RelPath>();
  const owner = restoredOwner(workTree);
  for (const c of changes) {
    if (c.to) continue;
    try {
      fs.unlinkSync(fsPath(workTree, c.path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        result.failed.push({ path: display(c.path), reason: (e as Error).message });
        continue;
      }
    }
    result.deleted.push(c.path);
    emptied.add(parentOf(c.path));
  }
  // A type change (file → symlink, or a file where a directory was) deletes first as well.
  for (const c of changes) {
    if (c.to && c.from && c.from.mode !== c.to.mode) fs.rmSync(fsPath(workTree, c.path), { force: true });
  }
  const madeDirs = new Set<RelPath>();
  const writes = changes.filter((c) => c.to);
  for (const c of writes) {
    const dir = parentOf(c.path);
    if (dir === '' || madeDirs.has(dir)) continue;
    madeDirs.add(dir);
    try {
      const missing = owner ? missingDirs(workTree, dir) : [];
      fs.mkdirSync(fsPath(workTree, dir), { recursive: true });
      for (const made of missing) fs.lchownSync(made, owner!.uid, owner!.gid);
    } catch { /* reported by the write below */ }
  }
  for (let start = 0; start < writes.length; start += READ_CHUNK) {
    const chunk = writes.slice(start, start + READ_CHUNK);
    const bodies = await objects.readMany(chunk.map((c) => c.to!.oid));
    // Several writes in flight: each waits on the disk, and the thread pool overlaps them.
    let next = 0;
    const worker = async () => {
      while (next < chunk.length) {
        const c = chunk[next++]!;
        try {
          await writeEntry(workTree, c.path, c.to!, bodies.get(c.to!.oid)!, owner);
          result.written.push(c.path);
        } catch (e) {
          result.failed.push({ path: display(c.path), reason: (e as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  }
  removeEmptyDirs(workTree, emptied);
  return result;
}

/**
 * The recorder runs as root, but restored files belong to the person whose folder this is:
 * they get the owner of the work tree's root (null when not root: files are ours anyway).
 */
function restoredOwner(workTree: string): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const st = fs.statSync(workTree);
  return st.uid === 0 && st.gid === 0 ? null : { uid: st.uid, gid: st.gid };
}

/** The directories on the way to `dir` that do not exist yet (so mkdir -p will make them). */
function missingDirs(workTree: string, dir: RelPath): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  for (let d = dir; d !== '' && !fs.existsSync(fsPath(workTree, d)); d = parentOf(d)) out.push(fsPath(workTree, d));
  return out;
}

async function writeEntry(workTree: string, rel: RelPath, e: Entry, body: Buffer, owner: { uid: number; gid: number } | null): Promise<void> {
  const target = fsPath(workTree, rel);
  const tmp = fsPath(workTree, join(parentOf(rel), `${TMP_NAME}${++tmpCounter}`));
  try {
    const perm = e.mode === MODE_EXEC ? 0o755 : 0o644;
    if (e.mode === MODE_LINK) await fsp.symlink(body, tmp);
    else await fsp.writeFile(tmp, body, { mode: perm });
    if (e.mode !== MODE_LINK && (perm & UMASK) !== 0) await fsp.chmod(tmp, perm); // the umask took bits we need
    if (owner) await fsp.lchown(tmp, owner.uid, owner.gid);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Removes directories left empty by our deletions, and their ancestors that become empty; never
 * the root. Deepest first, each once: a parent is tried only after all of its emptied children
 * (burst/a and burst/b both go before burst is tried).
 */
function removeEmptyDirs(workTree: string, dirs: Set<RelPath>): void {
  const all = new Set<RelPath>();
  for (let d of dirs) {
    while (d !== '' && !all.has(d)) {
      all.add(d);
      d = parentOf(d);
    }
  }
  const depth = (d: string) => d.split('/').length;
  for (const d of [...all].sort((a, b) => depth(b) - depth(a))) {
    try {
      fs.rmdirSync(fsPath(workTree, d));
    } catch {
      // not empty (ignored files stay, and so does their directory) or already gone
    }
  }
}
