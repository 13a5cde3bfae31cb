// Where each agent of a recipe finds its role (placeRecipe), what a recipe source string means
// (parseRecipeSource), and the notes a session gets when a recipe's models fall back.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { placeRecipe } from '../../../../src-main/recipes/apply';
import { prepareSessionRecipe } from '../../../../src-main/recipes/session-recipe';
import { parseRecipeSource } from '../../../../src-main/recipes/source';
import type { Recipe } from '../../../../src-shared/recipe/schema';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ep = (model: string, baseURL = 'http://host.docker.internal:11434/v1') => ({ provider: 'ollama' as const, baseURL, model, contextLength: 65536 });

const recipe: Recipe = {
  format: 0, name: 'mix', description: '', version: '1.0.0',
  agents: [
    { id: 'lead', agent: 'opencode', role: 'Leads: the plan', prompt: 'roles/lead.md' },
    { id: 'helper', agent: 'opencode', prompt: 'roles/helper.md', model: 'big' },
    { id: 'rev', agent: 'claude-code', role: 'Reviews', prompt: 'roles/rev.md' },
    { id: 'c1', agent: 'codex', role: 'One' },
    { id: 'c2', agent: 'codex', role: 'Two', prompt: 'roles/c2.md' },
    { id: 'g', agent: 'gemini-cli', prompt: 'roles/g.md' },
  ],
};
const prompts = { 'roles/lead.md': 'LEAD\n', 'roles/helper.md': 'HELPER\n', 'roles/rev.md': 'REV\n', 'roles/c2.md': 'C2\n', 'roles/g.md': 'G\n' };

describe('placeRecipe', () => {
  const session = ep('qwen-64k');
  const placed = placeRecipe({ recipe, prompts, agentsMd: 'SHARED\n', sessionEndpoint: session, endpoints: { lead: session, helper: ep('big-64k', 'http://10.0.0.5:11434/v1'), rev: session, c1: session, c2: session, g: session } });
  const file = (p: string) => placed.files.find((f) => f.path === `/home/agent/${p}`)?.content;

  it('OpenCode agents get agent files with frontmatter; the first is the default agent; another model gets its own provider', () => {
    expect(file('.config/opencode/agent/lead.md')).toBe('---\ndescription: "Leads: the plan"\nmode: all\n---\n\nLEAD\n');
    expect(file('.config/opencode/agent/helper.md')).toBe('---\ndescription: "helper (mix)"\nmode: all\nmodel: "kiln-helper/big-64k"\n---\n\nHELPER\n');
    const config = JSON.parse(file('.config/opencode/opencode.json')!);
    expect(config.default_agent).toBe('lead');
    expect(config.provider['kiln-helper']).toMatchObject({ options: { baseURL: 'http://10.0.0.5:11434/v1' }, models: { 'big-64k': { tool_call: true } } });
    expect(file('.config/opencode/AGENTS.md')).toBe('SHARED\n');
  });

  it('Claude Code gets a subagent and CLAUDE.md; Codex and Gemini one instructions file each, roles as sections when several', () => {
    expect(file('.claude/agents/rev.md')).toBe('---\nname: rev\ndescription: "Reviews"\nmodel: inherit\n---\n\nREV\n');
    expect(file('.claude/CLAUDE.md')).toBe('SHARED\n');
    expect(file('.codex/AGENTS.md')).toMatch(/^SHARED\n\n## Role "c1" — One\n\nYou are "c1" in the recipe "mix"\. Your role: One\n\n## Role "c2" — Two\n\nC2\n$/);
    expect(file('.gemini/GEMINI.md')).toBe('SHARED\n\nG\n');
    expect(placed.notes).toEqual(['2 codex agents share one instructions file; each role is a section of it, headed by its id.']);
    for (const f of placed.files) expect(f.path.startsWith('/home/agent/')).toBe(true); // never the workspace
  });
});

describe('parseRecipeSource', () => {
  it('tells folders, git URLs with #ref and :subdir, links and hashes apart', () => {
    expect(parseRecipeSource('./my recipe')).toEqual({ kind: 'folder', dir: './my recipe' });
    expect(parseRecipeSource('https://h.org/r.git#v1:recipes/x')).toEqual({ kind: 'git', url: 'https://h.org/r.git', ref: 'v1', subdir: 'recipes/x' });
    expect(parseRecipeSource('git://127.0.0.1:9418/r:sub/dir')).toEqual({ kind: 'git', url: 'git://127.0.0.1:9418/r', subdir: 'sub/dir' });
    expect(parseRecipeSource('git@github.com:o/r.git#main')).toEqual({ kind: 'git', url: 'git@github.com:o/r.git', ref: 'main' });
    expect(parseRecipeSource(`kiln://recipe?url=${encodeURIComponent('https://h/r')}&ref=main`)).toEqual({ kind: 'git', url: 'https://h/r', ref: 'main', fromLink: true });
    expect(parseRecipeSource(`sha256:${'a'.repeat(64)}`)).toEqual({ kind: 'hash', hash: `sha256:${'a'.repeat(64)}` });
  });

  it('refuses a bad ref, a subdir leaving the repository, a password and a bad link, in words', () => {
    expect(() => parseRecipeSource('https://h/r.git#-x')).toThrow(/not a branch, tag or commit/);
    expect(() => parseRecipeSource('https://h/r.git#main:../up')).toThrow(/relative path inside the repository/);
    expect(() => parseRecipeSource('https://u:p@h/r.git')).toThrow(/carries a password/);
    expect(() => parseRecipeSource('kiln://recipe?url=http://h/r')).toThrow(/only https/);
  });
});

describe('a session from the three-agent review without cloud keys', () => {
  it('falls back to local models and says so for each agent', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-apply-'));
    try {
      const r = await prepareSessionRecipe(path.join(REPO, 'resources', 'recipes', 'three-agent-review'), {
        kilnHome: home,
        detect: async () => ({ found: true, url: 'http://127.0.0.1:11434', version: '0.12.0', models: [{ name: 'qwen2.5-coder:7b', size: 1 }] }) as never,
      });
      expect(r.notes).toEqual([
        'Agent architect: claude-sonnet-4-5 needs a anthropic key; using its fallback qwen2.5-coder:7b instead.',
        'Agent implementer: gpt-5-codex needs a openai key; using its fallback qwen2.5-coder:7b instead.',
      ]);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});
