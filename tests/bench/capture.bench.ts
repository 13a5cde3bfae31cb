// Capture benchmarks (issue 3, DESIGN "Command capture"):
//  - a file written in the workspace → its receipt at a live relay subscriber (target p95 ≤ 500 ms)
//  - a 10,000-iteration shell loop through the recorded path vs the same loop unrecorded, in the
//    same run (target ≤ 1.2×): the hook fires once per `bash -c`, never per iteration.
// The recorder runs as a real kilnd process on this machine (tests/support/kilnd-process.ts).
import fs from 'node:fs';
import path from 'node:path';
import { isMain, percentile, printTable, timeMs, type BenchRow } from './lib';
import { KilndProcess } from '../support/kilnd-process';
import { subscribe } from '../support/pod';

const SAMPLES = 30;
// Builtins only: an external command per iteration would measure fork cost (here, under load,
// ~20 ms each), not the hook. The hook's cost is per `bash -c`, so this is its worst case.
const LOOP = 'x=0; for i in $(seq 10000); do x=$((x + i % 7)); echo "$x" > /dev/null; done';

async function writeToReceipt(k: KilndProcess): Promise<number[]> {
  const waiting = new Map<string, (t: number) => void>();
  const sub = subscribe(k.url, k.sessionToken, [{ kinds: [4601], '#t': ['file'], since: Math.floor(Date.now() / 1000) - 1 }], (e) => {
    const file = (JSON.parse(e.content) as { path?: string }).path;
    if (file) waiting.get(file)?.(performance.now());
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

export async function run(): Promise<BenchRow[]> {
  const k = await KilndProcess.launch();
  try {
    const latency = await writeToReceipt(k);
    const bare: number[] = [];
    const recorded: number[] = [];
    for (let i = 0; i < 5; i++) {
      bare.push(await timeMs(() => k.sh(LOOP, false)));
      recorded.push(await timeMs(() => k.sh(LOOP, true)));
    }
    const b = percentile(bare, 50);
    const r = percentile(recorded, 50);
    return [
      { name: 'file write → live receipt p50', value: percentile(latency, 50), unit: 'ms' },
      { name: 'file write → live receipt p95', value: percentile(latency, 95), unit: 'ms', target: '≤ 500 ms' },
      { name: '10,000-iteration loop, recorded (median of 5)', value: r, unit: 'ms', baseline: b, ratio: r / b, target: 'ratio ≤ 1.2 (recorded/bare)' },
      { name: 'hook cost per recorded bash -c (difference)', value: r - b, unit: 'ms' },
    ];
  } finally {
    await k.dispose();
  }
}

if (isMain(import.meta.url)) printTable('capture', await run());
