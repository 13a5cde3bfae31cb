// The settings Kiln writes for Claude Code, Codex and Gemini CLI: hooks wired to the shared hook
// client for the mutating tools, full autonomy, the endpoint — and keys only in the environment.
import { describe, expect, it } from 'vitest';
import { agentSetup, agentsVolumeMount, AGENTS_MOUNT, INSTALLABLE_AGENTS } from '../../../../src-main/agents';
import { installScript } from '../../../../src-main/agents/install';
import { claudeManagedSettings } from '../../../../src-main/agents/claude-code';
import { codexHooks } from '../../../../src-main/agents/codex';
import { geminiSystemSettings } from '../../../../src-main/agents/gemini-cli';
import { systemHookFiles } from '../../../../src-main/agents/system-hooks';
import { readFileSync } from 'node:fs';
import { AGENT_PACKAGES } from '../../../../src-main/agents/versions';

const endpoint = { model: 'm1', smallModel: 'm0', baseURL: 'http://10.0.0.1:11434/v1/', apiKey: 'sk-test-SECRET-123' };

describe('agent setups', () => {
  it('keeps the key out of every file and in the environment', () => {
    for (const agent of INSTALLABLE_AGENTS) {
      const setup = agentSetup(agent, endpoint);
      for (const f of setup.files) expect(f.content, `${agent} ${f.path}`).not.toContain('SECRET');
      expect(Object.values(setup.env)).toContain(endpoint.apiKey);
      expect(setup.env.PATH!.startsWith(`${AGENTS_MOUNT}/bin:`)).toBe(true);
      expect(setup.env.KILN_HOOK_ACTIVE).toBe('1');
    }
  });

  it('Claude Code: bypass mode and pre/post hooks for Write|Edit|MultiEdit|Bash|NotebookEdit', () => {
    const setup = agentSetup('claude-code', endpoint);
    const settings = JSON.parse(setup.files.find((f) => f.path.endsWith('/.claude/settings.json'))!.content);
    expect(settings.permissions.defaultMode).toBe('bypassPermissions');
    // The hooks are managed settings (in the image), never in a file the user or a project owns.
    expect(settings.hooks).toBeUndefined();
    const managed = claudeManagedSettings() as typeof settings;
    expect(managed.disableAllHooks).toBe(false);
    expect(managed.hooks.PreToolUse[0].matcher).toBe('Write|Edit|MultiEdit|Bash|NotebookEdit');
    expect(managed.hooks.PreToolUse[0].hooks[0].command).toBe('node /opt/kiln/agents/hook-client.mjs claude-code before');
    expect(managed.hooks.PostToolUse[0].hooks[0].command).toBe('node /opt/kiln/agents/hook-client.mjs claude-code after');
    expect(setup.env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://10.0.0.1:11434/v1', ANTHROPIC_MODEL: 'm1', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'm0', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(setup.headless('hi')).toEqual(expect.arrayContaining(['claude', '-p', 'hi', '--output-format', 'stream-json', '--verbose']));
  });

  it('Codex: a Responses provider, full access, never ask, hooks for every tool', () => {
    const setup = agentSetup('codex', endpoint);
    const toml = setup.files.find((f) => f.path.endsWith('/.codex/config.toml'))!.content;
    for (const line of ['model = "m1"', 'model_provider = "kiln"', 'approval_policy = "never"', 'sandbox_mode = "danger-full-access"', 'wire_api = "responses"', 'base_url = "http://10.0.0.1:11434/v1"', 'env_key = "KILN_MODEL_API_KEY"', '[projects."/workspace"]']) {
      expect(toml).toContain(line);
    }
    expect(setup.files.find((f) => f.path.endsWith('/.codex/hooks.json'))).toBeUndefined();
    const hooks = codexHooks() as { hooks: { PreToolUse: { matcher?: string; hooks: { command: string }[] }[] } };
    expect(hooks.hooks.PreToolUse[0]!.matcher).toBeUndefined();
    expect(hooks.hooks.PreToolUse[0]!.hooks[0]!.command).toContain('hook-client.mjs codex before');
    expect(setup.headless('hi')).toEqual(expect.arrayContaining(['codex', 'exec', '--json', '--dangerously-bypass-hook-trust']));
  });

  it('Gemini CLI: BeforeTool/AfterTool hooks, the workspace trusted, AGENTS.md as context', () => {
    const setup = agentSetup('gemini-cli', endpoint);
    const settings = JSON.parse(setup.files.find((f) => f.path.endsWith('/.gemini/settings.json'))!.content);
    expect(settings.hooks).toBeUndefined();
    const system = geminiSystemSettings() as typeof settings;
    expect(system.hooksConfig.enabled).toBe(true);
    expect(system.hooks.BeforeTool[0].matcher).toContain('write_file');
    expect(system.hooks.BeforeTool[0].hooks[0].timeout).toBe(120_000);
    expect(settings.context.fileName).toContain('AGENTS.md');
    expect(JSON.parse(setup.files.find((f) => f.path.endsWith('/trustedFolders.json'))!.content)).toEqual({ '/workspace': 'TRUST_FOLDER' });
    expect(setup.env.GOOGLE_GEMINI_BASE_URL).toBe('http://10.0.0.1:11434/v1');
    expect(setup.headless('hi')).toEqual(expect.arrayContaining(['--approval-mode', 'yolo']));
  });

  it('mounts the shared volume read-only; the installer keeps a marker and renames into place', () => {
    expect(agentsVolumeMount()).toEqual({ Type: 'volume', Source: 'kiln-agents', Target: AGENTS_MOUNT, ReadOnly: true });
    const script = installScript();
    expect(script).toContain('npm install -g --prefix "$tmp"');
    expect(script).toContain('mv "$tmp" "$dest"');
    for (const pkg of Object.values(AGENT_PACKAGES)) expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('the image carries each agent\'s system hooks exactly as generated (regenerate: see system-hooks.ts)', () => {
    for (const f of systemHookFiles()) {
      expect(readFileSync(f.source, 'utf8'), `${f.source} is stale`).toBe(f.content);
      expect(readFileSync('src-container/Dockerfile', 'utf8')).toContain(f.target);
    }
  });
});
