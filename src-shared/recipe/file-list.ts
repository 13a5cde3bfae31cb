// A recipe that arrives as a list of files rather than a folder on disk: dropped on the window
// (the page reads the folder and sends the bytes) or read from a git tree. The same bounds as a
// folder on disk (limits.ts) and the same names rule (paths.ts), then the same check (check.ts),
// so every way in refuses the same things with the same sentences.
import { checkRecipeFiles, type RecipeCheck } from './check';
import type { RecipeFile } from './hash';
import { RECIPE_LIMITS, formatBytes, type RecipeLimits } from './limits';
import { isExcludedPath, unsafePathReason } from './paths';
import type { RecipeProblem } from './problems';

const problem = (code: RecipeProblem['code'], file: string | undefined, message: string): RecipeProblem => ({
  code,
  ...(file === undefined ? {} : { file }),
  path: '$',
  message,
});

/** Bounds and names of a file list, before any byte is interpreted; empty when it is within them. */
export function fileListProblems(files: readonly { path: string; size: number }[], limits: RecipeLimits = RECIPE_LIMITS): RecipeProblem[] {
  const problems: RecipeProblem[] = [];
  const seen = new Set<string>();
  let total = 0;
  let count = 0;
  for (const f of files) {
    const unsafe = unsafePathReason(f.path);
    if (unsafe) {
      problems.push(problem('unsafe-path', f.path, `The name "${f.path}" is refused: ${unsafe}. Rename it.`));
      continue;
    }
    if (isExcludedPath(f.path)) continue;
    const nfc = f.path.normalize('NFC');
    if (seen.has(nfc)) {
      problems.push(problem('unsafe-path', f.path, `"${f.path}" appears twice in the recipe; keep one.`));
      continue;
    }
    seen.add(nfc);
    if (f.path.split('/').length - 1 > limits.maxDepth) {
      problems.push(problem('too-large', f.path, `${f.path} is nested more than ${limits.maxDepth} folders deep; flatten the recipe.`));
      continue;
    }
    if (f.size > limits.maxFileBytes) {
      problems.push(problem('too-large', f.path, `${f.path} is ${formatBytes(f.size)}, over the ${formatBytes(limits.maxFileBytes)} limit for one recipe file; remove it or keep large data outside the recipe.`));
      continue;
    }
    count++;
    total += f.size;
  }
  if (count > limits.maxFiles) {
    problems.push(problem('too-many-files', undefined, `The recipe holds ${count} files, more than ${limits.maxFiles}; a recipe is configuration and prompts. Pick the recipe's own folder, not a project or home folder.`));
  }
  if (total > limits.maxTotalBytes) {
    problems.push(problem('too-large', undefined, `The recipe's files add up to ${formatBytes(total)}, more than ${formatBytes(limits.maxTotalBytes)}; remove large files from the recipe.`));
  }
  return problems;
}

/**
 * Checks a recipe given as files in memory with the bounds of a folder on disk: every problem of
 * the list (names, sizes, count) and of its content, together.
 */
export function checkRecipeFileList(files: readonly RecipeFile[], limits: Partial<RecipeLimits> = {}): RecipeCheck {
  const bounds = { ...RECIPE_LIMITS, ...limits };
  const listProblems = fileListProblems(files.map((f) => ({ path: f.path, size: f.bytes.length })), bounds);
  if (listProblems.some((p) => p.code === 'too-many-files' || (p.code === 'too-large' && p.file === undefined))) {
    return { ok: false, problems: listProblems }; // the content of an oversized list is not worth reading
  }
  const bad = new Set(listProblems.map((p) => p.file));
  const checked = checkRecipeFiles(files.filter((f) => !bad.has(f.path)));
  if (listProblems.length === 0) return checked;
  return { ok: false, problems: [...listProblems, ...(checked.ok ? [] : checked.problems)] };
}
