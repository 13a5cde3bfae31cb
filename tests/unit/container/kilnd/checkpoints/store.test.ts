import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../../src-container/kilnd/checkpoints';
import { mergeChanges, type CheckpointChange } from '../../../../../src-container/kilnd/checkpoints/store';
import { commitTree, fingerprint, gitListing, gitWriteTree, tempDirs, treeListing, write } from './helpers';

let dirs: ReturnType<typeof tempDirs>;
let store: CheckpointStore | null = null;

async function open(extra: Partial<Parameters<typeof CheckpointStore.open>[0]> = {}): Promise<CheckpointStore> {
  store = await CheckpointStore.open({ gitDir: dirs.gitDir, workTree: dirs.work, gcIntervalMs: 0, ...extra });
  return store;
}

afterEach(async () => {
  await store?.close();
  store = null;
  dirs?.cleanup();
});

function seed(work: string): void {
  write(work, 'README.md', '# hello\n');
  write(work, 'src/a.ts', 'export const a = 1;\n');
  write(work, 'src/lib/b.ts', 'export const b = 2;\n');
  write(work, 'src/lib/deep/c.txt', 'c\n');
  write(work, 'bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  fs.symlinkSync('src/a.ts', path.join(work, 'link-to-a'));
  write(work, '.gitignore', '*.log\nsecret/\n');
  write(work, 'debug.log', 'ignored\n');
  write(work, 'secret/key.txt', 'ignored too\n');
  write(work, 'node_modules/pkg/index.js', 'module.exports = 1;\n');
  write(work, 'pkg/sub/.gitignore', 'local.tmp\n');
  write(work, 'pkg/sub/local.tmp', 'nested ignore\n');
  write(work, 'pkg/sub/kept.txt', 'kept\n');
}

const CROSS_EXCLUDES = ['node_modules/', '__pycache__/'];

/** The checkpoint holds what `git add -A` records for the work tree: file by file (so a failure names the paths), then the tree itself. */
function expectGitAddTree(commit: string): void {
  expect(treeListing(dirs.gitDir, commit)).toEqual(gitListing(dirs.root, dirs.work, CROSS_EXCLUDES));
  expect(commitTree(dirs.gitDir, commit)).toBe(gitWriteTree(dirs.root, dirs.work, CROSS_EXCLUDES));
}

describe('CheckpointStore', () => {
  it('restores a checkpoint byte for byte: edits reverted, deletions back, additions gone, ignored files untouched', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    write(dirs.work, 'nested/.git/config', '[core]\n'); // someone's nested repo
    const s = await open();
    const cp = await s.takeCheckpoint('before agent');
    const snapshot = fingerprint(dirs.work);

    write(dirs.work, 'src/a.ts', 'export const a = 42;\n');
    fs.rmSync(path.join(dirs.work, 'src/lib/deep'), { recursive: true });
    fs.rmSync(path.join(dirs.work, 'README.md'));
    write(dirs.work, 'added/new/file.txt', 'new\n');
    fs.chmodSync(path.join(dirs.work, 'bin/run.sh'), 0o644);
    fs.rmSync(path.join(dirs.work, 'link-to-a'));
    fs.symlinkSync('README.md', path.join(dirs.work, 'link-to-a'));
    // Ignored and excluded files changed after the checkpoint must survive the undo as they are now.
    write(dirs.work, 'debug.log', 'newer log\n');
    write(dirs.work, 'node_modules/pkg/index.js', 'module.exports = 2;\n');
    write(dirs.work, 'nested/.git/config', '[core]\n\tbare = false\n');

    const r = await s.restoreCheckpoint(cp.commit);
    expect(r.before.unchanged).toBe(false);
    expect(r.failed).toEqual([]);
    const now = fingerprint(dirs.work);
    const expected = new Map(snapshot);
    for (const k of ['debug.log', 'node_modules/pkg/index.js', 'nested/.git/config']) expected.set(k, now.get(k)!);
    expect(now).toEqual(expected);
    expect(fs.readFileSync(path.join(dirs.work, 'debug.log'), 'utf8')).toBe('newer log\n');
    expect(fs.readFileSync(path.join(dirs.work, 'nested/.git/config'), 'utf8')).toContain('bare = false');
    expect(fs.existsSync(path.join(dirs.work, 'added'))).toBe(false); // emptied dirs removed
    expect(commitTree(dirs.gitDir, r.checkpoint)).toBe(commitTree(dirs.gitDir, cp.commit));
    // The tree now equals the checkpoint: the next request is a no-op.
    const after = await s.takeCheckpoint('next');
    expect(after.unchanged).toBe(true);
    expect(after.commit).toBe(r.checkpoint);
  });

  it('builds incrementally the same tree git add -A would', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    for (let d = 0; d < 5; d++) for (let f = 0; f < 5; f++) write(dirs.work, `tree/d${d}/f${f}.txt`, `${d}-${f}\n`);
    const s = await open();
    const first = await s.takeCheckpoint('first');
    expectGitAddTree(first.commit);

    write(dirs.work, 'tree/d1/f1.txt', 'changed\n');
    write(dirs.work, 'tree/d9/new.txt', 'new dir\n');
    fs.rmSync(path.join(dirs.work, 'tree/d2'), { recursive: true });
    fs.rmSync(path.join(dirs.work, 'src/lib/deep'), { recursive: true });
    write(dirs.work, 'src/lib/deep', 'a file where a directory was\n');
    write(dirs.work, 'pkg/sub/local.tmp', 'still ignored\n');
    write(dirs.work, 'tree/d3/x.bin', Buffer.from([0, 1, 2, 255]));
    const second = await s.takeCheckpoint('second');
    expect(second.parent).toBe(first.commit);
    expectGitAddTree(second.commit);
    const byPath = new Map(second.changes.map((c) => [c.path, c.change]));
    expect(byPath.get('tree/d1/f1.txt')).toBe('modified');
    expect(byPath.get('tree/d9/new.txt')).toBe('added');
    expect(byPath.get('tree/d2/f0.txt')).toBe('deleted');
    expect(byPath.get('src/lib/deep')).toBe('added');
    expect(byPath.has('pkg/sub/local.tmp')).toBe(false);
    expect(second.files).toBe(second.changes.length);

    // A new .gitignore rule takes files out; the tree still matches git's.
    write(dirs.work, '.gitignore', '*.log\nsecret/\ntree/d4/\n');
    const third = await s.takeCheckpoint('third');
    expect(third.changes.filter((c) => c.path.startsWith('tree/d4/')).every((c) => c.change === 'deleted')).toBe(true);
    expectGitAddTree(third.commit);
  });

  it('answers a checkpoint request with no changes with the previous checkpoint', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    const s = await open();
    const a = await s.takeCheckpoint('a');
    const b = await s.takeCheckpoint('b');
    expect(b.unchanged).toBe(true);
    expect(b.commit).toBe(a.commit);
    expect(b.files).toBe(0);
    // Rewriting a file with the same bytes is not a change either.
    write(dirs.work, 'src/a.ts', 'export const a = 1;\n');
    const c = await s.takeCheckpoint('c');
    expect(c.unchanged).toBe(true);
    expect(c.commit).toBe(a.commit);
  });

  it('includes files written just before the request (flush) and undoes an undo', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    const s = await open();
    const base = await s.takeCheckpoint('base');
    for (let i = 0; i < 50; i++) write(dirs.work, `burst/f${i}.txt`, `burst ${i}\n`);
    const burst = await s.takeCheckpoint('burst');
    expect(burst.changes.filter((c) => c.change === 'added')).toHaveLength(50);
    const withBurst = fingerprint(dirs.work);

    const undo = await s.restoreCheckpoint(base.commit);
    expect(undo.before.unchanged).toBe(true); // the burst was already checkpointed
    expect(undo.before.commit).toBe(burst.commit);
    expect(undo.changed).toBe(50);
    expect(fs.existsSync(path.join(dirs.work, 'burst'))).toBe(false);
    const redo = await s.restoreCheckpoint(undo.before.commit);
    expect(redo.changed).toBe(50);
    expect(fingerprint(dirs.work)).toEqual(withBurst);
    const list = await s.list();
    expect(list.map((c) => c.reason).slice(0, 3)).toEqual([`restore ${burst.commit}`, `restore ${base.commit}`, 'burst']);
  });

  it('an undo removes the folders it empties, sibling by sibling up to the one they share', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    const s = await open();
    const base = await s.takeCheckpoint('base');
    for (const sub of ['a', 'b', 'c/d']) write(dirs.work, `made/${sub}/f.txt`, `${sub}\n`);
    write(dirs.work, 'src/lib/new/x.txt', 'x\n'); // a new folder inside one that stays
    await s.takeCheckpoint('made');
    await s.restoreCheckpoint(base.commit);
    expect(fs.existsSync(path.join(dirs.work, 'made'))).toBe(false);
    expect(fs.existsSync(path.join(dirs.work, 'src/lib/new'))).toBe(false);
    expect(fs.existsSync(path.join(dirs.work, 'src/lib/b.ts'))).toBe(true);
  });

  it('skips a 200 MB file without crashing and reports it', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    execFileSync('truncate', ['-s', '200M', path.join(dirs.work, 'huge.bin')]);
    const s = await open();
    const cp = await s.takeCheckpoint('huge');
    expect(cp.unchanged).toBe(true); // the start rescan already saw everything; skips stay reported
    expect(cp.skipped).toContainEqual({ path: 'huge.bin', reason: 'too-large', size: 200 * 1024 * 1024 });
    expect(await s.readFileAt(cp.commit, 'huge.bin')).toBeNull();
    expect(await s.readFileAt(cp.commit, 'README.md')).toEqual(Buffer.from('# hello\n'));
    write(dirs.work, 'README.md', 'changed\n');
    const r = await s.restoreCheckpoint(cp.commit);
    expect(r.failed).toEqual([]);
    expect(fs.statSync(path.join(dirs.work, 'huge.bin')).size).toBe(200 * 1024 * 1024); // left alone
  });

  it('handles binary content, control characters and names that are not UTF-8', async () => {
    dirs = tempDirs();
    const weird = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x01, 0x2e, 0x74, 0x78, 0x74]); // "bad\xff\xfe\x01.txt"
    write(dirs.work, weird, Buffer.from([0xc3, 0x28, 0x00, 0x07]));
    write(dirs.work, 'ctl\x07\x1b[31m.txt', 'bell \x07 escape \x1b[0m\n');
    write(dirs.work, 'text.txt', 'one\ntwo\n');
    const s = await open();
    const cp = await s.takeCheckpoint('weird');
    const snapshot = fingerprint(dirs.work);
    expectGitAddTree(cp.commit);

    write(dirs.work, weird, 'replaced');
    write(dirs.work, 'text.txt', 'one\nthree\n');
    write(dirs.work, 'blob.bin', Buffer.from([1, 2, 3, 0, 4]));
    const next = await s.takeCheckpoint('edits');
    const text = next.changes.find((c) => c.path === 'text.txt')!;
    expect(await s.diffFor(text)).toMatch(/-two\n\+three/);
    const bin = next.changes.find((c) => c.path === 'blob.bin')!;
    expect(bin.binary).toBe(true);
    expect(await s.diffFor(bin)).toBeNull();

    await s.restoreCheckpoint(cp.commit);
    expect(fingerprint(dirs.work)).toEqual(snapshot);
  });

  it('resumes from persisted state after close and open, seeing changes made while closed', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    let s = await open();
    const a = await s.takeCheckpoint('a');
    await s.close();
    expect(fs.existsSync(path.join(dirs.gitDir, 'kiln-stat-cache.json'))).toBe(true);

    s = await open(); // nothing changed: the start rescan finds nothing
    expect(s.headCommit).toBe(a.commit);
    await s.close();

    write(dirs.work, 'src/a.ts', 'offline edit\n');
    s = await open();
    expect(s.headCommit).not.toBe(a.commit);
    const [newest] = await s.list(1);
    expect(newest?.reason).toBe('start');
    expect(newest?.parent).toBe(a.commit);
    expect((await s.readFileAt(newest!.commit, 'src/a.ts'))?.toString()).toBe('offline edit\n');
  });

  it('writes a large change set as one packfile that git reads and verifies', async () => {
    dirs = tempDirs();
    for (let i = 0; i < 300; i++) write(dirs.work, `many/d${i % 7}/f${i}.txt`, `file ${i}\n`.repeat(i % 13));
    const s = await open();
    const packs = fs.readdirSync(path.join(dirs.gitDir, 'objects/pack')).filter((f) => f.endsWith('.pack'));
    expect(packs).toHaveLength(1);
    execFileSync('git', [`--git-dir=${dirs.gitDir}`, 'fsck', '--full', '--strict']);
    execFileSync('git', ['verify-pack', path.join(dirs.gitDir, 'objects/pack', packs[0]!.replace(/\.pack$/, '.idx'))]);
    expectGitAddTree(s.headCommit!);
    expect((await s.readFileAt(s.headCommit!, 'many/d3/f10.txt'))?.toString()).toBe('file 10\n'.repeat(10));
  });

  it('keeps the newest checkpoints on retention and git gc leaves a consistent repository', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    const s = await open({ keep: 3 });
    for (let i = 0; i < 6; i++) {
      write(dirs.work, 'counter.txt', `${i}\n`);
      await s.takeCheckpoint(`step ${i}`);
    }
    await s.gc();
    const list = await s.list();
    expect(list.map((c) => c.reason)).toEqual(['step 5', 'step 4', 'step 3']);
    execFileSync('git', [`--git-dir=${dirs.gitDir}`, 'fsck', '--no-dangling', '--connectivity-only']);
    expect((await s.readFileAt(list[2]!.commit, 'counter.txt'))?.toString()).toBe('3\n');

    // Everything reachable in one delta-compressed pack: reads and undo still work.
    execFileSync('git', [`--git-dir=${dirs.gitDir}`, 'repack', '-a', '-d', '-f', '-q']);
    const blob = execFileSync('git', [`--git-dir=${dirs.gitDir}`, 'rev-parse', `${list[2]!.commit}:counter.txt`], { encoding: 'utf8' }).trim();
    expect(fs.existsSync(path.join(dirs.gitDir, 'objects', blob.slice(0, 2), blob.slice(2)))).toBe(false);
    const r = await s.restoreCheckpoint(list[2]!.commit);
    expect(r.failed).toEqual([]);
    expect(fs.readFileSync(path.join(dirs.work, 'counter.txt'), 'utf8')).toBe('3\n');
    expect(await s.readFileAt(list[1]!.commit, 'src/a.ts')).toEqual(Buffer.from('export const a = 1;\n'));
  });

  it('a pre-action checkpoint asked for before a flush that has come back flushes no more (back-to-back commands share one)', async () => {
    dirs = tempDirs();
    const s = await open();
    write(dirs.work, 'a.txt', 'a\n');
    const asked = performance.now(); // the next command's start arrives…
    const after = await s.takeCheckpoint('end of the last command'); // …and this capture flushes after it
    const flag = path.join(dirs.gitDir, 'kiln-watch-flag'); // a flush touches it (and nothing in the workspace)
    const flushedAt = fs.statSync(flag).ctimeMs;
    await new Promise((r) => setTimeout(r, 30));
    write(dirs.work, 'b.txt', 'b\n'); // the watcher has something: only a flush from after the ask can stand in
    const before = await s.takeCheckpoint('command', { flush: 'when-dirty', asked });
    expect(before).toMatchObject({ unchanged: false, parent: after.commit });
    expect(fs.statSync(flag).ctimeMs).toBe(flushedAt);
    // Asked after that flush: it flushes again.
    write(dirs.work, 'c.txt', 'c\n');
    await s.takeCheckpoint('command', { flush: 'when-dirty', asked: performance.now() });
    expect(fs.statSync(flag).ctimeMs).not.toBe(flushedAt);
    const workspaceCtime = fs.statSync(dirs.work).ctimeMs;
    await new Promise((r) => setTimeout(r, 30));
    await s.flush();
    expect(fs.statSync(dirs.work).ctimeMs).toBe(workspaceCtime);
  });

  it('hashing ahead during an action: the checkpoint after it holds what git add -A would, with one list of changes since the last', async () => {
    dirs = tempDirs();
    seed(dirs.work);
    const s = await open();
    const first = await s.takeCheckpoint('before the command');
    const atFirst = fingerprint(dirs.work);
    for (let f = 0; f < 50; f++) write(dirs.work, `gen/a/f${f}.txt`, `${f}\n`);
    write(dirs.work, 'src/a.ts', 'export const a = 2;\n');
    write(dirs.work, 'tmp/scratch.txt', 'short-lived\n');
    await s.flush();
    expect(await s.hashAhead()).toBeGreaterThanOrEqual(52);

    for (let f = 50; f < 80; f++) write(dirs.work, `gen/a/f${f}.txt`, `${f}\n`);
    fs.rmSync(path.join(dirs.work, 'tmp'), { recursive: true });
    fs.rmSync(path.join(dirs.work, 'gen/a/f3.txt'));
    write(dirs.work, 'src/a.ts', 'export const a = 1;\n'); // back as it was
    write(dirs.work, 'gen/a/f4.txt', 'changed after\n');
    fs.rmSync(path.join(dirs.work, 'src/lib/deep'), { recursive: true });
    await s.flush();
    await s.hashAhead();
    write(dirs.work, 'gen/a/f90.txt', 'made after that round\n');
    await s.flush();
    await s.hashAhead();
    await new Promise((r) => setTimeout(r, 800)); // the watcher is quiet, its set empty

    // A pre-action no-op must not answer with the old head while taken-in changes wait.
    const cp = await s.takeCheckpoint('after the command', { flush: 'when-dirty' });
    expect(cp.unchanged).toBe(false);
    expect(cp.parent).toBe(first.commit);
    expectGitAddTree(cp.commit);
    const byPath = new Map(cp.changes.map((c) => [c.path, c]));
    expect(byPath.size).toBe(cp.changes.length); // one entry per path
    for (const gone of ['src/a.ts', 'tmp/scratch.txt', 'gen/a/f3.txt']) expect(byPath.has(gone)).toBe(false);
    expect(byPath.get('gen/a/f4.txt')).toMatchObject({ change: 'added', oldOid: undefined });
    expect(byPath.get('gen/a/f90.txt')?.change).toBe('added');
    expect(byPath.get('src/lib/deep/c.txt')?.change).toBe('deleted');
    expect(cp.changes.filter((c) => c.path.startsWith('gen/a/'))).toHaveLength(80);
    expect(await s.readFileAt(cp.commit, 'gen/a/f4.txt')).toEqual(Buffer.from('changed after\n'));

    await s.restoreCheckpoint(first.commit);
    expect(fingerprint(dirs.work)).toEqual(atFirst);
  });

  it('a pre-action no-op after the watcher went quiet still commits what was hashed ahead', async () => {
    dirs = tempDirs();
    const s = await open();
    const first = await s.takeCheckpoint('before');
    await new Promise((r) => setTimeout(r, 400));
    write(dirs.work, 'one.txt', 'one\n'); // one batch on its own: no directory queued for a rescan
    await new Promise((r) => setTimeout(r, 400));
    await s.flush();
    expect(await s.hashAhead()).toBe(1);
    await new Promise((r) => setTimeout(r, 800)); // quiet: nothing queued, nothing pending in parcel
    const cp = await s.takeCheckpoint('next command', { flush: 'when-dirty' });
    expect(cp).toMatchObject({ unchanged: false, parent: first.commit, changes: [{ path: 'one.txt', change: 'added' }] });
  });

  it('watches a tree that arrives whole at every depth (mkdir -p, a folder moved in, a folder made again): later edits deep in it are in the next checkpoint', async () => {
    dirs = tempDirs();
    const s = await open();
    await s.takeCheckpoint('start');
    fs.mkdirSync(path.join(dirs.work, 'a/b/c/d'), { recursive: true }); // faster than any watch can be added
    write(dirs.work, 'a/b/c/d/deep.txt', 'one\n');
    const outside = path.join(dirs.root, 'prepared'); // a tree made elsewhere, then moved in by one rename
    write(outside, 'x/y/z/file.txt', 'one\n');
    fs.renameSync(outside, path.join(dirs.work, 'moved'));
    write(dirs.work, 'again/inner/keep.txt', 'one\n');
    await s.takeCheckpoint('made');
    // A folder deleted and made again at once (it gets the freed inode back), and one renamed.
    fs.rmSync(path.join(dirs.work, 'again'), { recursive: true });
    fs.mkdirSync(path.join(dirs.work, 'again/inner'), { recursive: true });
    fs.renameSync(path.join(dirs.work, 'moved/x'), path.join(dirs.work, 'moved/renamed'));
    await s.takeCheckpoint('shuffled');
    await new Promise((r) => setTimeout(r, 120)); // past the stat cache's racy window: only an event can tell
    write(dirs.work, 'a/b/c/d/deep.txt', 'two, longer\n');
    write(dirs.work, 'moved/renamed/y/z/file.txt', 'two, longer\n');
    write(dirs.work, 'again/inner/new.txt', 'two\n');
    const cp = await s.takeCheckpoint('edited', { flush: 'when-dirty' });
    expect(cp.changes.map((c) => `${c.change} ${c.path}`).sort()).toEqual([
      'added again/inner/new.txt',
      'modified a/b/c/d/deep.txt',
      'modified moved/renamed/y/z/file.txt',
    ]);
    expectGitAddTree(cp.commit);
  });

  it('hashing ahead gives way to a checkpoint asked for while it runs, and the checkpoint still holds every file', async () => {
    dirs = tempDirs();
    const s = await open();
    const first = await s.takeCheckpoint('before');
    for (let f = 0; f < 3000; f++) write(dirs.work, `many/f${f}.txt`, `${f}\n`);
    await s.flush();
    const ahead = s.hashAhead();
    const cp = await s.takeCheckpoint('asked while hashing ahead');
    expect(await ahead).toBeLessThan(3000);
    expect(cp.parent).toBe(first.commit);
    expect(cp.changes.filter((c) => c.change === 'added')).toHaveLength(3000);
    expectGitAddTree(cp.commit);
  });

  it('folds changes into one per path, from the state before the first to the state after the last', () => {
    const c = (path: string, change: CheckpointChange['change'], oldOid?: string, newOid?: string): CheckpointChange => ({ path, change, oldOid, newOid });
    const into = new Map<string, CheckpointChange>();
    mergeChanges(into, [c('a', 'added', undefined, '1'), c('b', 'modified', '0', '1'), c('c', 'modified', '0', '1'), c('d', 'deleted', '0'), c('e', 'modified', '0', '1')]);
    mergeChanges(into, [c('a', 'deleted', '1'), c('b', 'modified', '1', '2'), c('c', 'modified', '1', '0'), c('d', 'added', undefined, '3'), c('e', 'deleted', '1'), c('f', 'added', undefined, '4')]);
    expect([...into.values()]).toEqual([
      c('b', 'modified', '0', '2'),
      c('d', 'modified', '0', '3'),
      { ...c('e', 'deleted', '0'), mode: undefined },
      c('f', 'added', undefined, '4'),
    ]);
  });
});
