// What a path inside a recipe may look like. A recipe is data from strangers: a reference must
// not reach outside its folder, and it must mean the same file on Linux, macOS and Windows.

/** Files and folders that are never part of a recipe (and never hashed): VCS data and OS junk. */
export const EXCLUDED_NAMES: readonly string[] = ['.git', '.DS_Store', 'Thumbs.db'];

/** True when any segment of the relative POSIX path is an excluded name (e.g. `.git/config`, `a/.DS_Store`). */
export function isExcludedPath(relPath: string): boolean {
  return relPath.split('/').some((seg) => EXCLUDED_NAMES.includes(seg));
}

/**
 * Why `relPath` is not a safe relative POSIX path inside a recipe, or null when it is.
 * Safe means: not empty, not absolute, no drive letter, no backslash, no NUL, no `.`/`..`/empty segment.
 */
export function unsafePathReason(relPath: string): string | null {
  if (relPath.length === 0) return 'the path is empty';
  if (relPath.includes('\0')) return 'the path contains a NUL character';
  if (relPath.includes('\\')) return 'the path uses "\\"; write it with "/" (e.g. "roles/reviewer.md")';
  if (relPath.startsWith('/') || /^[A-Za-z]:/.test(relPath)) return 'the path is absolute; write it relative to the recipe folder';
  const segments = relPath.split('/');
  if (segments.includes('..')) return 'the path uses ".." and so could leave the recipe folder';
  if (segments.some((s) => s === '' || s === '.')) return 'the path has an empty or "." segment; write it plainly, e.g. "roles/reviewer.md"';
  return null;
}
