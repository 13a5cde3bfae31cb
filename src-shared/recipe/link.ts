// `kiln://recipe?url=<https git URL>[&ref=<branch, tag or commit>][&subdir=<folder>]`: a shared
// link to a recipe. Parsed and checked before anything is fetched; each refusal is a sentence.
// Opening a link never starts anything: the window shows the recipe's card with a Start button.
import { kilnError, type KilnError } from '../errors';

// WHATWG URL, present in Node and in every browser; src-shared loads neither's types.
interface WhatwgUrl {
  protocol: string; hostname: string; pathname: string; username: string; password: string;
  searchParams: { get(name: string): string | null; keys(): IterableIterator<string> };
  toString(): string;
}
declare const URL: new (text: string) => WhatwgUrl;

export const MAX_LINK_LENGTH = 2048;

export interface RecipeLink {
  /** https URL of a git repository. */
  url: string;
  ref?: string;
  subdir?: string;
}

export type ParsedLink = { ok: true; link: RecipeLink } | { ok: false; error: KilnError };

const refuse = (message: string): ParsedLink => ({
  ok: false,
  error: kilnError('E_LINK_INVALID', message, 'Ask whoever shared it for a link of the form kiln://recipe?url=https://…'),
});

const REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

export function parseRecipeLink(text: string): ParsedLink {
  if (typeof text !== 'string' || text.length === 0) return refuse('The link is empty.');
  if (text.length > MAX_LINK_LENGTH) return refuse(`The link is ${text.length} characters long; a recipe link has at most ${MAX_LINK_LENGTH}.`);
  let u: WhatwgUrl;
  try {
    u = new URL(text);
  } catch {
    return refuse('This is not a link Kiln can read.');
  }
  if (u.protocol !== 'kiln:') return refuse(`The link starts with "${u.protocol}//"; recipe links start with kiln://.`);
  if (u.hostname !== 'recipe' || (u.pathname !== '' && u.pathname !== '/')) return refuse('Kiln links open recipes only: kiln://recipe?url=…');
  const known = new Set(['url', 'ref', 'subdir']);
  for (const key of u.searchParams.keys()) if (!known.has(key)) return refuse(`The link has an unknown part "${key}"; only url, ref and subdir are allowed.`);
  const raw = u.searchParams.get('url');
  if (!raw) return refuse('The link names no recipe: its url= part is missing.');
  let repo: WhatwgUrl;
  try {
    repo = new URL(raw);
  } catch {
    return refuse(`The recipe address "${raw.slice(0, 80)}" is not a URL.`);
  }
  if (repo.protocol !== 'https:') return refuse(`The recipe address uses ${repo.protocol.replace(':', '')}; only https addresses are opened from a link.`);
  if (repo.username || repo.password) return refuse('The recipe address carries a user name or password; a shared link must not.');
  const ref = u.searchParams.get('ref') ?? undefined;
  if (ref !== undefined && !REF.test(ref)) return refuse(`The ref "${ref.slice(0, 80)}" is not a branch, tag or commit name.`);
  const subdir = u.searchParams.get('subdir') ?? undefined;
  if (subdir !== undefined && (subdir.startsWith('/') || subdir.split(/[\\/]/).includes('..') || subdir.length > 300 || /[\0-\x1f]/.test(subdir))) {
    return refuse(`The folder "${subdir.slice(0, 80)}" must be a relative path inside the repository.`);
  }
  return { ok: true, link: { url: repo.toString(), ...(ref ? { ref } : {}), ...(subdir ? { subdir } : {}) } };
}
