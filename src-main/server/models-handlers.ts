// Models and keys for the window: which Ollama sessions use (the host's, Kiln's container, or
// none), the default model and whether it is there, and the cloud keys kept (never the keys).
import type { Handlers } from '../../src-shared/api/rpc';
import { BridgeError } from '../../src-shared/api/rpc';
import type { ModelsStatus } from '../../src-shared/api/contract';
import { DEFAULT_MODEL } from '../models/default-model';
import { detectHostOllama, type HostOllama } from '../models/host-ollama';
import { ollamaContainerState } from '../models/ollama-container';
import type { WindowServices } from '../services';
import { keyHint, type SecretStore } from '../settings/secret-store';

export const PROVIDERS: readonly { provider: string; label: string }[] = [
  { provider: 'anthropic', label: 'Anthropic' },
  { provider: 'openai', label: 'OpenAI' },
  { provider: 'google', label: 'Google Gemini' },
  { provider: 'openrouter', label: 'OpenRouter' },
];

/** "qwen2.5-coder:7b" is present as itself or as a context variant of it ("qwen2.5-coder:7b-64k"). */
const hasModel = (models: { name: string }[], name: string) => models.some((m) => m.name === name || m.name.startsWith(`${name}-`) || m.name === `${name}:latest`);

export async function modelsStatus(services: WindowServices, secrets: SecretStore): Promise<ModelsStatus> {
  const [found, box] = await Promise.all([detectHostOllama({ timeoutMs: 1000 }), services.engine.docker ? ollamaContainerState(services.engine.docker) : Promise.resolve({ state: 'absent' as const })]);
  const boxUrl = box.state === 'running' ? box.url : undefined;
  // Kiln's container publishes 127.0.0.1:11434: an Ollama answering there may be it, not the host's.
  const host = found.found && found.url !== boxUrl ? found : undefined;
  const inBox: HostOllama | undefined = boxUrl ? (found.found && found.url === boxUrl ? found : await detectHostOllama({ urls: [boxUrl], timeoutMs: 1000 })) : undefined;
  const boxModels = inBox?.found ? inBox.models.map((m) => ({ name: m.name, size: m.size })) : [];
  const keys = PROVIDERS.map(({ provider, label }) => {
    const key = secrets.get(provider);
    return { provider, label, set: key !== undefined, ...(key ? { hint: keyHint(key) } : {}) };
  });
  const active = host ? 'host' : boxUrl ? 'container' : keys.some((k) => k.set) ? 'cloud' : 'none';
  const activeModels = host ? host.models : active === 'container' ? boxModels : [];
  return {
    ...(host ? { host: { url: host.url, version: host.version, models: host.models.map((m) => ({ name: m.name, size: m.size })) } } : {}),
    container: { state: box.state, ...(boxUrl ? { url: boxUrl } : {}), models: boxModels },
    default: { name: DEFAULT_MODEL.name, label: DEFAULT_MODEL.label, approxBytes: DEFAULT_MODEL.approxBytes, present: hasModel(activeModels, DEFAULT_MODEL.name) },
    active,
    keys,
  };
}

export function keysHandlers(secrets: SecretStore): Pick<Handlers, 'keys.set' | 'keys.clear'> {
  const known = (provider: string) => {
    if (!PROVIDERS.some((p) => p.provider === provider)) {
      throw new BridgeError('E_KEY_PROVIDER', `Kiln does not know the provider "${provider}".`, `Use one of: ${PROVIDERS.map((p) => p.provider).join(', ')}.`);
    }
  };
  return {
    'keys.set': ({ provider, key }) => {
      known(provider);
      const k = key.trim();
      if (/\s/.test(k)) throw new BridgeError('E_KEY_FORMAT', 'An API key has no spaces in it.', 'Paste the key exactly as the provider shows it.');
      secrets.set(provider, k);
      return { provider, set: true as const, hint: keyHint(k) };
    },
    'keys.clear': ({ provider }) => {
      known(provider);
      secrets.clear(provider);
      return { provider, set: false as const };
    },
  };
}
