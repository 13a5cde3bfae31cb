// Which model a new session's agent talks to, decided once at `kiln up`: the recipe's models
// config (or an explicit --model, or Kiln's default), resolved against what the host really has
// (a native Ollama answering on the host), as an endpoint the container can reach.
import type { ModelsConfig } from '../../src-shared/recipe/schema';
import { agentEndpoint, type AgentModelEndpoint } from '../models/agent-endpoint';
import { ensureContextVariant } from '../models/context-variant';
import { DEFAULT_MODEL } from '../models/default-model';
import { detectHostOllama, type HostOllama } from '../models/host-ollama';
import { resolveModels } from '../models/resolve';
import { OLLAMA_NETWORK_URL, type OllamaContainerState } from '../models/ollama-container';

export interface SessionModel {
  endpoint: AgentModelEndpoint;
  /** Sentences for the person: a fallback taken, a model still to pull. */
  notes: string[];
}

export async function sessionModel(opts: {
  models?: ModelsConfig;
  explicit?: string;
  detect?: () => Promise<HostOllama>;
  /** Kiln's Ollama container: when it is the Ollama in use, the agent reaches it by name. */
  container?: () => Promise<OllamaContainerState>;
}): Promise<SessionModel> {
  const [found, box] = await Promise.all([
    (opts.detect ?? (() => detectHostOllama({ timeoutMs: 1500 })))(),
    opts.container?.().catch(() => undefined),
  ]);
  const boxUrl = box?.state === 'running' ? box.url : undefined;
  // The container publishes 127.0.0.1:11434, so "the host's Ollama" may be it: then use it by name.
  const viaContainer = !!boxUrl && (!found.found || found.url === boxUrl);
  const host: HostOllama = viaContainer && !found.found ? await detectHostOllama({ urls: [boxUrl], timeoutMs: 1500 }) : found;
  const available = { ollamaModels: host.found ? host.models.map((m) => m.name) : [], keys: [] };
  const config: ModelsConfig | undefined = opts.explicit
    ? { format: 0, default: 'chosen', models: { chosen: { provider: 'ollama', model: opts.explicit, contextLength: DEFAULT_MODEL.contextLength } } }
    : opts.models;
  const chosen = resolveModels(config, available).default;
  const endpoint = agentEndpoint(chosen, host.found ? { ollamaUrl: viaContainer ? OLLAMA_NETWORK_URL : host.url } : {});
  const notes = chosen.note ? [chosen.note] : [];
  if (host.found && chosen.model.provider === 'ollama' && !chosen.needsPull) {
    // Ollama's OpenAI endpoint cannot set num_ctx: the agent asks for a variant that has it.
    await ensureContextVariant({ host: host.url, model: chosen.model.model, contextLength: endpoint.contextLength }).catch((err: unknown) => {
      notes.push(`Could not prepare ${endpoint.model} (${err instanceof Error ? err.message : String(err)}); the agent may get Ollama's short default context.`);
    });
  }
  if (!host.found && chosen.model.provider === 'ollama') {
    notes.push(`No Ollama answered on this machine; start Ollama and run \`kiln models pull ${chosen.model.model}\` so the agent has its model.`);
  }
  return { endpoint, notes };
}
