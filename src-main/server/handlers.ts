// The bridge contract's operations, answered by the host services. One table for every
// transport: the Electron IPC router and the web mode's WebSocket server both dispatch into it
// (src-shared/api/rpc `dispatch`), and streams go out through the `push` they pass in.
import { pushMessage, BridgeError, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import { detectHostOllama } from '../models/host-ollama';
import { pullModel } from '../models/pull';
import type { AppServices, ServicesHolder } from '../services';
import type { TimelineClient } from '../timeline';
import type { WindowHost } from './window-host';
import { version } from '../../package.json';

export interface HandlerDeps {
  /** The services, or a holder that makes them when an engine first answers (web mode). */
  services: AppServices | ServicesHolder;
  mode: 'electron' | 'web' | 'cli';
  /** Sends a stream message to the client this table serves. */
  push: (msg: WireMessage) => void;
  /** Aborted when the client goes (a closed tab): its subscriptions end, its terminals stay. */
  signal?: AbortSignal;
  /** What connections of one server share (terminals, the session-list broadcast); one per table when absent. */
  host?: WindowHost;
}

const isHolder = (s: AppServices | ServicesHolder): s is ServicesHolder => typeof (s as ServicesHolder).get === 'function';

export function createHandlers({ services: given, mode, push }: HandlerDeps): Handlers {
  const svc = (): Promise<AppServices> => (isHolder(given) ? given.get() : Promise.resolve(given));
  const withTimeline = async <T>(id: string, fn: (t: TimelineClient) => Promise<T>): Promise<T> => {
    const client = await (await svc()).timeline.open(id);
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  };

  return {
    'app.info': () => ({ name: 'Kiln', version, mode, platform: process.platform }),
    'engine.status': async () => {
      if (isHolder(given)) {
        const found = await given.discover();
        if (!found.ok) return { ok: false as const, error: found.error, tried: found.tried.map((t) => ({ source: t.source, endpoint: t.endpoint, error: t.error })) };
      }
      const services = await svc();
      return {
        ok: true as const,
        name: services.engine.name,
        endpoint: services.engine.endpoint,
        version: services.engine.version,
        imagePresent: await services.images.exists(),
      };
    },
    'sessions.list': async () => (await svc()).sessions.list(),
    'sessions.create': async (input) => (await svc()).sessions.create(input),
    'sessions.stop': async ({ id }) => (await svc()).sessions.stop(id),
    'sessions.resume': async ({ id }) => (await svc()).sessions.resume(id),
    'sessions.remove': async ({ id }) => {
      await (await svc()).sessions.remove(id);
      return { removed: true as const };
    },
    // Interim: the newest `limit` in one answer; the web server issue brings the cursor.
    'timeline.query': ({ id, kinds, limit }) =>
      withTimeline(id, async (t) => ({ events: await t.events({ ...(kinds ? { kinds } : {}), limit: limit ?? 5000 }), more: false })),
    'timeline.checkpoints': ({ id }) => withTimeline(id, (t) => t.checkpoints()),
    'timeline.undo': ({ id, checkpoint }) => withTimeline(id, (t) => t.undo(checkpoint)),
    'models.pull': async ({ name, host }) => {
      let url = host;
      if (!url) {
        const found = await detectHostOllama();
        if (!found.found) throw new BridgeError('E_OLLAMA_UNREACHABLE', 'No Ollama answered on this machine.', 'Start Ollama (ollama serve), then pull again.');
        url = found.url;
      }
      const task = `models.pull:${name}`;
      const done = await pullModel({
        host: url,
        name,
        onProgress: (p) => push(pushMessage('progress', { task, message: p.status, current: p.completed, total: p.total })),
      });
      return { name, completed: done.completed, total: done.total };
    },
  };
}
