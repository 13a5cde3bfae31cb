// Loading a recipe folder from disk. A recipe is data from strangers: the walk refuses what could
// reach outside the folder (symlinks out, odd paths) or stall us (huge files, too many), then hands
// the bytes to the pure check in src-shared (validation + hash). Nothing is written.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { checkRecipeFiles, type RecipeCheck } from '../../src-shared/recipe/check';
import type { RecipeFile } from '../../src-shared/recipe/hash';
import { RECIPE_LIMITS, formatBytes, type RecipeLimits } from '../../src-shared/recipe/limits';
import { EXCLUDED_NAMES, unsafePathReason } from '../../src-shared/recipe/paths';
import type { RecipeProblem } from '../../src-shared/recipe/problems';

export interface LoadRecipeOptions {
  /** Override the bounds of RECIPE_LIMITS (tests use small ones). */
  limits?: Partial<RecipeLimits>;
}

interface FoundFile {
  rel: string; // relative POSIX path inside the recipe
  abs: string; // what to open: the file itself, or a symlink's target inside the folder
}

// O_NOFOLLOW: if a file is swapped for a symlink between the walk and the read, the open fails
// rather than reading through it. (Absent on Windows, where symlinks need privileges anyway.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

const problem = (code: RecipeProblem['code'], file: string | undefined, message: string): RecipeProblem => ({
  code,
  ...(file === undefined ? {} : { file }),
  path: '$',
  message,
});

