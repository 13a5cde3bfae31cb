// The recipes service behind `kiln recipe …` and the bridge's recipes.* operations: gallery cards
// with lineage, save of a session without a recipe, fork refusals that write nothing, and the
// contract refusing malformed input before any handler runs.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecipeService } from '../../../../src-main/recipes/service';
import { recipeHandlers } from '../../../../src-main/server/recipe-handlers';
import { SessionStore } from '../../../../src-main/sessions/metadata';
import { loadRecipeFolder } from '../../../../src-main/recipes/load';
import { dispatch } from '../../../../src-shared/api/rpc';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILTIN = path.join(REPO, 'resources', 'recipes');
let tmp: string;
let svc: RecipeService;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-recipe-svc-'));
  svc = new RecipeService({ kilnHome: path.join(tmp, 'home'), sessionsDir: path.join(tmp, 'home', 'sessions'), builtinDir: BUILTIN });
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('RecipeService', () => {
  it('lists the six built-ins as cards; a fork shows its lineage', async () => {
    const cards = await svc.list();
    expect(cards.filter((c) => c.builtin).map((c) => c.name).sort()).toEqual(['board-meeting', 'build-anything', 'favourite-professor', 'pitch-stress-test', 'relationship-dynamics', 'three-agent-review']);
    const review = cards.find((c) => c.name === 'three-agent-review')!;
    expect(review.agents.map((a) => [a.id, a.agent, a.model])).toEqual([['architect', 'claude-code', 'claude-sonnet-4-5'], ['implementer', 'codex', 'gpt-5-codex'], ['tester', 'opencode', 'qwen2.5-coder:7b']]);
    const fork = await svc.fork(review.hash, path.join(tmp, 'my-review'), { name: 'my-review' });
    expect(fork.parent).toBe(review.hash);
    const after = await svc.list();
    expect(after.find((c) => c.hash === fork.hash)).toMatchObject({ name: 'my-review', parent: review.hash, parentName: 'three-agent-review', builtin: false });
  });

  it('a fork with a bad name, or into a folder with files, writes nothing', async () => {
    const target = path.join(tmp, 'bad-fork');
    await expect(svc.fork(path.join(BUILTIN, 'build-anything'), target, { name: 'Bad Name' })).rejects.toMatchObject({ kiln: { code: 'E_RECIPE_INVALID' } });
    expect(existsSync(target)).toBe(false);
    const busy = path.join(tmp, 'busy');
    await fs.mkdir(busy);
    await fs.writeFile(path.join(busy, 'mine.txt'), 'keep');
    await expect(svc.fork(path.join(BUILTIN, 'build-anything'), busy)).rejects.toMatchObject({ kiln: { code: 'E_RECIPE_TARGET_EXISTS' } });
    expect(await fs.readdir(busy)).toEqual(['mine.txt']);
  });

  it('saves a session started without a recipe as a loadable recipe of its agent', async () => {
    new SessionStore(path.join(tmp, 'home', 'sessions')).write({
      id: 'plain-session', name: 'plain-session', workspace: '/tmp/x', createdAt: new Date().toISOString(),
      sessionToken: 'a'.repeat(64), hookToken: 'b'.repeat(64), agent: 'opencode', model: 'qwen2.5-coder:7b', version: '0.1.0',
    });
    const saved = await svc.save('plain-session', path.join(tmp, 'saved'));
    const loaded = await loadRecipeFolder(saved.dir);
    expect(loaded).toMatchObject({ ok: true, hash: saved.hash, recipe: { name: 'plain-session', agents: [{ id: 'agent', agent: 'opencode' }] } });
    await expect(svc.save('nobody', path.join(tmp, 'x'))).rejects.toMatchObject({ kiln: { code: 'E_SESSION_NOT_FOUND' } });
  });
});

describe('recipes.* through the contract', () => {
  const handlers = () => recipeHandlers({ paths: () => ({ home: path.join(tmp, 'home'), sessions: path.join(tmp, 'home', 'sessions'), workspaces: tmp }) as never, sessions: () => Promise.reject(new Error('no engine in this test')) }, BUILTIN);

  it('answers list, get and validate; refuses a malformed hash before the handler runs', async () => {
    const list = await dispatch(handlers(), { id: 1, op: 'recipes.list', input: {} });
    const first = (list as { ok: true; result: { hash: string }[] }).result[0]!;
    const got = await dispatch(handlers(), { id: 2, op: 'recipes.get', input: { hash: first.hash } });
    expect(got).toMatchObject({ ok: true, result: { hash: first.hash, files: expect.arrayContaining(['recipe.json']) } });
    const bad = await dispatch(handlers(), { id: 3, op: 'recipes.get', input: { hash: 'sha256:nothex' } });
    expect(bad).toMatchObject({ ok: false });
    const v = await dispatch(handlers(), { id: 4, op: 'recipes.validate', input: { source: { files: [{ path: 'recipe.json', content: Buffer.from('{}').toString('base64') }] } } });
    expect(v).toMatchObject({ ok: true, result: { ok: false, errors: expect.arrayContaining([expect.objectContaining({ file: 'recipe.json', path: '$.format' })]) } });
  });
});
