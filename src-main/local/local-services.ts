// The second Engine: local processes inside the all-in-one container. One session, the container
// itself (its /workspace, its recorder on 127.0.0.1:7680, started by the entrypoint as user
// `kiln` with its state in /var/lib/kiln); terminals are local PTYs as user `agent`. The window's
// handlers get the same WindowServices as on Docker and never ask which engine they run on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version as appVersion } from '../../package.json';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { CONTAINER_OLLAMA_URL } from '../models/host-ollama';
import type { ImagesService, SessionsService, TerminalsService, WindowServices } from '../services';
import type { CreatedSession, SessionInfo } from '../sessions';
import { sessionModel, type SessionModel } from '../sessions/model-endpoint';
import { kilnPaths } from '../sessions/paths';
import type { SecretStore } from '../settings/secret-store';
import { agentEnv } from '../sessions/pod-spec';
import { TimelineClient } from '../timeline';
import { openLocalTerminal } from './local-terminal';

export const LOCAL_ENGINE_NAME = 'this container (all-in-one)';
/** Cloud keys passed from `docker run -e` to the agents' terminals, as the agents read them. */
export const CLOUD_KEY_VARS = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'OPENROUTER_API_KEY', 'GROQ_API_KEY', 'MISTRAL_API_KEY', 'DEEPSEEK_API_KEY'] as const;

export interface LocalServicesOptions {
  env?: NodeJS.ProcessEnv;
  /** The container's workspace folder. */
  workspace?: string;
  /** /etc/passwd, to find the agent user's current uid (the entrypoint may have changed it). */
  passwd?: string;
  /** Keys entered in the window's settings: they reach the agents' terminals as their variables. */
  secrets?: SecretStore;
}

/** The variable each provider's key lives in, as the agents read it. */
export const PROVIDER_KEY_VARS: Record<string, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GEMINI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
};

/** Keys from `docker run -e` first (read-only here), then the ones kept from the window. */
export function envSecretStore(env: NodeJS.ProcessEnv, kept: SecretStore): SecretStore {
  const fromEnv = (provider: string) => {
    const name = PROVIDER_KEY_VARS[provider];
    return name ? env[name] || undefined : undefined;
  };
  return {
    list: () => [...new Set([...Object.keys(PROVIDER_KEY_VARS).filter((p) => fromEnv(p)), ...kept.list()])],
    has: (p) => fromEnv(p) !== undefined || kept.has(p),
    get: (p) => fromEnv(p) ?? kept.get(p),
    set: (p, k) => kept.set(p, k),
    clear: (p) => kept.clear(p),
  };
}

const oneSession = (what: string) =>
  new KilnFailure(
    kilnError('E_ALL_IN_ONE_ONE_SESSION', `In the all-in-one container the session is the container itself: it cannot ${what}.`, 'Stop it with `docker stop`; for several sessions use the desktop app or `kiln up`.'),
  );

/** uid and gid of a user from /etc/passwd text. */
export function userIds(passwd: string, name: string): { uid: number; gid: number } | undefined {
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const f = line?.split(':');
  return f && f.length > 3 ? { uid: Number(f[2]), gid: Number(f[3]) } : undefined;
}

