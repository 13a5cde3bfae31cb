// Builds what runs outside the TypeScript sources:
//   out/kilnd/kilnd.mjs   the recorder, bundled with src-shared; its npm deps come from
//                         src-container/package.json inside the image (native ones compile there)
// The renderer and the Electron shell join this file with the UI issue.
// Usage: node scripts/build.mjs [--kilnd]   (no flag: everything)
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  await buildKilnd();
  console.log(`built out/kilnd in ${Date.now() - t0} ms`);
}
