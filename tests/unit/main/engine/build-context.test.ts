import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectContext, hashContext, packContext } from '../../../../src-main/engine/build-context';

let dir: string;

function makeTree(root: string): void {
  mkdirSync(join(root, 'app', 'lib'), { recursive: true });
  mkdirSync(join(root, 'app', 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(root, 'app', 'a.txt'), 'alpha\n');
  writeFileSync(join(root, 'app', 'lib', 'b.txt'), 'beta\n');
  writeFileSync(join(root, 'app', 'node_modules', 'dep', 'index.js'), 'x\n');
  writeFileSync(join(root, 'outside.txt'), 'not sent\n');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-ctx-'));
  makeTree(join(dir, 'one'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('build context', () => {
  it('sends only the named paths, walks folders, skips node_modules and missing paths', () => {
    const ctx = collectContext(join(dir, 'one'), ['app', 'Dockerfile', 'out/missing']);
    expect(ctx.files).toEqual(['Dockerfile', 'app/a.txt', 'app/lib/b.txt']);
  });

  it('hashes the same for a copy of the folder, whatever the listing order', () => {
    cpSync(join(dir, 'one'), join(dir, 'two'), { recursive: true });
    const a = hashContext(collectContext(join(dir, 'one'), ['app', 'Dockerfile']));
    const b = hashContext(collectContext(join(dir, 'two'), ['Dockerfile', 'app']));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });

  it('changes the hash when a byte, the executable bit, a virtual file or a build arg changes', () => {
    const root = join(dir, 'one');
    const paths = ['app', 'Dockerfile'];
    const base = hashContext(collectContext(root, paths));
    const hashes = new Set([base]);
    writeFileSync(join(root, 'app', 'a.txt'), 'alphA\n');
    hashes.add(hashContext(collectContext(root, paths)));
    chmodSync(join(root, 'app', 'lib', 'b.txt'), 0o755);
    hashes.add(hashContext(collectContext(root, paths)));
    hashes.add(hashContext(collectContext(root, paths, [{ name: 'x/ca.crt', content: 'pem' }])));
    hashes.add(hashContext(collectContext(root, paths), { 'arg:NODE_IMAGE': 'node:22' }));
    expect(hashes.size).toBe(5);
  });

  it('refuses a virtual file that would hide a real one', () => {
    expect(() => collectContext(join(dir, 'one'), ['app'], [{ name: 'app/a.txt', content: 'x' }])).toThrow(/hide a real file/);
  });

  it('streams real and virtual files as a tar the engine can unpack', async () => {
    const ctx = collectContext(join(dir, 'one'), ['app', 'Dockerfile'], [{ name: 'extra/ca.crt', content: 'PEM\n' }]);
    const out = join(dir, 'unpacked');
    await new Promise<void>((resolve, reject) => {
      const sink = extract(out);
      sink.on('finish', resolve);
      sink.on('error', reject);
      packContext(ctx).pipe(sink);
    });
    expect(readFileSync(join(out, 'app', 'lib', 'b.txt'), 'utf8')).toBe('beta\n');
    expect(readFileSync(join(out, 'extra', 'ca.crt'), 'utf8')).toBe('PEM\n');
    expect(() => readFileSync(join(out, 'outside.txt'))).toThrow();
  });
});
