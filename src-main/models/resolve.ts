// A recipe's models/config.json says which model each agent wants, with fallbacks; the host
// knows what it actually has (models pulled into Ollama, cloud keys). Resolution walks each
// chain and says, in a sentence, when it had to fall back — never silently.
import type { ModelDefinition, ModelProvider, ModelsConfig } from '../../src-shared/recipe/schema';
import { DEFAULT_MODEL_REF } from '../../src-shared/recipe/refs';
import { DEFAULT_MODEL } from './default-model';

export interface Availability {
  /** Model names present in the Ollama Kiln uses (e.g. "qwen2.5-coder:7b"). */
  ollamaModels: string[];
  /** Cloud providers that have a key stored. */
  keys: ModelProvider[];
}

export interface Resolution {
  /** The model id of models/config.json chosen (or "default" for the app's default model). */
  id: string;
  model: ModelDefinition;
  /** The id the agent asked for. */
  requested: string;
  fellBack: boolean;
  /** True when the chosen model still has to be pulled (nothing in the chain was available). */
  needsPull: boolean;
  /** A sentence for the user when it fell back or needs a pull. */
  note?: string;
}

export interface ResolvedModels {
  default: Resolution;
  /** Per agent id. */
  agents: Record<string, Resolution>;
  /** Every note, once. */
  notes: string[];
}

const APP_DEFAULT: ModelDefinition = { provider: 'ollama', model: DEFAULT_MODEL.name, contextLength: DEFAULT_MODEL.contextLength };
const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);

export function isAvailable(model: ModelDefinition, available: Availability): boolean {
  switch (model.provider) {
    case 'ollama':
      return available.ollamaModels.map(withTag).includes(withTag(model.model));
    case 'openai-compatible':
      return true; // a URL of the user's choosing: nothing to check it against here
    default:
      return available.keys.includes(model.provider);
  }
}

function why(model: ModelDefinition): string {
  return model.provider === 'ollama' ? 'is not downloaded' : model.provider === 'openai-compatible' ? 'is not reachable' : `needs a ${model.provider} key`;
}

function resolveOne(config: ModelsConfig | undefined, requested: string, available: Availability): Resolution {
  const startId = requested === DEFAULT_MODEL_REF ? (config?.default ?? DEFAULT_MODEL_REF) : requested;
  const lookup = (id: string): ModelDefinition | undefined => (id === DEFAULT_MODEL_REF && !config ? APP_DEFAULT : config?.models[id]);

  // Breadth-first along the fallback lists; validation already refused cycles, `seen` is a guard.
  const chain: string[] = [];
  const queue = [startId];
  const seen = new Set<string>();
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || !lookup(id)) continue;
    seen.add(id);
    chain.push(id);
    queue.push(...(lookup(id)!.fallback ?? []));
  }
  const first = chain[0];
  if (first === undefined) {
    return { id: DEFAULT_MODEL_REF, model: APP_DEFAULT, requested, fellBack: true, needsPull: !isAvailable(APP_DEFAULT, available), note: `Model "${requested}" is not defined; using Kiln's default ${APP_DEFAULT.model}.` };
  }
  const hit = chain.find((id) => isAvailable(lookup(id)!, available));
  if (hit === first) return { id: hit, model: lookup(hit)!, requested, fellBack: false, needsPull: false };
  const firstModel = lookup(first)!;
  if (hit !== undefined) {
    const m = lookup(hit)!;
    return { id: hit, model: m, requested, fellBack: true, needsPull: false, note: `${firstModel.model} ${why(firstModel)}; using its fallback ${m.model} instead.` };
  }
  // Nothing usable: the first local model of the chain can be downloaded.
  const pullable = chain.find((id) => lookup(id)!.provider === 'ollama');
  const id = pullable ?? first;
  const m = lookup(id)!;
  const fellBack = id !== first;
  return {
    id, model: m, requested, fellBack, needsPull: m.provider === 'ollama',
    note: m.provider === 'ollama'
      ? `${fellBack ? `${firstModel.model} ${why(firstModel)} and nothing in its fallback list is available; ` : ''}${m.model} will be downloaded first.`
      : `${m.model} ${why(m)}, and no fallback is available.`,
  };
}

/**
 * @param config the recipe's models/config.json, or undefined for "Kiln's default model"
 * @param agents the recipe's agents (their `model` reference; absent means the default)
 */
export function resolveModels(config: ModelsConfig | undefined, available: Availability, agents: { id: string; model?: string }[] = []): ResolvedModels {
  const def = resolveOne(config, DEFAULT_MODEL_REF, available);
  const byAgent: Record<string, Resolution> = {};
  for (const a of agents) byAgent[a.id] = a.model && a.model !== DEFAULT_MODEL_REF ? resolveOne(config, a.model, available) : def;
  const notes = [...new Set([def, ...Object.values(byAgent)].flatMap((r) => (r.note ? [r.note] : [])))];
  return { default: def, agents: byAgent, notes };
}
