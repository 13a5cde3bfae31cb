// kiln://recipe links: parsed and checked before anything is fetched; each refusal a sentence.
import { describe, expect, it } from 'vitest';
import { MAX_LINK_LENGTH, parseRecipeLink } from '../../../../src-shared/recipe/link';

const enc = encodeURIComponent;
const refused = (text: string) => {
  const r = parseRecipeLink(text);
  if (r.ok) throw new Error(`expected a refusal for ${text}`);
  expect(r.error.code).toBe('E_LINK_INVALID');
  expect(r.error.next).toMatch(/kiln:\/\/recipe\?url=https/);
  return r.error.message;
};

describe('parseRecipeLink', () => {
  it('reads url, ref and subdir of a well-formed link', () => {
    const r = parseRecipeLink(`kiln://recipe?url=${enc('https://example.org/team/recipes.git')}&ref=v1.2&subdir=${enc('review/three-agents')}`);
    expect(r).toEqual({ ok: true, link: { url: 'https://example.org/team/recipes.git', ref: 'v1.2', subdir: 'review/three-agents' } });
    expect(parseRecipeLink(`kiln://recipe/?url=${enc('https://h/r')}`)).toEqual({ ok: true, link: { url: 'https://h/r' } });
  });

  it('refuses an empty or malformed link', () => {
    expect(refused('')).toBe('The link is empty.');
    expect(refused('not a link at all')).toBe('This is not a link Kiln can read.');
    expect(refused('kiln://session?url=https://h/r')).toMatch(/open recipes only/);
    expect(refused('kiln://recipe/extra?url=https://h/r')).toMatch(/open recipes only/);
    expect(refused('kiln://recipe?ref=main')).toMatch(/url= part is missing/);
    expect(refused(`kiln://recipe?url=${enc('https://h/r')}&run=rm`)).toBe('The link has an unknown part "run"; only url, ref and subdir are allowed.');
    expect(refused('kiln://recipe?url=not%20a%20url')).toMatch(/is not a URL/);
  });

  it('refuses another scheme than kiln://, and a recipe address that is not https', () => {
    expect(refused('https://example.org/?url=https://h/r')).toBe('The link starts with "https://"; recipe links start with kiln://.');
    expect(refused(`kiln://recipe?url=${enc('http://example.org/r.git')}`)).toBe('The recipe address uses http; only https addresses are opened from a link.');
    expect(refused(`kiln://recipe?url=${enc('git://example.org/r.git')}`)).toMatch(/uses git; only https/);
    expect(refused(`kiln://recipe?url=${enc('file:///etc')}`)).toMatch(/uses file; only https/);
    expect(refused(`kiln://recipe?url=${enc('ssh://git@example.org/r.git')}`)).toMatch(/uses ssh; only https/);
  });

  it('refuses an oversized link, saying how long it was', () => {
    const long = `kiln://recipe?url=${enc('https://example.org/')}${'a'.repeat(MAX_LINK_LENGTH)}`;
    expect(refused(long)).toBe(`The link is ${long.length} characters long; a recipe link has at most ${MAX_LINK_LENGTH}.`);
  });

  it('refuses credentials in the recipe address', () => {
    expect(refused(`kiln://recipe?url=${enc('https://user:secret@example.org/r.git')}`)).toBe('The recipe address carries a user name or password; a shared link must not.');
    expect(refused(`kiln://recipe?url=${enc('https://token@example.org/r.git')}`)).toMatch(/user name or password/);
  });

  it('refuses a ref that is not a branch, tag or commit name', () => {
    for (const ref of ['-upload-pack=evil', 'a..b', 'main branch', '$(id)', 'x'.repeat(201)]) {
      expect(refused(`kiln://recipe?url=${enc('https://h/r')}&ref=${enc(ref)}`)).toMatch(/is not a branch, tag or commit name/);
    }
  });

  it('refuses a subdir that leaves the repository', () => {
    for (const subdir of ['/etc', '../up', 'a/../../b', 'a\\..\\b', 'x\u0001y', 'd'.repeat(301)]) {
      expect(refused(`kiln://recipe?url=${enc('https://h/r')}&subdir=${enc(subdir)}`)).toMatch(/must be a relative path inside the repository/);
    }
  });
});
