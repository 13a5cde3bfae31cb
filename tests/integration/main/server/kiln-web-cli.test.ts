// `kiln web --json --no-open` as a person starts it: one JSON line with the URL (token in the
// fragment), the page served on 127.0.0.1, and Ctrl-C (SIGINT) stops it cleanly with exit 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../cli/kiln-process';
import { connectBridge } from './ws-transport';

describe('kiln web', () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prints its URL as JSON, serves the bridge, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'kiln.mjs'), 'web', '--json', '--no-open'], {
      cwd: ROOT,
      env: { ...process.env, KILN_HOME: home, KILN_WORKSPACES: join(home, 'ws') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        try {
          resolve((JSON.parse(out) as { url: string }).url);
        } catch {
          // not whole yet
        }
      });
      void exited.then(() => reject(new Error(`kiln web exited early: ${err}`)));
    });
    const m = /^http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{40,})$/.exec(url);
    expect(m, url).not.toBeNull();
    const tab = await connectBridge(Number(m![1]), m![2]!);
    await expect(tab.call('app.info', {})).resolves.toMatchObject({ mode: 'web' });
    tab.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
