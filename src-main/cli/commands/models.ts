// kiln models ls | kiln models pull NAME — the host's Ollama: what it has, and downloads with a
// progress bar (resumable: pulling again continues where it stopped).
import { KilnFailure, kilnError } from '../../../src-shared/errors';
import { DEFAULT_MODEL, formatBytes } from '../../models/default-model';
import type { PullProgress } from '../../models/pull';
import type { Command, CommandContext } from '../command';
import { table, type Output } from '../output';

const hostOption = { host: { type: 'string' as const } };

async function ollamaUrl(ctx: CommandContext): Promise<string> {
  const host = ctx.values.host;
  const { detectHostOllama } = await import('../../models/host-ollama');
  const found = await detectHostOllama({ ...(typeof host === 'string' ? { urls: [host] } : {}), env: ctx.env });
  if (found.found) return found.url;
  throw new KilnFailure(kilnError('E_OLLAMA_NOT_FOUND', `No Ollama answered at ${found.tried.join(' or ')}.`, 'Start Ollama (ollama.com/download) or name it with --host URL, then try again.'));
}

/** A bar rewritten in place on a terminal; a line every 10% otherwise (logs stay short). */
export function pullPrinter(out: Output): { onProgress: (p: PullProgress) => void; done: () => void } {
  const err = out.streams.stderr;
  const live = !!err.isTTY;
  let lastTenth = -1;
  let lastStatus = '';
  let best = 0;
  return {
    onProgress: (p) => {
      // A layer announced late grows the total; the bar still never moves back.
      const frac = (best = Math.max(best, p.total > 0 ? p.completed / p.total : 0));
      const bytes = p.total > 0 ? `${formatBytes(p.completed)} / ${formatBytes(p.total)}` : '';
      if (live) {
        const width = 30;
        const filled = Math.round(frac * width);
        err.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${bytes}  ${p.status}`);
        return;
      }
      const tenth = Math.floor(frac * 10);
      const phase = p.status.startsWith('pulling ') && p.status !== 'pulling manifest' ? 'downloading' : p.status;
      if (tenth !== lastTenth || phase !== lastStatus) err.write(`${Math.floor(frac * 100)}% ${bytes} ${phase}\n`);
      lastTenth = tenth;
      lastStatus = phase;
    },
    done: () => {
      if (live) err.write('\n');
    },
  };
}

export const modelsLs: Command = {
  name: 'models ls',
  summary: 'list the models of the host\'s Ollama, and the default model',
  usage: 'models ls [--host URL] [--json]\n\nFinds Ollama at $OLLAMA_HOST or 127.0.0.1:11434 unless --host names it.',
  options: hostOption,
  positionals: [0, 0],
  async run(ctx) {
    const url = await ollamaUrl(ctx);
    const { detectHostOllama } = await import('../../models/host-ollama');
    const found = await detectHostOllama({ urls: [url] });
    const models = found.found ? found.models : [];
    const hasDefault = models.some((m) => m.name === DEFAULT_MODEL.name);
    ctx.out.result({ url, version: found.found ? found.version : undefined, models, default: { ...DEFAULT_MODEL, downloaded: hasDefault } }, () => [
      ...table(models.map((m) => [m.name, formatBytes(m.size), m.parameterSize ?? '']), ['NAME', 'SIZE', 'PARAMS']),
      '',
      `Default model: ${DEFAULT_MODEL.name} (${DEFAULT_MODEL.label}, about ${formatBytes(DEFAULT_MODEL.approxBytes)})${hasDefault ? '' : ` — not downloaded; \`kiln models pull ${DEFAULT_MODEL.name}\``}`,
    ]);
  },
};

export const modelsPull: Command = {
  name: 'models pull',
  summary: 'download a model into the host\'s Ollama, with progress',
  usage: `models pull [NAME] [--host URL] [--json]\n\nNAME defaults to ${DEFAULT_MODEL.name} (about ${formatBytes(DEFAULT_MODEL.approxBytes)}). Interrupted? Run it again: it resumes.`,
  options: hostOption,
  positionals: [0, 1],
  async run(ctx) {
    const name = ctx.args[0] ?? DEFAULT_MODEL.name;
    const host = await ollamaUrl(ctx);
    if (name === DEFAULT_MODEL.name) ctx.out.note(`Downloading ${name}: about ${formatBytes(DEFAULT_MODEL.approxBytes)}.`);
    const printer = pullPrinter(ctx.out);
    const started = Date.now();
    try {
      const { pullModel } = await import('../../models/pull');
      const end = await pullModel({ host, name, onProgress: printer.onProgress });
      printer.done();
      ctx.out.result({ name, host, bytes: end.total, ms: Date.now() - started }, () => `Pulled ${name} (${formatBytes(end.total)}).`);
    } catch (err) {
      printer.done();
      throw err;
    }
  },
};
