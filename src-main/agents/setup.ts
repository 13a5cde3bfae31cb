// What every installable agent needs in a workspace container, as data: files for its HOME
// (settings, hooks), the environment of each run, and the argv of a headless run. Secrets never
// go into files: a key reaches the agent only through the environment of its exec.
import { AGENTS_BIN_DIR } from './versions';

/** The shared tool-hook client in the runtime image (src-container/agents/hook-client.mjs). */
export const HOOK_CLIENT = '/opt/kiln/agents/hook-client.mjs';
/** The agent user's HOME in workspace containers (POD-CONTRACT). */
export const AGENT_HOME = '/home/agent';
/** The workspace folder in the container. */
export const WORKSPACE_DIR = '/workspace';
/** The image's PATH with the installed agents in front. */
export const AGENT_PATH = `${AGENTS_BIN_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/**
 * For agents with their own tool hooks: the shell hook (BASH_ENV) stands down in the commands
 * they run, because their PreToolUse/PostToolUse hooks already checkpoint and record each one.
 * Both at once would record every command twice, and the shell hook's receipts would put the
 * file receipts before the tool receipt they belong to.
 */
export const TOOL_HOOKS_ENV: Readonly<Record<string, string>> = { KILN_HOOK_ACTIVE: '1' };

/** The hook command line for one agent and phase; hooks must wait for `before` (the checkpoint). */
export const hookCommand = (agent: string, phase: 'before' | 'after') => `node ${HOOK_CLIENT} ${agent} ${phase}`;
/** Seconds an agent lets the pre-tool hook run (the hook client itself gives up at 110 s, failing open). */
export const BEFORE_HOOK_TIMEOUT_S = 120;
export const AFTER_HOOK_TIMEOUT_S = 30;

export interface HomeFile {
  /** Absolute path in the container, under AGENT_HOME. */
  path: string;
  content: string;
}

export interface AgentSetup {
  files: HomeFile[];
  /** Environment for every run (the caller adds it to the exec; keys included, never written to disk). */
  env: Record<string, string>;
  /** argv of a headless run with this prompt. */
  headless(prompt: string): string[];
  /** argv of the interactive agent (for a terminal). */
  interactive(): string[];
}

export interface ModelEndpoint {
  /** The model name the endpoint knows. */
  model: string;
  /** Model for side requests (titles, summaries); default: the same model. */
  smallModel?: string;
  /**
   * Base URL as the agent's protocol expects it: Anthropic Messages without /v1 (Claude Code
   * appends it), OpenAI Responses with /v1 (Codex appends /responses).
   */
  baseURL: string;
  /** A cloud key; local endpoints need none. Only ever placed in `env`. */
  apiKey?: string;
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
