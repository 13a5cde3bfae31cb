// Codex CLI in a Kiln pod: one model provider speaking the Responses API (the only wire protocol
// Codex keeps), full access without approvals (the container is the sandbox), the workspace
// trusted, no update check or analytics, and lifecycle hooks (on by default since Codex 0.124):
// PreToolUse waits for the checkpoint, PostToolUse sends the receipt. Codex only runs hooks it
// trusts: ours are in the system layer (/etc/codex/hooks.json in the image), which Codex treats
// as managed (trusted by policy, not switchable from the /hooks browser) and loads beside the
// user's and the project's own hooks. Headless runs still pass --dangerously-bypass-hook-trust.
import { AFTER_HOOK_TIMEOUT_S, AGENT_HOME, AGENT_PATH, BEFORE_HOOK_TIMEOUT_S, hookCommand, TOOL_HOOKS_ENV, WORKSPACE_DIR, type AgentSetup, type ModelEndpoint } from './setup';

export const CODEX_PROVIDER_ID = 'kiln';
/** The variable Codex reads the provider's key from (set only when there is a key). */
export const CODEX_KEY_ENV = 'KILN_MODEL_API_KEY';

/** A TOML basic string (JSON's escapes are a subset TOML accepts). */
const str = (s: string) => JSON.stringify(s);

export function codexConfigToml(endpoint: ModelEndpoint): string {
  return [
    '# Written by Kiln for this session; regenerated at every start.',
    `model = ${str(endpoint.model)}`,
    `model_provider = ${str(CODEX_PROVIDER_ID)}`,
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '',
    `[model_providers.${CODEX_PROVIDER_ID}]`,
    'name = "Kiln"',
    `base_url = ${str(endpoint.baseURL.replace(/\/+$/, ''))}`,
    'wire_api = "responses"',
    ...(endpoint.apiKey ? [`env_key = ${str(CODEX_KEY_ENV)}`] : []),
    '',
    `[projects.${str(WORKSPACE_DIR)}]`,
    'trust_level = "trusted"',
    '',
    '[analytics]',
    'enabled = false',
    '',
  ].join('\n');
}

/** Codex's system config layer on Unix; hooks.json beside it is a managed hook source. */
export const CODEX_SYSTEM_HOOKS = '/etc/codex/hooks.json';

/** Codex's managed requirements on Unix: what no user, project or profile config layer can change. */
export const CODEX_SYSTEM_REQUIREMENTS = '/etc/codex/requirements.toml';

/**
 * Pins the hooks feature on. Without it a trusted project's `.codex/config.toml` with
 * `[features] hooks = false` (or the legacy `codex_hooks`) switches off every hook, the system
 * layer's included (seen with Codex 0.169: the tool ran with no checkpoint). Only the feature
 * is pinned: the project's and the user's own hooks still run beside ours.
 */
export function codexRequirementsToml(): string {
  return ['# Kiln: the recorder hooks (hooks.json beside this file) cannot be switched off by configuration.', '[features]', 'hooks = true', ''].join('\n');
}

/** The system hooks.json: no matcher, so every tool (shell, apply_patch, MCP) is checkpointed. */
export function codexHooks(): Record<string, unknown> {
  const hook = (phase: 'before' | 'after', timeout: number) => [{ hooks: [{ type: 'command', command: hookCommand('codex', phase), timeout }] }];
  return { hooks: { PreToolUse: hook('before', BEFORE_HOOK_TIMEOUT_S), PostToolUse: hook('after', AFTER_HOOK_TIMEOUT_S) } };
}

export function codexSetup(endpoint: ModelEndpoint): AgentSetup {
  return {
    files: [
      { path: `${AGENT_HOME}/.codex/config.toml`, content: codexConfigToml(endpoint) },
    ],
    env: {
      PATH: AGENT_PATH,
      ...TOOL_HOOKS_ENV,
      ...(endpoint.apiKey ? { [CODEX_KEY_ENV]: endpoint.apiKey } : {}),
    },
    headless: (prompt) => ['codex', 'exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-hook-trust', '-C', WORKSPACE_DIR, prompt],
    interactive: () => ['codex', '--dangerously-bypass-hook-trust', '-C', WORKSPACE_DIR],
  };
}
