// A recipe folder named by the renderer (dropped onto the window, or picked): main checks it
// before anything reads a byte of it — an absolute path to a folder we may read, within the
// recipe limits (files, total size, one file's size, depth). Only names and sizes are looked
// at here; the recipe loader reads and validates the contents afterwards.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { RECIPE_LIMITS, formatBytes, type RecipeLimits } from '../../src-shared/recipe/limits';
import { EXCLUDED_NAMES } from '../../src-shared/recipe/paths';

export interface CheckedFolder {
  /** The folder's real path (symlinks resolved). */
  path: string;
  files: number;
  bytes: number;
}

const NEXT = "Drop or pick the recipe's own folder (the one holding recipe.json).";
const refuse = (message: string, next = NEXT): never => {
  throw new KilnFailure(kilnError('E_RECIPE_FOLDER', message, next));
};

export async function checkRecipeFolder(given: string, limits: RecipeLimits = RECIPE_LIMITS): Promise<CheckedFolder> {
  if (typeof given !== 'string' || given.length === 0) refuse('No folder was given.');
  if (given.length > 4096 || given.includes('\0')) refuse('That is not a path to a folder.');
  if (!path.isAbsolute(given)) refuse(`"${given.slice(0, 200)}" is not an absolute path.`);
  let root: string;
  try {
    root = await fs.realpath(given);
  } catch {
    return refuse(`${given} does not exist.`);
  }
  const st = await fs.stat(root);
  if (!st.isDirectory()) refuse(`${given} is a file, not a folder.`);
  try {
    await fs.access(root, constants.R_OK | constants.X_OK);
  } catch {
    refuse(`The folder ${given} cannot be read.`, 'Check its permissions, then try again.');
  }

  let files = 0;
  let bytes = 0;
  const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return refuse(`The folder ${path.relative(root, dir) || given} cannot be read.`, 'Check its permissions, then try again.');
    }
    for (const e of entries) {
      if (EXCLUDED_NAMES.includes(e.name)) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth + 1 > limits.maxDepth) refuse(`${path.relative(root, abs)} is nested more than ${limits.maxDepth} folders deep; this is not a recipe.`);
        queue.push({ dir: abs, depth: depth + 1 });
      } else if (e.isFile()) {
        const size = (await fs.lstat(abs)).size;
        if (size > limits.maxFileBytes) refuse(`${path.relative(root, abs)} is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit for one recipe file.`);
        files += 1;
        bytes += size;
        if (files > limits.maxFiles) refuse(`The folder holds more than ${limits.maxFiles} files; a recipe is configuration and prompts, not a project.`);
        if (bytes > limits.maxTotalBytes) refuse(`The folder's files add up to more than ${formatBytes(limits.maxTotalBytes)}; this is not a recipe.`);
      }
      // Symlinks and special files are not followed here; the recipe loader judges them.
    }
  }
  return { path: root, files, bytes };
}
