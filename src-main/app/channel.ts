/** The one IPC channel the bridge contract travels on (requests; pushes use BRIDGE_PUSH). */
export const BRIDGE_CHANNEL = 'kiln:bridge';
export const BRIDGE_PUSH = 'kiln:push';
