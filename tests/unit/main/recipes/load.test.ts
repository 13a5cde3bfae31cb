import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecipeFolder } from '../../../../src-main/recipes/load';
import type { RecipeCheck } from '../../../../src-shared/recipe/check';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const RECIPE = {
  format: 0,
  name: 'tmp-recipe',
  description: 'A test recipe.',
  version: '0.1.0',
  agents: [{ id: 'coder', agent: 'opencode', prompt: 'roles/coder.md', model: 'local' }],
};
const MODELS = { format: 0, default: 'local', models: { local: { provider: 'ollama', model: 'qwen2.5-coder:7b', contextLength: 65536 } } };

const baseFiles = (): Record<string, string> => ({
  'recipe.json': JSON.stringify(RECIPE, null, 2),
  'models/config.json': JSON.stringify(MODELS, null, 2),
  'AGENTS.md': '# Rules\n',
  'roles/coder.md': 'You write code.\n',
});

let tmp: string;
let counter = 0;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-recipe-load-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Writes `files` into a fresh folder in the given order, each with its own mtime. */
async function makeFolder(files: Record<string, string | Uint8Array>, order: 'forward' | 'reverse' = 'forward', mtimeBase = 1_000_000_000): Promise<string> {
  const dir = path.join(tmp, `r${counter++}`);
  await fs.mkdir(dir);
  const entries = Object.entries(files);
  if (order === 'reverse') entries.reverse();
  for (const [k, [rel, content]] of entries.entries()) {
    const abs = path.join(dir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
    await fs.utimes(abs, mtimeBase + k * 1000, mtimeBase + k * 1000);
  }
  return dir;
}

const hashOf = async (dir: string): Promise<string> => {
  const r = await loadRecipeFolder(dir);
  if (!r.ok) throw new Error(`expected a valid recipe, got ${JSON.stringify(r.problems)}`);
  return r.hash;
};

const problemsOf = (r: RecipeCheck) => {
  if (r.ok) throw new Error('expected problems, got a valid recipe');
  return r.problems;
};

describe('loadRecipeFolder', () => {
  it('loads a valid folder: recipe, models config, sorted file list and hash', async () => {
    const r = await loadRecipeFolder(await makeFolder(baseFiles()));
    expect(r).toMatchObject({
      ok: true,
      recipe: { name: 'tmp-recipe' },
      models: { default: 'local' },
      files: ['AGENTS.md', 'models/config.json', 'recipe.json', 'roles/coder.md'],
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('gives two copies written in different orders with different mtimes the same hash', async () => {
    const a = await makeFolder(baseFiles(), 'forward', 1_000_000_000);
    const b = await makeFolder(baseFiles(), 'reverse', 1_700_000_000);
    expect((await fs.stat(path.join(a, 'AGENTS.md'))).mtimeMs).not.toBe((await fs.stat(path.join(b, 'AGENTS.md'))).mtimeMs);
    expect(await hashOf(a)).toBe(await hashOf(b));
  });

  it('changes the hash when one content byte, one file name or one empty file changes', async () => {
    const base = await hashOf(await makeFolder(baseFiles()));
    const byte = await hashOf(await makeFolder({ ...baseFiles(), 'AGENTS.md': '# Rulez\n' }));
    const { 'AGENTS.md': agents, ...rest } = baseFiles();
    const renamed = await hashOf(await makeFolder({ ...rest, 'AGENTs.md': agents! }));
    const added = await hashOf(await makeFolder({ ...baseFiles(), 'empty.txt': '' }));
    const crlf = await hashOf(await makeFolder({ ...baseFiles(), 'AGENTS.md': '# Rules\r\n' }));
    expect(new Set([base, byte, renamed, added, crlf]).size).toBe(5);
  });

  it('ignores .git and OS junk when hashing', async () => {
    const plain = await makeFolder(baseFiles());
    const junk = await makeFolder({ ...baseFiles(), '.git/HEAD': 'ref: refs/heads/main\n', '.DS_Store': 'x', 'roles/Thumbs.db': 'y' });
    expect(await hashOf(junk)).toBe(await hashOf(plain));
  });

  it('refuses a symlink pointing outside the folder, naming it', async () => {
    const outside = path.join(tmp, 'secret.txt');
    await fs.writeFile(outside, 'do not read me');
    const dir = await makeFolder(baseFiles());
    await fs.symlink(outside, path.join(dir, 'roles', 'leak.md'));
    const problems = problemsOf(await loadRecipeFolder(dir));
    expect(problems).toEqual([
      { code: 'symlink-outside', file: 'roles/leak.md', path: '$', message: expect.stringContaining('outside the recipe folder') },
    ]);
  });

  it('refuses a relative symlink that climbs out with ..', async () => {
    const dir = await makeFolder(baseFiles());
    await fs.symlink('../../../../../../etc/hostname', path.join(dir, 'host.md'));
    expect(problemsOf(await loadRecipeFolder(dir))).toMatchObject([{ code: 'symlink-outside', file: 'host.md' }]);
  });

  it('follows a symlink to a file inside the folder, hashing the target bytes', async () => {
    const plain = await makeFolder({ ...baseFiles(), 'roles/alias.md': 'You write code.\n' });
    const linked = await makeFolder(baseFiles());
    await fs.symlink('coder.md', path.join(linked, 'roles', 'alias.md'));
    expect(await hashOf(linked)).toBe(await hashOf(plain));
  });

  it('refuses a symlinked folder and a FIFO', async () => {
    const dir = await makeFolder(baseFiles());
    await fs.symlink('roles', path.join(dir, 'more-roles'));
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const problems = problemsOf(await loadRecipeFolder(dir));
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['unsupported-file', 'more-roles'],
      ['unsupported-file', 'pipe'],
    ]);
  });

  it('refuses a prompt path with .. even when the file exists above the folder', async () => {
    const dir = await makeFolder({
      ...baseFiles(),
      'recipe.json': JSON.stringify({ ...RECIPE, agents: [{ ...RECIPE.agents[0], prompt: '../outside.md' }] }),
    });
    await fs.writeFile(path.join(dir, '..', 'outside.md'), 'x');
    expect(problemsOf(await loadRecipeFolder(dir))).toEqual([
      { code: 'unsafe-path', file: 'recipe.json', path: '$.agents[0].prompt', message: expect.stringContaining('..') },
    ]);
  });

  it('refuses a file over 5 MiB without reading it, and reports the recipe problems alongside', async () => {
    const dir = await makeFolder({ ...baseFiles(), 'recipe.json': JSON.stringify({ ...RECIPE, version: 'one' }) });
    const big = await fs.open(path.join(dir, 'weights.bin'), 'w');
    await big.truncate(5 * 1024 * 1024 + 1); // sparse: no real disk use
    await big.close();
    const problems = problemsOf(await loadRecipeFolder(dir));
    expect(problems.map((p) => [p.code, p.file, p.path])).toEqual([
      ['too-large', 'weights.bin', '$'],
      ['schema', 'recipe.json', '$.version'],
    ]);
    expect(problems[0]!.message).toContain('5 MiB');
  });

  it('refuses a folder with too many files or too many bytes in total', async () => {
    const many = await makeFolder({ ...baseFiles(), 'a.txt': '1', 'b.txt': '2' });
    expect(problemsOf(await loadRecipeFolder(many, { limits: { maxFiles: 5 } }))).toMatchObject([{ code: 'too-many-files' }]);
    const heavy = await makeFolder({ ...baseFiles(), 'a.txt': 'x'.repeat(600) });
    expect(problemsOf(await loadRecipeFolder(heavy, { limits: { maxTotalBytes: 1000 } }))).toMatchObject([{ code: 'too-large', path: '$' }]);
  });

  it('reports a missing recipe.json and a folder that does not exist', async () => {
    const { 'recipe.json': _r, ...rest } = baseFiles();
    expect(problemsOf(await loadRecipeFolder(await makeFolder(rest)))).toMatchObject([{ code: 'missing-file', file: 'recipe.json' }]);
    expect(problemsOf(await loadRecipeFolder(path.join(tmp, 'nope')))).toMatchObject([{ code: 'unreadable' }]);
  });

  it('reports malformed JSON with its line and column, and models problems in the same list', async () => {
    const dir = await makeFolder({
      ...baseFiles(),
      'recipe.json': '{\n  "format": 0,\n  "name": "x",\n}\n',
      'models/config.json': JSON.stringify({ ...MODELS, default: 'missing' }),
    });
    const problems = problemsOf(await loadRecipeFolder(dir));
    expect(problems.map((p) => [p.code, p.file, p.path])).toEqual([
      ['json-syntax', 'recipe.json', '$'],
      ['unknown-model', 'models/config.json', '$.default'],
    ]);
    expect(problems[0]!.message).toContain('recipe.json line 4, column 1');
  });

  it('reports recipe.json that is not UTF-8', async () => {
    const dir = await makeFolder({ ...baseFiles(), 'recipe.json': new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(problemsOf(await loadRecipeFolder(dir))).toMatchObject([{ code: 'json-syntax', message: expect.stringContaining('UTF-8') }]);
  });

  it('loads every built-in recipe', async () => {
    const root = path.join(REPO, 'resources', 'recipes');
    const names = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(names).toContain('build-anything');
    for (const name of names) {
      const r = await loadRecipeFolder(path.join(root, name));
      expect(r, name).toMatchObject({ ok: true, recipe: { name } });
    }
    const local = await loadRecipeFolder(path.join(root, 'build-anything'));
    expect(local).toMatchObject({ ok: true, models: { models: { [`local-coder`]: { provider: 'ollama', model: 'qwen2.5-coder:7b', contextLength: 65536 } } } });
  });
});
