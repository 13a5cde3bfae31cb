// An agent run interactively in a session's workspace container — the one path the CLI
// (`kiln attach --agent`) and the window (a terminal tab per agent) both take: the agent is
// installed into the shared volume on first use (npm's lines as progress), its settings are
// written into the agent's HOME for the session's model, and the caller gets the argv and the
// environment of its interactive run. OpenCode is baked in and configured by the container's
// environment; the others come from src-main/agents (AgentSetup).
import type Dockerode from 'dockerode';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { AGENT_PACKAGES, configureAgent, installAgent, isInstallableAgent, TOOL_HOOKS_ENV, type InstallableAgent, type ModelEndpoint } from '../agents';
import { agentPrefix, INSTALL_MARKER } from '../agents/versions';
import type { AgentModelEndpoint } from '../models/agent-endpoint';
import { execCollect } from '../terminals/collect';
import { agentUnavailable } from './agent-models';

import { isTerminalAgent, TERMINAL_AGENTS, type TerminalAgent } from './terminal-agents';

export { isTerminalAgent, TERMINAL_AGENTS, type TerminalAgent };

export const AGENT_TITLES: Readonly<Record<TerminalAgent, string>> = {
  opencode: 'OpenCode',
  'claude-code': AGENT_PACKAGES['claude-code'].title,
  codex: AGENT_PACKAGES.codex.title,
  'gemini-cli': AGENT_PACKAGES['gemini-cli'].title,
};

/** A terminal's title for its kind ('Shell', 'OpenCode', 'Codex CLI', …). */
export const terminalTitle = (kind: string) => (kind === 'shell' ? 'Shell' : isTerminalAgent(kind) ? AGENT_TITLES[kind] : kind);

/**
 * OpenCode reads the container's environment (pod-spec agentEnv); a login shell puts it on PATH.
 * Its launcher is Kiln's, not a command of the agent's: recorded, it was a command that never
 * ended (exec leaves no exit trap), and one "ran without a checkpoint" when the tab opened
 * before the recorder answered. OpenCode records its own tools through its plugin.
 */
export const OPENCODE_AGENT: InteractiveAgent = {
  agent: 'opencode',
  title: AGENT_TITLES.opencode,
  cmd: ['bash', '-lc', 'exec opencode'],
  env: { ...TOOL_HOOKS_ENV },
  installed: false,
};

/**
 * The session's endpoint as each agent's protocol wants its base URL: the session stores an
 * OpenAI-compatible one ending in /v1 (Ollama, and the scripted server, serve Anthropic Messages
 * and the Responses API under the same /v1). Claude Code appends /v1/messages itself; Codex
 * appends /responses; Gemini CLI appends /v1beta/models/….
 */
export function agentModelEndpoint(agent: InstallableAgent, e: Pick<AgentModelEndpoint, 'baseURL' | 'model'>, apiKey?: string): ModelEndpoint {
  const base = e.baseURL.replace(/\/+$/, '');
  const root = base.replace(/\/v1(beta\/openai)?$/, '');
  const baseURL = agent === 'codex' ? base : root;
  return { model: e.model, baseURL, ...(apiKey ? { apiKey } : {}) };
}

/** True when the pinned version of `agent` is complete in the volume the workspace mounts. */
export async function agentInstalled(docker: Dockerode, container: Dockerode.Container, agent: InstallableAgent): Promise<boolean> {
  const r = await execCollect({ docker, container, cmd: ['test', '-f', `${agentPrefix(agent)}/${INSTALL_MARKER}`], user: 'agent' });
  return r.exitCode === 0;
}

export interface InteractiveAgentOptions {
  docker: Dockerode;
  /** The session's running workspace container. */
  container: Dockerode.Container;
  /** The runtime image (the installer runs in it). */
  image: string;
  agent: string;
  /** The session's model (its record); absent in records older than endpoints. */
  endpoint?: Pick<AgentModelEndpoint, 'baseURL' | 'model' | 'apiKeyEnv'> & { provider?: string };
  /** The cloud key for the endpoint, when it needs one (kept by the host, passed only in the exec's env). */
  apiKey?: string;
  /** Install a missing agent (default true); false: a KilnError that says how. */
  install?: boolean;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** The volume to install into (default the shared one the workspace mounts; tests use a throwaway one). */
  volume?: string;
}

export interface InteractiveAgent {
  agent: TerminalAgent;
  title: string;
  cmd: string[];
  env: Record<string, string>;
  /** True when this call installed the agent. */
  installed: boolean;
}

export function unknownAgent(kind: string): KilnFailure {
  return new KilnFailure(kilnError('E_TERMINAL_KIND', `Kiln cannot open a terminal of kind "${kind}".`, `Open a shell, or one of the agents: ${TERMINAL_AGENTS.join(', ')}.`));
}

/** Install when needed, configure for the session's model, and say how to run the agent interactively. */
export async function prepareInteractiveAgent(opts: InteractiveAgentOptions): Promise<InteractiveAgent> {
  const { agent, docker, container } = opts;
  if (agent === 'opencode') return OPENCODE_AGENT;
  if (!isInstallableAgent(agent)) throw unknownAgent(agent);
  const pkg = AGENT_PACKAGES[agent];
  // An agent whose protocol the session's model does not serve would fail at its first prompt.
  const unavailable = agentUnavailable(agent, opts.endpoint);
  if (unavailable || !opts.endpoint) throw new KilnFailure(unavailable ?? kilnError('E_AGENT_NO_MODEL', 'This session has no model endpoint recorded.'));
  if (opts.endpoint.apiKeyEnv && !opts.apiKey) {
    throw new KilnFailure(kilnError('E_AGENT_NO_KEY', `The session's model needs a key (${opts.endpoint.apiKeyEnv}) and none is kept.`, 'Enter the key in Settings → Models, then open the tab again.'));
  }
  let installed = false;
  if (!(await agentInstalled(docker, container, agent))) {
    if (opts.install === false) {
      throw new KilnFailure(kilnError('E_AGENT_NOT_INSTALLED', `${pkg.title} is not installed yet.`, `Run \`kiln agents install ${agent}\` (once, for every session), then open it again.`));
    }
    opts.onProgress?.(`Installing ${pkg.title} ${pkg.version} (once, for every session)`);
    await installAgent({ docker, agent, image: opts.image, onProgress: (p) => opts.onProgress?.(p.text), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.volume ? { volume: opts.volume } : {}) });
    installed = true;
  }
  opts.onProgress?.(`Configuring ${pkg.title} for ${opts.endpoint.model}`);
  const setup = await configureAgent(container, agent, agentModelEndpoint(agent, opts.endpoint, opts.apiKey));
  return { agent, title: pkg.title, cmd: setup.interactive(), env: setup.env, installed };
}
