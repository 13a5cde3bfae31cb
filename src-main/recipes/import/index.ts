// Import what people already keep in their repositories into a new recipe: devcontainer.json,
// Claude Code subagents (.claude/agents/*.md), OpenCode agents (.opencode/agent/*.md), AGENTS.md /
// CLAUDE.md / GEMINI.md, container-use's environment.json. Given a file, that file; given a
// folder, everything of these it holds. Every part read is in the report: mapped, kept as a
// note, or refused with the reason. Nothing is executed; no variable is expanded.
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { kilnError, KilnFailure } from '../../../src-shared/errors';
import type { RecipeFile } from '../../../src-shared/recipe/hash';
import { RECIPE_LIMITS } from '../../../src-shared/recipe/limits';
import { RECIPE_FORMAT, type Recipe, type RecipeAgent } from '../../../src-shared/recipe/schema';
import { importContainerUse } from './container-use';
import { importDevcontainer, type EnvironmentParts } from './devcontainer';
import { readFrontmatter } from './frontmatter';
import { emptyReport, reportMarkdown, type ImportReport } from './report';
import { jsonFile, textFile } from '../write';

export type { ImportReport } from './report';

export interface ForeignImport {
  name: string;
  files: RecipeFile[];
  report: ImportReport;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64) || 'imported';

const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'];

