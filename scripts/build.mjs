// Builds what runs outside the TypeScript sources:
//   out/kilnd/kilnd.mjs   the recorder, bundled with src-shared; its npm deps come from
//                         src-container/package.json inside the image (native ones compile there)
//   out/renderer/         the UI (vite.config.ts: src-renderer/index.html, hashed assets)
// The Electron shell joins this file with its issue.
// Usage: node scripts/build.mjs [--kilnd] [--renderer]   (no flag: everything)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildKilnd() {
  await build({
    entryPoints: [path.join(root, 'src-container/kilnd/main.ts')],
    outfile: path.join(root, 'out/kilnd/kilnd.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return path.join(root, 'out/kilnd/kilnd.mjs');
}

export async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  return path.join(root, 'out/renderer');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flags = process.argv.slice(2);
  const all = flags.length === 0;
  if (all || flags.includes('--kilnd')) {
    const t0 = Date.now();
    await buildKilnd();
    console.log(`built out/kilnd in ${Date.now() - t0} ms`);
  }
  if (all || flags.includes('--renderer')) {
    const t0 = Date.now();
    await buildRenderer();
    console.log(`built out/renderer in ${Date.now() - t0} ms`);
  }
}
