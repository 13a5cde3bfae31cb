// kiln recipe ls | validate | hash | import | save | fork — recipes as files; no Docker needed.
import { join } from 'node:path';
import { kilnError, KilnFailure } from '../../../src-shared/errors';
import type { RecipeHash } from '../../../src-shared/recipe/hash';
import type { describeProblems as DescribeProblems } from '../../recipes/open';
import type { RecipeCard, RecipeService } from '../../recipes/service';
import { kilnPaths } from '../../sessions/paths';
import { REPO_ROOT } from '../../repo-root';
import type { Command, CommandContext } from '../command';
import { table } from '../output';

/** Built-in recipes ship in resources/recipes (KILN_BUILTIN_RECIPES overrides, for tests). */
/** The recipe code (loaded here: only recipe commands need it) and the service on this home. */
export async function recipes(ctx: Pick<CommandContext, 'env'>): Promise<{ service: RecipeService; describeProblems: typeof DescribeProblems }> {
  const [{ RecipeService }, { describeProblems }] = await Promise.all([import('../../recipes/service'), import('../../recipes/open')]);
  const paths = kilnPaths(ctx.env);
  const service = new RecipeService({ kilnHome: paths.home, sessionsDir: paths.sessions, builtinDir: ctx.env.KILN_BUILTIN_RECIPES ?? join(REPO_ROOT, 'resources', 'recipes') });
  return { service, describeProblems };
}

const cardLines = (c: RecipeCard) => [
  `${c.name} ${c.version}  ${c.hash}`,
  `  ${c.description}`,
  ...(c.parent ? [`  forked from ${c.parentName ?? c.parent}`] : []),
  ...c.agents.map((a) => `  agent ${a.id.padEnd(12)} ${a.agent.padEnd(12)} ${a.model}${a.role ? `  — ${a.role}` : ''}`),
];

export const recipeLs: Command = {
  name: 'recipe ls',
  summary: 'list recipes: built-in and imported (the gallery)',
  usage: 'kiln recipe ls [--json]\n\nJSON: an array of recipe cards { hash, short, name, description, author?, version, parent?, parentName?, agents[], models[], tags[], builtin, origin? }.',
  async run(ctx) {
    const cards = await (await recipes(ctx)).service.list();
    ctx.out.result(cards, () => table(cards.map((c) => [c.short, c.name, c.builtin ? 'built-in' : (c.origin?.kind ?? ''), c.agents.map((a) => a.agent).join(','), c.parentName ? `← ${c.parentName}` : c.parent ? `← ${c.parent.slice(7, 19)}` : '']), ['HASH', 'NAME', 'FROM', 'AGENTS', 'PARENT']));
  },
};

export const recipeValidate: Command = {
  name: 'recipe validate',
  summary: 'check a recipe (folder, git URL or link) and list every problem',
  usage: 'kiln recipe validate SOURCE [--json]\n\nExit 0 when valid. JSON: { ok, hash?, errors: [{ code, file?, path, message }] }.',
  positionals: [1, 1],
  async run(ctx) {
    const { service, describeProblems } = await recipes(ctx);
    const r = await service.validate(ctx.args[0]!);
    ctx.out.result(r, () => (r.ok ? `Valid recipe ${r.hash}.` : [`${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}:`, ...describeProblems(r.errors).map((l) => `  ${l}`)]));
    return r.ok ? 0 : 1;
  },
};

export const recipeHash: Command = {
  name: 'recipe hash',
  summary: 'the recipe hash (sha256:<hex>) of a valid recipe',
  usage: 'kiln recipe hash SOURCE [--json]\n\nJSON: { hash }.',
  positionals: [1, 1],
  async run(ctx) {
    const { service, describeProblems } = await recipes(ctx);
    const r = await service.validate(ctx.args[0]!);
    if (!r.ok) throw new KilnFailure(kilnError('E_RECIPE_INVALID', `The recipe has ${r.errors.length} problem(s): ${describeProblems(r.errors).join(' ')}`, 'See `kiln recipe validate` for the list.'));
    ctx.out.result({ hash: r.hash }, () => r.hash!);
  },
};

export const recipeImport: Command = {
  name: 'recipe import',
  summary: 'add a recipe, or turn a devcontainer.json / agent files / AGENTS.md into one',
  usage: [
    'kiln recipe import PATH [--out DIR] [--name NAME] [--json]',
    '',
    'PATH: a recipe folder, git URL or kiln:// link (added to the library as it is), or a',
    'devcontainer.json, .claude/agents or .opencode/agent file, AGENTS.md / CLAUDE.md / GEMINI.md,',
    '.container-use/environment.json, or a folder holding them (a new recipe folder, default under',
    '$KILN_HOME/recipes/imported, with IMPORT-REPORT.md). Nothing is executed; nothing is expanded.',
    'JSON: { card?, problems[], dir?, report?: { sources, mapped[], notes[], refused[] } }.',
  ].join('\n'),
  options: { out: { type: 'string' }, name: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const { service, describeProblems } = await recipes(ctx);
    const r = await service.importPath(ctx.args[0]!, {
      ...(typeof ctx.values.out === 'string' ? { out: ctx.values.out } : {}),
      ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
    });
    ctx.out.result(r, () => [
      ...(r.card ? [`Imported ${r.card.name} ${r.card.hash}${r.dir ? ` into ${r.dir}` : ''}.`, ...cardLines(r.card).slice(1)] : ['Not imported:']),
      ...describeProblems(r.problems).map((l) => `  ${l}`),
      ...(r.report
        ? [
            ...r.report.mapped.map((i) => `  mapped   ${i.what}: ${i.detail}`),
            ...r.report.notes.map((i) => `  note     ${i.what}: ${i.detail}`),
            ...r.report.refused.map((i) => `  refused  ${i.what}: ${i.detail}`),
          ]
        : []),
    ]);
    return r.card ? 0 : 1;
  },
};

export const recipeSave: Command = {
  name: 'recipe save',
  summary: 'write a session\'s setup as a recipe folder',
  usage: 'kiln recipe save SESSION DIR [--json]\n\nDIR must not exist (or be empty). Loading DIR in a new session gives the same recipe hash. JSON: { dir, hash }.',
  positionals: [2, 2],
  async run(ctx) {
    const r = await (await recipes(ctx)).service.save(ctx.args[0]!, ctx.args[1]!);
    ctx.out.result(r, () => `Saved ${ctx.args[0]} as a recipe in ${r.dir} (${r.hash}).`);
  },
};

export const recipeFork: Command = {
  name: 'recipe fork',
  summary: 'copy a recipe to a new folder with its parent recorded',
  usage: 'kiln recipe fork SOURCE DIR [--name NAME] [--json]\n\nSOURCE: a folder, git URL, kiln:// link or library hash. JSON: { dir, hash, parent }.',
  options: { name: { type: 'string' } },
  positionals: [2, 2],
  async run(ctx) {
    const r = await (await recipes(ctx)).service.fork(ctx.args[0]!, ctx.args[1]!, typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {});
    ctx.out.result(r, () => `Forked into ${r.dir} (${r.hash}), parent ${r.parent as RecipeHash}.`);
  },
};

export const RECIPE_COMMANDS: readonly Command[] = [recipeLs, recipeValidate, recipeHash, recipeImport, recipeSave, recipeFork];
