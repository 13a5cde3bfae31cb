// Global setup of the integration and e2e projects: a Docker engine that answers, the base image
// (built locally when no registry is reachable), and the runtime image, rebuilt only when
// src-container/ or kilnd changed. Idempotent; a second run takes seconds.
// KILN_SKIP_RUNTIME_IMAGE=1 skips the runtime image (for a quick run of tests that don't use it).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevRuntimeImage } from '../../scripts/ensure-runtime-image';
import { ensureOllamaStandin } from '../fixtures/ollama-standin/build';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => process.stderr.write(`[kiln setup] ${line}\n`);

function runScript(name: string): void {
  const started = Date.now();
  const res = spawnSync('bash', [join(root, 'scripts', name)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) {
    throw new Error(`scripts/${name} failed (exit ${res.status ?? res.signal}); its message is above.`);
  }
  const secs = (Date.now() - started) / 1000;
  if (secs > 2) say(`${name} took ${secs.toFixed(0)}s`);
}

export default async function setup(): Promise<void> {
  runScript('ensure-docker.sh');
  runScript('ensure-base-image.sh');
  // ollama/ollama cannot be pulled here: a stand-in serving the scripted Ollama API, under that tag.
  await ensureOllamaStandin(say);
  if (process.env.KILN_SKIP_RUNTIME_IMAGE === '1') return;
  process.env.KILN_TEST_RUNTIME_IMAGE = await ensureDevRuntimeImage(say);
}
