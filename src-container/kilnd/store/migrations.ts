// The event store's schema, as a list of migrations. Read top to bottom, it describes the data
// (nostr-rs-relay style): one row per event with its raw JSON, a tags table with the event's
// sort/filter columns copied in so tag queries are answered from one index, and blobs by hash.
// Each index says which filter it makes fast. Add a migration; never edit an applied one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, single-letter tags, blobs, meta',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- One row per stored event. id and pubkey are 32 raw bytes (half the size of hex, faster
      -- comparisons); raw is the event's canonical JSON, sent to clients unchanged.
      -- session_id / seq come from the event's "E" and "seq" tags (DESIGN.md: every event of
      -- a session carries them) so chain resume is one index lookup.
      CREATE TABLE events (
        rowid      INTEGER PRIMARY KEY,
        id         BLOB    NOT NULL UNIQUE,   -- filter: ids (the UNIQUE index serves it and dedupe)
        pubkey     BLOB    NOT NULL,
        created_at INTEGER NOT NULL,
        kind       INTEGER NOT NULL,
        session_id TEXT,
        seq        INTEGER,
        raw        TEXT    NOT NULL
      );

      -- filter: {} or {since, until} alone — "newest N events" walks this index and stops at N.
      CREATE INDEX events_created ON events (created_at DESC, id);
      -- filter: kinds (+ since/until) — the timeline's usual query.
      CREATE INDEX events_kind_created ON events (kind, created_at DESC, id);
      -- filter: authors (+ since/until), and authors + kinds, and replaceable-event lookups.
      CREATE INDEX events_pubkey_kind_created ON events (pubkey, kind, created_at DESC, id);
      CREATE INDEX events_pubkey_created ON events (pubkey, created_at DESC, id);
      -- latestOfSession(startId): the newest event of a session chain by seq.
      CREATE INDEX events_session_seq ON events (session_id, seq) WHERE session_id IS NOT NULL;

      -- Single-letter tags only (the ones NIP-01 filters can address), first value only.
      -- created_at and kind are copied from the event so a "#x" filter is answered, in order,
      -- from one index without touching events until the rows to return are known.
      CREATE TABLE tags (
        event_rowid INTEGER NOT NULL REFERENCES events (rowid) ON DELETE CASCADE,
        name        TEXT    NOT NULL,
        value       TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        kind        INTEGER NOT NULL
      );
      -- filter: "#x" (+ since/until), newest first: e.g. {"#E": [sessionStart]}.
      CREATE INDEX tags_name_value_created ON tags (name, value, created_at DESC);
      -- filter: "#x" + kinds: e.g. {"#E": [sessionStart], kinds: [checkpoint]}.
      CREATE INDEX tags_name_value_kind_created ON tags (name, value, kind, created_at DESC);
      -- ON DELETE CASCADE (replaced events) finds an event's tags through this index.
      CREATE INDEX tags_event ON tags (event_rowid);

      -- Content-addressed blobs referenced from events ("x" sha256, "size", "m" mime).
      CREATE TABLE blobs (
        sha256     TEXT    PRIMARY KEY,
        size       INTEGER NOT NULL,
        mime       TEXT,
        data       BLOB    NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Bring the database to SCHEMA_VERSION; each migration runs in its own transaction. */
export function migrate(db: Database.Database): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  const current = hasMeta
    ? Number((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0)
    : 0;
  if (current > SCHEMA_VERSION) {
    throw new StoreSchemaError(current);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(String(m.version));
    })();
  }
  return SCHEMA_VERSION;
}

export class StoreSchemaError extends Error {
  readonly code = 'STORE_SCHEMA_NEWER';
  constructor(readonly found: number) {
    super(`The event store was written by a newer Kiln (schema ${found}, this one knows ${SCHEMA_VERSION}). Update Kiln to open it.`);
  }
}
