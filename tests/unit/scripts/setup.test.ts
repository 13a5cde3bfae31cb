// `npm run setup` where Electron's binary cannot be downloaded: one sentence that says so and
// what still works, then an install without it — never npm's stack trace. npm is a stand-in
// here that fails the way npm ci does when electron's install script cannot reach GitHub.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NPM_STUB = `#!/bin/sh
mkdir -p node_modules
if [ -z "$ELECTRON_SKIP_BINARY_DOWNLOAD" ]; then
  cat >&2 <<'OUT'
npm error code 1
npm error path /somewhere/node_modules/electron
npm error command failed
npm error command sh -c node install.js
npm error RequestError: getaddrinfo ENOTFOUND github.com
npm error     at ClientRequest.<anonymous> (/somewhere/node_modules/got/source/request-as-event-emitter.js:178:14)
npm error     at Object.onceWrapper (node:events:632:26)
npm error A complete log of this run can be found in: /root/.npm/_logs/x.log
OUT
  exit 1
fi
echo "added 812 packages in 3s"
`;

describe('npm run setup without access to Electron\'s download', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-setup-'));
    fs.cpSync('scripts', path.join(dir, 'scripts'), { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(f, path.join(dir, f));
    fs.mkdirSync(path.join(dir, 'bin-stub'));
    fs.writeFileSync(path.join(dir, 'bin-stub', 'npm'), NPM_STUB, { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says so in one line and installs the rest', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.join(dir, 'bin-stub')}:${process.env.PATH}`, KILN_SETUP_SKIP: 'docker base-image chromium runtime-image cli' };
    delete env.CI;
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    const r = spawnSync('bash', ['scripts/setup.sh'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    const electron = lines.filter((l) => l.includes('Electron'));
    expect(electron).toHaveLength(1);
    expect(electron[0]).toContain('RequestError: getaddrinfo ENOTFOUND github.com');
    expect(r.stderr).not.toMatch(/^\s*(npm error\s+)?at /m);
    expect(r.stderr).toContain('added 812 packages');
    expect(fs.existsSync(path.join(dir, 'node_modules', '.kiln-deps-stamp'))).toBe(true);
  });
});
