// Recipe format v0: the zod schemas of recipe.json and models/config.json.
// Shape only; checks that span fields or files (duplicate ids, model references, prompt files)
// live in validate.ts. Every object is strict so a misspelt key is reported, not ignored.
// The written spec is docs/recipe-format.md; keep the two in step.
import { z } from 'zod';

/** The only format version this build understands; future migrations are keyed on it (docs/recipe-format.md, "Versioning"). */
export const RECIPE_FORMAT = 0;

export const AGENT_KINDS = ['opencode', 'claude-code', 'codex', 'gemini-cli'] as const;
export const MODEL_PROVIDERS = ['ollama', 'anthropic', 'openai', 'google', 'openrouter', 'openai-compatible'] as const;

export { DEFAULT_MODEL_REF } from './refs';

// Lowercase slug: starts with a letter or digit; '.', '_' and '-' allowed inside.
const SLUG = /^[a-z0-9][a-z0-9._-]*$/;
// Model ids may carry capitals (e.g. "Qwen-Coder") but no spaces or path characters.
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// semver.org's regular expression (2.0.0), verbatim.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const RECIPE_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

const slug = (what: string) =>
  z
    .string()
    .min(1, `The ${what} is empty; give it a short lowercase name such as "reviewer".`)
    .max(64, `The ${what} is longer than 64 characters; shorten it.`)
    .regex(SLUG, `The ${what} may use only lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. "my-recipe").`);

const modelId = (what: string) =>
  z
    .string()
    .min(1, `The ${what} is empty; name a model defined under "models".`)
    .max(64, `The ${what} is longer than 64 characters; shorten it.`)
    .regex(MODEL_ID, `The ${what} may use only letters, digits, ".", "_" and "-" (e.g. "local-coder").`);

const formatField = z.literal(RECIPE_FORMAT, `"format" must be ${RECIPE_FORMAT} for this version of Kiln.`);

export const AuthorSchema = z.union([
  z.string().min(1, 'The author is empty; give a name or remove the field.').max(200),
  z.strictObject({
    name: z.string().min(1, 'The author name is empty; give a name.').max(200),
    email: z.email('The author email is not a valid address; fix it or remove the field.').optional(),
    url: z.url({ protocol: /^https?$/, error: 'The author url must be an http(s) address; fix it or remove the field.' }).optional(),
  }),
]);

export const AgentSchema = z.strictObject({
  id: slug('agent id'),
  agent: z.enum(AGENT_KINDS, `The agent must be one of: ${AGENT_KINDS.join(', ')}.`),
  role: z.string().min(1).max(200).optional(),
  // Relative POSIX path to a Markdown file inside the recipe; safety and presence are checked in validate.ts.
  prompt: z
    .string()
    .min(1, 'The prompt path is empty; give a path such as "roles/reviewer.md" or remove the field.')
    .max(512)
    .regex(/\.md$/i, 'The prompt must be a Markdown file (ending in ".md"), e.g. "roles/reviewer.md".')
    .optional(),
  // A model id of models/config.json, or "default".
  model: modelId('model reference').optional(),
});

export const RoomSchema = z.strictObject({
  topic: z.string().min(1).max(2000).optional(),
  // Agent ids taking part; absent means every agent of the recipe.
  members: z.array(slug('room member')).min(1).optional(),
  turns: z.enum(['free', 'round-robin'], 'The room "turns" must be "free" or "round-robin".').optional(),
  maxTurns: z.int().min(1).max(10_000).optional(),
});

export const RecipeSchema = z.strictObject({
  format: formatField,
  name: slug('recipe name'),
  description: z.string().max(2000, 'The description is longer than 2000 characters; shorten it.'),
  author: AuthorSchema.optional(),
  version: z.string().regex(SEMVER, 'The version must be a semantic version such as "1.0.0" (see semver.org).'),
  parent: z
    .string()
    .regex(RECIPE_HASH_PATTERN, 'The parent must be a recipe hash: "sha256:" followed by 64 lowercase hex digits.')
    .optional(),
  agents: z.array(AgentSchema).min(1, 'A recipe needs at least one agent; add one to "agents".').max(32),
  room: RoomSchema.optional(),
  tags: z.array(z.string().min(1).max(32)).max(20).optional(),
});

export const ModelParametersSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(1).optional(),
  max_tokens: z.int().min(1).optional(),
  seed: z.int().optional(),
  stop: z.array(z.string()).max(8).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  // Provider-specific scalars passed through unchanged (e.g. Ollama's "num_gpu").
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const ModelSchema = z.strictObject({
  provider: z.enum(MODEL_PROVIDERS, `The provider must be one of: ${MODEL_PROVIDERS.join(', ')}.`),
  model: z.string().min(1, 'The model name is empty; give the provider\'s model name, e.g. "qwen2.5-coder:7b".').max(200),
  baseURL: z.url({ protocol: /^https?$/, error: 'The baseURL must be an http(s) address such as "http://localhost:11434".' }).optional(),
  contextLength: z.int().min(1024).optional(),
  parameters: ModelParametersSchema.optional(),
  fallback: z.array(modelId('fallback model id')).max(8).optional(),
});

export const ModelsConfigSchema = z.strictObject({
  format: formatField,
  default: modelId('default model id'),
  models: z.record(modelId('model id'), ModelSchema),
});

export type RecipeAuthor = z.infer<typeof AuthorSchema>;
export type RecipeAgent = z.infer<typeof AgentSchema>;
export type RecipeRoom = z.infer<typeof RoomSchema>;
export type Recipe = z.infer<typeof RecipeSchema>;
export type ModelParameters = z.infer<typeof ModelParametersSchema>;
export type ModelDefinition = z.infer<typeof ModelSchema>;
export type ModelsConfig = z.infer<typeof ModelsConfigSchema>;
export type AgentKind = (typeof AGENT_KINDS)[number];
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];
