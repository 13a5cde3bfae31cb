// The recipes this machine has accepted, by hash: KILN_HOME/recipes/library/<hex>/files/… holds
// exactly the recipe's files (so loading that folder gives the same hash), and origin.json says
// where it came from (a folder, a git URL at a commit, a drop, an import). Entries are written
// only after validation passed, into a temporary folder renamed into place: a reader never sees
// half a recipe, and nothing of an invalid recipe is ever copied.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RecipeCheck } from '../../src-shared/recipe/check';
import type { RecipeFile, RecipeHash } from '../../src-shared/recipe/hash';
import { loadRecipeFolder } from './load';

export interface RecipeOrigin {
  kind: 'builtin' | 'folder' | 'git' | 'link' | 'dropped' | 'import' | 'session';
  /** Folder path, git URL or link, as given. */
  source?: string;
  /** For git and links: the commit the ref resolved to. */
  commit?: string;
  ref?: string;
  subdir?: string;
  addedAt: string;
}

export type ValidRecipe = Extract<RecipeCheck, { ok: true }>;

export class RecipeLibrary {
  readonly root: string;
  constructor(kilnHome: string) {
    this.root = join(kilnHome, 'recipes', 'library');
  }

  dir(hash: RecipeHash): string {
    return join(this.root, hash.slice('sha256:'.length), 'files');
  }

  /** Keeps a validated recipe (idempotent: the same hash is the same content). */
  async put(check: ValidRecipe, files: readonly RecipeFile[], origin: RecipeOrigin): Promise<string> {
    const entry = join(this.root, check.hash.slice('sha256:'.length));
    const filesDir = join(entry, 'files');
    if (!(await exists(filesDir))) {
      const tmp = `${entry}.tmp-${process.pid}-${Date.now()}`;
      const keep = new Set(check.files);
      for (const f of files) {
        const rel = f.path.normalize('NFC');
        if (!keep.has(rel)) continue; // excluded names (.git, .DS_Store) are not part of the recipe
        const target = join(tmp, 'files', ...rel.split('/'));
        await fs.mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
        await fs.writeFile(target, f.bytes, { mode: 0o600 });
      }
      await fs.mkdir(join(this.root), { recursive: true, mode: 0o700 });
      try {
        await fs.rename(tmp, entry);
      } catch (err) {
        await fs.rm(tmp, { recursive: true, force: true });
        if (!(await exists(filesDir))) throw err; // someone else put the same recipe first: fine
      }
    }
    const originFile = join(entry, 'origin.json');
    if (!(await exists(originFile))) await fs.writeFile(originFile, JSON.stringify(origin, null, 2) + '\n', { mode: 0o600 });
    return filesDir;
  }

  async origin(hash: RecipeHash): Promise<RecipeOrigin | undefined> {
    try {
      return JSON.parse(await fs.readFile(join(this.root, hash.slice('sha256:'.length), 'origin.json'), 'utf8')) as RecipeOrigin;
    } catch {
      return undefined;
    }
  }

  async has(hash: RecipeHash): Promise<boolean> {
    return exists(this.dir(hash));
  }

  /** Loads an entry again through the loader (a library folder is checked like any other). */
  async load(hash: RecipeHash): Promise<RecipeCheck> {
    return loadRecipeFolder(this.dir(hash));
  }

  async hashes(): Promise<RecipeHash[]> {
    try {
      const names = await fs.readdir(this.root);
      return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}` as RecipeHash);
    } catch {
      return [];
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}
