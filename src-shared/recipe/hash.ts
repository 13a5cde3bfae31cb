// The recipe hash: one sha256 over every file of the recipe, so a recipe is named by its content
// (session.start events carry it; a fork records its parent's). Independent of file order and
// timestamps; bytes are hashed exactly as stored (no line-ending normalization), so any changed
// byte changes the hash. The algorithm is specified in docs/recipe-format.md ("The recipe hash").
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { isExcludedPath, unsafePathReason } from './paths';

export interface RecipeFile {
  /** Relative POSIX path inside the recipe folder, e.g. `roles/reviewer.md`. */
  path: string;
  bytes: Uint8Array;
}

export type RecipeHash = `sha256:${string}`;

/** Domain separation: a recipe hash can never equal the sha256 of some other framing or a plain file. */
const DOMAIN = 'kiln-recipe-hash/0\n';

/** Byte-wise comparison of UTF-8 encodings (not UTF-16 code units, which sort differently above U+FFFF). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/**
 * `sha256:<hex>` over: the domain line, then for each file (excluded names dropped; paths NFC-normalized
 * and sorted by their UTF-8 bytes) `path NUL decimal-length NUL bytes`.
 * Throws on an unsafe or duplicate path: callers (the loader) refuse those first.
 */
export function hashRecipe(files: readonly RecipeFile[]): RecipeHash {
  const entries = files
    .map((f) => ({ path: f.path.normalize('NFC'), bytes: f.bytes }))
    .filter((f) => !isExcludedPath(f.path))
    .map((f) => {
      const reason = unsafePathReason(f.path);
      if (reason) throw new Error(`Cannot hash recipe file "${f.path}": ${reason}.`);
      return { ...f, key: utf8ToBytes(f.path) };
    })
    .sort((a, b) => compareBytes(a.key, b.key));

  const h = sha256.create();
  h.update(utf8ToBytes(DOMAIN));
  const nul = new Uint8Array([0]);
  entries.forEach((e, k) => {
    if (k > 0 && compareBytes(entries[k - 1]!.key, e.key) === 0) throw new Error(`Cannot hash recipe: "${e.path}" appears twice.`);
    h.update(e.key).update(nul).update(utf8ToBytes(String(e.bytes.length))).update(nul).update(e.bytes);
  });
  return `sha256:${bytesToHex(h.digest())}`;
}
