// Global setup of the integration and e2e projects: a Docker engine that answers, the base image
// (built locally when no registry is reachable), and the runtime image, rebuilt only when
// src-container/ changed. Idempotent; a second run takes about a second.
// Progress goes to stderr so a long first build (several minutes) is visibly alive.
// KILN_SKIP_RUNTIME_IMAGE=1 skips the runtime image (for a quick run of tests that don't use it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { ensureRuntimeImage, RUNTIME_IMAGE, type BuildProgress } from '../../src-main/engine/images';
import { withMachineLock } from './machine-lock';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => process.stderr.write(`[kiln setup] ${line}\n`);

function runScript(name: string, cmd = 'bash', args: string[] = []): void {
  const started = Date.now();
  const res = spawnSync(cmd, [join(root, 'scripts', name), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) {
    throw new Error(`scripts/${name} failed (exit ${res.status ?? res.signal}); its message is above.`);
  }
  const secs = (Date.now() - started) / 1000;
  if (secs > 2) say(`${name} took ${secs.toFixed(0)}s`);
}

/** Prints every Dockerfile step, and every 30 s a heartbeat: time in the step and its last output line. */
function progressPrinter(): { onProgress: (p: BuildProgress) => void; stop: () => void } {
  const verbose = process.env.KILN_BUILD_VERBOSE === '1';
  let step = '';
  let stepStarted = Date.now();
  let last = '';
  const timer = setInterval(() => {
    if (!step) return;
    const secs = Math.round((Date.now() - stepStarted) / 1000);
    say(`  … still on ${step} (${secs}s)${last ? `: ${last.slice(0, 120)}` : ''}`);
  }, 30_000);
  return {
    onProgress: (p) => {
      if (p.kind === 'step') {
        say(p.text.slice(0, 200));
        step = p.text.split(' : ')[0] ?? p.text;
        stepStarted = Date.now();
        last = '';
      } else {
        if (verbose) say(`  ${p.text}`);
        last = p.text;
      }
    },
    stop: () => clearInterval(timer),
  };
}

export default async function setup(): Promise<void> {
  runScript('ensure-docker.sh');
  runScript('ensure-base-image.sh');
  if (process.env.KILN_SKIP_RUNTIME_IMAGE === '1') return;
  // The image carries the kilnd bundle: rebuild it first so the image matches the sources.
  if (existsSync(join(root, 'src-container', 'kilnd', 'main.ts'))) runScript('build.mjs', process.execPath, ['--kilnd']);

  const docker = new Dockerode();
  const started = Date.now();
  const printer = progressPrinter();
  try {
    // One build at a time per machine: a concurrent run waits, then finds the layers cached.
    const { tag, built } = await withMachineLock('runtime-image', say, () =>
      ensureRuntimeImage({ docker, contextDir: root, onProgress: printer.onProgress }),
    );
    if (built) say(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    process.env.KILN_TEST_RUNTIME_IMAGE = tag;
  } catch (err) {
    const tail = (err as { buildLog?: string[] }).buildLog;
    if (tail) say(`last build output:\n${tail.join('\n')}`);
    throw new Error(`could not build the runtime image ${RUNTIME_IMAGE}: ${(err as Error).message}`, { cause: err });
  } finally {
    printer.stop();
  }
}
