// Recipes end to end through the real CLI, real engine, real git: a folder, a git URL served by
// `git daemon` (a tag, a pinned commit, a subdir), a kiln:// link over https (git's http backend),
// and dropped files through the bridge each reach a running session whose start event carries
// the recipe hash, with every agent's role where that agent reads it; OpenCode, driven against
// the scripted model, runs with the recipe's agent prompt. Save → same hash; fork → parent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-shared/api/rpc';
import { loadRecipeFolder } from '../../../src-main/recipes/load';
import { createHandlers } from '../../../src-main/server/handlers';
import { createAppServices } from '../../../src-main/services';
import { startModelServer, type ModelServer } from '../../fixtures/model-server';
import { bridgeGateway } from '../../support/network';
import { eventually, KilnSandbox } from '../cli/kiln-process';
import { git, startGitDaemon, startHttpsGit } from './git-servers';

interface Session { id: string; state: string; recipe?: string; notes?: string[] }
interface Ev { kind: number; tags: string[][]; content: string }
interface Card { hash: string; name: string; parent?: string; parentName?: string; origin?: { kind: string; commit?: string } }

const tmp = mkdtempSync(join(tmpdir(), 'kiln-recipes-it-'));
let server: ModelServer;
let https: Awaited<ReturnType<typeof startHttpsGit>>;
let daemon: Awaited<ReturnType<typeof startGitDaemon>>;
let k: KilnSandbox;

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

function recipeFiles(baseURL: string, planner = 'PLANNER-ROLE-MARKER: you break the request into three steps before any code.\n'): Record<string, string> {
  return {
    'recipe.json': JSON.stringify({
      format: 0,
      name: 'role-check',
      description: 'Three agents, each with a role in its native place.',
      version: '1.0.0',
      agents: [
        { id: 'planner', agent: 'opencode', role: 'Plans the work', prompt: 'roles/planner.md' },
        { id: 'reviewer', agent: 'claude-code', role: 'Reviews the design', prompt: 'roles/reviewer.md' },
        { id: 'coder', agent: 'codex', role: 'Implements', prompt: 'roles/coder.md' },
      ],
    }, null, 2),
    'models/config.json': JSON.stringify({ format: 0, default: 'scripted', models: { scripted: { provider: 'openai-compatible', model: 'test-model', baseURL, contextLength: 65536 } } }, null, 2),
    'AGENTS.md': 'SHARED-RULES-MARKER: keep changes small.\n',
    'roles/planner.md': planner,
    'roles/reviewer.md': 'REVIEWER-ROLE-MARKER: judge the architecture.\n',
    'roles/coder.md': 'CODER-ROLE-MARKER: write the code.\n',
  };
}

const recipeTag = (events: Ev[]) => events.flatMap((e) => e.tags.filter((t) => t[0] === 'i' && t[1]?.startsWith('recipe:')).map((t) => t[1]));

async function startEventRecipe(id: string): Promise<string | undefined> {
  return eventually(async () => {
    const r = await k.json<Ev[]>(['timeline', id]);
    return recipeTag(r.data)[0];
  });
}

async function up(prefix: string, recipe: string): Promise<Session> {
  const name = k.name(prefix);
  const r = await k.json<Session>(['up', '--name', name, '--recipe', recipe]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.data.state).toBe('running');
  return r.data;
}

const cat = async (id: string, path: string) => {
  const r = await k.run(['exec', id, '--', `cat ${path}`]);
  expect(r.code, `${path}: ${r.stderr}`).toBe(0);
  return r.stdout;
};

let folder: string;
let folderHash: string;
let baseURL: string;
let tagCommit: string;
let mainCommit: string;

