// Malformed recipes are refused through the one path every source takes (openRecipe), as a folder
// on disk and as dropped files, each problem naming its file and JSON path; nothing is written
// to the library, and a session cannot be prepared from them (SessionManager.create calls
// prepareSessionRecipe before anything of the session exists).
import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecipe } from '../../../../src-main/recipes/open';
import { prepareSessionRecipe } from '../../../../src-main/recipes/session-recipe';
import type { RecipeLimits } from '../../../../src-shared/recipe/limits';

const RECIPE = {
  format: 0,
  name: 'bad-recipe',
  description: 'A recipe to break.',
  version: '0.1.0',
  agents: [{ id: 'coder', agent: 'opencode', prompt: 'roles/coder.md', model: 'local' }],
};
const MODELS = { format: 0, default: 'local', models: { local: { provider: 'ollama', model: 'qwen2.5-coder:7b' } } };
const good = (): Record<string, string | Uint8Array> => ({
  'recipe.json': JSON.stringify(RECIPE, null, 2),
  'models/config.json': JSON.stringify(MODELS, null, 2),
  'AGENTS.md': '# Rules\n',
  'roles/coder.md': 'You write code.\n',
});
const withRecipe = (patch: (r: Record<string, unknown>) => void) => {
  const r = structuredClone(RECIPE) as Record<string, unknown>;
  patch(r);
  return { ...good(), 'recipe.json': JSON.stringify(r, null, 2) };
};
const withModels = (patch: (m: Record<string, unknown>) => void) => {
  const m = structuredClone(MODELS) as Record<string, unknown>;
  patch(m);
  return { ...good(), 'models/config.json': JSON.stringify(m, null, 2) };
};
const agent0 = (r: Record<string, unknown>) => (r.agents as Record<string, unknown>[])[0]!;

interface Case {
  name: string;
  files: Record<string, string | Uint8Array>;
  expect: { file?: string; path: string; code: string }[];
  /** Only as a folder on disk (symlinks) or only as dropped files (names a disk cannot hold). */
  only?: 'folder' | 'dropped';
  symlinks?: Record<string, string>;
  limits?: Partial<RecipeLimits>;
}

