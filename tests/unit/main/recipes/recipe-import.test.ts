// Import of what people already keep (fixtures in tests/fixtures/import): each gives a valid
// recipe, and the report names every part — mapped, kept as a note, or refused — never silently
// dropped, never executed, never expanded.
import { promises as fs, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importForeign } from '../../../../src-main/recipes/import';
import { readFrontmatter } from '../../../../src-main/recipes/import/frontmatter';
import { loadRecipeFolder } from '../../../../src-main/recipes/load';
import { RecipeService } from '../../../../src-main/recipes/service';
import { checkRecipeFileList } from '../../../../src-shared/recipe/file-list';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/import');
let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-import-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const whats = (items: { what: string }[]) => items.map((i) => i.what);
const text = (files: { path: string; bytes: Uint8Array }[], p: string) => new TextDecoder().decode(files.find((f) => f.path === p)!.bytes);

async function imported(name: string) {
  const r = await importForeign(path.join(FIX, name));
  const check = checkRecipeFileList(r.files);
  expect(check.ok, JSON.stringify(check)).toBe(true);
  return r;
}

describe('import', () => {
  it('devcontainer.json with comments and trailing commas: env mapped, commands noted, host reach refused, secrets never resolved', async () => {
    const { report, files, name } = await imported('devcontainer-full');
    expect(name).toBe('web-app-dev');
    const dc = '.devcontainer/devcontainer.json';
    expect(whats(report.mapped)).toEqual(expect.arrayContaining([`${dc} $.containerEnv.APP_ENV`, 'AGENTS.md']));
    expect(whats(report.notes)).toEqual(expect.arrayContaining([`${dc} $.build.dockerfile`, `${dc} $.build.args`, `${dc} $.postCreateCommand`, `${dc} $.postStartCommand`, `${dc} $.forwardPorts`, `${dc} $.remoteUser`, `${dc} $.customizations`]));
    expect(whats(report.refused)).toEqual(expect.arrayContaining([
      `${dc} $.containerEnv.GITHUB_TOKEN`,
      `${dc} $.initializeCommand`,
      `${dc} $.features["ghcr.io/devcontainers/features/node:1"]`,
      `${dc} $.features["ghcr.io/devcontainers/features/docker-in-docker:2"]`,
      `${dc} $.runArgs[0]`, `${dc} $.runArgs[1]`, `${dc} $.runArgs[3]`, `${dc} $.runArgs[4]`,
      `${dc} $.mounts[0]`,
    ]));
    expect(report.refused.find((i) => i.what.endsWith('initializeCommand'))!.detail).toMatch(/runs on the host/);
    const dockerfile = text(files, 'Dockerfile');
    expect(dockerfile).toMatch(/^FROM \$\{KILN_RUNTIME_IMAGE\}$/m);
    expect(dockerfile).toContain('ENV APP_ENV="development"');
    expect(dockerfile).not.toMatch(/GITHUB_TOKEN|localEnv/); // never resolved, never copied into the build
    expect(text(files, 'notes/devcontainer.Dockerfile')).toContain('postgresql-client'); // relative to the file
    expect(text(files, 'IMPORT-REPORT.md')).toMatch(/## Refused[\s\S]*initializeCommand/);
  });

  it('legacy dockerFile/context fields are read', async () => {
    const { report, files } = await imported('devcontainer-legacy');
    expect(whats(report.notes)).toEqual(expect.arrayContaining(['.devcontainer.json $.dockerFile (legacy)', '.devcontainer.json $.appPort', '.devcontainer.json $.extensions']));
    expect(text(files, 'notes/devcontainer.Dockerfile')).toContain('poetry');
    expect(text(files, 'Dockerfile')).toContain('ENV LEGACY="1"');
  });

  it('compose mode, privileges and a Dockerfile outside the folder are refused', async () => {
    const { report } = await imported('devcontainer-compose');
    const dc = '.devcontainer/devcontainer.json';
    expect(whats(report.refused)).toEqual(expect.arrayContaining([`${dc} $.dockerComposeFile`, `${dc} $.service`, `${dc} $.runServices`, `${dc} $.privileged`, `${dc} $.capAdd`, `${dc} $.workspaceFolder`, `${dc} $.build.dockerfile`]));
    expect(report.refused.find((i) => i.what.endsWith('build.dockerfile'))!.detail).toMatch(/outside the folder/);
  });

  it('Claude Code subagents and OpenCode agents, loose frontmatter included, become agents with their prompts', async () => {
    const { report, files } = await imported('agents-repo');
    const recipe = JSON.parse(text(files, 'recipe.json')) as { agents: { id: string; agent: string; role?: string; prompt: string }[] };
    expect(recipe.agents.map((a) => [a.id, a.agent])).toEqual([['code-reviewer', 'claude-code'], ['debugger', 'claude-code'], ['broken', 'opencode'], ['docs-writer', 'opencode']]);
    expect(recipe.agents[0]!.role).toMatch(/maintainability\. Use immediately after writing/); // the loose second line kept
    expect(text(files, 'roles/code-reviewer.md')).toMatch(/^You are a senior code reviewer/);
    expect(whats(report.notes)).toEqual(expect.arrayContaining(['.claude/agents/code-reviewer.md frontmatter', '.claude/agents/code-reviewer.md model', '.opencode/agent/docs-writer.md temperature', 'GEMINI.md']));
    expect(text(files, 'AGENTS.md')).toContain('Use pnpm'); // CLAUDE.md became AGENTS.md
    expect(text(files, 'notes/GEMINI.md')).toContain('small pull requests');
  });

  it('container-use environment.json: setup commands to RUN, env to ENV, secrets and $VARS refused', async () => {
    const { report, files } = await imported('container-use');
    const f = '.container-use/environment.json';
    expect(whats(report.refused)).toEqual(expect.arrayContaining([`${f} $.secrets[0]`, `${f} $.services`, `${f} $.env[1]`]));
    const dockerfile = text(files, 'Dockerfile');
    expect(dockerfile).toContain('RUN pip install -r requirements.txt');
    expect(dockerfile).toContain('ENV PYTHONUNBUFFERED="1"');
    expect(dockerfile).not.toContain('op://');
  });

  it('a lone AGENTS.md and a lone subagent file import too', async () => {
    const a = await importForeign(path.join(FIX, 'devcontainer-full', 'AGENTS.md'));
    expect(a.report.sources).toEqual(['AGENTS.md']);
    const s = await importForeign(path.join(FIX, 'agents-repo', '.claude', 'agents', 'debugger.md'));
    expect(JSON.parse(text(s.files, 'recipe.json')).agents[0]).toMatchObject({ id: 'debugger', agent: 'claude-code' });
  });

  it('kiln recipe import writes a loadable folder with IMPORT-REPORT.md, and refuses a folder with nothing to import', async () => {
    const svc = new RecipeService({ kilnHome: path.join(tmp, 'home'), builtinDir: path.join(tmp, 'none') });
    const r = await svc.importPath(path.join(FIX, 'agents-repo'), { out: path.join(tmp, 'out') });
    expect(r.problems).toEqual([]);
    const loaded = await loadRecipeFolder(r.dir!);
    expect(loaded.ok && loaded.hash).toBe(r.card!.hash);
    expect(readFileSync(path.join(r.dir!, 'IMPORT-REPORT.md'), 'utf8')).toContain('# Import report');
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(empty);
    await expect(svc.importPath(empty)).rejects.toMatchObject({ kiln: { code: 'E_IMPORT_NOTHING' } });
    expect(existsSync(path.join(tmp, 'home', 'recipes', 'imported'))).toBe(false);
  });
});

describe('readFrontmatter', () => {
  it('reads strict YAML, and loose YAML line by line with what it could not place', () => {
    expect(readFrontmatter('---\nname: a\ndescription: "b: c"\n---\nbody\n')).toEqual({ fields: { name: 'a', description: 'b: c' }, body: 'body\n', unreadable: [] });
    const loose = readFrontmatter('---\n  orphan line\nname: x\ndescription: one: two\n  three\n---\nhi');
    expect(loose.lenient).toBeTruthy();
    expect(loose.fields).toEqual({ name: 'x', description: 'one: two three' });
    expect(loose.unreadable).toEqual(['  orphan line']);
    expect(readFrontmatter('no frontmatter')).toEqual({ fields: {}, body: 'no frontmatter', unreadable: [] });
  });
});
