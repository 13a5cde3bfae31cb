// Keeping the shadow repository's disk bounded without rewriting history: checkpoint ids are
// quoted in signed events, so commits are never rewritten. Instead the oldest kept checkpoint
// is listed in $GIT_DIR/shallow — git then treats it as having no parent, exactly as in a
// shallow clone — and `git gc` / `git prune` drop everything only older checkpoints reached.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ObjectStore } from './objects';

const run = promisify(execFile);

/** Loose objects younger than this are never pruned: a checkpoint in progress has written
 * blobs and trees that no ref reaches yet. */
export const PRUNE_GRACE = '1.hour.ago';

export function readBoundary(gitDir: string): Set<string> {
  try {
    return new Set(fs.readFileSync(path.join(gitDir, 'shallow'), 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

/** Marks the `keep`-th newest checkpoint as the start of history; returns it, or null if
 * history is still shorter than `keep`. */
export async function applyRetention(objects: ObjectStore, gitDir: string, head: string, keep: number): Promise<string | null> {
  const boundary = readBoundary(gitDir);
  let oid: string | null = head;
  for (let i = 1; oid && i < keep; i++) {
    if (boundary.has(oid)) return null;
    oid = (await objects.readCommit(oid)).parent;
  }
  if (!oid || boundary.has(oid)) return null;
  if ((await objects.readCommit(oid)).parent === null) return null;
  const file = path.join(gitDir, 'shallow');
  fs.writeFileSync(`${file}.tmp`, `${oid}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return oid;
}

/** Packs loose objects when there are many (gc --auto) and prunes what retention released. */
export async function collectGarbage(gitDir: string): Promise<void> {
  const git = (...args: string[]) => run('git', [`--git-dir=${gitDir}`, ...args], { maxBuffer: 1 << 20 });
  await git('-c', `gc.pruneExpire=${PRUNE_GRACE}`, '-c', 'gc.packRefs=false', 'gc', '--auto', '--quiet');
  await git('prune', `--expire=${PRUNE_GRACE}`);
}
