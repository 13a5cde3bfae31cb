// kiln image build: bundle the recorder, build the runtime image, show progress.
import type { BuildProgress } from '../../engine/images';
import type { AppServices } from '../../services';
import type { Command } from '../command';
import type { Output } from '../output';

/** Steps always; the latest log line as one rewritten line on a terminal; nothing else. */
export function progressPrinter(out: Output): { onProgress: (p: BuildProgress) => void; done: () => void } {
  const err = out.streams.stderr;
  const live = !!err.isTTY;
  let dirty = false;
  const clear = () => {
    if (dirty) err.write('\r\x1b[2K');
    dirty = false;
  };
  return {
    onProgress: (p) => {
      if (p.kind === 'step') {
        clear();
        err.write(`${p.text}\n`);
      } else if (live) {
        const width = Math.max(20, (err.columns ?? 80) - 4);
        clear();
        err.write(`  ${p.text.replace(/\s+/g, ' ').slice(0, width)}`);
        dirty = true;
      }
    },
    done: clear,
  };
}

export async function buildImage(services: AppServices, out: Output) {
  const started = Date.now();
  const printer = progressPrinter(out);
  out.note(`Building ${services.images.tag} (the first build takes several minutes)…`);
  try {
    const built = await services.images.build(printer.onProgress);
    return { ...built, ms: Date.now() - started };
  } finally {
    printer.done();
  }
}

export const imageBuild: Command = {
  name: 'image build',
  summary: 'build the runtime image locally, with progress',
  usage: 'kiln image build [--json]\n\nBundles the recorder (scripts/build.mjs), then builds src-container/Dockerfile.\nProgress goes to stderr; the result (tag, imageId) to stdout.',
  async run(ctx) {
    const result = await buildImage(await ctx.services(), ctx.out);
    ctx.out.result(result, () => `Built ${result.tag} (${result.imageId ?? 'id unknown'}) in ${(result.ms / 1000).toFixed(1)} s.`);
  },
};
