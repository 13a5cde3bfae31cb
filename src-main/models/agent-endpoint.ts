// Where an agent inside a pod sends its model requests, for a resolved model: an
// OpenAI-compatible base URL as seen from the container, the model name to ask for, the
// context window, and the name of the environment variable that must carry the key (the key
// itself never passes through here). Feeds opencodeConfig() and the other agents' configs.
import type { ModelProvider } from '../../src-shared/recipe/schema';
import { DEFAULT_MODEL } from './default-model';
import { contextVariantName } from './context-variant';
import { CONTAINER_OLLAMA_URL } from './host-ollama';
import type { Resolution } from './resolve';

export interface AgentModelEndpoint {
  provider: ModelProvider;
  /** OpenAI-compatible, ending in /v1 (or the provider's equivalent), reachable from the container. */
  baseURL: string;
  /** The name to request: for Ollama, the context-length variant (see ensureContextVariant). */
  model: string;
  contextLength: number;
  /** Environment variable the agent reads the key from; absent for local models. */
  apiKeyEnv?: string;
}

/** OpenAI-compatible endpoints of the cloud providers and the variable each key lives in. */
const CLOUD: Record<Exclude<ModelProvider, 'ollama' | 'openai-compatible'>, { baseURL: string; apiKeyEnv: string; contextLength: number }> = {
  openai: { baseURL: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', contextLength: 128_000 },
  anthropic: { baseURL: 'https://api.anthropic.com/v1', apiKeyEnv: 'ANTHROPIC_API_KEY', contextLength: 200_000 },
  google: { baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', apiKeyEnv: 'GEMINI_API_KEY', contextLength: 1_000_000 },
  openrouter: { baseURL: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY', contextLength: 128_000 },
};

/** The cloud provider whose key lives in this variable (the key store is keyed by provider). */
export function providerOfKeyEnv(name: string): string | undefined {
  return Object.entries(CLOUD).find(([, c]) => c.apiKeyEnv === name)?.[0];
}

/** The kept key for the provider whose key lives in variable `name`, if any. */
export function keptKeyFor(name: string, keys: { get(provider: string): string | undefined }): string | undefined {
  const provider = providerOfKeyEnv(name);
  return provider ? keys.get(provider) : undefined;
}

/** A host address as a container sees it: localhost is the container itself, so use the host gateway name. */
export function forContainer(url: string, hostName = new URL(CONTAINER_OLLAMA_URL).hostname): string {
  const u = new URL(url);
  if (['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(u.hostname)) u.hostname = hostName;
  return u.toString().replace(/\/+$/, '');
}

export function agentEndpoint(r: Resolution, opts: { ollamaUrl?: string } = {}): AgentModelEndpoint {
  const m = r.model;
  if (m.provider === 'ollama') {
    const contextLength = m.contextLength ?? DEFAULT_MODEL.contextLength;
    const base = forContainer(m.baseURL ?? opts.ollamaUrl ?? CONTAINER_OLLAMA_URL);
    return { provider: 'ollama', baseURL: `${base}/v1`, model: contextVariantName(m.model, contextLength), contextLength };
  }
  if (m.provider === 'openai-compatible') {
    return { provider: m.provider, baseURL: forContainer(m.baseURL ?? 'http://localhost:8080/v1'), model: m.model, contextLength: m.contextLength ?? 32_768 };
  }
  const cloud = CLOUD[m.provider];
  return { provider: m.provider, baseURL: m.baseURL ?? cloud.baseURL, model: m.model, contextLength: m.contextLength ?? cloud.contextLength, apiKeyEnv: cloud.apiKeyEnv };
}
