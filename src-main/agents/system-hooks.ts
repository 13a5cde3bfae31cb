// The recorder hooks each agent gets where it gives them precedence over user and project
// settings. They are fixed (the hook client reads the recorder's address from the environment),
// so they are baked into the runtime image: src-container/agents/<agent>/ holds these files,
// generated from this module (tests/unit/main/agents/system-hooks.test.ts keeps them equal), and
// the Dockerfile copies each to its system path. A recipe's or a project's own configuration is
// merged with them and cannot remove them.
import { CLAUDE_MANAGED_SETTINGS, claudeManagedSettings } from './claude-code';
import { CODEX_SYSTEM_HOOKS, CODEX_SYSTEM_REQUIREMENTS, codexHooks, codexRequirementsToml } from './codex';
import { GEMINI_SYSTEM_SETTINGS, geminiSystemSettings } from './gemini-cli';
import { json } from './setup';

export interface SystemHookFile {
  /** Path in the repository (the build context). */
  source: string;
  /** Where the image installs it. */
  target: string;
  content: string;
}

export function systemHookFiles(): SystemHookFile[] {
  return [
    { source: 'src-container/agents/claude-code/managed-settings.json', target: CLAUDE_MANAGED_SETTINGS, content: json(claudeManagedSettings()) },
    { source: 'src-container/agents/codex/hooks.json', target: CODEX_SYSTEM_HOOKS, content: json(codexHooks()) },
    { source: 'src-container/agents/codex/requirements.toml', target: CODEX_SYSTEM_REQUIREMENTS, content: codexRequirementsToml() },
    { source: 'src-container/agents/gemini-cli/settings.json', target: GEMINI_SYSTEM_SETTINGS, content: json(geminiSystemSettings()) },
  ];
}

/**
 * OpenCode loads every .ts/.js file in its global plugins folder (`{plugin,plugins}/*.{ts,js}`
 * under ~/.config/opencode, since 1.x) in addition to the plugins any config lists.
 */
export const OPENCODE_GLOBAL_PLUGIN = '/home/agent/.config/opencode/plugins/kiln-recorder.ts';
