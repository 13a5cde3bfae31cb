// The desktop app ships no native Node module: the check `npm run dist` runs before
// electron-builder passes on the real app and refuses a deliberate native dependency.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, nativeAddons } from '../../../scripts/build.mjs';
import { findNativeModules, type Metafile } from '../../../scripts/check-native-modules.mjs';

const FIXTURE = resolve('tests/fixtures/native-module/native-dep');
const CHECK = resolve('scripts/check-native-modules.mjs');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kiln-native-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function appWith(name: string, deps: Record<string, string>): string {
  const app = join(tmp, name);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'main.cjs', dependencies: deps }));
  writeFileSync(join(app, 'main.cjs'), '');
  return app;
}

describe('the native-module check', () => {
  it('passes on the real desktop app: its bundles, its package.json and its extra resources', async () => {
    const outDir = join(tmp, 'app');
    await buildElectron({ outDir, rendererDir: join(tmp, 'no-renderer') });
    const metafile = JSON.parse(readFileSync(join(tmp, 'app-meta.json'), 'utf8')) as Metafile;
    expect(Object.keys(metafile.inputs!).some((i) => i.includes('node_modules/dockerode/'))).toBe(true);
    expect(findNativeModules({ appDir: outDir, metafile, extraDirs: [resolve('src-container')] })).toEqual([]);
    expect(JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8'))).not.toHaveProperty('dependencies');
    const cli = spawnSync(process.execPath, [CHECK, outDir], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
  });

  it('refuses a native package among the app’s dependencies, naming it and why', () => {
    const app = appWith('with-native-dep', { 'native-dep': '1.0.0' });
    cpSync(FIXTURE, join(app, 'node_modules', 'native-dep'), { recursive: true });
    const problems = findNativeModules({ appDir: app });
    expect(problems.filter((p) => /^native-dep \(.*\): a dependency of the app that is native — it contains (binding\.gyp|build\/Release\/native_dep\.node)/.test(p))).toHaveLength(1);
    // Its files are named too: they sit in the folder that would be packed.
    expect(problems.filter((p) => p.endsWith(': a native file in the app folder')).map((p) => p.split(':')[0]!.slice(app.length + 1)).sort()).toEqual(['node_modules/native-dep/binding.gyp', 'node_modules/native-dep/build/Release/native_dep.node']);
    const cli = spawnSync(process.execPath, [CHECK, app], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('The desktop app must not ship native Node modules');
    expect(cli.stderr).toContain('native-dep');
  });

  it('refuses the real better-sqlite3 (the recorder’s, which belongs in the image)', () => {
    const app = appWith('with-sqlite', { 'better-sqlite3': '*' });
    symlinkSync(resolve('node_modules/better-sqlite3'), join(app, 'node_modules', 'better-sqlite3'));
    const problems = findNativeModules({ appDir: app });
    expect(problems.join('\n')).toMatch(/better-sqlite3 .*native — it contains .*(binding\.gyp|\.node)/);
  });

  it('refuses a native package bundled into main, and the .node require left outside the bundle', async () => {
    const dir = join(tmp, 'bundled');
    cpSync(FIXTURE, join(dir, 'node_modules', 'native-dep'), { recursive: true });
    writeFileSync(join(dir, 'entry.js'), "module.exports = require('native-dep');\n");
    const result = await build({ absWorkingDir: dir, entryPoints: ['entry.js'], outfile: join(dir, 'app', 'main.cjs'), bundle: true, platform: 'node', format: 'cjs', metafile: true, logLevel: 'silent', plugins: [nativeAddons] });
    writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', main: 'main.cjs' }));
    const problems = findNativeModules({ appDir: join(dir, 'app'), metafile: result.metafile as Metafile, metaBase: dir });
    expect(problems.some((p) => /^native-dep \(.*\): bundled into the app but native/.test(p))).toBe(true);
    expect(problems.some((p) => p.includes('requires "./build/Release/native_dep.node" at run time'))).toBe(true);
  });

  it('refuses a .node file or binding.gyp dropped into the app folder or its extra resources', () => {
    const app = appWith('with-file', {});
    mkdirSync(join(app, 'lib'));
    writeFileSync(join(app, 'lib', 'addon.node'), 'x');
    const extra = join(tmp, 'extra');
    mkdirSync(extra);
    writeFileSync(join(extra, 'binding.gyp'), '{}');
    expect(findNativeModules({ appDir: app, extraDirs: [extra] })).toEqual([
      `${join(app, 'lib', 'addon.node')}: a native file in the app folder`,
      `${join(extra, 'binding.gyp')}: a native file in the app's extra resources`,
    ]);
  });

  it('runs in `npm run dist` between the build and electron-builder', () => {
    const scripts = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").scripts)'], { encoding: 'utf8' })) as Record<string, string>;
    expect(scripts.dist).toMatch(/scripts\/build\.mjs.*&& node scripts\/check-native-modules\.mjs && electron-builder/);
  });
});
