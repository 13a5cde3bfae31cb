// Every way a recipe comes in — a folder, a git URL, a kiln:// link, dropped files, a library
// hash — goes through this one function: read the files (bounded), check them (check.ts), and
// only when the recipe is valid keep it in the library. An invalid recipe leaves nothing behind
// (a git source leaves its fetched objects in the cache, which is not the recipe).
import { isAbsolute, resolve } from 'node:path';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import { checkRecipeFileList } from '../../src-shared/recipe/file-list';
import type { RecipeCheck } from '../../src-shared/recipe/check';
import type { RecipeFile } from '../../src-shared/recipe/hash';
import type { RecipeLimits } from '../../src-shared/recipe/limits';
import type { RecipeProblem } from '../../src-shared/recipe/problems';
import { fetchRecipeFromGit } from './git';
import { RecipeLibrary, type RecipeOrigin, type ValidRecipe } from './library';
import { readRecipeFolder } from './load';
import { parseRecipeSource, type RecipeSource } from './source';

export interface OpenRecipeOptions {
  kilnHome: string;
  limits?: Partial<RecipeLimits>;
  /** Base for a relative folder path (default: the process's working folder). */
  cwd?: string;
  /** Keep a valid recipe in the library (default true); `kiln recipe validate` only looks. */
  keep?: boolean;
}

export type RecipeInput = string | { files: RecipeFile[]; name?: string };

export type OpenedRecipe =
  | { ok: true; check: ValidRecipe; dir: string; origin: RecipeOrigin }
  | { ok: false; problems: RecipeProblem[]; origin?: RecipeOrigin };

export async function openRecipe(input: RecipeInput, opts: OpenRecipeOptions): Promise<OpenedRecipe> {
  const library = new RecipeLibrary(opts.kilnHome);
  const addedAt = new Date().toISOString();
  let check: RecipeCheck;
  let files: RecipeFile[];
  let origin: RecipeOrigin;

  if (typeof input !== 'string') {
    origin = { kind: 'dropped', ...(input.name ? { source: input.name } : {}), addedAt };
    files = input.files;
    check = checkRecipeFileList(files, opts.limits);
  } else {
    const source: RecipeSource = parseRecipeSource(input);
    if (source.kind === 'hash') {
      if (!(await library.has(source.hash))) {
        throw new KilnFailure(kilnError('E_RECIPE_NOT_FOUND', `No recipe ${source.hash} is in the library on this machine.`, 'List recipes with `kiln recipe ls`, or import it first.'));
      }
      const again = await library.load(source.hash);
      if (!again.ok) return { ok: false, problems: again.problems };
      return { ok: true, check: again, dir: library.dir(source.hash), origin: (await library.origin(source.hash)) ?? { kind: 'folder', addedAt } };
    }
    if (source.kind === 'folder') {
      const dir = isAbsolute(source.dir) ? source.dir : resolve(opts.cwd ?? process.cwd(), source.dir);
      origin = { kind: 'folder', source: dir, addedAt };
      ({ check, files } = await readRecipeFolder(dir, opts.limits ? { limits: opts.limits } : {}));
    } else {
      const fetched = await fetchRecipeFromGit(source, { kilnHome: opts.kilnHome, ...(opts.limits ? { limits: opts.limits } : {}) });
      origin = {
        kind: source.fromLink ? 'link' : 'git',
        source: source.url,
        commit: fetched.commit,
        ...(source.ref ? { ref: source.ref } : {}),
        ...(source.subdir ? { subdir: source.subdir } : {}),
        addedAt,
      };
      files = fetched.files;
      const content = checkRecipeFileList(files, opts.limits);
      check = fetched.problems.length === 0 ? content : { ok: false, problems: [...fetched.problems, ...(content.ok ? [] : content.problems)] };
    }
  }
  if (!check.ok) return { ok: false, problems: check.problems, origin };
  if (opts.keep === false) return { ok: true, check, dir: origin.kind === 'folder' && origin.source ? origin.source : '', origin };
  const dir = await library.put(check, files, origin);
  return { ok: true, check, dir, origin };
}

/** One line per problem, for the CLI and for errors: `recipe.json $.agents[0].model: …`. */
export function describeProblems(problems: readonly RecipeProblem[]): string[] {
  return problems.map((p) => `${p.file ?? '(folder)'}${p.path !== '$' ? ` ${p.path}` : ''}: ${p.message}`);
}

/** The error `kiln up` and the window show for an invalid recipe: every problem, in one message. */
export function invalidRecipe(what: string, problems: readonly RecipeProblem[]): KilnFailure {
  const lines = describeProblems(problems);
  return new KilnFailure(
    kilnError('E_RECIPE_INVALID', `The recipe ${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`, 'Fix the recipe (`kiln recipe validate DIR` lists the same problems), then try again.'),
  );
}
