// The bridge contract's operations, answered by the host services. One table for every
// transport: the Electron IPC router and the web mode's WebSocket server both dispatch into it
// (src-shared/api/rpc `dispatch`), and streams go out through the `push` they pass in.
import { pushMessage, BridgeError, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import { detectHostOllama } from '../models/host-ollama';
import { pullModel } from '../models/pull';
import type { AppServices } from '../services';
import { recipeHandlers } from './recipe-handlers';
import type { TimelineClient } from '../timeline';
import { version } from '../../package.json';

export interface HandlerDeps {
  services: AppServices;
  mode: 'electron' | 'web' | 'cli';
  /** Sends a stream message to the client this table serves. */
  push: (msg: WireMessage) => void;
}

export function createHandlers({ services, mode, push }: HandlerDeps): Handlers {
  const { sessions } = services;
  const withTimeline = async <T>(id: string, fn: (t: TimelineClient) => Promise<T>): Promise<T> => {
    const client = await services.timeline.open(id);
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  };

  return {
    ...recipeHandlers(services, push),
    'app.info': () => ({ name: 'Kiln', version, mode }),
    'engine.status': async () => ({
      ok: true as const,
      name: services.engine.name,
      endpoint: services.engine.endpoint,
      version: services.engine.version,
      imagePresent: await services.images.exists(),
    }),
    'sessions.list': () => sessions.list(),
    'sessions.create': (input) => sessions.create(input),
    'sessions.stop': ({ id }) => sessions.stop(id),
    'sessions.resume': ({ id }) => sessions.resume(id),
    'sessions.remove': async ({ id }) => {
      await sessions.remove(id);
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
