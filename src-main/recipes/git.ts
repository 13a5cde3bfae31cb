// A recipe from a git repository: fetched with simple-git into a bare cache under KILN_HOME (one
// per URL), pinned to the commit the ref resolved to, and read straight from that commit's tree
// — no checkout, so no hook, filter, attribute or symlink of the repository ever runs or lands on
// disk. The files then go through the same bounds and checks as a folder (file-list.ts).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import type { RecipeFile } from '../../src-shared/recipe/hash';
import { fileListProblems } from '../../src-shared/recipe/file-list';
import { RECIPE_LIMITS, type RecipeLimits } from '../../src-shared/recipe/limits';
import type { RecipeProblem } from '../../src-shared/recipe/problems';

export interface GitRecipeRequest {
  url: string;
  ref?: string;
  subdir?: string;
}

export interface GitRecipeFiles {
  files: RecipeFile[];
  /** Problems of the tree itself (sizes, links out, submodules); content is checked by the caller. */
  problems: RecipeProblem[];
  /** The full commit hash the ref resolved to. */
  commit: string;
}

// The ext:: transport off, no prompt for a password (a private repository fails with a sentence
// instead of hanging the app), and only real network protocols. (No hook runs: the cache is a
// bare repository Kiln made, and fetch and ls-tree run none.)
// GIT_ALLOW_PROTOCOL leaves ext:: (and every other transport) out.
const GIT_CONFIG = ['credential.interactive=never'];
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: 'https:http:git:ssh:file' };

const failure = (message: string, next: string) => new KilnFailure(kilnError('E_RECIPE_GIT', message, next));

// Only what git needs from our environment: no editor, pager or askpass program of the person's
// is ever started; their proxy and CA settings are honoured (corporate networks).
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SSH_AUTH_SOCK', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return { ...env, ...GIT_ENV };
}

function git(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, config: GIT_CONFIG, allowEnvironment: ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', ...Object.keys(GIT_ENV)] }).env(gitEnv());
}

/** The bare cache repository of one URL. */
export function gitCacheDir(kilnHome: string, url: string): string {
  return join(kilnHome, 'recipes', 'git', createHash('sha256').update(url).digest('hex').slice(0, 24));
}

const firstLine = (err: unknown) =>
  String((err as Error).message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /fatal|error|could not|unable/i.test(l)) ?? String((err as Error).message ?? err).split('\n')[0];

