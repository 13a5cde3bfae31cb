/** Bundles kilnd into out/kilnd/kilnd.mjs; resolves the bundle's path. */
export function buildKilnd(): Promise<string>;
/** Bundles the CLI into out/cli/kiln.mjs (+ chunks, inputs.json); resolves the entry's path. */
export function buildCli(): Promise<string>;
