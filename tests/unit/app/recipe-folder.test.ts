// A dropped or picked recipe folder, checked in main on real folders before anything reads it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecipeFolder } from '../../../src-main/app/recipe-folder';
import { RECIPE_LIMITS } from '../../../src-shared/recipe/limits';

const small = { ...RECIPE_LIMITS, maxFiles: 3, maxFileBytes: 100, maxTotalBytes: 150, maxDepth: 2 };
let root: string;
const make = (name: string, files: Record<string, string>): string => {
  const dir = join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
};
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kiln-recipe-folder-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a recipe folder from the window', () => {
  it('is accepted with its real path, file count and size; .git is not counted', async () => {
    const dir = make('ok', { 'recipe.json': '{"name":"x"}', 'prompts/a.md': 'hello', '.git/config': 'x'.repeat(500) });
    symlinkSync(dir, join(root, 'ok-link'));
    await expect(checkRecipeFolder(join(root, 'ok-link'), small)).resolves.toEqual({ path: dir, files: 2, bytes: 17 });
  });

  it.each([
    ['an empty path', '', /No folder was given/],
    ['a relative path', 'recipes/x', /is not an absolute path/],
    ['a path with a NUL', '/tmp/a\0b', /not a path to a folder/],
    ['a missing folder', '/nonexistent/kiln-recipe', /does not exist/],
  ])('refuses %s with a sentence', async (_n, given, sentence) => {
    await expect(checkRecipeFolder(given, small)).rejects.toMatchObject({ kiln: { code: 'E_RECIPE_FOLDER', message: expect.stringMatching(sentence), next: expect.any(String) } });
  });

  it('refuses a file, and folders beyond each limit', async () => {
    const file = join(make('file', { 'recipe.json': '{}' }), 'recipe.json');
    await expect(checkRecipeFolder(file, small)).rejects.toThrow(/is a file, not a folder/);
    await expect(checkRecipeFolder(make('many', { a: '1', b: '2', c: '3', d: '4' }), small)).rejects.toThrow('The folder holds more than 3 files');
    await expect(checkRecipeFolder(make('big', { 'recipe.json': 'x'.repeat(101) }), small)).rejects.toThrow('recipe.json is 101 bytes, over the 100 bytes limit');
    await expect(checkRecipeFolder(make('total', { a: 'x'.repeat(80), b: 'x'.repeat(80) }), small)).rejects.toThrow(/add up to more than 150 bytes/);
    await expect(checkRecipeFolder(make('deep', { 'a/b/c/recipe.json': '{}' }), small)).rejects.toThrow(/nested more than 2 folders deep/);
    await expect(checkRecipeFolder(make('home', Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`f${i}`, '']))))).rejects.toThrow(/more than 2000 files/);
  });

  it('refuses a folder its user may not read (run as an ordinary user, not root)', () => {
    const dir = make('locked', { 'recipe.json': '{}' });
    chmodSync(dir, 0o000);
    try {
      // As root every folder is readable; the check runs as "nobody", as a person's app would.
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const script = `import { checkRecipeFolder } from ${JSON.stringify(resolve('src-main/app/recipe-folder.ts'))};
        checkRecipeFolder(${JSON.stringify(dir)}).then(() => console.log('accepted'), (e) => console.log(e.kiln.message));`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { ...asUser, encoding: 'utf8', cwd: process.cwd(), env: { ...process.env, HOME: root } });
      expect(out.trim()).toBe(`The folder ${dir} cannot be read.`);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
