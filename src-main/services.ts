// The host core as one bag of services, constructed once and passed in (the CLI now; the IPC
// and WebSocket servers later). Nothing here reaches for a global beyond what `options` gives.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Capabilities } from '../src-shared/api/contract';
import { KilnFailure, kilnError, type KilnError } from '../src-shared/errors';
import { discoverEngine, type DiscoverOptions, type DiscoverResult, type EngineFound } from './engine/discover';
import { imageExists, RUNTIME_IMAGE, type BuildProgress, type BuiltImage } from './engine/images';
import { SessionManager, kilnPaths, type CreatedSession, type CreateSessionOptions, type SessionInfo } from './sessions';
import type { KilnPaths } from './sessions/paths';
import type { InteractiveAgent, TerminalAgent } from './sessions/session-agent';
import { TERMINAL_AGENTS } from './sessions/terminal-agents';
import { REPO_ROOT } from './repo-root';
import type { Terminal } from './terminals/terminal';
import type { TimelineClient } from './timeline';

export { REPO_ROOT };

export interface ImagesService {
  readonly tag: string;
  exists(): Promise<boolean>;
  /** Bundle kilnd (scripts/build.mjs), then build the runtime image. */
  build(onProgress?: (p: BuildProgress) => void): Promise<BuiltImage>;
}

export interface TimelineService {
  /** A client for one running session's recorder; close() it when done. */
  open(sessionId: string): Promise<TimelineClient>;
}

/**
 * The Engine seam: what the window (handlers, window host) needs from sessions, terminals and
 * the engine. Two implementations: Docker on the host (servicesOnEngine: a pod per session) and
 * local processes inside the all-in-one container (src-main/local: one session, the container
 * itself). Nothing above this seam asks which one it runs on.
 */
export interface SessionsService {
  readonly paths: KilnPaths;
  list(): Promise<SessionInfo[]>;
  create(opts?: CreateSessionOptions): Promise<CreatedSession>;
  stop(id: string): Promise<SessionInfo>;
  resume(id: string): Promise<SessionInfo>;
  remove(id: string): Promise<void>;
  /** URL and token of a running session's recorder. */
  connection(id: string): Promise<{ id: string; url: string; sessionToken: string }>;
}

/** A TTY in a session, as the agent user in /workspace. */
export interface TerminalsService {
  open(session: string, opts: { cmd: string[]; env: Record<string, string>; cols: number; rows: number }): Promise<Terminal>;
}

/** Agents in a session's terminals (the same path as `kiln attach --agent`: sessions/session-agent.ts). */
export interface AgentsService {
  /**
   * Every agent a terminal can run in the session, whether it is installed, and why it cannot
   * run on the session's model (its protocol not served, or the model's key not kept).
   */
  list(session: string, opts?: { apiKey?: (envName: string) => string | undefined }): Promise<Array<{ agent: TerminalAgent; title: string; installed: boolean; unavailable?: KilnError }>>;
  /** Install when missing (progress lines), write its settings for the session's model; its argv and env. */
  prepare(session: string, agent: string, opts?: { apiKey?: (envName: string) => string | undefined; onProgress?: (line: string) => void; install?: boolean }): Promise<InteractiveAgent>;
}

/** The engine as the window shows it; `docker` only where there is one (not inside the all-in-one container). */
export interface EngineInfo {
  name: string;
  endpoint: string;
  version: string;
  docker?: EngineFound['docker'];
}

export interface WindowServices {
  engine: EngineInfo;
  images: ImagesService;
  sessions: SessionsService;
  timeline: TimelineService;
  terminals: TerminalsService;
  /** Absent where agents other than OpenCode cannot run (the all-in-one container). */
  agents?: AgentsService;
  labels?: Record<string, string>;
  /** What the window may offer on this host (app.info). */
  capabilities: Capabilities;
}

/** A Docker engine's: sessions stop and go, Ollama can run beside them. */
export const ENGINE_CAPABILITIES: Capabilities = { stopSessions: true, removeSessions: true, localModelContainer: true };

export interface AppServices extends WindowServices {
  engine: EngineFound;
  sessions: SessionManager;
  agents: AgentsService;
  /** Extra labels on what Kiln creates (tests: kiln.test=1); for containers made outside sessions. */
  labels?: Record<string, string>;
}

export interface AppServicesOptions {
  env?: NodeJS.ProcessEnv;
  discover?: DiscoverOptions;
  image?: string;
  /** Extra labels on every container and volume; default from KILN_LABELS="k=v,k=v" (tests). */
  labels?: Record<string, string>;
  root?: string;
}

/** Find the engine (a KilnFailure with advice when there is none) and build the services on it. */
export async function createAppServices(opts: AppServicesOptions = {}): Promise<AppServices> {
  const env = opts.env ?? process.env;
  const found = await discoverEngine({ env, ...opts.discover });
  if (!found.ok) throw new KilnFailure(found.error);
  return servicesOnEngine(found, opts);
}

