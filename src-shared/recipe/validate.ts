// Validation of recipe.json and models/config.json: the schema (schema.ts) plus the checks that
// span fields and files. Every problem is reported at once, each with its JSON path, so a user
// fixes a recipe in one pass instead of one error per reload. Cross-field checks read the raw
// input defensively, so they still run when some other field fails the schema.
import { DEFAULT_MODEL_REF, ModelsConfigSchema, RECIPE_FORMAT, RecipeSchema, type ModelsConfig, type Recipe } from './schema';
import { jsonPath, problemsFromZod, type RecipeProblem, type RecipeResult } from './problems';
import { unsafePathReason } from './paths';

export const RECIPE_FILE = 'recipe.json';
export const MODELS_CONFIG_FILE = 'models/config.json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `format` this build cannot read makes every other message noise: report that alone. */
function formatProblem(json: unknown, file: string): RecipeProblem | null {
  if (!isObject(json)) {
    return { code: 'schema', file, path: '$', message: `${file} must hold a JSON object ({ … }); see docs/recipe-format.md.` };
  }
  const format = json.format;
  if (typeof format !== 'number' || format === RECIPE_FORMAT) return null;
  const message =
    format > RECIPE_FORMAT
      ? `${file} uses format ${format}, newer than this Kiln understands (${RECIPE_FORMAT}); update Kiln to load it.`
      : `${file} has format ${format}, which never existed; set "format": ${RECIPE_FORMAT}.`;
  return { code: 'unsupported-format', file, path: '$.format', message };
}

/** Validates models/config.json: schema, the default model exists, fallbacks exist and do not loop. */
export function validateModelsConfig(json: unknown): RecipeResult<ModelsConfig> {
  const file = MODELS_CONFIG_FILE;
  const early = formatProblem(json, file);
  if (early) return { ok: false, problems: [early] };
  const parsed = ModelsConfigSchema.safeParse(json, { reportInput: true });
  const problems = parsed.success ? [] : problemsFromZod(parsed.error.issues, file);
  problems.push(...modelGraphProblems(json as Record<string, unknown>, file));
  return problems.length === 0 && parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems };
}

function modelGraphProblems(json: Record<string, unknown>, file: string): RecipeProblem[] {
  const problems: RecipeProblem[] = [];
  const models = isObject(json.models) ? json.models : null;
  if (!models) return problems;
  const ids = Object.keys(models);
  const fallbacksOf = (id: string): string[] => {
    const m = models[id];
    return isObject(m) && Array.isArray(m.fallback) ? m.fallback.filter((f): f is string => typeof f === 'string') : [];
  };

  if (typeof json.default === 'string' && !ids.includes(json.default)) {
    problems.push({
      code: 'unknown-model',
      file,
      path: '$.default',
      message: `The default model "${json.default}" is not defined under "models"; add it there or pick one of: ${ids.join(', ') || '(none defined)'}.`,
    });
  }
  if (ids.includes(DEFAULT_MODEL_REF)) {
    problems.push({
      code: 'schema',
      file,
      path: jsonPath(['models', DEFAULT_MODEL_REF]),
      message: `"${DEFAULT_MODEL_REF}" is reserved (an agent's "model": "default" means the default model); rename this model.`,
    });
  }

  // Is `target` reachable from `start` along fallback edges?
  const reaches = (start: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at === target) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...fallbacksOf(at));
    }
    return false;
  };

  for (const id of ids) {
    const list = fallbacksOf(id);
    list.forEach((fb, k) => {
      const path = jsonPath(['models', id, 'fallback', k]);
      if (fb === id) {
        problems.push({ code: 'fallback-cycle', file, path, message: `Model "${id}" lists itself as a fallback; remove it from its own "fallback" list.` });
      } else if (!ids.includes(fb)) {
        problems.push({ code: 'unknown-model', file, path, message: `Fallback "${fb}" of model "${id}" is not defined under "models"; define it or remove it from the list.` });
      } else if (list.indexOf(fb) !== k) {
        problems.push({ code: 'duplicate-id', file, path, message: `Fallback "${fb}" appears twice in the "fallback" list of "${id}"; keep one.` });
      } else if (reaches(fb, id)) {
        problems.push({
          code: 'fallback-cycle',
          file,
          path,
          message: `Model "${id}" falls back to "${fb}", which falls back (directly or through others) to "${id}": a loop. Remove one of the fallbacks.`,
        });
      }
    });
  }
  return problems;
}

