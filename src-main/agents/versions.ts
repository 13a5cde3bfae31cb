// The agents Kiln installs on request (OpenCode is baked into the image instead), each pinned to
// one npm version, and where installs live: one docker volume shared by every session, mounted
// read-only into workspace containers. Bump a version here and the next installAgent fetches it;
// older versions stay in the volume until it is pruned.

export type InstallableAgent = 'claude-code' | 'codex' | 'gemini-cli';

export interface AgentPackage {
  /** npm package name. */
  package: string;
  /** Pinned version; every pin here accepts Node 20 (the runtime image's Node) in `engines`. */
  version: string;
  /** The command the package puts in `bin/`. */
  bin: string;
  /** Name people know it by. */
  title: string;
}

export const AGENT_PACKAGES: Readonly<Record<InstallableAgent, AgentPackage>> = {
  // 2.1.197 is the newest whose engines accept Node 20 (2.1.198+ ask for Node 22). A native
  // binary from an optional dependency, put in place by its postinstall script.
  'claude-code': { package: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude', title: 'Claude Code' },
  // A Rust binary from an optional dependency (npm alias per platform); hooks on by default since 0.124.
  codex: { package: '@openai/codex', version: '0.169.0', bin: 'codex', title: 'Codex CLI' },
  // One bundled JS file; engines node >= 20.
  'gemini-cli': { package: '@google/gemini-cli', version: '0.61.0', bin: 'gemini', title: 'Gemini CLI' },
};

export const INSTALLABLE_AGENTS = Object.keys(AGENT_PACKAGES) as InstallableAgent[];

export function isInstallableAgent(name: string): name is InstallableAgent {
  return Object.hasOwn(AGENT_PACKAGES, name);
}

/** The docker volume holding every installed agent, shared by all sessions. */
export const AGENTS_VOLUME = 'kiln-agents';
/**
 * Where the volume is mounted (read-only in workspace containers, read-write in the installer).
 * Not /opt/kiln/agents: the image keeps its adapters there (OpenCode's plugin, the hook client),
 * and a volume mounted on top would hide them.
 */
export const AGENTS_MOUNT = '/opt/kiln/agent-installs';
/** One folder per install: `<mount>/<agent>@<version>` (an npm global prefix: bin/, lib/). */
export const agentPrefix = (agent: InstallableAgent, version = AGENT_PACKAGES[agent].version) => `${AGENTS_MOUNT}/${agent}@${version}`;
/** Symlinks to the current version of each agent's command; put on PATH in workspace containers. */
export const AGENTS_BIN_DIR = `${AGENTS_MOUNT}/bin`;
/** Written last by a finished install: its presence means "this version is complete". */
export const INSTALL_MARKER = '.kiln-installed';
