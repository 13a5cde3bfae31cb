// app://kiln serves the built renderer, real files from a real folder, each with the CSP.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_HEADERS, createAppProtocolHandler, resolveAppPath } from '../../../src-main/app/protocol';
import { CSP } from '../../../src-main/app/security';

let root: string;
let dir: string;
let serve: (r: Request) => Promise<Response>;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kiln-proto-'));
  dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Kiln</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'not for the page');
  symlinkSync(join(root, 'secret.txt'), join(dir, 'assets', 'link.txt'));
  serve = createAppProtocolHandler(dir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  it('serves the page and its assets with the strict CSP and nosniff', async () => {
    const res = await serve(new Request('app://kiln/'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Kiln</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await serve(new Request('app://kiln/assets/index-abc123.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CSP);
    expect(Object.keys(APP_HEADERS)).toContain('Cross-Origin-Opener-Policy');
  });

  it('serves nothing outside the renderer folder, through any spelling of ..', async () => {
    for (const url of ['app://kiln/../secret.txt', 'app://kiln/%2e%2e/secret.txt', 'app://kiln/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 'app://kiln/..%2fsecret.txt', 'app://kiln/assets/link.txt', 'app://kiln/%00', 'app://kiln/%E0%A4%A']) {
      const res = await serve(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('not for the page');
    }
  });

  it('answers only its own host and only GET', async () => {
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://kiln/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect((await serve(new Request('app://kiln/missing.js'))).status).toBe(404);
    expect(resolveAppPath(dir, 'https://kiln/index.html')).toBeNull();
    expect(resolveAppPath(dir, 'app://kiln/')).toBe(join(dir, 'index.html'));
  });
});
