// Every IPC channel between the preload and main, in one place. Each is handled in ipc.ts with a
// sender check and a zod schema.
/** The bridge contract's requests ({ t: 'req', id, op, input } → a WireMessage reply). */
export const BRIDGE_CHANNEL = 'kiln:bridge';
/** Host → window pushes of the bridge contract (WireMessage { t: 'push' }). */
export const BRIDGE_PUSH = 'kiln:push';
/** Desktop only: re-validate a dropped recipe folder's path before anything reads it. */
export const CHECK_RECIPE_FOLDER = 'kiln:desktop:check-recipe-folder';
/** Desktop only: the native folder picker for "Import recipe". */
export const PICK_RECIPE_FOLDER = 'kiln:desktop:pick-recipe-folder';

export const INVOKE_CHANNELS = [BRIDGE_CHANNEL, CHECK_RECIPE_FOLDER, PICK_RECIPE_FOLDER] as const;
