// Real temp dirs and real git for the checkpoint tests.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDirs(): { root: string; work: string; gitDir: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-cp-'));
  const work = path.join(root, 'workspace');
  fs.mkdirSync(work);
  return { root, work, gitDir: path.join(root, 'state', 'checkpoints.git'), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export function write(base: string, rel: string | Buffer, content: string | Buffer, mode?: number): void {
  const p = Buffer.isBuffer(rel) ? Buffer.concat([Buffer.from(`${base}/`), rel]) : path.join(base, rel);
  fs.mkdirSync(path.dirname(p.toString()), { recursive: true });
  fs.writeFileSync(p, content);
  if (mode !== undefined) fs.chmodSync(p, mode);
}

/** Every entry under `dir` (raw byte names, latin1) → what it is: content hash, mode, link target. */
export function fingerprint(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  const abs = Buffer.from(rel ? `${dir}/${rel}` : dir, 'latin1');
  for (const name of fs.readdirSync(abs, { encoding: 'latin1' })) {
    const r = rel ? `${rel}/${name}` : name;
    const p = Buffer.from(`${dir}/${r}`, 'latin1');
    const st = fs.lstatSync(p);
    if (st.isDirectory()) {
      out.set(`${r}/`, 'dir');
      for (const [k, v] of fingerprint(dir, r)) out.set(k, v);
    } else if (st.isSymbolicLink()) {
      out.set(r, `link:${fs.readlinkSync(p, 'latin1')}`);
    } else {
      out.set(r, `${(st.mode & 0o777).toString(8)}:${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
    }
  }
  return out;
}

/** The tree real git computes for `work` with a fresh index: `git add -A && git write-tree`. */
export function gitWriteTree(root: string, work: string, excludes: string[]): string {
  return gitAddAll(root, work, excludes).tree;
}

/** `git ls-tree -r` of a tree: one line per file, so a mismatch shows which paths differ. */
export function treeListing(gitDir: string, treeish: string): string[] {
  return execFileSync('git', [`--git-dir=${gitDir}`, 'ls-tree', '-r', treeish], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** What `git add -A` would record for `work`, listed (see treeListing). */
export function gitListing(root: string, work: string, excludes: string[]): string[] {
  const { gitDir, tree } = gitAddAll(root, work, excludes);
  return treeListing(gitDir, tree);
}

function gitAddAll(root: string, work: string, excludes: string[]): { gitDir: string; tree: string } {
  const gitDir = fs.mkdtempSync(path.join(root, 'crosscheck-'));
  const git = (...args: string[]) => execFileSync('git', [`--git-dir=${gitDir}`, `--work-tree=${work}`, ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '--bare', gitDir]);
  fs.mkdirSync(path.join(gitDir, 'info'), { recursive: true });
  fs.writeFileSync(path.join(gitDir, 'info', 'exclude'), excludes.join('\n') + '\n');
  git('add', '-A');
  return { gitDir, tree: git('write-tree') };
}

export function commitTree(gitDir: string, commit: string): string {
  return execFileSync('git', [`--git-dir=${gitDir}`, 'rev-parse', `${commit}^{tree}`], { encoding: 'utf8' }).trim();
}
