import { describe, expect, it } from 'vitest';
import { resolveModels } from '../../../../src-main/models/resolve';
import { agentEndpoint, forContainer } from '../../../../src-main/models/agent-endpoint';
import { DEFAULT_MODEL, formatBytes } from '../../../../src-main/models/default-model';
import type { ModelsConfig } from '../../../../src-shared/recipe/schema';

const config: ModelsConfig = {
  format: 0,
  default: 'coder',
  models: {
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', contextLength: 65536, fallback: ['small'] },
    small: { provider: 'ollama', model: 'qwen2.5-coder:1.5b' },
    claude: { provider: 'anthropic', model: 'claude-sonnet-4-5', fallback: ['coder'] },
  },
};

describe('resolveModels', () => {
  it('takes the requested model when it is available, without a note', () => {
    const r = resolveModels(config, { ollamaModels: ['qwen2.5-coder:7b'], keys: [] }, [{ id: 'dev' }]);
    expect(r.default).toMatchObject({ id: 'coder', fellBack: false, needsPull: false });
    expect(r.agents.dev).toBe(r.default);
    expect(r.notes).toEqual([]);
  });

  it('falls back along the chain and says so', () => {
    const r = resolveModels(config, { ollamaModels: ['qwen2.5-coder:1.5b'], keys: [] }, [{ id: 'reviewer', model: 'claude' }]);
    expect(r.default).toMatchObject({ id: 'small', fellBack: true, needsPull: false });
    expect(r.default.note).toMatch(/qwen2.5-coder:7b is not downloaded; using its fallback qwen2.5-coder:1.5b/);
    // claude needs a key → coder (not pulled) → small (pulled)
    expect(r.agents.reviewer).toMatchObject({ id: 'small', requested: 'claude', fellBack: true });
    expect(r.agents.reviewer!.note).toMatch(/needs a anthropic key/);
    expect(r.notes).toHaveLength(2);
  });

  it('uses a cloud model when its key is stored', () => {
    const r = resolveModels(config, { ollamaModels: [], keys: ['anthropic'] }, [{ id: 'reviewer', model: 'claude' }]);
    expect(r.agents.reviewer).toMatchObject({ id: 'claude', fellBack: false });
  });

  it('when nothing is available, picks the first local model to download', () => {
    const r = resolveModels(config, { ollamaModels: [], keys: [] }, [{ id: 'reviewer', model: 'claude' }]);
    expect(r.default).toMatchObject({ id: 'coder', fellBack: false, needsPull: true });
    expect(r.default.note).toMatch(/will be downloaded first/);
    expect(r.agents.reviewer).toMatchObject({ id: 'coder', fellBack: true, needsPull: true });
  });

  it('without a models config, uses Kiln\'s default model', () => {
    const r = resolveModels(undefined, { ollamaModels: ['qwen2.5-coder'], keys: [] });
    expect(r.default.model).toMatchObject({ provider: 'ollama', model: DEFAULT_MODEL.name, contextLength: DEFAULT_MODEL.contextLength });
    expect(r.default.needsPull).toBe(true); // "qwen2.5-coder" is :latest, not :7b
    expect(resolveModels(undefined, { ollamaModels: ['qwen2.5-coder:7b'], keys: [] }).default.needsPull).toBe(false);
  });

  it('the default model is 64K-context and its size reads as a person expects', () => {
    expect(DEFAULT_MODEL.contextLength).toBeGreaterThanOrEqual(65536);
    expect(formatBytes(DEFAULT_MODEL.approxBytes)).toBe('4.7 GB');
    expect(formatBytes(512)).toBe('512 B');
  });
});

describe('agentEndpoint', () => {
  it('local Ollama: the host gateway from the container, the 64K variant, no key', () => {
    const r = resolveModels(config, { ollamaModels: ['qwen2.5-coder:7b'], keys: [] });
    expect(agentEndpoint(r.default)).toEqual({ provider: 'ollama', baseURL: 'http://host.docker.internal:11434/v1', model: 'qwen2.5-coder:7b-kiln64k', contextLength: 65536 });
    const custom = { ...r.default, model: { ...r.default.model, baseURL: 'http://localhost:12345' } };
    expect(agentEndpoint(custom).baseURL).toBe('http://host.docker.internal:12345/v1');
  });

  it('cloud: the provider\'s OpenAI-compatible URL and the variable holding the key', () => {
    const r = resolveModels(config, { ollamaModels: [], keys: ['anthropic'] }, [{ id: 'reviewer', model: 'claude' }]);
    expect(agentEndpoint(r.agents.reviewer!)).toEqual({ provider: 'anthropic', baseURL: 'https://api.anthropic.com/v1', model: 'claude-sonnet-4-5', contextLength: 200000, apiKeyEnv: 'ANTHROPIC_API_KEY' });
    expect(forContainer('https://api.example.com/v1')).toBe('https://api.example.com/v1');
  });
});
