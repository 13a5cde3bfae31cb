// Ollama runs models with a 4K context unless told otherwise, which silently truncates an
// agent's tool definitions. Requests over the OpenAI-compatible API cannot set num_ctx, so we
// give the model a sibling with num_ctx baked in ("qwen2.5-coder:7b" → "qwen2.5-coder:7b-kiln64k")
// and point agents at that. Creating it copies no weights (same layers, new parameters).
import { Ollama } from 'ollama';

export function contextVariantName(model: string, contextLength: number): string {
  const [base, tag = 'latest'] = model.split(':');
  return `${base}:${tag}-kiln${Math.round(contextLength / 1024)}k`;
}

/** Creates the variant unless it already exists; returns its name. */
export async function ensureContextVariant(opts: { host: string; model: string; contextLength: number }): Promise<string> {
  const client = new Ollama({ host: opts.host });
  const name = contextVariantName(opts.model, opts.contextLength);
  const { models } = await client.list();
  if (models.some((m) => m.name === name)) return name;
  await client.create({ model: name, from: opts.model, parameters: { num_ctx: opts.contextLength }, stream: false });
  return name;
}