export function localServices(opts: LocalServicesOptions = {}): WindowServices {
  const env = opts.env ?? process.env;
  const paths = kilnPaths(env);
  const workspace = opts.workspace ?? '/workspace';
  const id = env.KILN_SESSION_ID || 'workspace';
  const recorderUrl = env.KILN_RECORDER_URL || 'http://127.0.0.1:7680';
  const sessionToken = env.KILN_SESSION_TOKEN ?? '';
  const hookToken = env.KILN_HOOK_TOKEN ?? '';
  if (sessionToken.length < 16 || hookToken.length < 16) {
    throw new KilnFailure(kilnError('E_ALL_IN_ONE_ENV', 'The all-in-one server needs KILN_SESSION_TOKEN and KILN_HOOK_TOKEN.', 'Start it through the image\'s entrypoint (`docker run … kiln/runtime`).'));
  }

  // When the session began: kept beside the settings, so it survives `docker rm` with the state volume.
  const createdAt = (() => {
    const file = join(paths.home, 'session.json');
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { createdAt: string }).createdAt;
    } catch {
      const now = new Date().toISOString();
      try {
        mkdirSync(paths.home, { recursive: true, mode: 0o700 });
        writeFileSync(file, JSON.stringify({ createdAt: now }) + '\n', { mode: 0o600 });
      } catch {
        // not writable: the time of this start is still a fair answer
      }
      return now;
    }
  })();

  const check = (given: string) => {
    if (given !== id) throw new KilnFailure(kilnError('E_SESSION_NOT_FOUND', `There is no session "${given}" in this container; its one session is "${id}".`, 'Reload the page.'));
  };

  const info = async (): Promise<SessionInfo> => {
    const up = await fetch(`${recorderUrl}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    return {
      id,
      name: env.KILN_SESSION_NAME || 'workspace',
      workspace,
      state: up ? 'running' : 'broken',
      createdAt,
      agents: ['opencode'],
      ...(up
        ? { url: recorderUrl }
        : { problem: kilnError('E_RECORDER_UNHEALTHY', 'The recorder of this container does not answer.', 'Restart the container (`docker restart`); its record is kept in /var/lib/kiln.') }),
      containers: {},
    };
  };

  const sessions: SessionsService = {
    paths,
    list: async () => [await info()],
    async create(o = {}) {
      if (o.recipe) throw oneSession('start a recipe');
      const s = await info();
      o.onProgress?.({ step: 'ready', message: 'Ready', current: 5, total: 5 });
      return { ...s, reused: true } satisfies CreatedSession;
    },
    stop: async () => {
      throw oneSession('be stopped from the window');
    },
    resume: async (given) => {
      check(given);
      return info();
    },
    remove: async () => {
      throw oneSession('be removed from the window');
    },
    async connection(given) {
      check(given);
      return { id, url: recorderUrl, sessionToken };
    },
  };

  // The agent's model, decided once: OLLAMA_HOST (default host.docker.internal:11434) when an
  // Ollama answers there, else Kiln's default; cloud keys reach the agent from the environment.
  let model: Promise<SessionModel> | undefined;
  const terminals: TerminalsService = {
    async open(session, t) {
      check(session);
      model ??= sessionModel({}).catch(() => undefined as unknown as SessionModel);
      const chosen = await model;
      const passwd = opts.passwd ?? readFileSync('/etc/passwd', 'utf8');
      const agent = userIds(passwd, 'agent');
      const keys: Record<string, string> = Object.fromEntries(CLOUD_KEY_VARS.filter((k) => env[k]).map((k) => [k, env[k]!]));
      for (const [provider, name] of Object.entries(PROVIDER_KEY_VARS)) {
        const kept = opts.secrets?.get(provider);
        if (kept && !keys[name]) keys[name] = kept;
      }
      const agentVars = chosen
        ? Object.fromEntries(agentEnv({ agent: 'opencode', endpoint: chosen.endpoint } as unknown as Parameters<typeof agentEnv>[0]).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
        : {};
      return openLocalTerminal({
        cmd: t.cmd,
        cwd: workspace,
        cols: t.cols,
        rows: t.rows,
        ...(agent && process.getuid?.() === 0 ? agent : {}),
        // Built from nothing: the server's own environment holds the session token, which the
        // agent's side never gets (the hook token only lets it add receipts).
        env: {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          HOME: '/home/agent',
          USER: 'agent',
          LOGNAME: 'agent',
          SHELL: '/bin/bash',
          LANG: env.LANG || 'C.UTF-8',
          KILN_RECORDER_URL: recorderUrl,
          KILN_HOOK_TOKEN: hookToken,
          KILN_SESSION_ID: id,
          BASH_ENV: '/etc/kiln/hook.bash',
          ...(env.OLLAMA_HOST ? { OLLAMA_HOST: env.OLLAMA_HOST } : {}),
          ...keys,
          ...agentVars,
          ...t.env,
        },
      });
    },
  };

  const images: ImagesService = {
    tag: env.KILN_IMAGE || 'kiln/runtime',
    exists: async () => true,
    build: async () => {
      throw new KilnFailure(kilnError('E_ALL_IN_ONE_IMAGE', 'This window runs inside the runtime image; there is nothing to build here.', 'Pull or build a newer image on the host, then start the container again.'));
    },
  };

  return {
    engine: { name: LOCAL_ENGINE_NAME, endpoint: 'local', version: appVersion },
    images,
    sessions,
    timeline: { open: async (given) => new TimelineClient(await sessions.connection(given)) },
    terminals,
    // Its one session is the container itself (stop or remove it with docker), and there is no engine for an Ollama container.
    capabilities: { stopSessions: false, removeSessions: false, localModelContainer: false },
  };
}

/** OLLAMA_HOST as the all-in-one container uses it: the user's, or the host gateway's name. */
export function containerOllamaHost(env: NodeJS.ProcessEnv): string {
  return env.OLLAMA_HOST || CONTAINER_OLLAMA_URL;
}
