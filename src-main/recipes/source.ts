// What `kiln up --recipe X` (and the window's import) may be given, told apart before anything is
// fetched: a folder on disk, a git URL `<url>[#ref][:subdir]`, a `kiln://recipe?url=…` link, or
// the hash of a recipe already in the library (`sha256:…`, as the gallery's Start button sends).
import { kilnError, KilnFailure } from '../../src-shared/errors';
import { parseRecipeLink } from '../../src-shared/recipe/link';
import { RECIPE_HASH_PATTERN } from '../../src-shared/recipe/schema';

export type RecipeSource =
  | { kind: 'folder'; dir: string }
  | { kind: 'git'; url: string; ref?: string; subdir?: string; fromLink?: boolean }
  | { kind: 'hash'; hash: `sha256:${string}` };

const GIT_SCHEME = /^(https?|git|ssh|file):\/\//i;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/; // git@github.com:owner/repo.git
const REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

const bad = (message: string) =>
  new KilnFailure(kilnError('E_RECIPE_SOURCE', message, 'Give a recipe folder, a git URL such as https://host/repo.git#main:recipes/review, or a kiln://recipe?url=… link.'));

/** Splits `<url>[#ref][:subdir]`; the subdir's colon is the first one after the URL's path starts. */
export function parseGitSpec(text: string): { url: string; ref?: string; subdir?: string } {
  let rest = text;
  let ref: string | undefined;
  let subdir: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const frag = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    const colon = frag.indexOf(':');
    ref = colon >= 0 ? frag.slice(0, colon) : frag;
    if (colon >= 0) subdir = frag.slice(colon + 1);
  } else {
    // scheme://host[:port]/path[:subdir]  or  user@host:path[:subdir]
    const pathStart = GIT_SCHEME.test(rest) ? rest.indexOf('/', rest.indexOf('://') + 3) : rest.indexOf(':') + 1;
    const colon = pathStart > 0 ? rest.indexOf(':', pathStart) : -1;
    if (colon >= 0) {
      subdir = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  if (ref !== undefined && !REF.test(ref)) throw bad(`"${ref.slice(0, 80)}" is not a branch, tag or commit name.`);
  if (subdir !== undefined) {
    subdir = subdir.replace(/^\/+|\/+$/g, '');
    if (subdir === '' || subdir.split('/').some((s) => s === '..' || s === '.' || s === '') || /[\0-\x1f\\]/.test(subdir) || subdir.length > 300) {
      throw bad(`The folder "${subdir.slice(0, 80)}" after ":" must be a relative path inside the repository.`);
    }
  }
  return { url: rest, ...(ref ? { ref } : {}), ...(subdir ? { subdir } : {}) };
}

export function parseRecipeSource(text: string): RecipeSource {
  const t = text.trim();
  if (t === '') throw bad('No recipe was given.');
  if (/^kiln:/i.test(t)) {
    const parsed = parseRecipeLink(t);
    if (!parsed.ok) throw new KilnFailure(parsed.error);
    return { kind: 'git', ...parsed.link, fromLink: true };
  }
  if (RECIPE_HASH_PATTERN.test(t)) return { kind: 'hash', hash: t as `sha256:${string}` };
  if (GIT_SCHEME.test(t) || SCP_LIKE.test(t)) {
    const spec = parseGitSpec(t);
    if (/^[a-z]+:\/\/[^/]*@/i.test(spec.url) && /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(spec.url)) {
      throw bad('The git URL carries a password; Kiln does not keep passwords in recipe sources. Use a credential helper instead.');
    }
    return { kind: 'git', ...spec };
  }
  return { kind: 'folder', dir: t };
}
