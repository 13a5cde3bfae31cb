// Checkpoint and undo benchmarks (issue 3): a 50,000-file workspace, 10 files changed per
// checkpoint, against a full-scan shadow-git checkpoint (`git add -A && git commit` with its
// own GIT_DIR on the same work tree) measured in the same run; then undo of 1,000 changed files.
// Run alone: node --import tsx tests/bench/checkpoints.bench.ts
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { CheckpointStore } from '../../src-container/kilnd/checkpoints';
import { ObjectStore } from '../../src-container/kilnd/checkpoints/objects';
import { isMain, percentile, printTable, timeMs, type BenchRow } from './lib';

const DIRS = 500;
const FILES_PER_DIR = 100;
const CHANGED = 10;
const REPS = 20;
const GIT_REPS = 5;
const UNDO_FILES = 1000;

function buildWorkspace(work: string): string[] {
  const files: string[] = [];
  for (let d = 0; d < DIRS; d++) {
    // A realistic-ish shape: packages / modules / files, 3 levels deep.
    const dir = path.join(work, `pkg${d % 20}`, `mod${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) {
      const rel = path.join(`pkg${d % 20}`, `mod${d}`, `file${f}.ts`);
      fs.writeFileSync(path.join(work, rel), `// ${rel}\nexport const value${f} = ${d * FILES_PER_DIR + f};\n`);
      files.push(rel);
    }
  }
  fs.writeFileSync(path.join(work, '.gitignore'), '*.log\n');
  return files;
}

function pick<T>(xs: T[], n: number, seed: number): T[] {
  const out: T[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(xs[x % xs.length]!);
  }
  return [...new Set(out)];
}

function touch(work: string, files: string[], tag: string): void {
  for (const f of files) fs.appendFileSync(path.join(work, f), `// ${tag}\n`);
}

async function blobWriteRows(root: string): Promise<BenchRow[]> {
  const gitdir = path.join(root, 'blobs.git');
  execFileSync('git', ['init', '-q', '--bare', gitdir]);
  const own = new ObjectStore(gitdir);
  const bodies = Array.from({ length: 100 }, (_, i) => Buffer.from(`blob body ${i}\n`.repeat(20)));
  const iso = await timeMs(async () => {
    for (const b of bodies) await git.writeBlob({ fs, gitdir, blob: b });
  });
  const ownMs = await timeMs(() => {
    for (const b of bodies) own.write('blob', Buffer.concat([b, Buffer.from('x')]));
  });
  const per = (ms: number) => (ms / bodies.length) * 1000;
  return [{ name: 'blob write, in-process loose object (vs isomorphic-git writeBlob)', value: per(ownMs), unit: 'µs', baseline: per(iso), ratio: iso / ownMs }];
}

