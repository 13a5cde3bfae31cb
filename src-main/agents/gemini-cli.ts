// Gemini CLI in a Kiln pod: yolo approval with /workspace trusted (in an untrusted folder Gemini
// CLI silently ignores yolo), AGENTS.md read as context, no update checks or usage statistics,
// the model through GOOGLE_GEMINI_BASE_URL (read by @google/genai), and the recorder hooks:
// BeforeTool waits for the checkpoint, AfterTool sends the receipt. The hooks are in the system
// settings file (/etc/gemini-cli/settings.json in the image), which overrides user and project
// settings: a project's hooks are merged with ours and cannot switch them off.
import { AFTER_HOOK_TIMEOUT_S, AGENT_HOME, AGENT_PATH, BEFORE_HOOK_TIMEOUT_S, hookCommand, json, TOOL_HOOKS_ENV, WORKSPACE_DIR, type AgentSetup, type ModelEndpoint } from './setup';

/** Gemini CLI's tools that change files or run commands. */
export const GEMINI_MUTATING_TOOLS = ['write_file', 'replace', 'edit', 'run_shell_command'] as const;

/** Gemini CLI's system settings on Linux: they override every other settings file. */
export const GEMINI_SYSTEM_SETTINGS = '/etc/gemini-cli/settings.json';

/** The system settings baked into the image: hooks on, and the recorder hooks. */
export function geminiSystemSettings(): Record<string, unknown> {
  // Gemini CLI's hook timeouts are in milliseconds.
  const hook = (phase: 'before' | 'after', timeoutS: number) => [
    { matcher: GEMINI_MUTATING_TOOLS.join('|'), hooks: [{ name: `kiln-${phase}`, type: 'command', command: hookCommand('gemini-cli', phase), timeout: timeoutS * 1000 }] },
  ];
  return {
    hooksConfig: { enabled: true },
    hooks: { BeforeTool: hook('before', BEFORE_HOOK_TIMEOUT_S), AfterTool: hook('after', AFTER_HOOK_TIMEOUT_S) },
  };
}

/** The user settings: the model, yolo's prerequisites, quiet; the hooks are system settings. */
export function geminiSettings(model: string): Record<string, unknown> {
  return {
    // yolo itself is a command-line flag: settings only accept default | auto_edit | plan.
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    model: { name: model },
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
    context: { fileName: ['AGENTS.md', 'GEMINI.md'] },
  };
}

export function geminiCliSetup(endpoint: ModelEndpoint): AgentSetup {
  return {
    files: [
      { path: `${AGENT_HOME}/.gemini/settings.json`, content: json(geminiSettings(endpoint.model)) },
      { path: `${AGENT_HOME}/.gemini/trustedFolders.json`, content: json({ [WORKSPACE_DIR]: 'TRUST_FOLDER' }) },
    ],
    env: {
      PATH: AGENT_PATH,
      ...TOOL_HOOKS_ENV,
      GOOGLE_GEMINI_BASE_URL: endpoint.baseURL.replace(/\/+$/, ''),
      // Gemini CLI insists on a key for its API-key mode; a local endpoint ignores it.
      GEMINI_API_KEY: endpoint.apiKey ?? 'kiln-local',
      GEMINI_MODEL: endpoint.model,
    },
    headless: (prompt) => ['gemini', '-p', prompt, '--output-format', 'json', '--approval-mode', 'yolo', '--model', endpoint.model],
    interactive: () => ['gemini', '--approval-mode', 'yolo', '--model', endpoint.model],
  };
}
