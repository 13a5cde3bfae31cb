/** Runs a CommonJS bundle through vm.Script with its V8 code cache (in <dir>/cache/); `kind` names the run (the command). */
export function loadCachedScript(file: string, kind?: string): { exports: Record<string, unknown>; cacheAccepted: boolean; save(): void };
/** V8's cached data in the file format of the cache (header, the kinds of runs it holds, the data twice). */
export function wrapCache(data: Buffer, kinds?: string[]): Buffer;
/** The cached data and kinds of a cache file, or undefined when it is damaged. */
export function unwrapCache(file: Buffer): { data: Buffer; kinds: string[] } | undefined;
