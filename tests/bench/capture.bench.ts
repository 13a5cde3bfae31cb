// Capture benchmarks (issues 3 and 12, DESIGN "Command capture"), each against a baseline
// measured in the same run, with kilnd as a real process on this machine
// (tests/support/kilnd-process.ts) and the real shell hook:
//  - a file written in the workspace → its receipt at a live relay subscriber (target p95 ≤ 500 ms)
//  - per command line: `bash -c true` recorded vs bare, medians of 20 (target ≤ 20 ms more);
//    once spaced like an agent's commands (each after the previous one's receipts are stored,
//    as `kiln exec` waits), once back to back
//  - a 10,000-iteration shell loop recorded vs bare (target ≤ 1.2×): one hook call per `bash -c`
//  - one command that makes 50,000 files: recorded vs bare, events added (≤ 100), and how long
//    the next command takes to start (target ≤ 2 s), with hashing ahead on (as `auto` is with
//    2+ cores) and again with it off (as on one core)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMain, percentile, printTable, timeMs, type BenchRow } from './lib';
import { KilndProcess } from '../support/kilnd-process';
import { subscribe } from '../support/pod';

const SAMPLES = 30;
const COMMANDS = 20;
// Builtins only: an external command per iteration would measure fork cost, not the hook.
const LOOP = 'x=0; for i in $(seq 10000); do x=$((x + i % 7)); echo "$x" > /dev/null; done';
const BURST = 'mkdir -p burst/a burst/b && for i in $(seq 25000); do echo "file $i" > burst/a/f$i; echo "other $i" > burst/b/g$i; done';

async function writeToReceipt(k: KilndProcess): Promise<number[]> {
  const waiting = new Map<string, (t: number) => void>();
  const sub = subscribe(k.url, k.sessionToken, [{ kinds: [4601], '#t': ['changes'], since: Math.floor(Date.now() / 1000) - 1 }], (e) => {
    const files = (JSON.parse(e.content) as { files?: { path: string }[] }).files ?? [];
    for (const f of files) waiting.get(f.path)?.(performance.now());
  });
  await sub.stored;
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const name = `latency-${i}.txt`;
    const arrived = new Promise<number>((resolve) => waiting.set(name, resolve));
    const t0 = performance.now();
    fs.writeFileSync(path.join(k.workspace, name), `sample ${i}\n`);
    const t1 = await Promise.race([arrived, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no receipt for ${name}`)), 10_000))]);
    samples.push(t1 - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  sub.close();
  return samples;
}

/** `bash -c cmd` in the workspace, hooked or bare, without waiting for receipts. */
function bash(k: KilndProcess, cmd: string, hooked: boolean, cwd = k.workspace): number {
  const t0 = performance.now();
  spawnSync('bash', ['-c', cmd], { cwd, env: hooked ? k.hookEnv() : { ...process.env, BASH_ENV: '' } });
  return performance.now() - t0;
}

async function burstWithoutHashAhead(): Promise<{ burstMs: number; nextMs: number }> {
  const k = await KilndProcess.launch({ KILN_HASH_AHEAD: 'off' });
  try {
    bash(k, 'true', true);
    await k.settled();
    const burstMs = bash(k, BURST, true);
    const nextMs = bash(k, 'true', true);
    await k.settled();
    return { burstMs, nextMs };
  } finally {
    await k.dispose();
  }
}

export async function run(): Promise<BenchRow[]> {
  const k = await KilndProcess.launch({ KILN_HASH_AHEAD: 'on' });
  let bareDir: string | undefined;
  try {
    const latency = await writeToReceipt(k);

    // Per command line. Spaced: the recorder has stored the previous command's receipts and
    // has been quiet (an agent thinks between commands); back to back: no pause at all.
    const bare: number[] = [], spaced: number[] = [], burstBare: number[] = [], b2b: number[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      bare.push(bash(k, 'true', false));
      await k.settled();
      await new Promise((r) => setTimeout(r, 700));
      spaced.push(bash(k, 'true', true));
    }
    await k.settled();
    for (let i = 0; i < COMMANDS; i++) burstBare.push(bash(k, 'true', false));
    for (let i = 0; i < COMMANDS; i++) b2b.push(bash(k, 'true', true));
    await k.settled();

    const loopBare: number[] = [], loopRec: number[] = [];
    for (let i = 0; i < 5; i++) {
      loopBare.push(await timeMs(() => bash(k, LOOP, false)));
      loopRec.push(await timeMs(() => bash(k, LOOP, true)));
    }

    // 50,000 files in one command: bare in a folder outside the workspace, then recorded.
    // Its 50,000 files are deleted at the end: deleting them at once kept the disk busy and
    // slowed whichever recorded burst came next by up to 3×.
    bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-bare-'));
    const burstBareMs = bash(k, BURST, false, bareDir);
    await k.settled();
    const before = k.events().length;
    const burstMs = bash(k, BURST, true);
    const nextMs = bash(k, 'true', true);
    const settle0 = performance.now();
    await k.settled();
    const settleMs = performance.now() - settle0;
    const added = k.events().length - before;

    // The same without hashing ahead (`auto` on one core), in a fresh recorder.
    const off = await burstWithoutHashAhead();

    const med = (xs: number[]) => percentile(xs, 50);
    return [
      { name: 'file write → live receipt p50', value: percentile(latency, 50), unit: 'ms' },
      { name: 'file write → live receipt p95', value: percentile(latency, 95), unit: 'ms', target: '≤ 500 ms' },
      { name: 'bash -c true, recorded, spaced (median of 20; baseline bare)', value: med(spaced), unit: 'ms', baseline: med(bare), ratio: med(bare) / med(spaced) },
      { name: '  cost per command line, spaced (difference of medians)', value: med(spaced) - med(bare), unit: 'ms', target: '≤ 20 ms' },
      { name: 'bash -c true, recorded, back to back (median of 20; baseline bare)', value: med(b2b), unit: 'ms', baseline: med(burstBare), ratio: med(burstBare) / med(b2b) },
      { name: '  cost per command line, back to back (difference of medians)', value: med(b2b) - med(burstBare), unit: 'ms', target: '≤ 20 ms' },
      { name: '10,000-iteration loop, recorded (median of 5; baseline bare)', value: med(loopRec), unit: 'ms', baseline: med(loopBare), ratio: med(loopBare) / med(loopRec), target: 'recorded/bare ≤ 1.2' },
      { name: '  recorded/bare', value: med(loopRec) / med(loopBare), unit: '×' },
      { name: '50,000 files in one command, recorded, hashing ahead (baseline bare)', value: burstMs, unit: 'ms', baseline: burstBareMs, ratio: burstBareMs / burstMs },
      { name: '  events added by it', value: added, unit: '', target: '≤ 100' },
      { name: '  the next command (bash -c true), start to end', value: nextMs, unit: 'ms', target: '≤ 2000 ms' },
      { name: '  its receipts stored, after the next command', value: settleMs, unit: 'ms' },
      { name: '50,000 files, without hashing ahead (KILN_HASH_AHEAD=off), recorded (baseline bare)', value: off.burstMs, unit: 'ms', baseline: burstBareMs, ratio: burstBareMs / off.burstMs },
      { name: '  the next command, start to end', value: off.nextMs, unit: 'ms' },
      { name: 'machine load average (1 min) at the end; 2 cores', value: os.loadavg()[0]!, unit: '' },
    ];
  } finally {
    await k.dispose();
    if (bareDir) fs.rmSync(bareDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printTable('capture', await run());
