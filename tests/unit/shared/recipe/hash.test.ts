import { describe, expect, it } from 'vitest';
import { hashRecipe, type RecipeFile } from '../../../../src-shared/recipe/hash';

const enc = (s: string) => new TextEncoder().encode(s);
const files = (): RecipeFile[] => [
  { path: 'recipe.json', bytes: enc('{"format":0}\n') },
  { path: 'roles/a.md', bytes: enc('hello\r\n') },
  { path: 'AGENTS.md', bytes: enc('') },
];

describe('hashRecipe', () => {
  it('matches the test vector of docs/recipe-format.md (computed independently in Python)', () => {
    expect(hashRecipe(files())).toBe('sha256:36831b6396a17b5e5796274c00c4dbc7b887c32c532bebe2e933fbf00b82a821');
  });

  it('does not depend on the order files are given in', () => {
    expect(hashRecipe(files().reverse())).toBe(hashRecipe(files()));
  });

  it('changes when a line ending changes (bytes are hashed as stored)', () => {
    const lf = files().map((f) => (f.path === 'roles/a.md' ? { ...f, bytes: enc('hello\n') } : f));
    expect(hashRecipe(lf)).not.toBe(hashRecipe(files()));
  });

  it('cannot be fooled by moving bytes between a name and its content', () => {
    const a = [{ path: 'ab', bytes: enc('c') }];
    const b = [{ path: 'a', bytes: enc('bc') }];
    expect(hashRecipe(a)).not.toBe(hashRecipe(b));
  });

  it('ignores .git, .DS_Store and Thumbs.db at any depth', () => {
    const junk = [
      ...files(),
      { path: '.git/HEAD', bytes: enc('ref: refs/heads/main\n') },
      { path: 'roles/.DS_Store', bytes: enc('junk') },
      { path: 'Thumbs.db', bytes: enc('junk') },
    ];
    expect(hashRecipe(junk)).toBe(hashRecipe(files()));
  });

  it('treats NFC and NFD spellings of a file name as the same name', () => {
    const nfc = [{ path: 'caf\u00e9.md', bytes: enc('x') }];
    const nfd = [{ path: 'cafe\u0301.md', bytes: enc('x') }];
    expect(hashRecipe(nfd)).toBe(hashRecipe(nfc));
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E (UTF-16 0xFF5E) sorts after U+1F600 (UTF-16 0xD83D…) in UTF-16 but before it in UTF-8.
    const a = [{ path: '\u{ff5e}', bytes: enc('1') }, { path: '\u{1f600}', bytes: enc('2') }];
    expect(hashRecipe(a)).toBe(hashRecipe([...a].reverse()));
  });

  it('refuses unsafe and duplicate paths instead of hashing them', () => {
    expect(() => hashRecipe([{ path: '../x', bytes: enc('') }])).toThrow(/\.\./);
    expect(() => hashRecipe([{ path: '/abs', bytes: enc('') }])).toThrow(/absolute/);
    expect(() => hashRecipe([{ path: 'a', bytes: enc('1') }, { path: 'a', bytes: enc('2') }])).toThrow(/twice/);
  });
});
