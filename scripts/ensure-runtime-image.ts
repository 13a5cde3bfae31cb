// Ensure the runtime image (kiln/runtime:<version>) matches the sources: bundle kilnd, then build
// the image only when its context hash changed. One build at a time per machine.
// Used by `npm run setup` (run directly) and by the tests' global setup (imported).
//   node --import tsx scripts/ensure-runtime-image.ts
// Progress goes to stderr: every Dockerfile step, and every 30 s a heartbeat so a long first
// build (several minutes: native modules compile inside the image) is visibly alive.
// KILN_BUILD_VERBOSE=1 prints every output line of the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { CONTEXT_HASH_LABEL, ensureRuntimeImage, RUNTIME_IMAGE, type BuildProgress } from '../src-main/engine/images';
import { withMachineLock } from './lib/machine-lock';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Prints every Dockerfile step, and every 30 s a heartbeat: time in the step and its last output line. */
function progressPrinter(say: (line: string) => void): { onProgress: (p: BuildProgress) => void; stop: () => void } {
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

/** Returns the tag of an up-to-date runtime image, building what is needed. */
export async function ensureDevRuntimeImage(say: (line: string) => void, docker = new Dockerode()): Promise<string> {
  // The image carries the kilnd bundle and the all-in-one window (its server bundle and the
  // renderer's build): rebuild them first so the image matches the sources.
  if (existsSync(join(root, 'src-container', 'kilnd', 'main.ts'))) {
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--kilnd', '--aio', '--renderer'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (res.status !== 0) throw new Error('bundling kilnd and the all-in-one window (node scripts/build.mjs --kilnd --aio --renderer) failed; its message is above.');
  }
  const started = Date.now();
  const printer = progressPrinter(say);
  try {
    // A concurrent run waits here, then finds the image (or its layers) already built.
    const { tag, built } = await withMachineLock('runtime-image', say, () =>
      ensureRuntimeImage({ docker, contextDir: root, onProgress: printer.onProgress, ...(process.env.KILN_IMAGE ? { tag: process.env.KILN_IMAGE } : {}) }),
    );
    if (built) {
      say(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
      // The image this one replaced is now untagged: drop it so a used machine's disk does not fill.
      await docker.pruneImages({ filters: { dangling: ['true'], label: [CONTEXT_HASH_LABEL] } }).catch(() => undefined);
    }
    return tag;
  } catch (err) {
    const tail = (err as { buildLog?: string[] }).buildLog;
    if (tail) say(`last build output:\n${tail.join('\n')}`);
    throw new Error(`could not build the runtime image ${RUNTIME_IMAGE}: ${(err as Error).message}`, { cause: err });
  } finally {
    printer.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const say = (line: string) => process.stderr.write(`[kiln] ${line}\n`);
  ensureDevRuntimeImage(say).then(
    (tag) => say(`runtime image ${tag} is ready`),
    (err: Error) => {
      say(err.message);
      process.exitCode = 1;
    },
  );
}