/** The services on an engine already found. */
export function servicesOnEngine(found: EngineFound, opts: AppServicesOptions = {}): AppServices {
  const env = opts.env ?? process.env;
  const docker = found.docker;
  const root = opts.root ?? REPO_ROOT;
  const tag = opts.image ?? env.KILN_IMAGE ?? RUNTIME_IMAGE;
  const labels = opts.labels ?? parseLabels(env.KILN_LABELS);

  const images: ImagesService = {
    tag,
    exists: () => imageExists(docker, tag),
    build: async (onProgress) => {
      // The kilnd bundle must exist before the image copies it.
      const { buildKilnd } = (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as { buildKilnd: () => Promise<string> };
      onProgress?.({ kind: 'step', text: 'Bundling the recorder (scripts/build.mjs)' });
      await buildKilnd();
      const { buildRuntimeImage } = await import('./engine/images');
      return buildRuntimeImage({ docker, contextDir: root, tag, ...(onProgress ? { onProgress } : {}) });
    },
  };
  // Only a native Linux engine shows the host's owners in a bind mount as they are.
  const matchWorkspaceOwner = found.name === 'Linux dockerd';
  const sessions = new SessionManager({ docker, image: tag, paths: kilnPaths(env), matchWorkspaceOwner, ...(labels ? { labels } : {}) });
  const timeline: TimelineService = {
    // Loaded on first use, like the terminals: the CLI's everyday commands need neither.
    open: async (id) => {
      const [{ TimelineClient }, connection] = await Promise.all([import('./timeline'), sessions.connection(id)]);
      return new TimelineClient(connection);
    },
  };
  const terminals: TerminalsService = {
    open: async (session, t) => {
      const [{ openTerminal }, container] = await Promise.all([import('./terminals/terminal'), sessions.workspaceContainer(session)]);
      return openTerminal({ docker, container, user: 'agent', cwd: '/workspace', ...t });
    },
  };
  const agents: AgentsService = {
    list: async (session, o = {}) => {
      const [{ AGENT_TITLES, agentInstalled }, { agentUnavailable }, container] = await Promise.all([import('./sessions/session-agent'), import('./sessions/agent-models'), sessions.workspaceContainer(session)]);
      const endpoint = sessions.store.read(session)?.endpoint;
      const keyMissing = (agent: TerminalAgent): KilnError | undefined =>
        agent !== 'opencode' && endpoint?.apiKeyEnv && !o.apiKey?.(endpoint.apiKeyEnv)
          ? kilnError('E_AGENT_NO_KEY', `The session's model needs a key (${endpoint.apiKeyEnv}) and none is kept.`, 'Enter the key in Settings → Models, then open the tab again.')
          : undefined;
      return Promise.all(
        TERMINAL_AGENTS.map(async (agent) => {
          const unavailable = agentUnavailable(agent, endpoint) ?? (o.apiKey ? keyMissing(agent) : undefined);
          return { agent, title: AGENT_TITLES[agent], installed: agent === 'opencode' || (await agentInstalled(docker, container, agent)), ...(unavailable ? { unavailable } : {}) };
        }),
      );
    },
    prepare: async (session, agent, o = {}) => {
      const [{ prepareInteractiveAgent }, container] = await Promise.all([import('./sessions/session-agent'), sessions.workspaceContainer(session)]);
      const endpoint = sessions.store.read(session)?.endpoint;
      const apiKey = endpoint?.apiKeyEnv ? o.apiKey?.(endpoint.apiKeyEnv) : undefined;
      return prepareInteractiveAgent({
        docker, container, image: tag, agent,
        ...(endpoint ? { endpoint } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(o.install !== undefined ? { install: o.install } : {}),
      });
    },
  };
  return { engine: found, images, sessions, timeline, terminals, agents, capabilities: ENGINE_CAPABILITIES, ...(labels ? { labels } : {}) };
}

/**
 * Services made the first time an engine answers: web mode (and the desktop shell) start with
 * none, show the engine page, and re-check; operations that need the engine fail with the
 * engine's KilnError (a sentence and what to install or start) until one answers.
 */
export interface ServicesHolder<S extends WindowServices = AppServices> {
  /** Re-runs discovery (cheap: candidates in parallel); the first success makes the services. */
  discover(): Promise<DiscoverResult | { ok: true }>;
  /** The services, discovering when there are none yet; throws the engine's KilnFailure. */
  get(): Promise<S>;
  /** The services when an engine has answered already. */
  current(): S | undefined;
}

export function lazyAppServices(opts: AppServicesOptions = {}): ServicesHolder & { discover(): Promise<DiscoverResult> } {
  const env = opts.env ?? process.env;
  let services: AppServices | undefined;
  const discover = async (): Promise<DiscoverResult> => {
    const found = await discoverEngine({ env, ...opts.discover });
    if (found.ok && !services) services = servicesOnEngine(found, opts);
    return found;
  };
  return {
    discover,
    current: () => services,
    async get() {
      if (services) return services;
      const found = await discover();
      if (!found.ok) throw new KilnFailure(found.error);
      return services!;
    },
  };
}

function parseLabels(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const pairs = text.split(',').map((p) => p.split('=')).filter((kv): kv is [string, string] => kv.length === 2 && !!kv[0]);
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}
