// Pod benchmarks (issue 4), with baselines measured in the same run:
//  1. pod start → shell prompt, image present: from SessionManager.create() to `bash -lc 'echo
//     ready'` answering in the workspace container (target ≤ 2 s).
//  2. terminal throughput: `cat` of 100 MB through the TTY exec stream with flow control (acks as
//     data arrives) vs the raw `docker exec … cat` to /dev/null (ratio = baseline / ours: 1 = parity).
// Run alone: node --import tsx tests/bench/pod.bench.ts  (needs the runtime image; `kiln image build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { RUNTIME_IMAGE } from '../../src-main/engine/images';
import { SessionManager } from '../../src-main/sessions';
import { execCollect } from '../../src-main/terminals/collect';
import { openTerminal } from '../../src-main/terminals/terminal';
import { isMain, percentile, printTable, type BenchRow } from './lib';

const MB = 1024 * 1024;
/** Pod starts measured; median and best are reported (the machine may be shared). */
const STARTS = 5;
const BYTES = 100 * MB;

const median = (xs: number[]) => percentile(xs, 50);

async function timePodStart(sessions: SessionManager, docker: Dockerode, name: string): Promise<number> {
  const t0 = performance.now();
  const s = await sessions.create({ name });
  const r = await execCollect({ docker, container: s.containers.workspace!, cmd: ['bash', '-lc', 'echo ready'], user: 'agent', cwd: '/workspace' });
  const ms = performance.now() - t0;
  if (r.stdout.trim() !== 'ready') throw new Error(`the workspace did not answer: ${r.stderr}`);
  return ms;
}

/** Bytes of `cat FILE` through a TTY exec, acknowledged as they arrive. */
async function timeTerminalCat(docker: Dockerode, container: string, file: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const term = await openTerminal({ docker, container, cmd: ['cat', file], user: 'agent', cols: 200, rows: 50 });
  let bytes = 0;
  term.onData((chunk) => {
    bytes += chunk.length;
    term.ack(chunk.length);
  });
  await term.exited;
  return { ms: performance.now() - t0, bytes };
}

/** The same through the docker CLI, output to /dev/null: the engine's own exec stream (tty: with a pty, like ours). */
function timeRawDockerExec(container: string, file: string, tty = false): number {
  const t0 = performance.now();
  const r = spawnSync('docker', ['exec', ...(tty ? ['-t'] : []), '-u', 'agent', container, 'cat', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`docker exec cat failed (${r.status})`);
  return performance.now() - t0;
}

export async function run(): Promise<BenchRow[]> {
  const docker = new Dockerode();
  const image = process.env.KILN_IMAGE ?? RUNTIME_IMAGE;
  await docker.getImage(image).inspect(); // the image must be present: this measures start, not build
  const home = mkdtempSync(join(tmpdir(), 'kiln-bench-home-'));
  const sessions = new SessionManager({
    docker,
    image,
    paths: { home, sessions: join(home, 'sessions'), workspaces: join(home, 'ws') },
    labels: { 'kiln.test': '1', 'kiln.bench': '1' },
  });
  const ids: string[] = [];
  try {
    const starts: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const id = `bench-pod-${process.pid}-${i}`;
      ids.push(id);
      starts.push(await timePodStart(sessions, docker, id));
    }

    const last = await sessions.get(ids.at(-1)!);
    const ws = last.containers.workspace!;
    const file = '/tmp/kiln-bench-100m';
    // Printable data: a TTY passes it unchanged but for \n → \r\n.
    const made = await execCollect({ docker, container: ws, cmd: ['bash', '-c', `head -c ${(BYTES * 3) / 4} /dev/urandom | base64 -w 0 > ${file}; stat -c %s ${file}`], user: 'agent' });
    const size = Number(made.stdout.trim());
    const raw: number[] = [];
    const rawTty: number[] = [];
    const ours: number[] = [];
    let received = 0;
    for (let i = 0; i < 3; i++) {
      raw.push(timeRawDockerExec(ws, file));
      rawTty.push(timeRawDockerExec(ws, file, true));
      const t = await timeTerminalCat(docker, ws, file);
      ours.push(t.ms);
      received = t.bytes;
    }
    if (received < size) throw new Error(`the terminal delivered ${received} of ${size} bytes`);
    const oursMs = median(ours);
    const rawMs = median(raw);
    return [
      { name: `pod start → shell prompt (median of ${STARTS})`, value: Math.round(median(starts)), unit: 'ms', target: '≤ 2000 ms' },
      { name: `pod start → shell prompt (best of ${STARTS})`, value: Math.round(Math.min(...starts)), unit: 'ms', target: '≤ 2000 ms' },
      { name: 'terminal cat 100 MB via TTY exec + flow control', value: Math.round(oursMs), unit: 'ms', baseline: Math.round(rawMs), ratio: Number((rawMs / oursMs).toFixed(2)) },
      { name: '… vs raw `docker exec -t` (also through a pty)', value: Math.round(oursMs), unit: 'ms', baseline: Math.round(median(rawTty)), ratio: Number((median(rawTty) / oursMs).toFixed(2)) },
      { name: 'terminal throughput', value: Math.round(size / MB / (oursMs / 1000)), unit: 'MB/s', baseline: Math.round(size / MB / (rawMs / 1000)) },
    ];
  } finally {
    for (const id of ids) await sessions.remove(id).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printTable('pod', await run());
  process.exit(0);
}
