// What every connection of one window server shares: the clients to broadcast to (the session
// list), the one image build in flight, the terminals (they outlive a tab), the settings and the
// key store. Connections come and go; this lives as long as the server.
import { pushMessage, type WireMessage } from '../../src-shared/api/rpc';
import type { SessionSummary } from '../../src-shared/api/contract';
import type { BuiltImage } from '../engine/images';
import type { ServicesHolder, WindowServices } from '../services';
import { kilnPaths } from '../sessions/paths';
import { LABEL } from '../sessions/pod-spec';
import { FileSecretStore } from '../settings/file-secret-store';
import type { SecretStore } from '../settings/secret-store';
import { SettingsStore } from '../settings/settings-store';
import { TerminalRegistry, type OpenInSession } from '../terminals/registry';
import { keptKeyFor } from '../models/agent-endpoint';
import { AGENT_TITLES, isTerminalAgent, OPENCODE_AGENT, unknownAgent } from '../sessions/session-agent';
import { KilnFailure, kilnError } from '../../src-shared/errors';

export interface WindowHost {
  readonly holder: ServicesHolder<WindowServices>;
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  /** Add a connection's push; returns its removal. */
  join(push: (msg: WireMessage) => void): () => void;
  broadcast(msg: WireMessage): void;
  /** The terminals of every session (made with the services). */
  terminals(): Promise<TerminalRegistry>;
  /** The one runtime image build (a second caller joins the first); progress goes to every client. */
  buildImage(): Promise<BuiltImage>;
  readonly building: boolean;
  /** Something changed: every client gets the session list (debounced). */
  sessionsChanged(): void;
  close(): Promise<void>;
}

export interface WindowHostOptions {
  env?: NodeJS.ProcessEnv;
  /** Default: the 0600 file in KILN_HOME (the Electron shell passes its safeStorage one). */
  secrets?: SecretStore;
  /** Debounce of the session-list broadcast. */
  debounceMs?: number;
}

export function createWindowHost(holder: ServicesHolder<WindowServices>, opts: WindowHostOptions = {}): WindowHost {
  const env = opts.env ?? process.env;
  const paths = kilnPaths(env);
  const clients = new Set<(msg: WireMessage) => void>();
  const settings = new SettingsStore(paths.home, { workspacesDir: paths.workspaces, defaultModel: '', theme: 'system' });
  const secrets = opts.secrets ?? new FileSecretStore(paths.home);
  let registry: TerminalRegistry | undefined;
  let build: Promise<BuiltImage> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let events: NodeJS.ReadableStream | undefined;
  let watching: WindowServices | undefined;
  let closed = false;

  const broadcast = (msg: WireMessage) => {
    for (const push of clients) push(msg);
  };

  const sessionsChanged = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      const services = holder.current();
      if (!services || clients.size === 0) return;
      void services.sessions
        .list()
        .then((list) => broadcast(pushMessage('sessions.changed', { sessions: list.map(summary) })))
        .catch(() => undefined);
    }, opts.debounceMs ?? 250);
  };

  /** Engine events of Kiln's containers: state changes the page did not cause (a crash, `docker stop`). */
  const watch = (services: WindowServices) => {
    // Only a Docker engine has container events; inside the all-in-one container nothing else moves the session.
    const docker = services.engine.docker;
    if (watching || closed || !docker) return;
    watching = services;
    void docker
      .getEvents({ filters: { type: ['container'], label: [LABEL.session] } })
      .then((stream) => {
        if (closed) return void (stream as unknown as { destroy?: () => void }).destroy?.();
        events = stream;
        stream.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString('utf8').split('\n')) {
            if (!line.trim()) continue;
            try {
              const ev = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
              const attrs = ev.Actor?.Attributes ?? {};
              if (/^(start|die|destroy|create|pause|unpause|kill|stop)$/.test(ev.Action ?? '')) sessionsChanged();
              const session = attrs[LABEL.session];
              if (session && attrs[LABEL.role] === 'workspace' && (ev.Action === 'die' || ev.Action === 'destroy')) void registry?.closeSession(session);
            } catch {
              // a partial line: the engine splits no JSON in practice; skip it
            }
          }
        });
        const again = () => {
          events = undefined;
          watching = undefined;
          if (!closed) setTimeout(() => holder.current() && watch(holder.current()!), 5000).unref();
        };
        stream.on('end', again);
        stream.on('error', again);
      })
      .catch(() => {
        watching = undefined;
      });
  };

  // A shell, OpenCode (baked in, configured by the container's environment), or an agent from
  // the shared volume: installed on first use, configured for the session's model — the same
  // path as `kiln attach --agent` (src-main/sessions/session-agent.ts).
  const openIn: OpenInSession = async (session, kind, cols, rows, o = {}) => {
    const services = await holder.get();
    const env = { TERM: 'xterm-256color', COLORTERM: 'truecolor' };
    if (kind === 'shell') return { term: await services.terminals.open(session, { cmd: ['bash', '-l'], env, cols, rows }), title: 'Shell' };
    if (!isTerminalAgent(kind)) throw unknownAgent(kind);
    if (!services.agents) {
      if (kind !== 'opencode') {
        throw new KilnFailure(kilnError('E_TERMINAL_KIND', `${AGENT_TITLES[kind]} cannot run here: this engine has no shared agents volume.`, 'Open OpenCode or a shell, or run Kiln with Docker (`kiln web`) for the other agents.'));
      }
      return { term: await services.terminals.open(session, { cmd: OPENCODE_AGENT.cmd, env: { ...OPENCODE_AGENT.env, ...env }, cols, rows }), title: OPENCODE_AGENT.title };
    }
    const agent = await services.agents.prepare(session, kind, {
      apiKey: (name) => keptKeyFor(name, secrets),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    return { term: await services.terminals.open(session, { cmd: agent.cmd, env: { ...agent.env, ...env }, cols, rows }), title: agent.title };
  };

  return {
    holder,
    settings,
    secrets,
    join(push) {
      clients.add(push);
      const services = holder.current();
      if (services) watch(services);
      return () => clients.delete(push);
    },
    broadcast,
    async terminals() {
      return (registry ??= new TerminalRegistry(openIn));
    },
    get building() {
      return build !== undefined;
    },
    buildImage() {
      build ??= (async () => {
        const services = await holder.get();
        const task = 'image.build';
        let total = 0;
        try {
          const built = await services.images.build((p) => {
            const step = /^Step (\d+)\/(\d+)/.exec(p.text ?? '');
            if (step) total = Number(step[2]);
            broadcast(
              pushMessage('progress', {
                task,
                message: (p.text ?? '').split('\n')[0]!.slice(0, 300),
                ...(step ? { current: Number(step[1]), total } : {}),
              }),
            );
          });
          broadcast(pushMessage('progress', { task, message: 'The runtime image is ready', ...(total ? { current: total, total } : {}), done: true }));
          return built;
        } catch (err) {
          broadcast(pushMessage('progress', { task, message: 'The runtime image could not be built', done: true }));
          throw err;
        } finally {
          build = undefined;
        }
      })();
      return build;
    },
    sessionsChanged() {
      const services = holder.current();
      if (services) watch(services);
      sessionsChanged();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      (events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
      clients.clear();
      await registry?.closeAll();
    },
  };
}

/** A session as the contract shows it (no container ids). */
export function summary(s: SessionSummary & { containers?: unknown; problem?: unknown }): SessionSummary {
  const { containers: _containers, ...rest } = s;
  return rest as SessionSummary;
}
