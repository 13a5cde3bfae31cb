// Public surface of the recorder's relay. See README.md.
export { createRelay } from './relay';
export type { Relay, RelayOptions } from './relay';
export { DEFAULT_LIMITS, SUPPORTED_NIPS, infoDocument } from './limits';
export type { RelayLimits } from './limits';
export { AUTH_KIND, AUTH_WINDOW_SECONDS, checkAuthEvent } from './auth';
