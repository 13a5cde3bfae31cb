// Which agent can talk to which kind of model: the table behind the "New tab" menu's disabled
// entries and prepareInteractiveAgent's refusal (src-main/sessions/agent-models.ts).
import { describe, expect, it } from 'vitest';
import { agentEndpoint } from '../../../../src-main/models/agent-endpoint';
import { agentUnavailable, agentWorksWith, sessionProvider } from '../../../../src-main/sessions/agent-models';
import { TERMINAL_AGENTS } from '../../../../src-main/sessions/terminal-agents';
import { MODEL_PROVIDERS } from '../../../../src-shared/recipe/schema';

describe('agentWorksWith', () => {
  it('pairs each agent with the providers that serve its protocol', () => {
    const table = Object.fromEntries(MODEL_PROVIDERS.map((p) => [p, TERMINAL_AGENTS.filter((a) => agentWorksWith(a, p))]));
    expect(table).toEqual({
      ollama: ['opencode', 'claude-code', 'codex'],
      'openai-compatible': ['opencode'],
      openai: ['opencode', 'codex'],
      anthropic: ['opencode', 'claude-code'],
      google: ['opencode', 'gemini-cli'],
      openrouter: ['opencode', 'claude-code', 'codex'],
    });
  });
});

describe('sessionProvider', () => {
  it('takes the recorded provider, else the key variable, else a local Ollama', () => {
    expect(sessionProvider({ provider: 'openai-compatible', baseURL: 'http://host.docker.internal:8080/v1' })).toBe('openai-compatible');
    expect(sessionProvider({ baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', apiKeyEnv: 'GEMINI_API_KEY' })).toBe('google');
    expect(sessionProvider({ baseURL: 'https://api.anthropic.com/v1', apiKeyEnv: 'ANTHROPIC_API_KEY' })).toBe('anthropic');
    expect(sessionProvider({ baseURL: 'http://host.docker.internal:11434/v1' })).toBe('ollama');
    expect(sessionProvider({ provider: 'nonsense', baseURL: 'http://x/v1' })).toBe('ollama');
  });

  it('reads what agentEndpoint records for a session', () => {
    const e = agentEndpoint({ id: 'c', requested: 'c', fellBack: false, needsPull: false, model: { provider: 'google', model: 'gemini-2.5-pro' } });
    expect(sessionProvider(e)).toBe('google');
  });
});

describe('agentUnavailable', () => {
  const ollama = { provider: 'ollama', baseURL: 'http://host.docker.internal:11434/v1' };

  it('refuses Gemini CLI on a local Ollama model in one sentence, naming what works instead', () => {
    const why = agentUnavailable('gemini-cli', ollama);
    expect(why).toEqual({
      code: 'E_AGENT_MODEL',
      message: "Gemini CLI needs the Gemini API, which this session's local Ollama model does not serve.",
      next: 'Use OpenCode, Claude Code or Codex CLI in this session, or start one on a model Gemini CLI can use.',
    });
    expect(why!.message.split('. ')).toHaveLength(1);
  });

  it('lets every agent but Gemini CLI run on Ollama, and only OpenCode on an OpenAI-compatible server', () => {
    expect(TERMINAL_AGENTS.filter((a) => !agentUnavailable(a, ollama))).toEqual(['opencode', 'claude-code', 'codex']);
    const compat = { provider: 'openai-compatible', baseURL: 'http://h:8080/v1' };
    expect(TERMINAL_AGENTS.filter((a) => !agentUnavailable(a, compat))).toEqual(['opencode']);
    expect(agentUnavailable('claude-code', compat)?.message).toBe("Claude Code needs the Anthropic Messages API, which this session's OpenAI-compatible server does not serve.");
    expect(agentUnavailable('codex', compat)?.next).toBe('Use OpenCode in this session, or start one on a model Codex CLI can use.');
  });

  it('keeps OpenCode available even without a recorded endpoint; the others say why', () => {
    expect(agentUnavailable('opencode', undefined)).toBeUndefined();
    expect(agentUnavailable('codex', undefined)).toMatchObject({ code: 'E_AGENT_NO_MODEL' });
  });
});