const CASES: Case[] = [
  { name: 'no recipe.json', files: { 'AGENTS.md': 'x' }, expect: [{ file: 'recipe.json', path: '$', code: 'missing-file' }] },
  { name: 'recipe.json with a trailing comma', files: { ...good(), 'recipe.json': '{"format":0,}' }, expect: [{ file: 'recipe.json', path: '$', code: 'json-syntax' }] },
  { name: 'recipe.json with a key twice', files: { ...good(), 'recipe.json': '{"format":0,"format":0}' }, expect: [{ file: 'recipe.json', path: '$', code: 'json-syntax' }] },
  { name: 'recipe.json not UTF-8', files: { ...good(), 'recipe.json': new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, expect: [{ file: 'recipe.json', path: '$', code: 'json-syntax' }] },
  { name: 'recipe.json a list', files: { ...good(), 'recipe.json': '[]' }, expect: [{ file: 'recipe.json', path: '$', code: 'schema' }] },
  { name: 'a format from the future', files: withRecipe((r) => (r.format = 7)), expect: [{ file: 'recipe.json', path: '$.format', code: 'unsupported-format' }] },
  { name: 'no name', files: withRecipe((r) => delete r.name), expect: [{ file: 'recipe.json', path: '$.name', code: 'schema' }] },
  { name: 'a name in capitals', files: withRecipe((r) => (r.name = 'My Recipe')), expect: [{ file: 'recipe.json', path: '$.name', code: 'schema' }] },
  { name: 'no agents', files: withRecipe((r) => delete r.agents), expect: [{ file: 'recipe.json', path: '$.agents', code: 'schema' }] },
  { name: 'an empty agent list', files: withRecipe((r) => (r.agents = [])), expect: [{ file: 'recipe.json', path: '$.agents', code: 'schema' }] },
  { name: 'an unknown agent program', files: withRecipe((r) => (agent0(r).agent = 'copilot')), expect: [{ file: 'recipe.json', path: '$.agents[0].agent', code: 'schema' }] },
  { name: 'a misspelt key', files: withRecipe((r) => (agent0(r).modle = 'local')), expect: [{ file: 'recipe.json', path: '$.agents[0].modle', code: 'schema' }] },
  { name: 'two agents with one id', files: withRecipe((r) => (r.agents = [agent0(r), agent0(r)])), expect: [{ file: 'recipe.json', path: '$.agents[1].id', code: 'duplicate-id' }] },
  { name: 'a model that is not defined', files: withRecipe((r) => (agent0(r).model = 'gpt-9')), expect: [{ file: 'recipe.json', path: '$.agents[0].model', code: 'unknown-model' }] },
  {
    name: 'a model named without models/config.json',
    files: (() => { const f = good(); delete f['models/config.json']; return f; })(),
    expect: [{ file: 'recipe.json', path: '$.agents[0].model', code: 'unknown-model' }],
  },
  { name: 'a prompt file that does not exist', files: withRecipe((r) => (agent0(r).prompt = 'roles/missing.md')), expect: [{ file: 'recipe.json', path: '$.agents[0].prompt', code: 'missing-file' }] },
  { name: 'a prompt path with ..', files: withRecipe((r) => (agent0(r).prompt = '../outside.md')), expect: [{ file: 'recipe.json', path: '$.agents[0].prompt', code: 'unsafe-path' }] },
  { name: 'an absolute prompt path', files: withRecipe((r) => (agent0(r).prompt = '/etc/motd.md')), expect: [{ file: 'recipe.json', path: '$.agents[0].prompt', code: 'unsafe-path' }] },
  { name: 'a prompt that is not Markdown', files: withRecipe((r) => (agent0(r).prompt = 'roles/coder.txt')), expect: [{ file: 'recipe.json', path: '$.agents[0].prompt', code: 'schema' }] },
  { name: 'a room member that is no agent', files: withRecipe((r) => (r.room = { members: ['ghost'] })), expect: [{ file: 'recipe.json', path: '$.room.members[0]', code: 'unknown-agent' }] },
  { name: 'a version that is not semver', files: withRecipe((r) => (r.version = 'v1')), expect: [{ file: 'recipe.json', path: '$.version', code: 'schema' }] },
  { name: 'a parent that is not a hash', files: withRecipe((r) => (r.parent = 'my-old-recipe')), expect: [{ file: 'recipe.json', path: '$.parent', code: 'schema' }] },
  { name: 'models/config.json malformed', files: { ...good(), 'models/config.json': '{ "format": 0 ' }, expect: [{ file: 'models/config.json', path: '$', code: 'json-syntax' }] },
  { name: 'a default model that is not defined', files: withModels((m) => (m.default = 'nope')), expect: [{ file: 'models/config.json', path: '$.default', code: 'unknown-model' }] },
  {
    name: 'a fallback loop',
    files: withModels((m) => (m.models = { local: { provider: 'ollama', model: 'a', fallback: ['b'] }, b: { provider: 'ollama', model: 'b', fallback: ['local'] } })),
    expect: [{ file: 'models/config.json', path: '$.models.local.fallback[0]', code: 'fallback-cycle' }],
  },
  { name: 'an unknown provider', files: withModels((m) => ((m.models as Record<string, Record<string, unknown>>).local!.provider = 'skynet')), expect: [{ file: 'models/config.json', path: '$.models.local.provider', code: 'schema' }] },
  { name: 'a binary prompt', files: { ...good(), 'roles/coder.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]) }, expect: [{ file: 'roles/coder.md', path: '$', code: 'unsupported-file' }] },
  { name: 'a binary AGENTS.md', files: { ...good(), 'AGENTS.md': new Uint8Array([0x41, 0, 0x42]) }, expect: [{ file: 'AGENTS.md', path: '$', code: 'unsupported-file' }] },
  { name: 'a file over the size bound', files: { ...good(), 'data/big.bin': 'x'.repeat(2048) }, limits: { maxFileBytes: 1024 }, expect: [{ file: 'data/big.bin', path: '$', code: 'too-large' }] },
  { name: 'more files than the bound', files: { ...good(), 'a.txt': '1', 'b.txt': '2' }, limits: { maxFiles: 5 }, expect: [{ path: '$', code: 'too-many-files' }] },
  { name: 'a symlink out of the folder', only: 'folder', files: good(), symlinks: { 'roles/passwd.md': '/etc/passwd' }, expect: [{ file: 'roles/passwd.md', path: '$', code: 'symlink-outside' }] },
  { name: 'a dropped file named with ..', only: 'dropped', files: { ...good(), '../evil.md': 'x' }, expect: [{ file: '../evil.md', path: '$', code: 'unsafe-path' }] },
  { name: 'a dropped file with an absolute name', only: 'dropped', files: { ...good(), '/etc/cron.d/x': 'x' }, expect: [{ file: '/etc/cron.d/x', path: '$', code: 'unsafe-path' }] },
  { name: 'a Dockerfile from another base image', files: { ...good(), Dockerfile: 'FROM ubuntu:24.04\nRUN true\n' }, expect: [{ file: 'Dockerfile', path: '$', code: 'schema' }] },
  { name: 'a Dockerfile that mounts during the build', files: { ...good(), Dockerfile: 'ARG KILN_RUNTIME_IMAGE\nFROM ${KILN_RUNTIME_IMAGE}\nRUN --mount=type=bind,source=/,target=/host ls /host\n' }, expect: [{ file: 'Dockerfile', path: '$', code: 'schema' }] },
  {
    name: 'several problems at once',
    files: { ...withRecipe((r) => { r.version = 'one'; agent0(r).model = 'gpt-9'; }), 'models/config.json': JSON.stringify({ ...MODELS, default: 'nope' }) },
    expect: [
      { file: 'recipe.json', path: '$.version', code: 'schema' },
      { file: 'models/config.json', path: '$.default', code: 'unknown-model' },
    ],
  },
];

let tmp: string;
let home: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-recipe-bad-'));
  home = path.join(tmp, 'home');
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const bytes = (v: string | Uint8Array) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
let n = 0;
async function folder(c: Case): Promise<string> {
  const dir = path.join(tmp, `case-${n++}`);
  for (const [rel, content] of Object.entries(c.files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), bytes(content));
  }
  for (const [rel, target] of Object.entries(c.symlinks ?? {})) await fs.symlink(target, path.join(dir, rel));
  return dir;
}

describe('malformed recipes are refused with the file and path named, and nothing is kept', () => {
  it(`has at least 25 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(25));

  for (const c of CASES) {
    it(c.name, async () => {
      const opts = { kilnHome: home, ...(c.limits ? { limits: c.limits } : {}) };
      const results = [];
      if (c.only !== 'dropped') results.push(await openRecipe(await folder(c), opts));
      if (c.only !== 'folder') results.push(await openRecipe({ files: Object.entries(c.files).map(([p, v]) => ({ path: p, bytes: bytes(v) })) }, opts));
      for (const r of results) {
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        for (const want of c.expect) {
          const hit = r.problems.find((p) => p.code === want.code && p.path === want.path && p.file === want.file);
          expect(hit, `${want.code} at ${want.file ?? '(folder)'} ${want.path} in ${JSON.stringify(r.problems)}`).toBeDefined();
          expect(hit!.message.length).toBeGreaterThan(20); // a sentence, not a code
        }
      }
      expect(existsSync(path.join(home, 'recipes', 'library'))).toBe(false);
    });
  }

  it('a session cannot be prepared from a malformed recipe: every problem in one error', async () => {
    const dir = await folder(CASES.at(-1)!);
    const err = await prepareSessionRecipe(dir, { kilnHome: home, detect: async () => ({ found: false, tried: [] }) as never }).catch((e: unknown) => e);
    expect((err as { kiln: { code: string; message: string } }).kiln.code).toBe('E_RECIPE_INVALID');
    expect((err as { kiln: { message: string } }).kiln.message).toMatch(/2 problems:[\s\S]*\$\.version[\s\S]*models\/config\.json \$\.default/);
    expect(existsSync(path.join(home, 'recipes', 'library'))).toBe(false);
  });
});
