export const OPTIONAL_NATIVE_USERS: Record<string, string>;
export function nativeFilesIn(dir: string, limit?: number): string[];
export function nativeReason(pkgDir: string): string | null;
export function shippedPackages(appDir: string): { name: string; dir: string }[];
export interface Metafile {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, { imports?: { path: string; kind?: string; external?: boolean }[] }>;
}
/** Every native module the app would ship, one sentence each; empty when there is none. */
export function findNativeModules(opts: { appDir: string; metafile?: Metafile; metaBase?: string; extraDirs?: string[]; allowExternal?: string[] }): string[];