const isInside = (root: string, target: string): boolean => {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/**
 * Reads and checks the recipe in folder `dir`. On success: the validated recipe.json, the models
 * config when the recipe has one, the recipe hash and the list of files (relative POSIX paths).
 * On failure: every problem found, each with a sentence saying what to do.
 */
export async function loadRecipeFolder(dir: string, options: LoadRecipeOptions = {}): Promise<RecipeCheck> {
  return (await readRecipeFolder(dir, options)).check;
}

/** As loadRecipeFolder, also returning the bytes read (for the library: copied only once valid). */
export async function readRecipeFolder(dir: string, options: LoadRecipeOptions = {}): Promise<{ check: RecipeCheck; files: RecipeFile[] }> {
  const limits: RecipeLimits = { ...RECIPE_LIMITS, ...options.limits };
  let root: string;
  try {
    root = await fs.realpath(dir);
    if (!(await fs.stat(root)).isDirectory()) {
      return { check: { ok: false, problems: [problem('unreadable', undefined, `${dir} is not a folder; pick the recipe's folder (the one holding recipe.json).`)] }, files: [] };
    }
  } catch {
    return { check: { ok: false, problems: [problem('unreadable', undefined, `The folder ${dir} cannot be opened; check that it exists and that you may read it.`)] }, files: [] };
  }

  const walk = await walkFolder(root, limits);
  if (walk.aborted) return { check: { ok: false, problems: walk.problems }, files: [] };

  const files: RecipeFile[] = [];
  const problems = [...walk.problems];
  for (const f of walk.files) {
    const read = await readBounded(f, limits.maxFileBytes);
    if ('bytes' in read) files.push({ path: f.rel, bytes: read.bytes });
    else problems.push(read.problem);
  }
  const checked = checkRecipeFiles(files);
  if (problems.length === 0) return { check: checked, files };
  return { check: { ok: false, problems: [...problems, ...(checked.ok ? [] : checked.problems)] }, files };
}

async function walkFolder(
  root: string,
  limits: RecipeLimits,
): Promise<{ files: FoundFile[]; problems: RecipeProblem[]; aborted: boolean }> {
  const files: FoundFile[] = [];
  const problems: RecipeProblem[] = [];
  let total = 0;
  const queue: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];

  const addFile = (rel: string, abs: string, size: number): boolean => {
    if (size > limits.maxFileBytes) {
      problems.push(problem('too-large', rel, `${rel} is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit for one recipe file; remove it or keep large data outside the recipe.`));
      return true;
    }
    files.push({ rel, abs });
    total += size;
    if (files.length > limits.maxFiles) {
      problems.push(problem('too-many-files', undefined, `The folder holds more than ${limits.maxFiles} files; a recipe is configuration and prompts. Pick the recipe's own folder, not a project or home folder.`));
      return false;
    }
    if (total > limits.maxTotalBytes) {
      problems.push(problem('too-large', undefined, `The folder's files add up to more than ${formatBytes(limits.maxTotalBytes)}; remove large files from the recipe.`));
      return false;
    }
    return true;
  };

  while (queue.length > 0) {
    const { rel: dirRel, depth } = queue.shift()!;
    let entries;
    try {
      entries = await fs.readdir(path.join(root, dirRel), { withFileTypes: true });
    } catch {
      problems.push(problem('unreadable', dirRel || undefined, `The folder ${dirRel || '(recipe root)'} cannot be read; check its permissions.`));
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (EXCLUDED_NAMES.includes(entry.name)) continue;
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      const abs = path.join(root, rel);
      const unsafe = unsafePathReason(rel);
      if (unsafe) {
        problems.push(problem('unsafe-path', rel, `The name "${rel}" is refused: ${unsafe}. Rename it.`));
        continue;
      }
      if (entry.isDirectory()) {
        if (depth + 1 > limits.maxDepth) {
          problems.push(problem('too-large', rel, `${rel} is nested more than ${limits.maxDepth} folders deep; flatten the recipe.`));
        } else queue.push({ rel, depth: depth + 1 });
      } else if (entry.isFile()) {
        const size = await sizeOf(abs);
        if (size === null) problems.push(problem('unreadable', rel, `${rel} cannot be read; check its permissions.`));
        else if (!addFile(rel, abs, size)) return { files, problems, aborted: true };
      } else if (entry.isSymbolicLink()) {
        const target = await fs.realpath(abs).catch(() => null);
        if (target === null) {
          problems.push(problem('unsupported-file', rel, `${rel} is a symbolic link to something that does not exist; remove it.`));
        } else if (!isInside(root, target)) {
          problems.push(problem('symlink-outside', rel, `${rel} is a symbolic link to ${target}, outside the recipe folder; a recipe may not reach outside itself. Copy the file in instead.`));
        } else {
          const st = await fs.stat(target).catch(() => null);
          if (st?.isFile()) {
            if (!addFile(rel, target, st.size)) return { files, problems, aborted: true };
          } else {
            problems.push(problem('unsupported-file', rel, `${rel} is a symbolic link to a folder; recipes do not follow linked folders. Copy the folder in instead.`));
          }
        }
      } else {
        problems.push(problem('unsupported-file', rel, `${rel} is not a regular file (a socket, device or pipe); remove it from the recipe.`));
      }
    }
  }
  return { files, problems, aborted: false };
}

async function sizeOf(abs: string): Promise<number | null> {
  try {
    return (await fs.lstat(abs)).size;
  } catch {
    return null;
  }
}

/** Reads a file with O_NOFOLLOW, refusing it if it grew past the bound since the walk measured it. */
async function readBounded(f: FoundFile, maxBytes: number): Promise<{ bytes: Uint8Array } | { problem: RecipeProblem }> {
  let handle;
  try {
    handle = await fs.open(f.abs, OPEN_FLAGS);
    const st = await handle.stat();
    if (!st.isFile()) return { problem: problem('unsupported-file', f.rel, `${f.rel} changed into something other than a file while loading; load the recipe again.`) };
    if (st.size > maxBytes) {
      return { problem: problem('too-large', f.rel, `${f.rel} is ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit for one recipe file; remove it.`) };
    }
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) return { problem: problem('too-large', f.rel, `${f.rel} grew past ${formatBytes(maxBytes)} while loading; remove it.`) };
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  } catch {
    return { problem: problem('unreadable', f.rel, `${f.rel} cannot be read (it may have been removed or replaced by a link while loading); load the recipe again.`) };
  } finally {
    await handle?.close();
  }
}
