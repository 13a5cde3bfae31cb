/** Bundles kilnd into out/kilnd/kilnd.mjs; resolves the bundle's path. */
export function buildKilnd(): Promise<string>;
