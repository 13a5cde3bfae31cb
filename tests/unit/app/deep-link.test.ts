// kiln:// links as the shell receives them: argv (Linux/Windows, first launch and second
// instance) and macOS open-url, parsed in main and delivered as an app.openLink push.
import { describe, expect, it } from 'vitest';
import { streams } from '../../../src-shared/api/contract';
import { createLinkRouter, findLinkInArgv, linkPayload, type OpenLinkPayload } from '../../../src-main/app/deep-link';

const GOOD = 'kiln://recipe?url=https://github.com/kiln-recipes/hello&ref=v1.2&subdir=recipes/hello';

describe('kiln:// links in argv', () => {
  it('finds the link among the arguments Linux and Windows pass', () => {
    expect(findLinkInArgv(['/opt/Kiln/kiln', '--no-sandbox', GOOD])).toBe(GOOD);
    expect(findLinkInArgv(['C:\\Program Files\\Kiln\\Kiln.exe', '--allow-file-access-from-files', 'KILN://recipe?url=https://x.org/r'])).toBe('KILN://recipe?url=https://x.org/r');
    expect(findLinkInArgv(['/usr/bin/electron', '/repo/out/app/main.cjs'])).toBeUndefined();
    expect(findLinkInArgv([])).toBeUndefined();
  });
});

describe('what the window gets for a link', () => {
  it('a valid link becomes the recipe to show: url, ref, subdir — nothing that starts it', () => {
    const p = linkPayload(GOOD);
    expect(p).toEqual({ url: 'https://github.com/kiln-recipes/hello', ref: 'v1.2', subdir: 'recipes/hello' });
    expect(streams['app.openLink'].safeParse(p).success).toBe(true);
  });

  it.each([
    ['malformed', 'kiln://recipe?url=', /its url= part is missing/],
    ['not a URL at all', 'kiln:// recipe', /not a link Kiln can read|Kiln links open recipes only/],
    ['non-https', 'kiln://recipe?url=http://github.com/a/b', /uses http; only https addresses are opened from a link/],
    ['file:', 'kiln://recipe?url=file:///etc/passwd', /uses file; only https/],
    ['javascript:', 'kiln://recipe?url=javascript:alert(1)', /uses javascript; only https/],
    ['oversized', `kiln://recipe?url=https://github.com/a/b&ref=${'a'.repeat(3000)}`, /characters long; a recipe link has at most 2048/],
    ['another action', 'kiln://start?url=https://github.com/a/b', /open recipes only/],
    ['an unknown part', 'kiln://recipe?url=https://github.com/a/b&autostart=1', /unknown part "autostart"/],
    ['a path out of the repository', 'kiln://recipe?url=https://github.com/a/b&subdir=../../etc', /relative path inside the repository/],
    ['credentials', 'kiln://recipe?url=https://me:pw@github.com/a/b', /user name or password/],
  ])('refuses a %s link with a sentence and the next step', (_name, text, sentence) => {
    const p = linkPayload(text) as Extract<OpenLinkPayload, { error: unknown }>;
    expect(p.error.code).toBe('E_LINK_INVALID');
    expect(p.error.message).toMatch(sentence);
    expect(p.error.next).toMatch(/kiln:\/\/recipe\?url=https/);
    expect(streams['app.openLink'].safeParse(p).success).toBe(true);
  });
});

describe('delivering links to the window', () => {
  it('holds links that arrive before the page is ready (macOS open-url at launch), then delivers them in order', () => {
    const got: OpenLinkPayload[] = [];
    const router = createLinkRouter((p) => got.push(p));
    router.open(GOOD);
    router.open('kiln://recipe?url=http://x');
    expect(got).toEqual([]);
    router.ready();
    expect(got.map((p) => ('url' in p ? p.url : p.error.code))).toEqual(['https://github.com/kiln-recipes/hello', 'E_LINK_INVALID']);
    router.open('kiln://recipe?url=https://codeberg.org/a/b');
    expect(got).toHaveLength(3);
  });

  it('keeps only the newest few while waiting', () => {
    const got: OpenLinkPayload[] = [];
    const router = createLinkRouter((p) => got.push(p), 2);
    for (const n of [1, 2, 3]) router.open(`kiln://recipe?url=https://github.com/a/r${n}`);
    router.ready();
    expect(got).toEqual([{ url: 'https://github.com/a/r2' }, { url: 'https://github.com/a/r3' }]);
  });
});
