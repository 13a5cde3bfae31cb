// Size bounds of a recipe folder. A recipe is configuration and prompts, not a dataset: the bounds
// keep a hostile or mistaken folder (a node_modules, a disk image) from stalling the loader.
export interface RecipeLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest sum of all file sizes, in bytes. */
  maxTotalBytes: number;
  /** Most files (after excluded names are dropped). */
  maxFiles: number;
  /** Deepest folder nesting below the recipe folder. */
  maxDepth: number;
}

export const RECIPE_LIMITS: Readonly<RecipeLimits> = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxFiles: 2000,
  maxDepth: 32,
};

/** "5 MiB", "512 KiB", "300 bytes" — for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
