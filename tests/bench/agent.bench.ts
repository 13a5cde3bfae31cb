// Agent benchmarks (issues 5 and 12): the runtime image's size against its base image, and the
// time from `kiln up` (a new session through the real SessionManager) to OpenCode's first answer,
// with the model served by the scripted model server on this machine (no weights can be had
// here; the agent loop is real), split into its phases: the model's context variant, the pod's
// start, OpenCode's own start (its binary, then its startup up to the first model request), and
// the answer. OpenCode's start has a baseline: the same run without the empty model catalogue
// Kiln gives it (OPENCODE_MODELS_PATH), i.e. with the models.dev snapshot OpenCode builds itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { isMain, printTable, type BenchRow } from './lib';
import { createAppServices } from '../../src-main/services';
import { DEFAULT_MODEL } from '../../src-main/models/default-model';
import { startModelServer } from '../fixtures/model-server';
import { bridgeGateway } from '../support/network';
import { execIn } from '../support/pod';
import { sessionModel } from '../../src-main/sessions/model-endpoint';

const ANSWER = 'Hello from the scripted model';

export async function run(): Promise<BenchRow[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-agent-'));
  const gateway = bridgeGateway();
  const server = await startModelServer({
    host: gateway,
    ollama: { models: [{ name: DEFAULT_MODEL.name, size: DEFAULT_MODEL.approxBytes }] },
    fallback: { text: ANSWER },
  });
  // `kiln up` finds "the host's Ollama" through OLLAMA_HOST, as it would a native one.
  const savedOllama = process.env.OLLAMA_HOST;
  process.env.OLLAMA_HOST = `http://${gateway}:${server.port}`;
  const env = { ...process.env, KILN_HOME: path.join(home, 'kiln'), KILN_WORKSPACES: path.join(home, 'Kiln') };
  const services = await createAppServices({ env, labels: { 'kiln.test': '1', 'kiln.bench': '1' } });
  const docker = new Docker();
  const image = await docker.getImage(services.images.tag).inspect();
  const base = await docker.getImage('node:20-bookworm-slim').inspect().catch(() => undefined);
  let id: string | undefined;
  try {
    // The model phase alone (Ollama detection and the 64K-context variant), as `kiln up` runs it.
    const m0 = performance.now();
    await sessionModel({});
    const model = performance.now() - m0;

    const t0 = performance.now();
    const session = await services.sessions.create({ name: `bench-${process.pid}` });
    id = session.id;
    const up = performance.now() - t0;
    const container = await services.sessions.workspaceContainer(session.id);
    // When OpenCode's first model request reaches the server: the end of OpenCode's own start.
    let firstRequest = 0;
    const seen = setInterval(() => {
      if (!firstRequest && server.modelRequests().length > 0) firstRequest = performance.now();
    }, 5);
    const r0 = performance.now();
    // bash's `time` adds OpenCode's CPU seconds (user + sys), which a busy machine barely changes.
    const out = await execIn(container, ['bash', '-lc', 'TIMEFORMAT="kiln-cpu %3U %3S"; time opencode run "Say hello"']);
    const answered = performance.now() - t0;
    const ran = performance.now() - r0;
    clearInterval(seen);
    if (!out.stdout.includes(ANSWER)) throw new Error(`OpenCode did not answer (exit ${out.exitCode}): ${(out.stdout + out.stderr).slice(-400)}`);
    const v0 = performance.now();
    const version = await execIn(container, ['bash', '-c', 'TIMEFORMAT="kiln-cpu %3U %3S"; time opencode --version']);
    const binary = performance.now() - v0;
    const cpu = (text: string) => {
      const m = /kiln-cpu ([\d.]+) ([\d.]+)/.exec(text);
      return m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
    };
    const b0 = performance.now();
    await execIn(container, ['true']);
    const bareExec = performance.now() - b0;
    // Baseline: the same run without Kiln's empty model catalogue (OPENCODE_MODELS_PATH), so
    // OpenCode builds its models.dev snapshot at start as it does by default. Second in the pod,
    // so its data folder is warm: if anything, this favours the baseline.
    const before = server.modelRequests().length;
    let baseFirst = 0;
    const seenBase = setInterval(() => {
      if (!baseFirst && server.modelRequests().length > before) baseFirst = performance.now();
    }, 5);
    const s0 = performance.now();
    const snap = await execIn(container, ['bash', '-lc', 'TIMEFORMAT="kiln-cpu %3U %3S"; time env -u OPENCODE_MODELS_PATH opencode run "Say hello"']);
    clearInterval(seenBase);
    if (!snap.stdout.includes(ANSWER)) throw new Error(`OpenCode (no catalogue) did not answer (exit ${snap.exitCode}): ${(snap.stdout + snap.stderr).slice(-400)}`);
    const start = firstRequest ? firstRequest - r0 : NaN;
    const baseStart = baseFirst ? baseFirst - s0 : NaN;
    return [
      { name: 'runtime image size (baseline: its base image)', value: image.Size / 1e6, unit: 'MB', ...(base ? { baseline: base.Size / 1e6 } : {}), target: '≤ 1200 MB' },
      { name: 'model phase (detect Ollama, context variant)', value: model, unit: 'ms' },
      { name: 'kiln up (session create → healthy pod)', value: up, unit: 'ms' },
      { name: 'OpenCode binary start (opencode --version) vs docker exec true', value: binary, unit: 'ms', baseline: bareExec, ratio: Number((bareExec / binary).toFixed(2)) },
      { name: '… its CPU (user + sys)', value: cpu(version.stderr), unit: 'ms' },
      { name: 'opencode run → first model request (OpenCode start; baseline: without the empty catalogue)', value: start, unit: 'ms', baseline: baseStart, ratio: Number((baseStart / start).toFixed(2)) },
      { name: 'first model request → answer, exit', value: firstRequest ? r0 + ran - firstRequest : NaN, unit: 'ms' },
      { name: 'kiln up → OpenCode first answer', value: answered, unit: 'ms', target: '≤ 4000 ms' },
      { name: '… CPU (user + sys) of `opencode run` itself (baseline: without the catalogue)', value: cpu(out.stderr), unit: 'ms', baseline: cpu(snap.stderr), ratio: Number((cpu(snap.stderr) / cpu(out.stderr)).toFixed(2)) },
    ];
  } finally {
    if (id) await services.sessions.remove(id).catch(() => undefined);
    await server.close();
    if (savedOllama === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = savedOllama;
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printTable('agent', await run());