beforeAll(async () => {
  const gateway = bridgeGateway();
  server = await startModelServer({ host: gateway, fallback: { text: 'Done' } });
  baseURL = `http://${gateway}:${server.port}/v1`;
  folder = join(tmp, 'role-check');
  writeTree(folder, recipeFiles(baseURL));
  const loaded = await loadRecipeFolder(folder);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  folderHash = loaded.hash;

  // A repository holding the recipe in a subfolder: tag v1, then main moves on.
  const repo = join(tmp, 'git', 'recipes');
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q');
  writeTree(join(repo, 'sub', 'role-check'), recipeFiles(baseURL));
  writeFileSync(join(repo, 'README.md'), 'not part of the recipe\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'v1');
  git(repo, 'tag', 'v1');
  tagCommit = git(repo, 'rev-parse', 'HEAD');
  writeTree(join(repo, 'sub', 'role-check'), { 'roles/planner.md': 'PLANNER v2\n' });
  git(repo, 'commit', '-qam', 'v2');
  mainCommit = git(repo, 'rev-parse', 'HEAD');
  daemon = await startGitDaemon(join(tmp, 'git'));
  https = await startHttpsGit(join(tmp, 'git'));
  k = new KilnSandbox({ GIT_SSL_CAINFO: https.caFile });
});

afterAll(async () => {
  await k?.cleanup();
  daemon?.close();
  https?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('recipes reach running sessions from every source', () => {
  it('a folder: hash in the start event, roles placed natively, OpenCode runs with the recipe\'s agent prompt', async () => {
    const hash = await k.json<{ hash: string }>(['recipe', 'hash', folder]);
    expect(hash.code, hash.stderr).toBe(0);
    expect(hash.data.hash).toBe(folderHash);

    const s = await up('rfolder', folder);
    expect(s.recipe).toBe(folderHash);
    expect(await startEventRecipe(s.id)).toBe(`recipe:${folderHash}`);

    // Every placed file in one exec (each `kiln exec` is a process start on a busy machine).
    const FILES = ['.config/opencode/agent/planner.md', '.config/opencode/AGENTS.md', '.claude/agents/reviewer.md', '.claude/CLAUDE.md', '.codex/AGENTS.md'];
    const dump = await k.run(['exec', s.id, '--', FILES.map((f) => `printf '%s\\0' "$(cat ~/${f})"`).join('; ')]);
    expect(dump.code, dump.stderr).toBe(0);
    const [oc, ocRules, claude, claudeMd, codex] = dump.stdout.split('\0');
    expect(oc).toMatch(/^---\ndescription: "Plans the work"\nmode: all\n---\n\nPLANNER-ROLE-MARKER/);
    expect(ocRules).toContain('SHARED-RULES-MARKER');
    expect(claude).toMatch(/^---\nname: reviewer\ndescription: "Reviews the design"\nmodel: inherit\n---\n\nREVIEWER-ROLE-MARKER/);
    expect(claudeMd).toContain('SHARED-RULES-MARKER');
    expect(codex).toContain('SHARED-RULES-MARKER');
    expect(codex).toContain('CODER-ROLE-MARKER');
    // The user's workspace is untouched by the placement.
    expect((await k.run(['exec', s.id, '--', 'ls -A /workspace'])).stdout.trim()).toBe('.git');

    // `opencode run` with no --agent: the recipe's first OpenCode agent is the default one.
    const before = server.modelRequests().length;
    const run = await k.run(['exec', s.id, '--', 'opencode run "Plan a todo app"']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const bodies = server.modelRequests().slice(before).map((r) => JSON.stringify(r.body));
    expect(bodies.some((b) => b.includes('PLANNER-ROLE-MARKER') && b.includes('SHARED-RULES-MARKER') && b.includes('Plan a todo app'))).toBe(true);
    await k.run(['rm', s.id]);
  }, 420_000); // OpenCode's first start in a fresh container is slow on a loaded 2-core machine

  it('a git URL served by git daemon: #tag:subdir pinned to its commit, same hash as the folder; a bare URL follows HEAD; a commit pins', async () => {
    const s = await up('rgit', `${daemon.url('recipes')}#v1:sub/role-check`);
    expect(s.recipe).toBe(folderHash); // .git and the rest of the repository are not part of the recipe
    expect(s.notes?.join('\n')).toContain(tagCommit);
    expect(await startEventRecipe(s.id)).toBe(`recipe:${folderHash}`);
    expect(await cat(s.id, '~/.config/opencode/agent/planner.md')).toContain('PLANNER-ROLE-MARKER');
    // A workspace container lost (as after a daemon restart) is recreated with the roles placed again.
    const ws = (await k.containers(s.id)).find((c) => c.Labels['kiln.role'] === 'workspace')!;
    await k.docker.getContainer(ws.Id).remove({ force: true });
    const resumed = await k.json<Session>(['up', '--name', s.id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await cat(s.id, '~/.config/opencode/agent/planner.md')).toContain('PLANNER-ROLE-MARKER');
    await k.run(['rm', s.id]);

    const head = await k.json<{ card: Card }>(['recipe', 'import', `${daemon.url('recipes')}:sub/role-check`]);
    expect(head.code, head.stderr).toBe(0);
    expect(head.data.card.origin).toMatchObject({ kind: 'git', commit: mainCommit });
    expect(head.data.card.hash).not.toBe(folderHash);
    const pinned = await k.json<{ card: Card }>(['recipe', 'import', `${daemon.url('recipes')}#${tagCommit}:sub/role-check`]);
    expect(pinned.data.card).toMatchObject({ hash: folderHash });
    const missing = await k.run(['recipe', 'import', `${daemon.url('recipes')}#v9:sub/role-check`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has no branch, tag or commit "v9"');
  });

  it('a kiln:// link over https reaches a running session with the hash', async () => {
    const link = `kiln://recipe?url=${encodeURIComponent(https.url('recipes'))}&ref=v1&subdir=${encodeURIComponent('sub/role-check')}`;
    const s = await up('rlink', link);
    expect(s.recipe).toBe(folderHash);
    expect(await startEventRecipe(s.id)).toBe(`recipe:${folderHash}`);
    expect(await cat(s.id, '~/.claude/agents/reviewer.md')).toContain('REVIEWER-ROLE-MARKER');
    await k.run(['rm', s.id]);
    const plain = await k.run(['up', '--recipe', `kiln://recipe?url=${encodeURIComponent(daemon.url('recipes'))}`]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('only https addresses are opened from a link');
  });

  it('dropped files through the bridge: checked like a folder, started from the card; save gives the same hash; fork records the parent', async () => {
    const services = await createAppServices({ env: k.env() });
    const handlers = createHandlers({ services, mode: 'web', push: () => undefined });
    const files = Object.entries(recipeFiles(baseURL)).map(([path, text]) => ({ path, content: Buffer.from(text).toString('base64') }));
    const bad = await dispatch(handlers, { id: 1, op: 'recipes.import', input: { source: { files: [...files, { path: '../x.md', content: '' }] } } });
    expect(bad).toMatchObject({ ok: true, result: { problems: [expect.objectContaining({ code: 'unsafe-path', file: '../x.md' })] } });
    const res = await dispatch(handlers, { id: 2, op: 'recipes.import', input: { source: { files, name: 'role-check' } } });
    const card = (res as { result: { card: Card } }).result.card;
    expect(card).toMatchObject({ hash: folderHash, origin: { kind: 'dropped' } });

    const name = k.name('rdrop');
    const started = await dispatch(handlers, { id: 3, op: 'recipes.start', input: { recipe: card.hash, name } });
    expect(started, JSON.stringify(started)).toMatchObject({ ok: true, result: { id: name, state: 'running', recipe: folderHash } });
    expect(await startEventRecipe(name)).toBe(`recipe:${folderHash}`);

    const saved = join(tmp, 'saved');
    const save = await k.json<{ dir: string; hash: string }>(['recipe', 'save', name, saved]);
    expect(save.code, save.stderr).toBe(0);
    expect(save.data.hash).toBe(folderHash);
    const again = await up('rsaved', saved);
    expect(again.recipe).toBe(folderHash);
    await k.run(['rm', again.id]);
    await k.run(['rm', name]);

    const fork = await k.json<{ hash: string; parent: string }>(['recipe', 'fork', folder, join(tmp, 'fork'), '--name', 'role-check-mine']);
    expect(fork.code, fork.stderr).toBe(0);
    expect(fork.data.parent).toBe(folderHash);
    const ls = await k.json<Card[]>(['recipe', 'ls']);
    expect(ls.data.find((c) => c.hash === fork.data.hash)).toMatchObject({ name: 'role-check-mine', parent: folderHash, parentName: 'role-check' });
  });

  it('an invalid recipe starts nothing and writes nothing', async () => {
    const bad = join(tmp, 'bad');
    writeTree(bad, { ...recipeFiles(baseURL), 'recipe.json': JSON.stringify({ format: 0, name: 'bad', description: '', version: '1.0.0', agents: [{ id: 'a', agent: 'opencode', model: 'gpt-9' }] }) });
    const name = k.name('rbad');
    const r = await k.run(['up', '--name', name, '--recipe', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('$.agents[0].model');
    expect(await k.containers(name)).toEqual([]);
    expect(existsSync(join(k.workspaces, name))).toBe(false);
    expect(existsSync(join(k.home, 'sessions', `${name}.json`))).toBe(false);
  });
});

describe('a recipe with a Dockerfile', () => {
  it('builds its image FROM the runtime image with progress, runs on it, and starts from cache the second time', async () => {
    const dir = join(tmp, 'with-image');
    writeTree(dir, {
      ...recipeFiles(baseURL),
      Dockerfile: 'ARG KILN_RUNTIME_IMAGE\nFROM ${KILN_RUNTIME_IMAGE}\nUSER root\nRUN echo built-by-recipe > /etc/kiln-recipe-marker\nUSER agent\nENV RECIPE_MARKER=from-dockerfile\n',
    });
    const loaded = await loadRecipeFolder(dir);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const tag = `kiln/recipe:${loaded.hash.slice(7, 31)}`;
    try {
      const first = k.name('rimg');
      const r1 = await k.json<Session>(['up', '--name', first, '--recipe', dir]);
      expect(r1.code, r1.stderr).toBe(0);
      expect(r1.stderr).toContain(`Building the recipe's image ${tag}`);
      expect(r1.stderr).toMatch(/Step \d+\/\d+ : RUN echo built-by-recipe/);
      expect(r1.data.notes).toContain(`Built the recipe's image ${tag} from its Dockerfile.`);
      expect((await k.run(['exec', first, '--', 'cat /etc/kiln-recipe-marker; echo $RECIPE_MARKER'])).stdout).toBe('built-by-recipe\nfrom-dockerfile\n');
      const ws = (await k.containers(first)).find((c) => c.Labels['kiln.role'] === 'workspace')!;
      expect(ws.Image).toBe(tag);
      await k.run(['rm', first]);

      const second = k.name('rimg2');
      const r2 = await k.json<Session>(['up', '--name', second, '--recipe', dir]);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stderr).toContain(`Using the cached image ${tag}`);
      expect(r2.stderr).not.toMatch(/Step \d+\/\d+/);
      expect(r2.data.notes).toContain(`The recipe's image ${tag} was already built; reused it.`);
      expect((await k.run(['exec', second, '--', 'cat /etc/kiln-recipe-marker'])).stdout).toBe('built-by-recipe\n');
      await k.run(['rm', second]);
    } finally {
      await k.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });
});
