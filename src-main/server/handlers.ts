// The bridge contract's operations, answered by the host services. One table for every
// transport: the Electron IPC router and the web mode's WebSocket server both dispatch into it
// (src-shared/api/rpc `dispatch`), and streams go out through the `push` they pass in. One table
// per connection; what connections share (terminals, the session-list broadcast, settings) is
// the WindowHost.
import { randomBytes } from 'node:crypto';
import { pushMessage, BridgeError, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import type { NostrEvent } from '../../src-shared/events';
import { keptKeyFor } from '../models/agent-endpoint';
import { detectHostOllama } from '../models/host-ollama';
import { pullModel } from '../models/pull';
import { ENGINE_CAPABILITIES, type ServicesHolder, type WindowServices } from '../services';
import type { LiveSubscription, TimelineClient } from '../timeline';
import { KILN_KINDS } from '../timeline/chains';
import type { Attachment } from '../terminals/registry';
import { recipeHandlers } from './recipe-handlers';
import { kilnPaths } from '../sessions/paths';
import { AGENT_TITLES, TERMINAL_AGENTS } from '../sessions/session-agent';
import { kilnError } from '../../src-shared/errors';
import { version } from '../../package.json';
import { keysHandlers, modelsStatus } from './models-handlers';
import { createWindowHost, type WindowHost } from './window-host';

export interface HandlerDeps {
  /** The services, or a holder that makes them when an engine first answers (web mode). */
  services: WindowServices | ServicesHolder<WindowServices>;
  mode: 'electron' | 'web' | 'cli' | 'all-in-one';
  /** False when the record lives only as long as this container (all-in-one without a state volume). */
  persistent?: boolean;
  /** Sends a stream message to the client this table serves. */
  push: (msg: WireMessage) => void;
  /** Aborted when the client goes (a closed tab): its subscriptions end, its terminals stay open. */
  signal?: AbortSignal;
  /** What connections of one server share (terminals, the session-list broadcast); one per table when absent. */
  host?: WindowHost;
}

const isHolder = (s: WindowServices | ServicesHolder<WindowServices>): s is ServicesHolder<WindowServices> => typeof (s as ServicesHolder<WindowServices>).get === 'function';

/** Events per timeline.query page when the page asks for no limit. */
const DEFAULT_PAGE = 2000;
/** Extra newest events read for the first page, so its cut falls in chain order. */
const PAGE_MARGIN = 200;

export function createHandlers({ services: given, mode, persistent, push, signal, host: shared }: HandlerDeps): Handlers {
  const holder: ServicesHolder<WindowServices> = isHolder(given) ? given : { discover: async () => ({ ok: true as const }), get: async () => given, current: () => given };
  const host = shared ?? createWindowHost(holder);
  const svc = (): Promise<WindowServices> => holder.get();
  const withTimeline = async <T>(id: string, fn: (t: TimelineClient) => Promise<T>): Promise<T> => {
    const client = await (await svc()).timeline.open(id);
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  };
  const progress = (task: string | undefined, message: string, current?: number, total?: number, done?: boolean) => {
    if (task) push(pushMessage('progress', { task, message, ...(current !== undefined ? { current } : {}), ...(total !== undefined ? { total } : {}), ...(done ? { done } : {}) }));
  };

  // This connection's holds: live subscriptions and terminal attachments, released when it goes.
  const subscriptions = new Map<string, { live?: LiveSubscription; client: TimelineClient }>();
  const attachments = new Map<string, Attachment>();
  // Chain-ordered events per (session, kinds), kept for paging back through one history.
  const pages = new Map<string, { events: NostrEvent[]; at: number }>();
  const leave = host.join(push);
  const release = () => {
    leave();
    for (const s of subscriptions.values()) {
      s.live?.close();
      s.client.close();
    }
    subscriptions.clear();
    for (const a of attachments.values()) a.detach();
    attachments.clear();
    pages.clear();
  };
  signal?.addEventListener('abort', release, { once: true });

  const attach = async (terminal: string) => {
    const registry = await host.terminals();
    attachments.get(terminal)?.detach();
    const { attachment, replay } = registry.attach(terminal, {
      data: (data) => push(pushMessage('terminal.data', { terminal, data })),
      exit: (exitCode) => push(pushMessage('terminal.exit', { terminal, exitCode })),
    });
    attachments.set(terminal, attachment);
    return replay;
  };

  return {
    ...recipeHandlers({ paths: () => holder.current()?.sessions.paths ?? kilnPaths(), sessions: async () => (await svc()).sessions, push }),
    // Before an engine answers (web mode, desktop) the services are not made yet: the engine's.
    'app.info': () => ({ name: 'Kiln', version, mode, platform: process.platform, ...(persistent !== undefined ? { persistent } : {}), capabilities: holder.current()?.capabilities ?? ENGINE_CAPABILITIES }),
    'engine.status': async () => {
      const found = await holder.discover();
      if (!found.ok) return { ok: false as const, error: found.error, tried: found.tried.map((t) => ({ source: t.source, endpoint: t.endpoint, error: t.error })) };
      const services = await svc();
      host.sessionsChanged();
      return { ok: true as const, name: services.engine.name, endpoint: services.engine.endpoint, version: services.engine.version, imagePresent: await services.images.exists() };
    },

    'image.status': async () => {
      const services = await svc();
      return { tag: services.images.tag, present: await services.images.exists(), building: host.building };
    },
    'image.ensure': async () => {
      const services = await svc();
      if (!host.building && (await services.images.exists())) return { tag: services.images.tag, built: false };
      const built = await host.buildImage();
      return { tag: built.tag, built: true };
    },

    'models.status': async () => modelsStatus(await svc(), host.secrets),
    'models.startLocal': async () => {
      const { startOllamaContainer } = await import('../models/ollama-container');
      const services = await svc();
      const task = 'models.startLocal';
      if (!services.engine.docker) {
        throw new BridgeError('E_NO_ENGINE_FOR_MODELS', 'Kiln cannot start a model container from inside this container.', 'Run Ollama on the host (it is reached at OLLAMA_HOST, default host.docker.internal:11434), or use a cloud API key.');
      }
      const started = await startOllamaContainer(services.engine.docker, {
        ...(services.labels ? { labels: services.labels } : {}),
        onProgress: (message) => progress(task, message),
      });
      progress(task, 'The local model server is running', undefined, undefined, true);
      return { url: started.url };
    },
    'models.pull': async ({ name, host: given }) => {
      let url = given;
      if (!url) {
        const status = await modelsStatus(await svc(), host.secrets);
        url = status.active === 'host' ? status.host?.url : status.active === 'container' ? status.container.url : undefined;
        if (!url) {
          const found = await detectHostOllama();
          if (!found.found) throw new BridgeError('E_OLLAMA_UNREACHABLE', 'No Ollama answered on this machine.', 'Start Ollama (ollama serve), or "Start a local model", then pull again.');
          url = found.url;
        }
      }
      const task = `models.pull:${name}`;
      const done = await pullModel({
        host: url,
        name,
        onProgress: (p) => push(pushMessage('progress', { task, message: p.status, current: p.completed, total: p.total })),
      });
      push(pushMessage('progress', { task, message: 'success', current: done.completed, total: done.total, done: true }));
      return { name, completed: done.completed, total: done.total };
    },
    ...keysHandlers(host.secrets),

    'settings.get': () => host.settings.get(),
    'settings.set': (patch) => host.settings.set(patch),

    'sessions.list': async () => (await svc()).sessions.list(),
    'sessions.create': async ({ task, ...input }) => {
      const services = await svc();
      progress(task, 'Checking the runtime image', 1, 5);
      if (host.building || !(await services.images.exists())) await host.buildImage();
      // Settings apply to sessions created from now on.
      const settings = host.settings.get();
      services.sessions.paths.workspaces = settings.workspacesDir;
      try {
        const created = await services.sessions.create({
          ...(input.name ? { name: input.name } : {}),
          ...(input.workspace ? { workspace: input.workspace } : {}),
          ...(input.recipe ? { recipe: input.recipe } : {}),
          ...(settings.defaultModel && !input.recipe ? { model: settings.defaultModel } : {}),
          onProgress: (p) => progress(task, p.message, p.current, p.total, p.step === 'ready'),
        });
        return created;
      } catch (err) {
        progress(task, 'The session could not start', undefined, undefined, true);
        throw err;
      } finally {
        host.sessionsChanged();
      }
    },
    'sessions.stop': async ({ id }) => {
      await (await host.terminals()).closeSession(id);
      const s = await (await svc()).sessions.stop(id);
      host.sessionsChanged();
      return s;
    },
    'sessions.resume': async ({ id }) => {
      const s = await (await svc()).sessions.resume(id);
      host.sessionsChanged();
      return s;
    },
    'sessions.remove': async ({ id }) => {
      await (await host.terminals()).closeSession(id);
      await (await svc()).sessions.remove(id);
      host.sessionsChanged();
      return { removed: true as const };
    },

    'timeline.query': ({ id, kinds, limit, before }) =>
      withTimeline(id, async (t) => {
        const want = limit ?? DEFAULT_PAGE;
        const filter = kinds?.length ? { kinds } : {};
        const key = `${id}|${(kinds ?? []).join(',')}`;
        if (!before) {
          // The newest page reads only its own events (plus a margin, so events sharing the
          // boundary second fall in chain order): the first paint never waits for the history.
          const newest = await t.events({ ...filter, limit: want + PAGE_MARGIN });
          const events = newest.slice(-want);
          const more = newest.length > want;
          pages.delete(key);
          return { events, more, ...(more && events[0] ? { cursor: events[0].id } : {}) };
        }
        // Older pages: the whole history in chain order, read once per connection and kept.
        let cached = pages.get(key);
        if (!cached || !cached.events.some((e) => e.id === before)) {
          cached = { events: await t.events(filter), at: Date.now() };
          pages.set(key, cached);
        }
        const all = cached.events;
        const end = all.findIndex((e) => e.id === before);
        if (end < 0) throw new BridgeError('E_TIMELINE_CURSOR', 'That page of the timeline is no longer known.', 'Reload the timeline from its newest events.');
        const start = Math.max(0, end - want);
        const events = all.slice(start, end);
        return { events, more: start > 0, ...(start > 0 && events[0] ? { cursor: events[0].id } : {}) };
      }),
    'timeline.subscribe': async ({ id }) => {
      const client = await (await svc()).timeline.open(id);
      const subscription = `s-${randomBytes(6).toString('hex')}`;
      subscriptions.set(subscription, { client });
      try {
        // A few seconds back: what was written while the page read its first query comes again
        // (the page de-duplicates by event id) rather than being lost between the two.
        const since = Math.floor(Date.now() / 1000) - 5;
        const live = await client.subscribe({ kinds: [...KILN_KINDS], since }, (event) => {
          if (subscriptions.has(subscription)) push(pushMessage('timeline.event', { id, subscription, event }));
        });
        const entry = subscriptions.get(subscription);
        if (!entry) live.close();
        else entry.live = live;
      } catch (err) {
        subscriptions.delete(subscription);
        client.close();
        throw err;
      }
      return { subscription };
    },
    'timeline.unsubscribe': ({ subscription }) => {
      const s = subscriptions.get(subscription);
      subscriptions.delete(subscription);
      s?.live?.close();
      s?.client.close();
      return {};
    },
    'timeline.checkpoints': ({ id }) => withTimeline(id, (t) => t.checkpoints()),
    'timeline.verify': ({ id }) => withTimeline(id, (t) => t.verify()),
    'timeline.blob': ({ id, sha256 }) => withTimeline(id, (t) => t.blob(sha256)),
    'timeline.diff': ({ id, commit, path }) => withTimeline(id, (t) => t.diff(commit.slice(0, 40), path)),
    'timeline.undoPreview': ({ id, checkpoint }) => withTimeline(id, (t) => t.undoPreview(checkpoint)),
    'timeline.undo': ({ id, checkpoint }) => withTimeline(id, (t) => t.undo(checkpoint)),

    'terminal.kinds': async ({ id }) => {
      const services = await svc();
      const shell = { kind: 'shell', title: 'Shell', installed: true };
      if (!services.agents) {
        const elsewhere = kilnError('E_TERMINAL_KIND', 'Only OpenCode and a shell run here: this engine has no shared agents volume.', 'Run Kiln with Docker (`kiln web`) for Claude Code, Codex and Gemini CLI.');
        return [shell, ...TERMINAL_AGENTS.map((kind) => ({ kind, title: AGENT_TITLES[kind], installed: kind === 'opencode', ...(kind === 'opencode' ? {} : { unavailable: elsewhere }) }))];
      }
      const agents = await services.agents.list(id, { apiKey: (name) => keptKeyFor(name, host.secrets) });
      return [shell, ...agents.map((a) => ({ kind: a.agent, title: a.title, installed: a.installed, ...(a.unavailable ? { unavailable: a.unavailable } : {}) }))];
    },
    'terminal.open': async ({ id, kind, attach: existing, cols, rows, task }) => {
      const registry = await host.terminals();
      if (existing) {
        const info = registry.list(id).find((t) => t.terminal === existing);
        if (!info) throw new BridgeError('E_TERMINAL_GONE', `The terminal ${existing} is closed.`, 'Open a new terminal for the session.');
        const replay = await attach(existing);
        if (!info.exited && (info.cols !== cols || info.rows !== rows)) await registry.resize(existing, cols, rows).catch(() => undefined);
        return { terminal: existing, replay };
      }
      let info;
      try {
        info = await registry.open(id, kind ?? 'shell', cols, rows, { onProgress: (line) => progress(task, line.slice(0, 300)) });
      } catch (err) {
        progress(task, 'The terminal could not open', undefined, undefined, true);
        throw err;
      }
      progress(task, 'Ready', undefined, undefined, true);
      const replay = await attach(info.terminal);
      return { terminal: info.terminal, ...(replay ? { replay } : {}) };
    },
    'terminal.list': async ({ id }) => (await host.terminals()).list(id),
    'terminal.write': async ({ terminal, data }) => {
      (await host.terminals()).write(terminal, data);
      return {};
    },
    'terminal.resize': async ({ terminal, cols, rows }) => {
      await (await host.terminals()).resize(terminal, cols, rows);
      return {};
    },
    'terminal.ack': async ({ terminal, bytes }) => {
      // Acks of a terminal this window no longer views are moot (its debt was forgiven).
      const a = attachments.get(terminal);
      if (a) (await host.terminals()).ack(a, bytes);
      return {};
    },
    'terminal.close': async ({ terminal }) => {
      attachments.get(terminal)?.detach();
      attachments.delete(terminal);
      await (await host.terminals()).close(terminal);
      return {};
    },
  };
}
