// Writing a recipe folder (save, fork, import): into a temporary sibling first, renamed into
// place at the end, and never over an existing non-empty folder — a failure leaves nothing, and
// no one's files are overwritten.
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import type { RecipeFile } from '../../src-shared/recipe/hash';
import { unsafePathReason } from '../../src-shared/recipe/paths';

export async function writeRecipeFolder(target: string, files: readonly RecipeFile[]): Promise<string> {
  const dir = resolve(target);
  const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (existing && existing.length > 0) {
    throw new KilnFailure(kilnError('E_RECIPE_TARGET_EXISTS', `${dir} already exists and is not empty; Kiln never writes a recipe over other files.`, 'Pick a new folder name.'));
  }
  for (const f of files) {
    const unsafe = unsafePathReason(f.path);
    if (unsafe) throw new KilnFailure(kilnError('E_RECIPE_PATH', `Cannot write "${f.path}": ${unsafe}.`));
  }
  await fs.mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.kiln-tmp-${process.pid}-${Date.now()}`);
  try {
    for (const f of files) {
      const out = join(tmp, ...f.path.split('/'));
      await fs.mkdir(dirname(out), { recursive: true });
      await fs.writeFile(out, f.bytes);
    }
    await fs.mkdir(tmp, { recursive: true });
    if (existing) await fs.rmdir(dir); // the empty folder the person made for it
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

export const textFile = (path: string, text: string): RecipeFile => ({ path, bytes: new TextEncoder().encode(text) });
export const jsonFile = (path: string, value: unknown): RecipeFile => textFile(path, `${JSON.stringify(value, null, 2)}\n`);
