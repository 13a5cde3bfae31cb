// Pull a model into an Ollama with one overall progress figure. Ollama reports progress per
// layer (digest); we sum them into {completed, total} that only ever grows, so a progress bar
// never jumps back. An interrupted pull is resumed by pulling again: Ollama keeps the bytes it
// has. An error line in the stream is an error, never a silent stop.
import { Ollama, type AbortableAsyncIterator, type ProgressResponse } from 'ollama';
import { KilnFailure, kilnError } from '../../src-shared/errors';

export interface PullProgress {
  /** Ollama's status line: "pulling manifest", "pulling 2bada8a74506", "verifying sha256 digest", "success". */
  status: string;
  /** Bytes of all layers seen so far. */
  completed: number;
  /** Sum of the sizes of the layers announced so far (grows as layers are announced). */
  total: number;
}

export interface PullOptions {
  /** Ollama base URL, e.g. http://127.0.0.1:11434. */
  host: string;
  name: string;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
}

export async function pullModel(opts: PullOptions): Promise<PullProgress> {
  const client = new Ollama({ host: opts.host });
  const layers = new Map<string, { total: number; completed: number }>();
  let last: PullProgress = { status: 'starting', completed: 0, total: 0 };
  const emit = (status: string) => {
    let completed = 0;
    let total = 0;
    for (const l of layers.values()) {
      completed += l.completed;
      total += l.total;
    }
    last = { status, completed: Math.max(completed, last.completed), total: Math.max(total, last.total) };
    opts.onProgress?.(last);
  };

  let stream: AbortableAsyncIterator<ProgressResponse>;
  try {
    stream = await client.pull({ model: opts.name, stream: true });
  } catch (err) {
    throw pullFailure(opts, err);
  }
  const abort = () => stream.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const p of stream) {
      if (p.digest && typeof p.total === 'number') {
        const prev = layers.get(p.digest);
        layers.set(p.digest, { total: Math.max(p.total, prev?.total ?? 0), completed: Math.max(p.completed ?? 0, prev?.completed ?? 0) });
      }
      emit(p.status);
    }
  } catch (err) {
    throw pullFailure(opts, err);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
  if (last.status !== 'success') {
    throw new KilnFailure(kilnError('E_MODEL_PULL_INCOMPLETE', `The download of ${opts.name} stopped before it finished (last status: ${last.status}).`, 'Run the same pull again: it resumes where it stopped.'));
  }
  return last;
}

function pullFailure(opts: PullOptions, err: unknown): KilnFailure {
  if (opts.signal?.aborted) return new KilnFailure(kilnError('E_MODEL_PULL_CANCELLED', `The download of ${opts.name} was cancelled.`, 'Pull again to resume it.'));
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  if (cause === 'ECONNREFUSED' || /fetch failed/i.test(message ?? '')) {
    return new KilnFailure(kilnError('E_OLLAMA_UNREACHABLE', `No Ollama answered at ${opts.host}.`, 'Start Ollama (or let Kiln start its Ollama container), then pull again.'));
  }
  if (/file does not exist|not found/i.test(message ?? '')) {
    return new KilnFailure(kilnError('E_MODEL_NOT_FOUND', `Ollama's library has no model called "${opts.name}".`, 'Check the name on ollama.com/library (e.g. "qwen2.5-coder:7b").'));
  }
  return new KilnFailure(kilnError('E_MODEL_PULL_FAILED', `The download of ${opts.name} failed: ${message}.`, 'Run the same pull again: it resumes where it stopped.'));
}