export async function fetchRecipeFromGit(req: GitRecipeRequest, opts: { kilnHome: string; limits?: Partial<RecipeLimits> }): Promise<GitRecipeFiles> {
  const limits = { ...RECIPE_LIMITS, ...opts.limits };
  const dir = gitCacheDir(opts.kilnHome, req.url);
  if (!existsSync(join(dir, 'HEAD'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await git(dir).init(true);
    await git(dir).addRemote('origin', req.url);
  }
  const g = git(dir);
  try {
    await g.raw(['fetch', '--prune', '--force', '--tags', 'origin', '+HEAD:refs/kiln/head', '+refs/heads/*:refs/remotes/origin/*']);
  } catch (err) {
    throw failure(`Could not fetch the recipe from ${req.url}: ${firstLine(err)}`, 'Check the address and your network, and that the repository is public (or reachable with your git credentials).');
  }
  const commit = await resolveRef(g, req.ref);
  if (!commit) {
    throw failure(`The repository ${req.url} has no branch, tag or commit "${req.ref}".`, 'Check the name after "#" (branches and tags are case-sensitive).');
  }
  return { ...(await readTree(dir, commit, req.subdir, limits, req.url)), commit };
}

async function resolveRef(g: SimpleGit, ref: string | undefined): Promise<string | null> {
  const candidates = ref === undefined ? ['refs/kiln/head'] : [`refs/remotes/origin/${ref}`, `refs/tags/${ref}`, ...(/^[0-9a-f]{7,40}$/i.test(ref) ? [ref] : [])];
  for (const c of candidates) {
    // simple-git does not throw on a quiet non-zero exit: an answer is a commit hash or nothing.
    const out = await g.raw(['rev-parse', '--verify', '--quiet', `${c}^{commit}`]).catch(() => '');
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(out.trim())) return out.trim();
  }
  return null;
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number;
  path: string;
}

async function readTree(dir: string, commit: string, subdir: string | undefined, limits: RecipeLimits, url: string): Promise<{ files: RecipeFile[]; problems: RecipeProblem[] }> {
  const prefix = subdir ? `${subdir}/` : '';
  const listing = await git(dir).raw(['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(subdir ? ['--', subdir] : [])]);
  const entries: TreeEntry[] = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', oid = '', size = '0'] = line.slice(0, tab).split(/\s+/);
      return { mode, type, oid, size: size === '-' ? 0 : Number(size), path: line.slice(tab + 1) };
    })
    .filter((e) => e.path.startsWith(prefix))
    .map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
  if (entries.length === 0) {
    throw failure(
      subdir ? `The repository ${url} has no folder "${subdir}" at commit ${commit.slice(0, 12)}.` : `The repository ${url} is empty at commit ${commit.slice(0, 12)}.`,
      'Check the folder after ":" (paths are case-sensitive).',
    );
  }
  const problems: RecipeProblem[] = [];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const wanted: { path: string; oid: string; size: number }[] = [];
  const links: TreeEntry[] = [];
  for (const e of entries) {
    if (e.type === 'commit') {
      problems.push({ code: 'unsupported-file', file: e.path, path: '$', message: `${e.path} is a git submodule; recipes do not fetch other repositories. Copy its files in instead.` });
    } else if (e.mode === '120000') links.push(e);
    else wanted.push({ path: e.path, oid: e.oid, size: e.size });
  }
  // A link inside the recipe to one of its own files is read as that file (as the folder loader does).
  const linkTargets = links.length ? await catBlobs(dir, links.map((l) => l.oid)) : [];
  links.forEach((l, k) => {
    const target = Buffer.from(linkTargets[k]!).toString('utf8');
    const resolved = posix.normalize(posix.join(posix.dirname(l.path), target));
    const hit = !target.startsWith('/') && !resolved.startsWith('..') ? byPath.get(resolved) : undefined;
    if (!hit) {
      problems.push({ code: 'symlink-outside', file: l.path, path: '$', message: `${l.path} is a symbolic link to ${target}, outside the recipe folder (or to nothing); a recipe may not reach outside itself. Copy the file in instead.` });
    } else if (hit.mode === '120000' || hit.type !== 'blob') {
      problems.push({ code: 'unsupported-file', file: l.path, path: '$', message: `${l.path} is a symbolic link to a folder or another link; copy the file in instead.` });
    } else wanted.push({ path: l.path, oid: hit.oid, size: hit.size });
  });
  const bounds = fileListProblems(wanted, limits);
  problems.push(...bounds);
  if (bounds.some((p) => p.file === undefined)) return { files: [], problems };
  const skip = new Set(bounds.map((p) => p.file));
  const readable = wanted.filter((w) => !skip.has(w.path));
  const blobs = await catBlobs(dir, readable.map((w) => w.oid));
  return { files: readable.map((w, k) => ({ path: w.path, bytes: blobs[k]! })), problems };
}

/** Blob contents through one `git cat-file --batch` process. */
function catBlobs(dir: string, oids: string[]): Promise<Uint8Array[]> {
  if (oids.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', dir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'], env: gitEnv() });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited ${code}`));
      const all = Buffer.concat(chunks);
      const out: Uint8Array[] = [];
      let at = 0;
      for (let k = 0; k < oids.length; k++) {
        const nl = all.indexOf(0x0a, at);
        const header = all.subarray(at, nl).toString('utf8').split(' ');
        const size = Number(header[2]);
        if (header[1] !== 'blob' || !Number.isFinite(size)) return reject(new Error(`git cat-file: unexpected "${header.join(' ')}"`));
        out.push(new Uint8Array(all.subarray(nl + 1, nl + 1 + size)));
        at = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(oids.join('\n') + '\n');
  });
}
