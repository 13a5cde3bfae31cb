/** The bridge's connection as the page shows it. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'reconnected' | 'no-token' | 'stale-token';
