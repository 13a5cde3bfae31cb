// CLI benchmarks (issue 12, item 6): the real `kiln` process (node bin/kiln.mjs, from the bundle
// out/cli/kiln.cjs, with its code cache) against baselines measured in the same run:
//  1. `kiln --version` vs `node -e 0` (Node's own start)                     target ≤ 150 ms
//  2. `kiln ls` vs `docker ps` (a CLI that asks the engine once)              target ≤ 300 ms
//  3. `kiln up` + the first `kiln exec -- echo ready` vs `docker run --rm IMAGE true`   ≤ 2 s
//  4. `kiln exec -- cat` of 100 MB to /dev/null vs `docker exec cat` (ratio ≥ 0.5)
// Run alone: node --import tsx tests/bench/cli.bench.ts  (needs the runtime image).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { buildCli } from '../../scripts/build.mjs';
import { RUNTIME_IMAGE } from '../../src-main/engine/images';
import { isMain, percentile, printTable, type BenchRow } from './lib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'kiln.mjs');
const MB = 1024 * 1024;
const median = (xs: number[]) => percentile(xs, 50);

/** GNU time, when present: CPU seconds of a process, which a busy machine inflates far less than wall time. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(tmpdir(), `kiln-bench-cpu-${process.pid}`);

/** Wall time (and CPU time, user + system) of one process, output to /dev/null (or kept, to check it). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, keep = false): { ms: number; cpuMs: number; stdout: string } {
  const devnull = openSync('/dev/null', 'w');
  try {
    const [c, a] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const r = spawnSync(c, a, { cwd: ROOT, env, stdio: ['ignore', keep ? 'pipe' : devnull, 'pipe'], encoding: 'utf8', maxBuffer: 8 * MB });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    const cpu = GNU_TIME ? readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [NaN, NaN];
    return { ms, cpuMs: (cpu[0]! + cpu[1]!) * 1000, stdout: r.stdout ?? '' };
  } finally {
    closeSync(devnull);
  }
}

function samples(n: number, fn: () => number): number[] {
  fn(); // warm the page cache and the engine's
  return Array.from({ length: n }, fn);
}

export async function run(): Promise<BenchRow[]> {
  const image = process.env.KILN_IMAGE ?? RUNTIME_IMAGE;
  const docker = new Dockerode();
  await docker.getImage(image).inspect();
  await buildCli();
  const home = mkdtempSync(join(tmpdir(), 'kiln-bench-cli-'));
  const env = { ...process.env, KILN_HOME: join(home, 'kiln'), KILN_WORKSPACES: join(home, 'Kiln'), KILN_LABELS: 'kiln.test=1,kiln.bench=1', KILN_IMAGE: image };
  const kiln = (args: string[], keep = false) => timed(process.execPath, [BIN, ...args], env, keep);
  const names: string[] = [];
  try {
    const versionRuns = Array.from({ length: 10 }, () => kiln(['--version']));
    const nodeRuns = Array.from({ length: 10 }, () => timed(process.execPath, ['-e', '0'], env));
    const version = versionRuns.map((r) => r.ms);
    const node = nodeRuns.map((r) => r.ms);
    // Node reads NODE_EXTRA_CA_CERTS (this machine's TLS proxy CA) at every start, ~90 ms here:
    // the same pair without it, as a machine without a corporate CA starts.
    const plainEnv: NodeJS.ProcessEnv = { ...env };
    delete plainEnv.NODE_EXTRA_CA_CERTS;
    const plainVersion = Array.from({ length: 10 }, () => timed(process.execPath, [BIN, '--version'], plainEnv).ms);
    const plainNode = Array.from({ length: 10 }, () => timed(process.execPath, ['-e', '0'], plainEnv).ms);

    const ups: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) {
      const name = `bench-cli-${process.pid}-${i}`;
      names.push(name);
      const t0 = performance.now();
      kiln(['up', '--name', name]);
      const ready = kiln(['exec', name, '--', 'echo ready'], true);
      ups.push(performance.now() - t0);
      if (ready.stdout !== 'ready\n') throw new Error(`kiln exec printed ${JSON.stringify(ready.stdout)}`);
      bare.push(timed('docker', ['run', '--rm', '--label', 'kiln.test=1', '--entrypoint', 'true', image], env).ms);
    }

    const lsRuns = Array.from({ length: 5 }, () => kiln(['ls']));
    const ls = lsRuns.map((r) => r.ms);
    const dockerPs = samples(5, () => timed('docker', ['ps', '-q'], env).ms);

    const name = names.at(-1)!;
    const file = '/tmp/kiln-bench-100m';
    kiln(['exec', name, '--', `head -c ${100 * MB} /dev/zero | tr '\\0' x > ${file}`]);
    const ws = (await docker.listContainers({ filters: { label: [`kiln.session=${name}`, 'kiln.role=workspace'] } }))[0]!.Id;
    const ours = samples(3, () => kiln(['exec', name, '--', `cat ${file}`]).ms);
    const raw = samples(3, () => timed('docker', ['exec', '-u', 'agent', ws, 'cat', file], env).ms);
    // The same commands with no output: what each costs before the first byte (process start,
    // engine calls; for kiln also the recorded command's checkpoint and receipt).
    const oursEmpty = samples(3, () => kiln(['exec', name, '--', 'true']).ms);
    const rawEmpty = samples(3, () => timed('docker', ['exec', '-u', 'agent', ws, 'true'], env).ms);
    const rate = (total: number[], empty: number[]) => 100 / (Math.max(1, median(total) - median(empty)) / 1000);

    const row = (n: string, xs: number[], base: number[], target: string): BenchRow => ({
      name: n, value: Math.round(median(xs)), unit: 'ms', baseline: Math.round(median(base)), ratio: Number((median(base) / median(xs)).toFixed(2)), target,
    });
    return [
      row('kiln --version (median of 10) vs node -e 0', version, node, '≤ 150 ms'),
      ...(process.env.NODE_EXTRA_CA_CERTS ? [row('… without NODE_EXTRA_CA_CERTS (no corporate CA to read)', plainVersion, plainNode, '≤ 150 ms')] : []),
      row('kiln ls (median of 5) vs docker ps -q', ls, dockerPs, '≤ 300 ms'),
      row('… CPU (user + sys) of kiln --version vs node -e 0', versionRuns.map((r) => r.cpuMs), nodeRuns.map((r) => r.cpuMs), ''),
      row('… CPU (user + sys) of kiln ls vs node -e 0', lsRuns.map((r) => r.cpuMs), nodeRuns.map((r) => r.cpuMs), ''),
      row('kiln up + first kiln exec (median of 3) vs docker run --rm true', ups, bare, '≤ 2000 ms'),
      row('kiln exec -- cat 100 MB (median of 3) vs docker exec cat', ours, raw, 'ratio ≥ 0.5'),
      { name: 'kiln exec throughput', value: Math.round(100 / (median(ours) / 1000)), unit: 'MB/s', baseline: Math.round(100 / (median(raw) / 1000)), ratio: Number((median(raw) / median(ours)).toFixed(2)) },
      row('kiln exec -- true (fixed cost) vs docker exec true', oursEmpty, rawEmpty, ''),
      { name: '… throughput net of the fixed cost', value: Math.round(rate(ours, oursEmpty)), unit: 'MB/s', baseline: Math.round(rate(raw, rawEmpty)), ratio: Number((rate(ours, oursEmpty) / rate(raw, rawEmpty)).toFixed(2)), target: 'ratio ≥ 0.5' },
    ];
  } finally {
    for (const n of names) spawnSync(process.execPath, [BIN, 'rm', n], { cwd: ROOT, env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
    rmSync(cpuFile, { force: true });
  }
}

if (isMain(import.meta.url)) {
  printTable('cli', await run());
  process.exit(0);
}
