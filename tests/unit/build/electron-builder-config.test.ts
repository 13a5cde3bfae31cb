// electron-builder.yml, read and validated by electron-builder's own code (its configuration
// loader and JSON-schema validation, the same steps `electron-builder` runs before packing),
// then each installer and fuse setting asserted.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../scripts/build.mjs';
import { RUNTIME_CONTEXT_PATHS } from '../../../src-main/engine/images';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, file: string | null, fromOptions: null): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { checkMetadata } = require('app-builder-lib/out/util/packageMetadata') as { checkMetadata(meta: unknown, dev: unknown, file: string, devFile: string): void };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let config: Record<string, any>;
let tmp: string;
beforeAll(async () => {
  config = await getConfig(process.cwd(), 'electron-builder.yml', null);
  tmp = mkdtempSync(join(tmpdir(), 'kiln-eb-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration validation', async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  }, 60_000);

  it('is refused by that validation when a setting is misspelt (the check bites)', async () => {
    const bad = structuredClone(config);
    bad.electronFuses.runAsNodee = false;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
    const bad2 = structuredClone(config);
    bad2.mac.hardenedRuntme = true;
    await expect(validateConfiguration(bad2, new DebugLogger(false))).rejects.toThrow(/configuration\.mac/);
  });

  it('sets every fuse: no run-as-node, no NODE_OPTIONS, no --inspect, asar integrity, asar only, cookies encrypted', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
    expect(config.asar).toBe(true);
  });

  it('builds a universal dmg and zip for macOS, hardened, with minimal entitlements and notarisation', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['universal'] }, { target: 'zip', arch: ['universal'] }]);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true); // credentials from APPLE_* env; skipped without them
    expect(config.mac.entitlements).toBe('resources/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe('resources/entitlements.mac.plist');
    const plist = readFileSync(config.mac.entitlements, 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1])).toEqual([
      'com.apple.security.cs.allow-jit',
      'com.apple.security.cs.allow-unsigned-executable-memory',
    ]);
    expect(plist).not.toMatch(/disable-library-validation|allow-dyld-environment-variables|get-task-allow|device\.camera|device\.audio-input/);
  });

  it('builds an AppImage and a deb for Linux, and registers kiln:// on both systems', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toMatch(/<.+@.+>/); // the deb needs a maintainer with an address
    expect(config.protocols).toEqual([{ name: 'Kiln recipe link', schemes: ['kiln'] }]);
  });

  it('packs out/app alone: no node_modules, nothing to rebuild', () => {
    expect(config.directories.app).toBe('out/app');
    expect(config.files).toEqual([{ filter: ['**/*', '!**/*.map'] }]); // electron-builder's normalised form
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });

  it('accepts the app package.json buildElectron writes (electron-builder’s metadata check)', async () => {
    const outDir = join(tmp, 'app');
    await buildElectron({ outDir, rendererDir: join(tmp, 'none') });
    const meta = JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8'));
    const dev = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(() => checkMetadata(meta, dev, join(outDir, 'package.json'), resolve('package.json'))).not.toThrow();
    expect(meta).toMatchObject({ name: 'kiln', productName: 'Kiln', main: 'main.cjs', author: expect.anything(), description: expect.any(String) });
  }, 60_000);

  it('carries the runtime image’s whole build context as extra resources, as the repository has it', () => {
    const extra = config.extraResources as { from: string; to: string; filter?: string[] }[];
    for (const p of RUNTIME_CONTEXT_PATHS) {
      const top = p.startsWith('out/') ? p : 'src-container';
      const entry = extra.find((e) => e.from === top);
      expect(entry?.to, p).toBe(`runtime/${top}`);
    }
    for (const e of extra) if (!e.from.startsWith('out/')) expect(existsSync(e.from), e.from).toBe(true); // out/*: built by npm run dist
    expect(extra.find((e) => e.from === 'resources/runtime')?.to).toBe('runtime');
  });

  it('the installed app’s build stub hands the image the shipped recorder bundle, or says it is missing', async () => {
    const runtime = join(tmp, 'runtime');
    mkdirSync(join(runtime, 'scripts'), { recursive: true });
    writeFileSync(join(runtime, 'scripts', 'build.mjs'), readFileSync('resources/runtime/scripts/build.mjs'));
    const stub = (await import(pathToFileURL(join(runtime, 'scripts', 'build.mjs')).href)) as { buildKilnd(): Promise<string> };
    await expect(stub.buildKilnd()).rejects.toThrow(/The recorder bundle is missing from this installation .*reinstall Kiln/);
    mkdirSync(join(runtime, 'out', 'kilnd'), { recursive: true });
    writeFileSync(join(runtime, 'out', 'kilnd', 'kilnd.mjs'), '');
    await expect(stub.buildKilnd()).resolves.toBe(join(runtime, 'out', 'kilnd', 'kilnd.mjs'));
  });
});
