// The one path by which the CLI (`kiln attach --agent`) and the window's agent tabs run an agent,
// on a real pod whose agents volume is a throwaway one (empty at first): with install refused, a
// clear KilnError naming the command; then the first open installs Codex with npm's lines as
// progress, writes its settings for the session's model into the agent's HOME, and says how to
// run it; the second open installs nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PACKAGES, AGENTS_MOUNT } from '../../../../src-main/agents/versions';
import { agentInstalled, agentModelEndpoint, prepareInteractiveAgent } from '../../../../src-main/sessions/session-agent';
import { docker, execIn, startTestPod, TEST_IMAGE, type TestPod } from '../../../support/pod';

const volume = `kiln-test-agents-${randomBytes(4).toString('hex')}`;
const endpoint = { baseURL: 'http://host.docker.internal:11434/v1', model: 'qwen2.5-coder:7b-kiln64k' };

describe('prepareInteractiveAgent on a pod with an empty agents volume', () => {
  let pod: TestPod;
  beforeAll(async () => {
    await docker.createVolume({ Name: volume, Labels: { 'kiln.test': '1' } });
    pod = await startTestPod({ prefix: 'sa', workspaceBinds: [`${volume}:${AGENTS_MOUNT}:ro`] });
  });
  afterAll(async () => {
    await pod?.remove();
    await docker.getVolume(volume).remove({ force: true }).catch(() => undefined);
  });

  const base = () => ({ docker, container: pod.workspaceContainer, image: TEST_IMAGE, endpoint, volume });

  it('refuses, when asked not to install, with the command that installs it', async () => {
    expect(await agentInstalled(docker, pod.workspaceContainer, 'codex')).toBe(false);
    await expect(prepareInteractiveAgent({ ...base(), agent: 'codex', install: false })).rejects.toMatchObject({
      kiln: { code: 'E_AGENT_NOT_INSTALLED', next: expect.stringContaining('kiln agents install codex') },
    });
    await expect(prepareInteractiveAgent({ ...base(), agent: 'no-such-agent' })).rejects.toMatchObject({ kiln: { code: 'E_TERMINAL_KIND' } });
    await expect(prepareInteractiveAgent({ ...base(), agent: 'codex', endpoint: { ...endpoint, apiKeyEnv: 'OPENAI_API_KEY' } })).rejects.toMatchObject({ kiln: { code: 'E_AGENT_NO_KEY' } });
  });

  it('installs on first open with progress, configures it for the session model, and installs nothing the second time', async () => {
    const lines: string[] = [];
    const first = await prepareInteractiveAgent({ ...base(), agent: 'codex', onProgress: (l) => lines.push(l) });
    expect(first).toMatchObject({ agent: 'codex', title: 'Codex CLI', installed: true });
    expect(first.cmd[0]).toBe('codex');
    expect(first.env.KILN_HOOK_ACTIVE).toBe('1');
    expect(lines[0]).toBe(`Installing Codex CLI ${AGENT_PACKAGES.codex.version} (once, for every session)`);
    expect(lines.some((l) => l.includes('npm http fetch'))).toBe(true);
    expect(lines.at(-1)).toBe(`Configuring Codex CLI for ${endpoint.model}`);
    expect(await agentInstalled(docker, pod.workspaceContainer, 'codex')).toBe(true);

    const config = await execIn(pod.workspaceContainer, ['cat', '/home/agent/.codex/config.toml']);
    expect(config.stdout).toContain(`model = "${endpoint.model}"`);
    expect(config.stdout).toContain('base_url = "http://host.docker.internal:11434/v1"');
    // The agent runs from the read-only mount, as the terminal will run it.
    const version = await execIn(pod.workspaceContainer, ['env', `PATH=${first.env.PATH}`, 'codex', '--version']);
    expect(version.stdout).toContain(AGENT_PACKAGES.codex.version);

    const again: string[] = [];
    const second = await prepareInteractiveAgent({ ...base(), agent: 'codex', onProgress: (l) => again.push(l) });
    expect(second.installed).toBe(false);
    expect(again).toEqual([`Configuring Codex CLI for ${endpoint.model}`]);
  }, 300_000);

  it('gives each agent the base URL its protocol appends to', () => {
    expect(agentModelEndpoint('codex', endpoint).baseURL).toBe('http://host.docker.internal:11434/v1');
    expect(agentModelEndpoint('claude-code', endpoint).baseURL).toBe('http://host.docker.internal:11434');
    expect(agentModelEndpoint('gemini-cli', { baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', model: 'g' }, 'k')).toEqual({ baseURL: 'https://generativelanguage.googleapis.com', model: 'g', apiKey: 'k' });
  });
});