/**
 * Validates recipe.json.
 * @param files  relative POSIX paths present in the recipe folder; when given, prompt files must be among them.
 * @param models the recipe's models config when it is known and valid; `null` when the recipe has none
 *               (then every model reference other than "default" is a problem); omitted: references unchecked.
 */
export function validateRecipe(
  json: unknown,
  files?: readonly string[],
  models?: ModelsConfig | null,
): RecipeResult<Recipe> {
  const file = RECIPE_FILE;
  const early = formatProblem(json, file);
  if (early) return { ok: false, problems: [early] };
  const parsed = RecipeSchema.safeParse(json, { reportInput: true });
  const problems = parsed.success ? [] : problemsFromZod(parsed.error.issues, file);
  problems.push(...agentProblems(json as Record<string, unknown>, file, files, models));
  return problems.length === 0 && parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems };
}

function agentProblems(
  json: Record<string, unknown>,
  file: string,
  files: readonly string[] | undefined,
  models: ModelsConfig | null | undefined,
): RecipeProblem[] {
  const problems: RecipeProblem[] = [];
  const agents = Array.isArray(json.agents) ? json.agents : [];
  const firstIndexOfId = new Map<string, number>();
  const present = files ? new Set(files.map((f) => f.normalize('NFC'))) : null; // as the hash compares names

  agents.forEach((agent, k) => {
    if (!isObject(agent)) return;
    const { id, model, prompt } = agent;
    if (typeof id === 'string') {
      const first = firstIndexOfId.get(id);
      if (first === undefined) firstIndexOfId.set(id, k);
      else {
        problems.push({
          code: 'duplicate-id',
          file,
          path: jsonPath(['agents', k, 'id']),
          message: `Agent id "${id}" is already used by agents[${first}]; give each agent its own id.`,
        });
      }
    }
    if (typeof model === 'string' && model !== DEFAULT_MODEL_REF && models !== undefined) {
      const defined = models ? Object.keys(models.models) : [];
      if (!defined.includes(model)) {
        problems.push({
          code: 'unknown-model',
          file,
          path: jsonPath(['agents', k, 'model']),
          message: models
            ? `Model "${model}" is not defined in ${MODELS_CONFIG_FILE}; use one of: ${defined.join(', ')}, or "default".`
            : `Model "${model}" is named but the recipe has no ${MODELS_CONFIG_FILE}; add one defining it, or use "default".`,
        });
      }
    }
    if (typeof prompt === 'string' && prompt.length > 0) {
      const unsafe = unsafePathReason(prompt);
      const path = jsonPath(['agents', k, 'prompt']);
      if (unsafe) {
        problems.push({ code: 'unsafe-path', file, path, message: `The prompt path "${prompt}" is refused: ${unsafe}.` });
      } else if (present && !present.has(prompt.normalize('NFC')) && /\.md$/i.test(prompt)) {
        // (a non-.md prompt is already a schema problem; one report per mistake)
        problems.push({ code: 'missing-file', file, path, message: `The prompt file "${prompt}" is not in the recipe folder; add it or fix the path (paths are case-sensitive).` });
      }
    }
  });

  const room = isObject(json.room) ? json.room : null;
  if (room && Array.isArray(room.members)) {
    room.members.forEach((member, k) => {
      if (typeof member === 'string' && !firstIndexOfId.has(member)) {
        problems.push({
          code: 'unknown-agent',
          file,
          path: jsonPath(['room', 'members', k]),
          message: `Room member "${member}" is not an agent of this recipe; use one of the ids under "agents".`,
        });
      }
    });
  }
  return problems;
}
