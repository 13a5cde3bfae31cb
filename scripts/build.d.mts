/** Bundles kilnd into out/kilnd/kilnd.mjs; resolves the bundle's path. */
export function buildKilnd(): Promise<string>;
/** Bundles the CLI into out/cli/kiln.cjs (+ inputs.json; bin/kiln.mjs keeps its code cache in out/cli/cache); resolves its path. */
export function buildCli(): Promise<string>;
/** Packages the Electron main bundle leaves out (optional native speed-ups, tried and caught). */
export const OPTIONAL_NATIVE: string[];
/** Bundles the Electron main and preload into out/app with the renderer's build and a dependency-free package.json. */
export function buildElectron(opts?: { outDir?: string; rendererDir?: string }): Promise<{ dir: string; renderer: boolean }>;
/** The esbuild plugin that stubs optional native speed-ups and leaves any other .node require external. */
export const nativeAddons: import('esbuild').Plugin;
/** Bundles the all-in-one container's window server into out/aio/server.mjs; resolves its path. */
export function buildAllInOne(): Promise<string>;
