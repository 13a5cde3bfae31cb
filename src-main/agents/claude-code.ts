// Claude Code in a Kiln pod: bypass-permissions mode (the container is the sandbox), onboarding
// and the dangerous-mode prompt answered in advance, no update checks or telemetry, the model
// through ANTHROPIC_BASE_URL (any Anthropic Messages endpoint: the API, a gateway, recent Ollama),
// and the recorder hooks: PreToolUse waits for the checkpoint, PostToolUse sends the receipt.
// The hooks live in the image's managed settings (/etc/claude-code/managed-settings.json), which
// outrank user and project settings: a project's own hooks run beside them, never instead.
import { AFTER_HOOK_TIMEOUT_S, AGENT_HOME, AGENT_PATH, BEFORE_HOOK_TIMEOUT_S, hookCommand, json, TOOL_HOOKS_ENV, WORKSPACE_DIR, type AgentSetup, type ModelEndpoint } from './setup';

/** Claude Code's tools that change files or run commands; reads and searches need no checkpoint. */
export const CLAUDE_MUTATING_TOOLS = ['Write', 'Edit', 'MultiEdit', 'Bash', 'NotebookEdit'] as const;

/** Where Claude Code reads managed settings on Linux (highest precedence of all its settings). */
export const CLAUDE_MANAGED_SETTINGS = '/etc/claude-code/managed-settings.json';

/** The user settings: autonomy and quiet; no hooks (those are managed, see claudeManagedSettings). */
export function claudeCodeSettings(): Record<string, unknown> {
  return {
    permissions: { defaultMode: 'bypassPermissions' },
    skipDangerousModePermissionPrompt: true,
    autoUpdates: false,
    includeCoAuthoredBy: false,
  };
}

/**
 * The managed settings baked into the image: the recorder hooks. Hooks of every settings file
 * run together; `disableAllHooks: false` here outranks a project's `disableAllHooks: true`.
 */
export function claudeManagedSettings(): Record<string, unknown> {
  const hook = (phase: 'before' | 'after', timeout: number) => [
    { matcher: CLAUDE_MUTATING_TOOLS.join('|'), hooks: [{ type: 'command', command: hookCommand('claude-code', phase), timeout }] },
  ];
  return {
    disableAllHooks: false,
    hooks: {
      PreToolUse: hook('before', BEFORE_HOOK_TIMEOUT_S),
      PostToolUse: hook('after', AFTER_HOOK_TIMEOUT_S),
    },
  };
}

export function claudeCodeSetup(endpoint: ModelEndpoint): AgentSetup {
  const small = endpoint.smallModel ?? endpoint.model;
  const env: Record<string, string> = {
    PATH: AGENT_PATH,
    ...TOOL_HOOKS_ENV,
    ANTHROPIC_BASE_URL: endpoint.baseURL.replace(/\/+$/, ''),
    ANTHROPIC_MODEL: endpoint.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: endpoint.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: endpoint.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: small,
    ANTHROPIC_SMALL_FAST_MODEL: small,
    // A local endpoint takes any token; a cloud key goes in the header Anthropic expects.
    ...(endpoint.apiKey ? { ANTHROPIC_API_KEY: endpoint.apiKey } : { ANTHROPIC_AUTH_TOKEN: 'kiln-local' }),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    // Lets --dangerously-skip-permissions run as root: the agent is root on a root-owned workspace.
    IS_SANDBOX: '1',
  };
  return {
    files: [
      { path: `${AGENT_HOME}/.claude/settings.json`, content: json(claudeCodeSettings()) },
      // First-start questions answered: onboarding done, the workspace trusted, bypass mode accepted.
      {
        path: `${AGENT_HOME}/.claude.json`,
        content: json({
          hasCompletedOnboarding: true,
          bypassPermissionsModeAccepted: true,
          autoUpdates: false,
          projects: { [WORKSPACE_DIR]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
        }),
      },
    ],
    env,
    headless: (prompt) => ['claude', '-p', prompt, '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions', '--model', endpoint.model],
    interactive: () => ['claude', '--dangerously-skip-permissions', '--model', endpoint.model],
  };
}