export async function run(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-cp-'));
  const work = path.join(root, 'workspace');
  const rows: BenchRow[] = [];
  let store: CheckpointStore | null = null;
  try {
    const genMs = await timeMs(() => fs.mkdirSync(work));
    const files: string[] = [];
    const gen = await timeMs(() => files.push(...buildWorkspace(work)));
    console.error(`workspace: ${files.length} files in ${(gen + genMs).toFixed(0)} ms`);

    // Baseline: a full-scan shadow-git checkpoint, git's best case (index already warm).
    const baseGit = path.join(root, 'baseline.git');
    execFileSync('git', ['init', '-q', '--bare', baseGit]);
    const g = (...args: string[]) => execFileSync('git', [`--git-dir=${baseGit}`, `--work-tree=${work}`, '-c', 'user.name=b', '-c', 'user.email=b@b', '-c', 'gc.auto=0', ...args]);
    const gitFirst = await timeMs(() => { g('add', '-A'); g('commit', '-q', '-m', 'first'); });
    const gitSamples: number[] = [];
    for (let i = 0; i < GIT_REPS; i++) {
      touch(work, pick(files, CHANGED, 1000 + i), `git ${i}`);
      gitSamples.push(await timeMs(() => { g('add', '-A'); g('commit', '-q', '-m', `rep ${i}`); }));
    }
    const gitP50 = percentile(gitSamples, 50);
    console.error(`git baseline: first ${gitFirst.toFixed(0)} ms, reps ${gitSamples.map((x) => x.toFixed(0)).join(' ')}`);

    // Ours: the first open is a full scan that hashes every file.
    const gitDir = path.join(root, 'state', 'checkpoints.git');
    const firstMs = await timeMs(async () => { store = await CheckpointStore.open({ gitDir, workTree: work, gcIntervalMs: 0 }); });
    const s = store!;
    console.error(`first open ${firstMs.toFixed(0)} ms`);
    rows.push({ name: `first checkpoint of ${files.length} files (full scan, hashing all)`, value: firstMs, unit: 'ms', baseline: gitFirst, ratio: gitFirst / firstMs });

    const index: number[] = [], total: number[] = [], cpu: number[] = [];
    for (let i = 0; i < REPS; i++) {
      touch(work, pick(files, CHANGED, 2000 + i), `ours ${i}`);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const cp = await s.takeCheckpoint(`rep ${i}`);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
      total.push(performance.now() - t0);
      index.push(cp.ms);
      console.error(`rep ${i}: ${cp.ms.toFixed(1)} / ${total.at(-1)!.toFixed(1)} ms, files ${cp.files}`);
      if (cp.files !== CHANGED) throw new Error(`expected ${CHANGED} changed files, got ${cp.files}`);
    }
    const p95 = percentile(index, 95);
    rows.push(
      { name: `checkpoint, ${CHANGED} of ${files.length} changed, p50 (vs git add -A && commit p50)`, value: percentile(index, 50), unit: 'ms', baseline: gitP50, ratio: gitP50 / percentile(index, 50) },
      { name: `checkpoint, ${CHANGED} of ${files.length} changed, p95`, value: p95, unit: 'ms', baseline: gitP50, ratio: gitP50 / p95, target: '≤ 50 ms, ≥ 10×' },
      { name: 'same, CPU time (user+sys) incl. flush, p50 — less sensitive to machine load', value: percentile(cpu, 50), unit: 'ms' },
      { name: 'same, including the watcher flush, p50', value: percentile(total, 50), unit: 'ms', baseline: gitP50, ratio: gitP50 / percentile(total, 50) },
      { name: 'same, including the watcher flush, p95', value: percentile(total, 95), unit: 'ms', baseline: gitP50, ratio: gitP50 / percentile(total, 95) },
    );

    const noop: number[] = [];
    for (let i = 0; i < REPS; i++) noop.push((await s.takeCheckpoint('noop', { flush: false })).ms);
    rows.push({ name: 'no-op checkpoint (nothing changed), p95, without flush', value: percentile(noop, 95), unit: 'ms' });
    // The pre-action no-op as the hooks get it (flush: 'when-dirty'): with the watcher quiet it
    // answers without a flush; against the flushed no-op measured in the same run.
    const flushed: number[] = [], quiet: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 700));
      quiet.push(await timeMs(() => s.takeCheckpoint('noop', { flush: 'when-dirty' })));
      flushed.push(await timeMs(() => s.takeCheckpoint('noop')));
    }
    rows.push({ name: 'pre-action no-op checkpoint, watcher quiet, p50 (vs flushed no-op)', value: percentile(quiet, 50), unit: 'ms', baseline: percentile(flushed, 50), ratio: percentile(flushed, 50) / percentile(quiet, 50) });

    // Undo of 1,000 changed files: the restore includes the checkpoint of the present.
    console.error(`no-op p95 ${percentile(noop, 95).toFixed(2)} ms`);
    const base = await s.takeCheckpoint('before undo bench');
    g('add', '-A');
    g('commit', '-q', '-m', 'before undo bench');
    const gitBase = execFileSync('git', [`--git-dir=${baseGit}`, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const victims = files.slice(0, UNDO_FILES * 10).filter((_, i) => i % 10 === 0);
    touch(work, victims, 'to be undone');
    console.error(`undo: ${victims.length} files touched`);
    const u0 = process.cpuUsage();
    const undo = await s.restoreCheckpoint(base.commit);
    const u1 = process.cpuUsage(u0);
    console.error(`undo: ${undo.ms.toFixed(0)} ms`);
    if (undo.changed !== victims.length) {
      throw new Error(`undo changed ${undo.changed}, expected ${victims.length}; before: ${undo.before.files} files, ${undo.failed.length} failed, e.g. ${JSON.stringify(undo.failed.slice(0, 3))}`);
    }
    // git's own undo of the same change on the same work tree: checkpoint the present, then
    // read-tree -u --reset to the earlier commit (index warm, so only changed files are written).
    touch(work, victims, 'to be undone by git');
    const gitUndo = await timeMs(() => {
      g('add', '-A');
      g('commit', '-q', '-m', 'undo');
      g('read-tree', '-u', '--reset', gitBase);
    });
    rows.push(
      { name: `undo of ${victims.length} changed files (incl. checkpoint of the present; vs git add+commit+read-tree -u)`, value: undo.ms, unit: 'ms', baseline: gitUndo, ratio: gitUndo / undo.ms, target: '≤ 1000 ms' },
      { name: '  of which: checkpoint of the present', value: undo.before.ms, unit: 'ms' },
      { name: '  CPU time (user+sys) of the undo — less sensitive to machine load', value: (u1.user + u1.system) / 1000, unit: 'ms' },
    );
    rows.push(...(await blobWriteRows(root)));
    rows.push({ name: 'machine load average (1 min) at the end; 2 cores', value: os.loadavg()[0]!, unit: '' });
    return rows;
  } finally {
    await (store as CheckpointStore | null)?.close();
    // 150,000+ files: remove them in the background rather than hold the figures back.
    spawn('rm', ['-rf', root], { detached: true, stdio: 'ignore' }).unref();
  }
}

if (isMain(import.meta.url)) {
  printTable('Checkpoints (issue 3)', await run());
}
