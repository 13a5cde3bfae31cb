// The bridge table behind the window. The services need a Docker engine; until one answers, a
// small table serves what the first-run page asks (app.info, engine.status with the reason and
// what to install), and every later ask tries again — so starting Docker is noticed without a
// restart. Once the services are up, their table serves everything.
import type { Handlers } from '../../src-shared/api/rpc';
import { toKilnError } from '../../src-shared/errors';

export interface LazyHandlersOptions {
  /** Builds the services and their table; throws (a KilnFailure with advice) when no engine answers. */
  create: () => Promise<Handlers>;
  info: () => { name: string; version: string; mode: 'electron'; platform?: string };
}

export function createLazyHandlers(opts: LazyHandlersOptions): () => Promise<Handlers> {
  let table: Handlers | undefined;
  let inFlight: Promise<Handlers> | undefined;
  const fallback = (err: unknown): Handlers => ({
    'app.info': opts.info,
    'engine.status': () => ({ ok: false as const, error: toKilnError(err), tried: [] }),
  });
  return () => {
    if (table) return Promise.resolve(table);
    inFlight ??= opts
      .create()
      .then((t) => (table = t))
      .catch((err: unknown) => fallback(err))
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
}
