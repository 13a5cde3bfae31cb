// OpenCode's configuration for a Kiln session, as the JSON for OPENCODE_CONFIG_CONTENT (or an
// opencode.json): one provider for the chosen model through @ai-sdk/openai-compatible, every
// permission allowed (the container is the sandbox), no update checks, no sharing. The Kiln
// recorder plugin is not listed here: the image installs it in OpenCode's global plugins folder
// (see system-hooks.ts), which OpenCode always loads, whatever a project's config says.
// Pure: no Node or platform imports, so the host can use it as well.
/** The provider id the generated config defines; models are addressed as `kiln/<model>`. */
export const OPENCODE_PROVIDER_ID = 'kiln';

/**
 * The model catalogue OpenCode reads instead of models.dev's: empty (the image's
 * src-container/agents/opencode/models.json). Our provider lists its model itself, and without
 * a catalogue file OpenCode builds its built-in snapshot of every provider and model known,
 * which cost ~2 CPU-seconds before each first model request (issue 12).
 */
export const OPENCODE_MODELS_CATALOGUE = '/opt/kiln/agents/opencode/models.json';

/**
 * Environment for running OpenCode offline and quietly in a pod. The model catalogue
 * (models.dev) is neither fetched nor built from OpenCode's snapshot: our provider lists its
 * model itself.
 */
export const OPENCODE_ENV: Readonly<Record<string, string>> = {
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_MODELS_PATH: OPENCODE_MODELS_CATALOGUE,
  OPENCODE_DISABLE_SHARE: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
};

export interface OpencodeConfigInput {
  /** The model name the endpoint knows, e.g. "qwen2.5-coder:7b". */
  model: string;
  /** An OpenAI-compatible base URL ending in /v1, e.g. "http://host.docker.internal:11434/v1". */
  baseURL: string;
  /** Context window in tokens; Ollama needs ≥ 64K for agents' tool calls to survive. */
  contextLength: number;
  /** Output token limit (default 8192). */
  outputLimit?: number;
  /** Key for a cloud endpoint; local Ollama needs none. Prefer `{env:NAME}` over a literal key. */
  apiKey?: string;
  /** Display name of the provider in OpenCode's UI. */
  providerName?: string;
  /** Model used for titles and summaries (default: the same model). */
  smallModel?: string;
}

export interface OpencodeConfig {
  $schema: string;
  model: string;
  small_model: string;
  provider: Record<string, unknown>;
  permission: 'allow';
  autoupdate: false;
  share: 'disabled';
}

export function opencodeConfig(input: OpencodeConfigInput): OpencodeConfig {
  const models: Record<string, unknown> = {};
  const define = (name: string) => {
    models[name] = { name, tool_call: true, limit: { context: input.contextLength, output: input.outputLimit ?? 8192 } };
  };
  define(input.model);
  if (input.smallModel && input.smallModel !== input.model) define(input.smallModel);
  return {
    $schema: 'https://opencode.ai/config.json',
    model: `${OPENCODE_PROVIDER_ID}/${input.model}`,
    small_model: `${OPENCODE_PROVIDER_ID}/${input.smallModel ?? input.model}`,
    provider: {
      [OPENCODE_PROVIDER_ID]: {
        npm: '@ai-sdk/openai-compatible',
        name: input.providerName ?? 'Kiln',
        options: { baseURL: input.baseURL, ...(input.apiKey ? { apiKey: input.apiKey } : {}) },
        models,
      },
    },
    permission: 'allow',
    autoupdate: false,
    share: 'disabled',
  };
}
