// What a checkpoint leaves out: .git anywhere, heavy folders, and the workspace's .gitignore
// rules (root and nested, with git's precedence: a deeper file overrides a shallower one, and
// nothing inside an excluded directory can be re-included). Matching uses the `ignore`
// package (the matcher isomorphic-git and eslint use) in-process: one `git check-ignore`
// process per checkpoint would cost more than the whole incremental checkpoint.
// Not consulted: the user's .git/info/exclude and global excludes — we never read the user's .git.
import fs from 'node:fs';
import ignore, { type Ignore } from 'ignore';
import { ancestors, baseName, fsPath, join, parentOf, type RelPath } from './paths';

/** Folders that are never source: dependency trees, caches, tool output. */
export const ALWAYS_EXCLUDED_DIRS = new Set([
  '.git', 'node_modules', '__pycache__', '.venv', 'venv', '.virtualenvs', '.tox', '.nox',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', '.next', '.nuxt', '.svelte-kit', '.turbo',
  '.parcel-cache', '.gradle',
]);

/**
 * Build output that is only excluded next to the manifest of a tool that produces it, since
 * `build/` or `out/` can be hand-written source in other projects.
 */
export const BUILD_OUTPUT_DIRS: Record<string, string[]> = {
  dist: ['package.json', 'pyproject.toml', 'setup.py'],
  build: ['package.json', 'pyproject.toml', 'setup.py', 'CMakeLists.txt', 'build.gradle'],
  out: ['package.json'],
  target: ['Cargo.toml', 'pom.xml', 'build.sbt'],
};

const MANIFESTS = new Set(Object.values(BUILD_OUTPUT_DIRS).flat());

/** Watcher-level ignore globs (relative to the work tree): keeps inotify off the heaviest trees. */
/** Directories the watcher never watches, at any depth: never in a checkpoint, and busy. */
export const WATCHER_IGNORED_NAMES: ReadonlySet<string> = new Set(['.git', 'node_modules', '__pycache__']);

export class Exclusions {
  private readonly matchers = new Map<RelPath, Ignore | null>();
  private readonly dirs = new Map<RelPath, boolean>();
  private readonly extra: Ignore | null;

  constructor(private readonly workTree: string, extraPatterns: string[] = []) {
    this.extra = extraPatterns.length ? ignore().add(extraPatterns) : null;
  }

  /** True when `rel` (a file, or a directory when `isDir`) is left out of checkpoints. */
  isExcluded(rel: RelPath, isDir: boolean): boolean {
    if (rel === '') return false;
    for (const a of ancestors(rel)) if (a !== '' && this.dirExcluded(a)) return true;
    return isDir ? this.dirExcluded(rel) : this.fileExcluded(rel);
  }

  /**
   * A rule file changed: forget what depended on it. Returns the paths whose subtrees must be
   * rescanned, or [] when `rel` is not a rule file.
   */
  ruleFileChanged(rel: RelPath): RelPath[] {
    const name = baseName(rel);
    const dir = parentOf(rel);
    if (name === '.gitignore') {
      this.matchers.delete(dir);
      this.dirs.clear();
      return [dir];
    }
    if (name === 'pyvenv.cfg') {
      this.dirs.clear();
      return [dir];
    }
    if (MANIFESTS.has(name)) {
      this.dirs.clear();
      return Object.keys(BUILD_OUTPUT_DIRS).map((d) => join(dir, d));
    }
    return [];
  }

  /** Forget everything (full rescan). */
  reset(): void {
    this.matchers.clear();
    this.dirs.clear();
  }

  private fileExcluded(rel: RelPath): boolean {
    if (baseName(rel) === '.git') return true; // a worktree's or submodule's .git file
    return this.ignored(rel, false);
  }

  private dirExcluded(rel: RelPath): boolean {
    const known = this.dirs.get(rel);
    if (known !== undefined) return known;
    const result = this.computeDirExcluded(rel);
    this.dirs.set(rel, result);
    return result;
  }

  private computeDirExcluded(rel: RelPath): boolean {
    const name = baseName(rel);
    if (ALWAYS_EXCLUDED_DIRS.has(name)) return true;
    const manifests = BUILD_OUTPUT_DIRS[name];
    if (manifests && Object.hasOwn(BUILD_OUTPUT_DIRS, name)) {
      const parent = parentOf(rel);
      if (manifests.some((m) => fs.existsSync(fsPath(this.workTree, join(parent, m))))) return true;
    }
    if (fs.existsSync(fsPath(this.workTree, join(rel, 'pyvenv.cfg')))) return true; // any virtualenv
    return this.ignored(rel, true);
  }

  private ignored(rel: RelPath, isDir: boolean): boolean {
    if (this.extra && test(this.extra, rel, isDir).ignored) return true;
    let result = false;
    for (const dir of ancestors(rel)) {
      const m = this.matcher(dir);
      if (!m) continue;
      const r = test(m, dir === '' ? rel : rel.slice(dir.length + 1), isDir);
      if (r.ignored) result = true;
      else if (r.unignored) result = false;
    }
    return result;
  }

  private matcher(dir: RelPath): Ignore | null {
    if (this.matchers.has(dir)) return this.matchers.get(dir) ?? null;
    let m: Ignore | null = null;
    try {
      const text = fs.readFileSync(fsPath(this.workTree, join(dir, '.gitignore')), 'latin1');
      m = ignore().add(text);
    } catch { /* no .gitignore here */ }
    this.matchers.set(dir, m);
    return m;
  }
}

function test(m: Ignore, rel: string, isDir: boolean): { ignored: boolean; unignored: boolean } {
  try {
    return m.test(isDir ? `${rel}/` : rel);
  } catch {
    return { ignored: false, unignored: false }; // a name the matcher cannot parse is kept
  }
}
