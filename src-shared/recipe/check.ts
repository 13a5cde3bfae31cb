// A recipe's files in memory → validated recipe, models config and hash. Pure, so the host loader
// (src-main/recipes/load.ts) and any other source of files (drag-drop, git import) share one path.
import { hashRecipe, type RecipeFile, type RecipeHash } from './hash';
import { parseJsonWithLocation } from './json-location';
import { isExcludedPath } from './paths';
import type { RecipeProblem } from './problems';
import type { ModelsConfig, Recipe } from './schema';
import { MODELS_CONFIG_FILE, RECIPE_FILE, validateModelsConfig, validateRecipe } from './validate';

// src-shared compiles without DOM or Node types; TextDecoder exists in every runtime we target.
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };

export type RecipeCheck =
  | { ok: true; recipe: Recipe; models?: ModelsConfig; hash: RecipeHash; files: string[] }
  | { ok: false; problems: RecipeProblem[] };

function decodeJson(file: RecipeFile): { ok: true; value: unknown } | { ok: false; problems: RecipeProblem[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    return {
      ok: false,
      problems: [{ code: 'json-syntax', file: file.path, path: '$', message: `${file.path} is not UTF-8 text; save it as UTF-8 and load the recipe again.` }],
    };
  }
  return parseJsonWithLocation(text, file.path);
}

/** Files an agent reads as text: AGENTS.md and every prompt named in recipe.json. */
export const AGENTS_FILE = 'AGENTS.md';

function promptPaths(json: unknown): string[] {
  const agents = typeof json === 'object' && json !== null ? (json as { agents?: unknown }).agents : undefined;
  if (!Array.isArray(agents)) return [];
  return agents.flatMap((a) => (typeof a === 'object' && a !== null && typeof (a as { prompt?: unknown }).prompt === 'string' ? [(a as { prompt: string }).prompt] : []));
}

/** A recipe's Dockerfile builds on Kiln's runtime image, named by this build argument; nothing else is pulled. */
export const RECIPE_DOCKERFILE = 'Dockerfile';
const RUNTIME_BASE = /^\$\{?KILN_RUNTIME_IMAGE\}?$/;

function dockerfileProblems(files: readonly RecipeFile[]): RecipeProblem[] {
  const f = files.find((x) => x.path === RECIPE_DOCKERFILE);
  if (!f) return [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);
  } catch {
    return [{ code: 'unsupported-file', file: f.path, path: '$', message: 'The Dockerfile is not UTF-8 text; save it as text.' }];
  }
  const problems: RecipeProblem[] = [];
  const stages = new Set<string>();
  let froms = 0;
  text.split(/\r?\n/).forEach((line, k) => {
    const m = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!m) return;
    froms++;
    if (!RUNTIME_BASE.test(m[1]!) && !stages.has(m[1]!.toLowerCase())) {
      problems.push({ code: 'schema', file: f.path, path: '$', message: `Dockerfile line ${k + 1}: "FROM ${m[1]}" — a recipe's image builds on Kiln's runtime image: write "FROM \${KILN_RUNTIME_IMAGE}" (after "ARG KILN_RUNTIME_IMAGE").` });
    }
    if (m[2]) stages.add(m[2].toLowerCase());
  });
  if (/--mount\b/.test(text)) problems.push({ code: 'schema', file: f.path, path: '$', message: 'The Dockerfile uses RUN --mount; a recipe\'s build gets no mounts (no host folder, cache or secret). Copy what it needs into the recipe instead.' });
  if (froms === 0) problems.push({ code: 'schema', file: f.path, path: '$', message: 'The Dockerfile has no FROM line; start it with "ARG KILN_RUNTIME_IMAGE" and "FROM ${KILN_RUNTIME_IMAGE}".' });
  return problems;
}

/** Binary where text is expected: a prompt or AGENTS.md that is not UTF-8, or holds NUL bytes. */
function textProblems(files: readonly RecipeFile[], prompts: string[]): RecipeProblem[] {
  const wanted = new Set([AGENTS_FILE, ...prompts].map((p) => p.normalize('NFC')));
  const problems: RecipeProblem[] = [];
  for (const f of files) {
    if (!wanted.has(f.path.normalize('NFC'))) continue;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);
    } catch {
      text = '\0'; // not UTF-8: as binary as a NUL
    }
    if (text.includes('\0')) {
      problems.push({ code: 'unsupported-file', file: f.path, path: '$', message: `${f.path} is not text (it has bytes that are not UTF-8 text); an agent reads it as its instructions, so save it as UTF-8 Markdown.` });
    }
  }
  return problems;
}

/**
 * Validates a recipe given all its files (relative POSIX paths; excluded names such as `.git/` are
 * ignored). Reports every problem of recipe.json and models/config.json together.
 */
export function checkRecipeFiles(input: readonly RecipeFile[]): RecipeCheck {
  const files = input.filter((f) => !isExcludedPath(f.path));
  // NFC, as the hash does: a name stored decomposed (macOS) matches the same name typed in recipe.json.
  const paths = files.map((f) => f.path.normalize('NFC')).sort();
  const recipeFile = files.find((f) => f.path === RECIPE_FILE);
  if (!recipeFile) {
    return {
      ok: false,
      problems: [{ code: 'missing-file', file: RECIPE_FILE, path: '$', message: `The folder has no ${RECIPE_FILE} at its top level; a recipe folder needs one (see docs/recipe-format.md).` }],
    };
  }
  const problems: RecipeProblem[] = [];

  // models/config.json first: the recipe's model references are checked against it.
  let models: ModelsConfig | null | undefined = null;
  const modelsFile = files.find((f) => f.path === MODELS_CONFIG_FILE);
  if (modelsFile) {
    models = undefined; // present but unusable until proven valid: skip reference checks rather than cascade
    const json = decodeJson(modelsFile);
    if (!json.ok) problems.push(...json.problems);
    else {
      const v = validateModelsConfig(json.value);
      if (v.ok) models = v.value;
      else problems.push(...v.problems);
    }
  }

  const recipeJson = decodeJson(recipeFile);
  if (!recipeJson.ok) return { ok: false, problems: [...recipeJson.problems, ...problems] };
  const recipe = validateRecipe(recipeJson.value, paths, models);
  problems.push(...textProblems(files, promptPaths(recipeJson.value)), ...dockerfileProblems(files));
  if (!recipe.ok) return { ok: false, problems: [...recipe.problems, ...problems] };
  if (problems.length > 0) return { ok: false, problems };

  let hash: RecipeHash;
  try {
    hash = hashRecipe(files);
  } catch (err) {
    return { ok: false, problems: [{ code: 'unsafe-path', path: '$', message: `${(err as Error).message} Rename the file and load the recipe again.` }] };
  }
  return { ok: true, recipe: recipe.value, ...(models ? { models } : {}), hash, files: paths };
}
