// Recipes as one host service, for the CLI (`kiln recipe …`) and the bridge (recipe-handlers.ts):
// the gallery's cards (built-in + library), import from any source, validate, save a session as
// a recipe, fork. Needs no Docker engine: recipes are files.
import { existsSync, promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import { checkRecipeFileList } from '../../src-shared/recipe/file-list';
import type { RecipeFile, RecipeHash } from '../../src-shared/recipe/hash';
import type { RecipeProblem } from '../../src-shared/recipe/problems';
import { RECIPE_FORMAT, type ModelsConfig, type Recipe } from '../../src-shared/recipe/schema';
import { RECIPE_FILE } from '../../src-shared/recipe/validate';
import { SessionStore } from '../sessions/metadata';
import { RecipeLibrary, type RecipeOrigin, type ValidRecipe } from './library';
import { loadRecipeFolder, readRecipeFolder } from './load';
import { openRecipe, type RecipeInput } from './open';
import { jsonFile, writeRecipeFolder } from './write';
import { importForeign, type ImportReport } from './import';
import { parseRecipeSource } from './source';

export interface RecipeCard {
  hash: RecipeHash;
  /** First 12 hex digits, for the card. */
  short: string;
  name: string;
  description: string;
  author?: string;
  version: string;
  parent?: RecipeHash;
  /** The parent's name when this machine knows it (lineage: "forked from …"). */
  parentName?: string;
  agents: { id: string; agent: string; role?: string; model: string }[];
  models: { id: string; provider: string; model: string }[];
  tags: string[];
  builtin: boolean;
  origin?: RecipeOrigin;
}

export interface ImportResult {
  card?: RecipeCard;
  problems: RecipeProblem[];
}

export function recipeCard(check: ValidRecipe, extra: { builtin?: boolean; origin?: RecipeOrigin; parentName?: string } = {}): RecipeCard {
  const r = check.recipe;
  const models: ModelsConfig | undefined = check.models;
  const author = typeof r.author === 'string' ? r.author : r.author?.name;
  return {
    hash: check.hash,
    short: check.hash.slice(7, 19),
    name: r.name,
    description: r.description,
    ...(author ? { author } : {}),
    version: r.version,
    ...(r.parent ? { parent: r.parent as RecipeHash } : {}),
    ...(extra.parentName ? { parentName: extra.parentName } : {}),
    agents: r.agents.map((a) => {
      const ref = a.model && a.model !== 'default' ? a.model : (models?.default ?? 'default');
      return { id: a.id, agent: a.agent, ...(a.role ? { role: a.role } : {}), model: models?.models[ref]?.model ?? ref };
    }),
    models: models ? Object.entries(models.models).map(([id, m]) => ({ id, provider: m.provider, model: m.model })) : [],
    tags: r.tags ?? [],
    builtin: extra.builtin ?? false,
    ...(extra.origin ? { origin: extra.origin } : {}),
  };
}

const failure = (code: string, message: string, next?: string) => new KilnFailure(kilnError(code, message, next));

export class RecipeService {
  readonly library: RecipeLibrary;
  constructor(readonly opts: { kilnHome: string; builtinDir: string; sessionsDir?: string }) {
    this.library = new RecipeLibrary(opts.kilnHome);
  }

  /** Built-in recipes first (kept in the library so a card's hash starts them), then everything imported. */
  async list(): Promise<RecipeCard[]> {
    const cards: RecipeCard[] = [];
    const seen = new Set<string>();
    const names = await fs.readdir(this.opts.builtinDir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const { check, files } = await readRecipeFolder(join(this.opts.builtinDir, name));
      if (!check.ok) continue; // a unit test keeps every built-in valid
      await this.library.put(check, files, { kind: 'builtin', source: name, addedAt: new Date(0).toISOString() });
      cards.push(recipeCard(check, { builtin: true }));
      seen.add(check.hash);
    }
    for (const hash of await this.library.hashes()) {
      if (seen.has(hash)) continue;
      const check = await this.library.load(hash);
      if (!check.ok) continue;
      const origin = await this.library.origin(hash);
      cards.push(recipeCard(check, { builtin: origin?.kind === 'builtin', ...(origin ? { origin } : {}) }));
    }
    const byHash = new Map(cards.map((c) => [c.hash, c.name]));
    return cards.map((c) => (c.parent && byHash.has(c.parent) ? { ...c, parentName: byHash.get(c.parent)! } : c));
  }

  async get(hash: RecipeHash): Promise<RecipeCard & { files: string[] }> {
    const check = await this.library.load(hash);
    if (!check.ok) throw failure('E_RECIPE_NOT_FOUND', `No recipe ${hash} is in the library on this machine.`, 'List recipes with `kiln recipe ls`.');
    const origin = await this.library.origin(hash);
    return { ...recipeCard(check, { builtin: origin?.kind === 'builtin', ...(origin ? { origin } : {}) }), files: check.files };
  }

  /** Any source into the library; problems (never thrown) when it is not a valid recipe. */
  async import(source: RecipeInput, cwd?: string): Promise<ImportResult> {
    const opened = await openRecipe(source, { kilnHome: this.opts.kilnHome, ...(cwd ? { cwd } : {}) });
    if (!opened.ok) return { problems: opened.problems };
    return { card: recipeCard(opened.check, { origin: opened.origin }), problems: [] };
  }

  /**
   * `kiln recipe import PATH`: a recipe (folder with recipe.json, git URL, link) goes into the
   * library as it is; anything else importable (devcontainer.json, agent files, AGENTS.md,
   * environment.json) becomes a new recipe folder with a report of every part.
   */
  async importPath(path: string, opts: { out?: string; name?: string; cwd?: string } = {}): Promise<ImportResult & { dir?: string; report?: ImportReport }> {
    const local = resolve(opts.cwd ?? process.cwd(), path);
    const isRecipe = parseRecipeSource(path).kind !== 'folder' || existsSync(join(local, RECIPE_FILE));
    if (isRecipe) return this.import(path, opts.cwd);
    const foreign = await importForeign(local, opts.name ? { name: opts.name } : {});
    const check = checkRecipeFileList(foreign.files);
    if (!check.ok) return { problems: check.problems, report: foreign.report };
    let dir = opts.out;
    if (!dir) {
      const base = join(this.opts.kilnHome, 'recipes', 'imported', foreign.name);
      dir = base;
      for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
    }
    const out = await writeRecipeFolder(dir, foreign.files);
    const origin: RecipeOrigin = { kind: 'import', source: local, addedAt: new Date().toISOString() };
    await this.library.put(check, foreign.files, origin);
    return { card: recipeCard(check, { origin }), problems: [], dir: out, report: foreign.report };
  }

  async validate(source: RecipeInput, cwd?: string): Promise<{ ok: boolean; hash?: RecipeHash; errors: RecipeProblem[] }> {
    const opened = await openRecipe(source, { kilnHome: this.opts.kilnHome, keep: false, ...(cwd ? { cwd } : {}) });
    return opened.ok ? { ok: true, hash: opened.check.hash, errors: [] } : { ok: false, errors: opened.problems };
  }

  /**
   * Writes a session's setup as a recipe folder: the recipe it was started from, byte for byte
   * (so loading the folder gives the same hash), or, for a session started without one, a recipe
   * of its agent on Kiln's default model.
   */
  async save(sessionId: string, dir: string): Promise<{ dir: string; hash: RecipeHash }> {
    if (!this.opts.sessionsDir) throw failure('E_UNEXPECTED', 'Sessions are not available here.');
    const record = new SessionStore(this.opts.sessionsDir).read(sessionId);
    if (!record) throw failure('E_SESSION_NOT_FOUND', `There is no session "${sessionId}".`, 'List sessions with `kiln ls`.');
    let files: RecipeFile[];
    if (record.recipe) {
      const hash = record.recipe as RecipeHash;
      if (!(await this.library.has(hash))) throw failure('E_RECIPE_NOT_FOUND', `Session ${sessionId} ran recipe ${hash}, which is no longer in the library.`, 'Import the recipe again, then save.');
      files = (await readRecipeFolder(this.library.dir(hash))).files;
    } else {
      const name = sessionId.replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'session';
      const recipe: Recipe = {
        format: RECIPE_FORMAT,
        name,
        description: `Saved from the Kiln session ${sessionId}.`,
        version: '1.0.0',
        agents: [{ id: 'agent', agent: record.agent as Recipe['agents'][number]['agent'], role: 'The agent of the saved session.', model: 'default' }],
      };
      files = [jsonFile(RECIPE_FILE, recipe)];
    }
    const out = await writeRecipeFolder(dir, files);
    const check = await loadRecipeFolder(out);
    if (!check.ok) throw failure('E_RECIPE_INVALID', `The saved recipe in ${out} does not load: ${check.problems[0]?.message ?? ''}`);
    return { dir: out, hash: check.hash };
  }

  /** A copy of a recipe with `parent` set to its hash (and a new name when given), in the newest format. */
  async fork(source: RecipeInput, dir: string, opts: { name?: string; cwd?: string } = {}): Promise<{ dir: string; hash: RecipeHash; parent: RecipeHash }> {
    const opened = await openRecipe(source, { kilnHome: this.opts.kilnHome, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    if (!opened.ok) throw failure('E_RECIPE_INVALID', `The recipe to fork has ${opened.problems.length} problem(s): ${opened.problems[0]?.message ?? ''}`, 'Run `kiln recipe validate` on it.');
    const { files } = await readRecipeFolder(opened.dir);
    const recipe: Recipe = { ...opened.check.recipe, format: RECIPE_FORMAT, parent: opened.check.hash, ...(opts.name ? { name: opts.name } : {}) };
    const forked = files.map((f) => (f.path === RECIPE_FILE ? jsonFile(RECIPE_FILE, recipe) : f));
    const check = checkRecipeFileList(forked); // before anything is written
    if (!check.ok) throw failure('E_RECIPE_INVALID', `The fork would not be a valid recipe: ${check.problems[0]?.message ?? ''}`, 'Pick a valid --name (lowercase letters, digits, ".", "_", "-").');
    const out = await writeRecipeFolder(dir, forked);
    await this.library.put(check, forked, { kind: 'folder', source: out, addedAt: new Date().toISOString() });
    return { dir: out, hash: check.hash, parent: opened.check.hash };
  }
}
