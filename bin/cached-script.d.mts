/** Runs a CommonJS bundle through vm.Script with its V8 code cache (in <dir>/cache/). */
export function loadCachedScript(file: string): { exports: Record<string, unknown>; cacheAccepted: boolean; save(): void };
/** V8's cached data in the file format of the cache (header, then the data twice). */
export function wrapCache(data: Buffer): Buffer;
/** The cached data of a cache file, or undefined when it is damaged. */
export function unwrapCache(file: Buffer): Buffer | undefined;