async function readBounded(path: string): Promise<string> {
  const st = await fs.stat(path);
  if (st.size > RECIPE_LIMITS.maxFileBytes) throw new KilnFailure(kilnError('E_IMPORT_TOO_LARGE', `${path} is larger than a recipe file may be.`));
  return fs.readFile(path, 'utf8');
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** What in `root` (a file or a folder) is importable, by kind. */
async function findSources(root: string): Promise<{ devcontainer?: string; containerUse?: string; claude: string[]; opencode: string[]; instructions: string[] }> {
  const found = { claude: [] as string[], opencode: [] as string[], instructions: [] as string[] } as Awaited<ReturnType<typeof findSources>>;
  if (isFile(root)) {
    const name = basename(root);
    const parent = basename(dirname(root));
    if (/^\.?devcontainer\.json$/.test(name)) found.devcontainer = root;
    else if (name === 'environment.json') found.containerUse = root;
    else if (INSTRUCTION_FILES.includes(name)) found.instructions.push(root);
    else if (name.endsWith('.md') && (parent === 'agent' || parent === 'agents') && basename(dirname(dirname(root))) === '.opencode') found.opencode.push(root);
    else if (name.endsWith('.md')) found.claude.push(root); // a subagent file given on its own
    return found;
  }
  for (const p of ['.devcontainer/devcontainer.json', '.devcontainer.json', 'devcontainer.json']) {
    if (!found.devcontainer && isFile(join(root, p))) found.devcontainer = join(root, p);
  }
  if (isFile(join(root, '.container-use', 'environment.json'))) found.containerUse = join(root, '.container-use', 'environment.json');
  const mdIn = async (dir: string) => (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.md')).sort().map((n) => join(dir, n));
  found.claude.push(...(await mdIn(join(root, '.claude', 'agents'))));
  found.opencode.push(...(await mdIn(join(root, '.opencode', 'agent'))), ...(await mdIn(join(root, '.opencode', 'agents'))));
  for (const n of INSTRUCTION_FILES) if (isFile(join(root, n))) found.instructions.push(join(root, n));
  return found;
}

function agentFromMarkdown(text: string, file: string, kind: 'claude-code' | 'opencode', taken: Set<string>, report: ImportReport): { agent: RecipeAgent; prompt: string } {
  const fm = readFrontmatter(text);
  if (fm.lenient) report.notes.push({ what: `${file} frontmatter`, detail: `not valid YAML (${fm.lenient}); read leniently line by line — check the role below.` });
  for (const line of fm.unreadable) report.refused.push({ what: `${file} frontmatter`, detail: `the line ${JSON.stringify(line)} could not be read.` });
  let id = slug(typeof fm.fields.name === 'string' ? fm.fields.name : basename(file, '.md'));
  for (let n = 2; taken.has(id); n++) id = `${slug(basename(file, '.md'))}-${n}`;
  taken.add(id);
  const description = typeof fm.fields.description === 'string' ? fm.fields.description.replace(/\s+/g, ' ').trim() : undefined;
  report.mapped.push({ what: file, detail: `${kind === 'claude-code' ? 'Claude Code subagent' : 'OpenCode agent'} "${id}", prompt roles/${id}.md${description ? ', role from its description' : ''}.` });
  for (const [k, v] of Object.entries(fm.fields)) {
    if (k === 'name' || k === 'description') continue;
    const why =
      k === 'model' ? 'the recipe\'s models/config.json chooses models; this one is kept as a note' :
      k === 'tools' || k === 'permission' ? 'agents in a Kiln session run with every tool inside the container; kept as a note' :
      'not used by Kiln, kept as a note';
    report.notes.push({ what: `${file} ${k}`, detail: `${JSON.stringify(v).slice(0, 200)}: ${why}.` });
  }
  const role = description ? (description.length > 200 ? `${description.slice(0, 197)}…` : description) : undefined;
  return { agent: { id, agent: kind, ...(role ? { role } : {}), prompt: `roles/${id}.md` }, prompt: fm.body.trim() ? `${fm.body.trim()}\n` : `${description ?? id}\n` };
}

export async function importForeign(path: string, opts: { name?: string } = {}): Promise<ForeignImport> {
  const root = resolve(path);
  const base = isFile(root) ? dirname(root) : root;
  const rel = (p: string) => relative(base, p).split(sep).join('/') || basename(p);
  const found = await findSources(root);
  const report = emptyReport();
  const files: RecipeFile[] = [];
  const agents: RecipeAgent[] = [];
  const taken = new Set<string>();
  const env: EnvironmentParts = { env: [], run: [], files: [] };

  if (found.devcontainer) {
    const file = rel(found.devcontainer);
    report.sources.push(file);
    const dcDir = dirname(found.devcontainer);
    const parts = importDevcontainer(await readBounded(found.devcontainer), file, report, (p) => {
      const target = resolve(dcDir, p);
      if (relative(base, target).startsWith('..')) return { refused: `${p} is outside the folder being imported; not read.` };
      if (!isFile(target)) return { refused: `${p} does not exist next to ${file}.` };
      const st = statSync(target);
      if (st.size > RECIPE_LIMITS.maxFileBytes) return { refused: `${p} is too large to keep.` };
      return readFileSync(target, 'utf8');
    });
    env.env.push(...parts.env);
    env.run.push(...parts.run);
    env.files.push(...parts.files);
    if (parts.name && !opts.name) opts = { ...opts, name: parts.name };
  }
  if (found.containerUse) {
    const file = rel(found.containerUse);
    report.sources.push(file);
    const parts = importContainerUse(await readBounded(found.containerUse), file, report);
    env.env.push(...parts.env);
    env.run.push(...parts.run);
  }
  for (const [list, kind] of [[found.claude, 'claude-code'], [found.opencode, 'opencode']] as const) {
    for (const p of list) {
      const file = rel(p);
      report.sources.push(file);
      const { agent, prompt } = agentFromMarkdown(await readBounded(p), file, kind, taken, report);
      agents.push(agent);
      files.push(textFile(agent.prompt!, prompt));
    }
  }
  for (const [k, p] of found.instructions.entries()) {
    const file = rel(p);
    report.sources.push(file);
    const text = await readBounded(p);
    if (k === 0) {
      files.push(textFile('AGENTS.md', text));
      report.mapped.push({ what: file, detail: 'AGENTS.md of the recipe: every agent reads it (OpenCode and Codex natively, Claude Code as CLAUDE.md, Gemini CLI as GEMINI.md).' });
    } else {
      files.push(textFile(`notes/${basename(p)}`, text));
      report.notes.push({ what: file, detail: `kept as notes/${basename(p)}; the recipe's AGENTS.md comes from ${rel(found.instructions[0]!)}. Merge them by hand if both matter.` });
    }
  }
  if (report.sources.length === 0) {
    throw new KilnFailure(kilnError('E_IMPORT_NOTHING', `Nothing Kiln can import was found in ${root}.`, 'Give a devcontainer.json, a .claude/agents or .opencode/agent file, an AGENTS.md / CLAUDE.md / GEMINI.md, a .container-use/environment.json, or a folder holding them.'));
  }
  if (agents.length === 0) {
    agents.push({ id: 'coder', agent: 'opencode', role: 'Builds what you ask in the workspace, following the imported instructions.', model: 'default' });
    report.mapped.push({ what: '(no agent files)', detail: 'one OpenCode agent "coder" on the default model.' });
  }
  if (env.env.length || env.run.length) {
    const lines = [
      '# Built FROM Kiln\'s runtime image (docs/recipe-format.md, "Dockerfile"); written by `kiln recipe import`.',
      'ARG KILN_RUNTIME_IMAGE',
      'FROM ${KILN_RUNTIME_IMAGE}',
      ...(env.run.length ? ['USER root', ...env.run.map((c) => `RUN ${c}`), 'USER agent'] : []),
      ...env.env.map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}`),
      '',
    ];
    files.push(textFile('Dockerfile', lines.join('\n')));
  }
  for (const f of env.files) files.push(textFile(f.path, f.text));
  const name = slug(opts.name ?? basename(base));
  const recipe: Recipe = {
    format: RECIPE_FORMAT,
    name,
    description: `Imported from ${report.sources.join(', ')}.`.slice(0, 2000),
    version: '0.1.0',
    agents,
    tags: ['imported'],
  };
  files.push(jsonFile('recipe.json', recipe));
  files.push(textFile('IMPORT-REPORT.md', reportMarkdown(report, name)));
  return { name, files, report };
}
