// Where each agent of a recipe finds its role, in its own native form, as files for the agent's
// HOME in the workspace container (user-level configuration: the user's workspace folder is
// never touched). Pure: recipe + prompts + resolved endpoints in, path → content out.
//   OpenCode     ~/.config/opencode/agent/<id>.md (frontmatter: description, mode, model),
//                ~/.config/opencode/AGENTS.md (global rules), ~/.config/opencode/opencode.json
//                (default_agent, and a provider for each agent on another model than the session's)
//   Claude Code  ~/.claude/agents/<id>.md (subagent: name, description), ~/.claude/CLAUDE.md
//   Codex        ~/.codex/AGENTS.md (AGENTS.md + its role; Codex reads one global file)
//   Gemini CLI   ~/.gemini/GEMINI.md (context file: AGENTS.md + its role)
import type { Recipe, RecipeAgent } from '../../src-shared/recipe/schema';
import { AGENT_HOME, type HomeFile } from '../agents/setup';
import type { AgentModelEndpoint } from '../models/agent-endpoint';

export interface PlaceRecipeInput {
  recipe: Recipe;
  /** The recipe's AGENTS.md, when it has one. */
  agentsMd?: string;
  /** Prompt text by prompt path (agents[].prompt). */
  prompts: Record<string, string>;
  /** The endpoint the session's OpenCode config already names (OPENCODE_CONFIG_CONTENT). */
  sessionEndpoint: AgentModelEndpoint;
  /** Resolved endpoint of each agent id. */
  endpoints: Record<string, AgentModelEndpoint>;
}

const OPENCODE_DIR = `${AGENT_HOME}/.config/opencode`;
/** Provider id of the session's model in the generated OpenCode config (src-main/agents/opencode.ts). */
const SESSION_PROVIDER = 'kiln';

/** YAML scalar that is always read back as this exact string. */
const yamlString = (s: string) => JSON.stringify(s.replace(/\s+/g, ' ').trim());

const frontmatter = (fields: Record<string, string | undefined>, body: string) =>
  `---\n${Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n---\n\n${body.trim()}\n`;

const sameEndpoint = (a: AgentModelEndpoint, b: AgentModelEndpoint) => a.baseURL === b.baseURL && a.model === b.model;

function roleText(recipe: Recipe, agent: RecipeAgent, prompts: Record<string, string>): string {
  const prompt = agent.prompt ? prompts[agent.prompt] : undefined;
  if (prompt && prompt.trim()) return prompt;
  return `You are "${agent.id}" in the recipe "${recipe.name}".${agent.role ? ` Your role: ${agent.role}` : ''}`;
}

const describe = (recipe: Recipe, agent: RecipeAgent) => agent.role ?? `${agent.id} (${recipe.name})`;

/** The files that give every agent of the recipe its role; `notes` say what could not be placed. */
export function placeRecipe(input: PlaceRecipeInput): { files: HomeFile[]; notes: string[] } {
  const { recipe, prompts, agentsMd } = input;
  const files: HomeFile[] = [];
  const notes: string[] = [];
  const kinds = new Set(recipe.agents.map((a) => a.agent));

  // OpenCode: one agent file each; the first is the default agent of `opencode` in a terminal.
  const opencodeAgents = recipe.agents.filter((a) => a.agent === 'opencode');
  const providers: Record<string, unknown> = {};
  for (const a of opencodeAgents) {
    const ep = input.endpoints[a.id] ?? input.sessionEndpoint;
    let model: string | undefined;
    if (!sameEndpoint(ep, input.sessionEndpoint)) {
      const id = `${SESSION_PROVIDER}-${a.id}`;
      providers[id] = {
        npm: '@ai-sdk/openai-compatible',
        name: `Kiln (${a.id})`,
        options: { baseURL: ep.baseURL, ...(ep.apiKeyEnv ? { apiKey: `{env:${ep.apiKeyEnv}}` } : {}) },
        models: { [ep.model]: { name: ep.model, tool_call: true, limit: { context: ep.contextLength, output: 8192 } } },
      };
      model = `${id}/${ep.model}`;
    }
    files.push({
      path: `${OPENCODE_DIR}/agent/${a.id}.md`,
      content: frontmatter({ description: yamlString(describe(recipe, a)), mode: 'all', ...(model ? { model: yamlString(model) } : {}) }, roleText(recipe, a, prompts)),
    });
  }
  if (opencodeAgents.length > 0 || agentsMd) {
    const config: Record<string, unknown> = { $schema: 'https://opencode.ai/config.json' };
    if (opencodeAgents[0]) config.default_agent = opencodeAgents[0].id;
    if (Object.keys(providers).length) config.provider = providers;
    files.push({ path: `${OPENCODE_DIR}/opencode.json`, content: `${JSON.stringify(config, null, 2)}\n` });
  }
  if (agentsMd) files.push({ path: `${OPENCODE_DIR}/AGENTS.md`, content: agentsMd });

  // Claude Code: subagents, plus CLAUDE.md for the shared instructions.
  for (const a of recipe.agents.filter((x) => x.agent === 'claude-code')) {
    files.push({
      path: `${AGENT_HOME}/.claude/agents/${a.id}.md`,
      content: frontmatter({ name: a.id, description: yamlString(describe(recipe, a)), model: 'inherit' }, roleText(recipe, a, prompts)),
    });
  }
  if (kinds.has('claude-code') && agentsMd) files.push({ path: `${AGENT_HOME}/.claude/CLAUDE.md`, content: agentsMd });

  // Codex and Gemini CLI read one global instructions file each: shared text, then each role.
  const combined = (kind: RecipeAgent['agent']): string | undefined => {
    const agents = recipe.agents.filter((x) => x.agent === kind);
    if (agents.length === 0) return undefined;
    const parts = agentsMd ? [agentsMd.trim()] : [];
    if (agents.length === 1) parts.push(roleText(recipe, agents[0]!, prompts).trim());
    else {
      notes.push(`${agents.length} ${kind} agents share one instructions file; each role is a section of it, headed by its id.`);
      for (const a of agents) parts.push(`## Role "${a.id}"${a.role ? ` — ${a.role}` : ''}\n\n${roleText(recipe, a, prompts).trim()}`);
    }
    return `${parts.join('\n\n')}\n`;
  };
  const codex = combined('codex');
  if (codex) files.push({ path: `${AGENT_HOME}/.codex/AGENTS.md`, content: codex });
  const gemini = combined('gemini-cli');
  if (gemini) files.push({ path: `${AGENT_HOME}/.gemini/GEMINI.md`, content: gemini });
  return { files, notes };
}
