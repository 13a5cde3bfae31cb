// The recorder's event store: NIP-01 events in SQLite (WAL). Writes are synchronous and return
// only after their transaction commits, so whoever acknowledges an event (the relay's OK, the
// recorder's receipt) acknowledges something on disk. Committed events are then handed to
// onCommitted listeners — the relay's live subscriptions hang off that hook.
import Database from 'better-sqlite3';
import { verifyEvent } from 'nostr-tools/pure';
import { migrate } from './migrations';
import { filterSql, selectStatement, countStatement } from './filter-sql';
import { EVENT_LIMITS, kindClass, parseEvent, parseFilter, serializeEvent, type Filter, type NostrEvent } from './shapes';
import { openBlobs, type BlobStore } from './blobs';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { seqOf, tagValue } from '../../../src-shared/events';

export interface PutOptions {
  /** The event was signed in this process (by the recorder's signer): skip id/signature checks. */
  signedInProcess?: boolean;
}

/** ok:true with duplicate:true means "already have it" (NIP-01 OK true "duplicate: …"). */
export type PutResult = { ok: true; duplicate?: boolean; reason?: string } | { ok: false; reason: string };

export type CommittedListener = (events: readonly NostrEvent[]) => void;

export interface EventStore extends BlobStore {
  readonly path: string;
  put(event: unknown, options?: PutOptions): PutResult;
  /** All events in one transaction; results in input order, returned after the commit. */
  putMany(events: readonly unknown[], options?: PutOptions): PutResult[];
  /** Matching events, newest first (created_at DESC, then id); each filter's limit applies to it. */
  query(filters: Filter | readonly Filter[]): NostrEvent[];
  /** Same as query, as the stored JSON text (what the relay sends, without re-serializing). */
  queryRaw(filters: Filter | readonly Filter[]): string[];
  /** NIP-45: distinct events matching any of the filters (limit ignored). */
  count(filters: Filter | readonly Filter[]): number;
  /** The newest event of the session started by startId (highest seq), or the start event itself. */
  latestOfSession(startId: string): NostrEvent | undefined;
  /** Called after each commit with the newly stored events (and accepted ephemeral ones). */
  onCommitted(listener: CommittedListener): () => void;
  close(): void;
}

export interface StoreOptions {
  /** Largest limit a query may ask for; filters without a limit get this many. */
  maxLimit?: number;
}

export const DEFAULT_MAX_LIMIT = 5000;
const STATEMENT_CACHE = 256;

export class StoreFilterError extends Error {
  readonly code = 'STORE_BAD_FILTER';
}

export function openStore(path: string, options: StoreOptions = {}): EventStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a commit survives a process crash; fsync at checkpoints
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  migrate(db);
  // Refresh planner statistics when they are missing or stale (SQLite's advice for long-lived connections).
  db.pragma('optimize = 0x10002');
  const checkpointer = startCheckpointer(db, path);
  return new SqliteEventStore(path, db, options.maxLimit ?? DEFAULT_MAX_LIMIT, checkpointer);
}

interface Row { rowid: number; created_at: number; raw: string }

