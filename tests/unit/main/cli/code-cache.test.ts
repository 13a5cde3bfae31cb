// The CLI's V8 code cache (bin/cached-script.mjs): used when it fits the bundle, grown by the
// first run of each kind (command), and a stale or damaged cache is ignored (then replaced),
// never handed to V8, which trusts a cache's bytes and crashes on damaged ones. Each load runs
// in its own node process, as `kiln` does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCli } from '../../../../scripts/build.mjs';
import { unwrapCache } from '../../../../bin/cached-script.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const LOADER = join(ROOT, 'bin', 'cached-script.mjs');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-code-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle whose answer() returns `answer`; renamed into place like scripts/build.mjs does. */
function writeBundle(answer: string): string {
  const file = join(dir, 'app.cjs');
  const body = Array.from({ length: 200 }, (_, i) => `exports.f${i} = function (x) { return [x, ${i}, ${JSON.stringify(answer)}].join('-'); };`).join('\n');
  writeFileSync(`${file}.tmp`, `${body}\nexports.answer = () => ${JSON.stringify(answer)};\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Loads the bundle in a new process, calls answer(), saves the cache. */
function load(file: string, kind = 'ls'): { status: number | null; answer?: string; accepted?: boolean; stderr: string } {
  const script = `import { loadCachedScript } from ${JSON.stringify(LOADER)};
const l = loadCachedScript(${JSON.stringify(file)}, ${JSON.stringify(kind)});
const answer = l.exports.answer();
l.save();
console.log(JSON.stringify({ answer, accepted: l.cacheAccepted }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const out = r.status === 0 ? (JSON.parse(r.stdout) as { answer: string; accepted: boolean }) : {};
  return { status: r.status, stderr: r.stderr, ...out };
}

const cacheFiles = () => readdirSync(join(dir, 'cache')).map((f) => join(dir, 'cache', f));

/** Damage a cache file without changing its length: V8's own checks would pass it. */
function flipMiddle(file: string): void {
  const b = readFileSync(file);
  for (let i = Math.floor(b.length / 3); i < Math.floor(b.length / 3) + 2000 && i < b.length; i++) b[i]! ^= 0x5a;
  writeFileSync(file, b);
}

describe('the CLI code cache', () => {
  it('is written after the first run and used by the next', () => {
    const file = writeBundle('one');
    expect(load(file)).toMatchObject({ status: 0, answer: 'one', accepted: false });
    expect(cacheFiles()).toHaveLength(1);
    expect(load(file)).toMatchObject({ status: 0, answer: 'one', accepted: true });
  });

  it('is written again, with the earlier kinds kept, by the first run of a new kind only', () => {
    const file = writeBundle('kinds');
    load(file, 'ls');
    const [cache] = cacheFiles();
    const kinds = () => unwrapCache(readFileSync(cache!))?.kinds;
    expect(kinds()).toEqual(['ls']);
    const written = statSync(cache!).mtimeMs;
    expect(load(file, 'ls')).toMatchObject({ accepted: true });
    expect(statSync(cache!).mtimeMs).toBe(written);
    expect(load(file, 'exec')).toMatchObject({ status: 0, answer: 'kinds', accepted: true });
    expect(kinds()).toEqual(['ls', 'exec']);
    expect(load(file, 'ls')).toMatchObject({ accepted: true });
  });

  it.each([
    ['damaged in the middle (same length)', flipMiddle],
    ['truncated', (f: string) => writeFileSync(f, readFileSync(f).subarray(0, 100))],
    ['garbage', (f: string) => writeFileSync(f, Buffer.alloc(5000, 7))],
    ['empty', (f: string) => writeFileSync(f, '')],
  ])('is ignored when %s, and replaced by a good one', (_, damage) => {
    const file = writeBundle('two');
    load(file);
    const [cache] = cacheFiles();
    damage(cache!);
    expect(load(file)).toMatchObject({ status: 0, answer: 'two', accepted: false });
    expect(load(file)).toMatchObject({ status: 0, answer: 'two', accepted: true });
  });

  it('is not used for a rebuilt bundle of the same length, and the stale one goes', () => {
    const old = writeBundle('old');
    load(old);
    const [stale] = cacheFiles();
    // Same length: V8 alone would take the old cache for the new text and run the old code.
    const fresh = writeBundle('new');
    expect(load(fresh)).toMatchObject({ status: 0, answer: 'new', accepted: false });
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()).not.toContain(stale);
    expect(load(fresh)).toMatchObject({ status: 0, answer: 'new', accepted: true });
  });

  it('runs when the cache folder cannot be written', () => {
    const file = writeBundle('ro');
    writeFileSync(join(dir, 'cache'), 'a file where the folder would be');
    expect(load(file)).toMatchObject({ status: 0, answer: 'ro', accepted: false });
  });

  it('the real kiln runs past a damaged cache and writes a good one', async () => {
    const bundle = await buildCli();
    const cacheDir = join(dirname(bundle), 'cache');
    const kiln = () => spawnSync(process.execPath, [join(ROOT, 'bin', 'kiln.mjs'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(kiln().status).toBe(0);
    const caches = readdirSync(cacheDir).filter((f) => f.startsWith('kiln.cjs.') && f.endsWith('.v8'));
    expect(caches.length).toBeGreaterThan(0);
    for (const f of caches) flipMiddle(join(cacheDir, f));
    const r = kiln();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^kiln \d+\.\d+\.\d+/);
    expect(r.stderr).toBe('');
    const good = readdirSync(cacheDir).filter((f) => f.startsWith('kiln.cjs.') && f.endsWith('.v8'));
    expect(good.map((f) => unwrapCache(readFileSync(join(cacheDir, f))))).not.toContain(undefined);
  });
});
