// In the installed app: the runtime image's build context ships with the recorder already
// bundled (out/kilnd, beside this folder), so "building" it only names the bundle. The
// repository's own scripts/build.mjs (esbuild) is what produced it at packaging time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'kilnd', 'kilnd.mjs');

export async function buildKilnd() {
  if (!existsSync(bundle)) throw new Error(`The recorder bundle is missing from this installation (${bundle}); reinstall Kiln.`);
  return bundle;
}
