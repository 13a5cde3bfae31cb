// Claude Code, Codex CLI and Gemini CLI for sessions: install once into the shared volume, mount
// it read-only into workspace containers, write each agent's settings into the agent's HOME,
// run it with the environment its setup names. OpenCode is baked into the image (not here).
import type Dockerode from 'dockerode';
import { claudeCodeSetup } from './claude-code';
import { codexSetup } from './codex';
import { geminiCliSetup } from './gemini-cli';
import { writeHomeFiles } from './home-files';
import type { AgentSetup, ModelEndpoint } from './setup';
import { AGENTS_MOUNT, AGENTS_VOLUME, type InstallableAgent } from './versions';

export { installAgent, type InstallAgentOptions, type InstallProgress, type InstallResult } from './install';
export { writeHomeFiles } from './home-files';
export { claudeCodeSetup } from './claude-code';
export { codexSetup } from './codex';
export { geminiCliSetup } from './gemini-cli';
export { AGENT_PATH, TOOL_HOOKS_ENV, type AgentSetup, type HomeFile, type ModelEndpoint } from './setup';
export { AGENT_PACKAGES, AGENTS_MOUNT, AGENTS_VOLUME, AGENTS_BIN_DIR, INSTALLABLE_AGENTS, isInstallableAgent, type InstallableAgent } from './versions';

const SETUPS: Record<InstallableAgent, (endpoint: ModelEndpoint) => AgentSetup> = {
  'claude-code': claudeCodeSetup,
  codex: codexSetup,
  'gemini-cli': geminiCliSetup,
};

export function agentSetup(agent: InstallableAgent, endpoint: ModelEndpoint): AgentSetup {
  return SETUPS[agent](endpoint);
}

/**
 * The mount every workspace container gets (read-only: agents run what was installed, never
 * install). Add its `env.PATH` (AGENT_PATH) to execs, or to the container's Env, to find the commands.
 */
export function agentsVolumeMount(): Dockerode.MountSettings {
  return { Type: 'volume', Source: AGENTS_VOLUME, Target: AGENTS_MOUNT, ReadOnly: true };
}

/** Writes the agent's settings into the workspace container and returns how to run it. */
export async function configureAgent(container: Dockerode.Container, agent: InstallableAgent, endpoint: ModelEndpoint): Promise<AgentSetup> {
  const setup = agentSetup(agent, endpoint);
  await writeHomeFiles(container, setup.files);
  return setup;
}
