// Public surface of the recorder's event store. See README.md.
export { openStore, DEFAULT_MAX_LIMIT, StoreFilterError } from './event-store';
export type { EventStore, PutOptions, PutResult, CommittedListener, StoreOptions } from './event-store';
export type { StoredBlob } from './blobs';
export { EVENT_LIMITS, parseEvent, parseFilter, serializeEvent, kindClass } from './shapes';
export type { NostrEvent, Filter, ParseResult } from './shapes';
export { MIGRATIONS, SCHEMA_VERSION, StoreSchemaError } from './migrations';
