// Agent benchmarks (issue 5): the runtime image's size, and the time from `kiln up` (a new
// session through the real SessionManager) to OpenCode's first answer, with the model served by
// the scripted model server on this machine (no weights can be had here; the agent loop is real).
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
  const image = await new Docker().getImage(services.images.tag).inspect();
  let id: string | undefined;
  try {
    const t0 = performance.now();
    const session = await services.sessions.create({ name: `bench-${process.pid}` });
    id = session.id;
    const up = performance.now() - t0;
    const container = await services.sessions.workspaceContainer(session.id);
    const out = await execIn(container, ['bash', '-lc', 'opencode run "Say hello"']);
    const answered = performance.now() - t0;
    if (!out.stdout.includes(ANSWER)) throw new Error(`OpenCode did not answer (exit ${out.exitCode}): ${(out.stdout + out.stderr).slice(-400)}`);
    return [
      { name: 'runtime image size', value: image.Size / 1e6, unit: 'MB' },
      { name: 'kiln up (session create → healthy pod)', value: up, unit: 'ms' },
      { name: 'kiln up → OpenCode first answer', value: answered, unit: 'ms' },
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
