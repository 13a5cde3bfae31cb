// Which agent can talk to which kind of model. Each agent speaks one wire protocol: OpenCode
// OpenAI Chat Completions (every provider Kiln knows serves it), Claude Code Anthropic Messages,
// Codex the OpenAI Responses API, Gemini CLI Google's Gemini API (generateContent). A session's
// model is one provider's endpoint; offering an agent whose protocol it does not serve only lets
// the user find out at the first prompt. Pure: the "New tab" menu (terminal.kinds) and
// prepareInteractiveAgent (the CLI's `kiln attach --agent` too) ask the same question here.
import type { ModelProvider } from '../../src-shared/recipe/schema';
import { kilnError, type KilnError } from '../../src-shared/errors';
import { providerOfKeyEnv } from '../models/agent-endpoint';
import type { TerminalAgent } from './terminal-agents';

type Protocol = 'chat-completions' | 'anthropic-messages' | 'responses' | 'gemini';

const PROTOCOL: Record<TerminalAgent, Protocol> = {
  opencode: 'chat-completions',
  'claude-code': 'anthropic-messages',
  codex: 'responses',
  'gemini-cli': 'gemini',
};

const PROTOCOL_NAME: Record<Protocol, string> = {
  'chat-completions': 'OpenAI Chat Completions API',
  'anthropic-messages': 'Anthropic Messages API',
  responses: 'OpenAI Responses API',
  gemini: 'Gemini API',
};

/**
 * What each provider's endpoint serves. Ollama serves Chat Completions, Anthropic Messages
 * (0.14+) and Responses (0.13+) under /v1, never the Gemini API. An "OpenAI-compatible" server
 * promises Chat Completions only. Anthropic's and Google's OpenAI layers stop at Chat Completions;
 * OpenRouter adds Messages and Responses.
 */
const SERVES: Record<ModelProvider, readonly Protocol[]> = {
  ollama: ['chat-completions', 'anthropic-messages', 'responses'],
  'openai-compatible': ['chat-completions'],
  openai: ['chat-completions', 'responses'],
  anthropic: ['chat-completions', 'anthropic-messages'],
  google: ['chat-completions', 'gemini'],
  openrouter: ['chat-completions', 'anthropic-messages', 'responses'],
};

/** The model as a person names it in a sentence. */
const DESCRIBED: Record<ModelProvider, string> = {
  ollama: 'local Ollama model',
  'openai-compatible': 'OpenAI-compatible server',
  openai: 'OpenAI model',
  anthropic: 'Anthropic model',
  google: 'Gemini model',
  openrouter: 'OpenRouter model',
};

const TITLES: Record<TerminalAgent, string> = { opencode: 'OpenCode', 'claude-code': 'Claude Code', codex: 'Codex CLI', 'gemini-cli': 'Gemini CLI' };

/** What a session records of its model (metadata.ts); `provider` is absent in older records. */
export interface SessionEndpoint {
  provider?: string;
  baseURL: string;
  apiKeyEnv?: string;
}

const isProvider = (p: string | undefined): p is ModelProvider => !!p && p in SERVES;

/**
 * The provider behind a session's endpoint. Records older than `provider` tell a cloud model by
 * its key variable; without one it was local, and Kiln's local models are Ollama's.
 */
export function sessionProvider(e: SessionEndpoint): ModelProvider {
  if (isProvider(e.provider)) return e.provider;
  const byKey = e.apiKeyEnv ? providerOfKeyEnv(e.apiKeyEnv) : undefined;
  return isProvider(byKey) ? byKey : 'ollama';
}

/** True when `agent` can send its requests to `provider`'s endpoint. */
export function agentWorksWith(agent: TerminalAgent, provider: ModelProvider): boolean {
  return SERVES[provider].includes(PROTOCOL[agent]);
}

/**
 * Why `agent` cannot run on this session's model (one sentence, and what to do instead), or
 * undefined when it can. No endpoint recorded: only OpenCode, configured by the container itself.
 */
export function agentUnavailable(agent: TerminalAgent, endpoint: SessionEndpoint | undefined): KilnError | undefined {
  if (agent === 'opencode') return undefined;
  if (!endpoint) {
    return kilnError('E_AGENT_NO_MODEL', `This session has no model endpoint recorded, so ${TITLES[agent]} would not know where to send its requests.`, 'Use OpenCode here, or start a new session (`kiln up`): sessions made by this version record their model.');
  }
  const provider = sessionProvider(endpoint);
  if (agentWorksWith(agent, provider)) return undefined;
  const others = (Object.keys(PROTOCOL) as TerminalAgent[]).filter((a) => agentWorksWith(a, provider)).map((a) => TITLES[a]);
  const list = others.length > 1 ? `${others.slice(0, -1).join(', ')} or ${others.at(-1)!}` : others[0]!;
  return kilnError(
    'E_AGENT_MODEL',
    `${TITLES[agent]} needs the ${PROTOCOL_NAME[PROTOCOL[agent]]}, which this session's ${DESCRIBED[provider]} does not serve.`,
    `Use ${list} in this session, or start one on a model ${TITLES[agent]} can use.`,
  );
}