class SqliteEventStore implements EventStore {
  private readonly listeners = new Set<CommittedListener>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly blobs: BlobStore;
  private readonly insertEvent: Database.Statement;
  private readonly insertTag: Database.Statement;
  private readonly findReplaceable: Database.Statement;
  private readonly findAddressable: Database.Statement;
  private readonly deleteEvent: Database.Statement;
  private readonly latestInSession: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly writeBatch: (events: Checked[]) => Array<'stored' | 'duplicate' | 'superseded'>;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly maxLimit: number,
    private readonly checkpointer: Checkpointer,
  ) {
    this.blobs = openBlobs(db);
    this.insertEvent = db.prepare(
      'INSERT INTO events (id, pubkey, created_at, kind, session_id, seq, raw) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.insertTag = db.prepare('INSERT INTO tags (event_rowid, name, value, created_at, kind) VALUES (?, ?, ?, ?, ?)');
    this.findReplaceable = db.prepare(
      'SELECT rowid, created_at, lower(hex(id)) AS id FROM events WHERE pubkey = ? AND kind = ?');
    this.findAddressable = db.prepare(`SELECT rowid, created_at, lower(hex(id)) AS id FROM events e WHERE pubkey = ? AND kind = ?
      AND COALESCE((SELECT value FROM tags WHERE event_rowid = e.rowid AND name = 'd' LIMIT 1), '') = ?`);
    this.deleteEvent = db.prepare('DELETE FROM events WHERE rowid = ?');
    this.latestInSession = db.prepare('SELECT raw FROM events WHERE session_id = ? ORDER BY seq DESC, rowid DESC LIMIT 1');
    this.byId = db.prepare('SELECT raw FROM events WHERE id = ?');
    this.writeBatch = db.transaction((events: Checked[]) => events.map((c) => this.writeOne(c.event, c.raw)));
  }

  put(event: unknown, options?: PutOptions): PutResult {
    return this.putMany([event], options)[0]!;
  }

  putMany(events: readonly unknown[], options: PutOptions = {}): PutResult[] {
    this.assertOpen();
    // Check everything before the transaction opens: the write lock is held only for writes.
    const results: PutResult[] = new Array(events.length);
    const toWrite: Checked[] = [];
    const at: number[] = [];
    const ephemeral: NostrEvent[] = [];
    events.forEach((input, i) => {
      const checked = checkEvent(input, options.signedInProcess === true);
      if (!checked.ok) results[i] = checked;
      else if (kindClass(checked.event.kind) === 'ephemeral') {
        ephemeral.push(checked.event);
        results[i] = { ok: true };
      } else {
        toWrite.push(checked);
        at.push(i);
      }
    });
    const stored: NostrEvent[] = [];
    if (toWrite.length > 0) {
      let outcomes: Array<'stored' | 'duplicate' | 'superseded'>;
      try {
        outcomes = this.writeBatch(toWrite);
      } catch (err) {
        const reason = `error: could not store the event (${(err as Error).message})`;
        for (const i of at) results[i] = { ok: false, reason };
        return results;
      }
      outcomes.forEach((outcome, k) => {
        const i = at[k]!;
        if (outcome === 'stored') {
          results[i] = { ok: true };
          stored.push(toWrite[k]!.event);
        } else if (outcome === 'duplicate') results[i] = { ok: true, duplicate: true, reason: 'duplicate: already have this event' };
        else results[i] = { ok: true, duplicate: true, reason: 'duplicate: have a newer version of this replaceable event' };
      });
    }
    if (stored.length + ephemeral.length > 0) this.emit(ephemeral.length ? [...stored, ...ephemeral] : stored);
    return results;
  }

  // Runs inside the batch transaction.
  private writeOne(e: NostrEvent, raw: string): 'stored' | 'duplicate' | 'superseded' {
    const cls = kindClass(e.kind);
    const pubkey = Buffer.from(e.pubkey, 'hex');
    if (cls === 'replaceable' || cls === 'addressable') {
      const older = cls === 'replaceable'
        ? this.findReplaceable.all(pubkey, e.kind) as Array<{ rowid: number; created_at: number; id: string }>
        : this.findAddressable.all(pubkey, e.kind, tagValue(e, 'd') ?? '') as Array<{ rowid: number; created_at: number; id: string }>;
      for (const o of older) {
        if (o.id === e.id) return 'duplicate';
        // NIP-01: the newest wins; on a tie, the lowest id.
        if (o.created_at > e.created_at || (o.created_at === e.created_at && o.id < e.id)) return 'superseded';
      }
      for (const o of older) this.deleteEvent.run(o.rowid);
    }
    const session = tagValue(e, 'E') ?? null;
    const seq = seqOf(e) ?? null;
    const info = this.insertEvent.run(Buffer.from(e.id, 'hex'), pubkey, e.created_at, e.kind, session, seq, raw);
    if (info.changes === 0) return 'duplicate';
    const rowid = info.lastInsertRowid;
    for (const tag of e.tags) {
      const [name, value] = tag;
      if (name !== undefined && value !== undefined && name.length === 1 && isLetter(name)) {
        this.insertTag.run(rowid, name, value, e.created_at, e.kind);
      }
    }
    return 'stored';
  }

  query(filters: Filter | readonly Filter[]): NostrEvent[] {
    return this.queryRaw(filters).map((raw) => JSON.parse(raw) as NostrEvent);
  }

  queryRaw(filters: Filter | readonly Filter[]): string[] {
    this.assertOpen();
    const list = normalize(filters);
    if (list.length === 1) return this.runFilter(list[0]!).map((r) => r.raw);
    // Several filters: union, each event once, then one newest-first order across them.
    const seen = new Map<number, Row>();
    for (const f of list) for (const row of this.runFilter(f)) seen.set(row.rowid, row);
    return [...seen.values()].sort(newestFirst).map((r) => r.raw);
  }

  count(filters: Filter | readonly Filter[]): number {
    this.assertOpen();
    const parts = normalize(filters).map(filterSql).filter((p) => p !== null);
    if (parts.length === 0) return 0;
    const row = this.statement(countStatement(parts)).get(...parts.flatMap((p) => p.params)) as { n: number };
    return row.n;
  }

  latestOfSession(startId: string): NostrEvent | undefined {
    this.assertOpen();
    const row = (this.latestInSession.get(startId) ?? this.byId.get(Buffer.from(startId, 'hex'))) as { raw: string } | undefined;
    return row ? (JSON.parse(row.raw) as NostrEvent) : undefined;
  }

  putBlob(data: Uint8Array, mime?: string) {
    this.assertOpen();
    return this.blobs.putBlob(data, mime);
  }

  getBlob(sha256: string) {
    this.assertOpen();
    return this.blobs.getBlob(sha256);
  }

  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.checkpointer.stop();
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
  }

  private runFilter(filter: Filter): Row[] {
    const limit = Math.min(filter.limit ?? this.maxLimit, this.maxLimit);
    const sql = filterSql(filter);
    if (!sql || limit === 0) return [];
    return this.statement(selectStatement(sql)).all(...sql.params, limit) as Row[];
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt) return stmt;
    stmt = this.db.prepare(sql);
    if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    this.statements.set(sql, stmt);
    return stmt;
  }

  private emit(events: readonly NostrEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        // A failing subscriber must not turn a committed write into a reported failure.
        console.error(`[store] onCommitted listener failed: ${(err as Error).message}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed.');
  }
}

interface Checked { ok: true; event: NostrEvent; raw: string }

function checkEvent(input: unknown, signedInProcess: boolean): Checked | { ok: false; reason: string } {
  const parsed = parseEvent(input);
  if (!parsed.ok) return { ok: false, reason: `invalid: ${parsed.reason}` };
  const event = parsed.value;
  const raw = serializeEvent(event);
  const size = Buffer.byteLength(raw);
  if (size > EVENT_LIMITS.maxEventBytes) {
    return { ok: false, reason: `invalid: event is ${size} bytes; the limit is ${EVENT_LIMITS.maxEventBytes}` };
  }
  // Verify the parsed copy, never the caller's object: a cached "verified" mark cannot be forged in.
  if (!signedInProcess && !verifyEvent({ ...event })) return { ok: false, reason: 'invalid: bad event id or signature' };
  return { ok: true, event, raw };
}

function normalize(filters: Filter | readonly Filter[]): Filter[] {
  const list = (Array.isArray(filters) ? filters : [filters]) as unknown[];
  return list.map((f) => {
    const parsed = parseFilter(f);
    if (!parsed.ok) throw new StoreFilterError(`invalid filter: ${parsed.reason}`);
    return parsed.value;
  });
}

// Ties by id: raw starts with {"id":"…", so comparing raw text compares ids.
function newestFirst(a: Row, b: Row): number {
  return b.created_at - a.created_at || (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0);
}

function isLetter(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
