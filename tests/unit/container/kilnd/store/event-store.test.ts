import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION, StoreFilterError, type NostrEvent } from '../../../../../src-container/kilnd/store';
import { makeSigner, tempStore, type Signer, type TempStore } from './fixture';

let t: TempStore;
let alice: Signer;
let bob: Signer;
beforeEach(() => {
  t = tempStore();
  alice = makeSigner();
  bob = makeSigner();
});
afterEach(() => t.cleanup());

const ids = (events: NostrEvent[]) => events.map((e) => e.id);

describe('writing events', () => {
  it('stores a signed event and reads it back unchanged', () => {
    const e = alice.sign({ kind: 4001, created_at: 1000, tags: [['E', 'a'.repeat(64)], ['seq', '1']], content: '{"x":1}' });
    expect(t.store.put(e)).toEqual({ ok: true });
    expect(t.store.query({ ids: [e.id] })).toEqual([e]);
  });

  it('acknowledges only what is already on disk: a second connection sees the event right after put returns', () => {
    const e = alice.sign({ kind: 1, content: 'durable' });
    expect(t.store.put(e).ok).toBe(true);
    const other = new Database(t.path, { readonly: true });
    const row = other.prepare('SELECT raw FROM events WHERE id = ?').get(Buffer.from(e.id, 'hex')) as { raw: string } | undefined;
    other.close();
    expect(JSON.parse(row!.raw)).toEqual(e);
  });

  it('folds the write-ahead log back into one database file on close', () => {
    t.store.putMany(Array.from({ length: 50 }, (_, i) => alice.sign({ kind: 1, content: String(i) })));
    t.store.close();
    expect(existsSync(`${t.path}-wal`)).toBe(false);
    const db = new Database(t.path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 50 });
    db.close();
  });

  it('keeps events across close and reopen', () => {
    const e = alice.sign({ kind: 1, content: 'kept' });
    t.store.put(e);
    t.store.close();
    const again = openStore(t.path);
    expect(again.query({ ids: [e.id] })).toEqual([e]);
    again.close();
  });

  it('dedupes on id and says so', () => {
    const e = alice.sign({ kind: 1, content: 'once' });
    expect(t.store.put(e)).toEqual({ ok: true });
    expect(t.store.put(e)).toMatchObject({ ok: true, duplicate: true, reason: expect.stringMatching(/^duplicate:/) });
    expect(t.store.count({})).toBe(1);
  });

  it('rejects a bad signature and a tampered id, storing nothing', () => {
    const e = alice.sign({ kind: 1, content: 'original' });
    const forged = { ...e, content: 'changed after signing' };
    const badSig = { ...e, sig: e.sig.slice(0, -2) + (e.sig.endsWith('00') ? '11' : '00') };
    expect(t.store.put(forged)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid: bad event id or signature/) });
    expect(t.store.put(badSig)).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid:/) });
    expect(t.store.count({})).toBe(0);
  });

  it('rejects malformed shapes with a reason naming the field', () => {
    const e = alice.sign({ kind: 1 });
    expect(t.store.put({ ...e, kind: 'one' })).toMatchObject({ ok: false, reason: expect.stringContaining('kind') });
    expect(t.store.put({ ...e, pubkey: 'XYZ' })).toMatchObject({ ok: false, reason: expect.stringContaining('pubkey') });
    expect(t.store.put('not an event')).toMatchObject({ ok: false });
    expect(t.store.count({})).toBe(0);
  });

  it('rejects events over 64 KiB and with over 100 tags', () => {
    const big = alice.sign({ kind: 1, content: 'x'.repeat(70 * 1024) });
    const tagged = alice.sign({ kind: 1, tags: Array.from({ length: 101 }, (_, i) => ['t', String(i)]) });
    expect(t.store.put(big)).toMatchObject({ ok: false, reason: expect.stringContaining('limit is 65536') });
    expect(t.store.put(tagged)).toMatchObject({ ok: false, reason: expect.stringContaining('tags') });
  });

  it('skips id and signature checks only when told the event was signed in-process', () => {
    const e = alice.sign({ kind: 1, content: 'a' });
    const unsigned = { ...e, sig: 'f'.repeat(128) };
    expect(t.store.put(unsigned).ok).toBe(false);
    expect(t.store.put(unsigned, { signedInProcess: true }).ok).toBe(true);
  });

  it('putMany writes a batch in one transaction with results in input order', () => {
    const a = alice.sign({ kind: 1, content: 'a' });
    const b = alice.sign({ kind: 1, content: 'b' });
    const results = t.store.putMany([a, { ...b, sig: '0'.repeat(128) }, a, b]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true]);
    expect(results[2]).toMatchObject({ duplicate: true });
    expect(t.store.count({})).toBe(2);
  });

  it('tells onCommitted listeners about newly stored events only, after the commit', () => {
    const seen: string[][] = [];
    const stop = t.store.onCommitted((events) => {
      // Visible to a fresh read by the time listeners run.
      for (const e of events) expect(t.store.count({ ids: [e.id] })).toBe(1);
      seen.push(events.map((e) => e.id));
    });
    const a = alice.sign({ kind: 1, content: 'a' });
    const b = alice.sign({ kind: 1, content: 'b' });
    t.store.putMany([a, b, a]);
    t.store.put(a);
    stop();
    t.store.put(alice.sign({ kind: 1, content: 'after stop' }));
    expect(seen).toEqual([[a.id, b.id]]);
  });

  it('keeps only the newest replaceable and addressable event per key', () => {
    const p1 = alice.sign({ kind: 0, created_at: 100, content: 'old profile' });
    const p2 = alice.sign({ kind: 0, created_at: 250, content: 'new profile' });
    t.store.put(p2);
    expect(t.store.put(p1)).toMatchObject({ ok: true, duplicate: true });
    const a1 = alice.sign({ kind: 30001, created_at: 100, tags: [['d', 'x']] });
    const a2 = alice.sign({ kind: 30001, created_at: 200, tags: [['d', 'x']] });
    const other = alice.sign({ kind: 30001, created_at: 150, tags: [['d', 'y']] });
    t.store.putMany([a1, other, a2]);
    expect(ids(t.store.query({ authors: [alice.pubkey] }))).toEqual([p2.id, a2.id, other.id]);
  });

  it('delivers ephemeral events to listeners without storing them', () => {
    const seen: string[] = [];
    t.store.onCommitted((events) => seen.push(...events.map((e) => e.id)));
    const e = alice.sign({ kind: 20001, content: 'typing…' });
    expect(t.store.put(e).ok).toBe(true);
    expect(seen).toEqual([e.id]);
    expect(t.store.count({})).toBe(0);
  });
});

describe('querying with NIP-01 filters', () => {
  let all: NostrEvent[];
  beforeEach(() => {
    all = [
      alice.sign({ kind: 1, created_at: 100, tags: [['t', 'red'], ['p', bob.pubkey]] }),
      alice.sign({ kind: 2, created_at: 200, tags: [['t', 'blue']] }),
      bob.sign({ kind: 1, created_at: 300, tags: [['t', 'red'], ['t', 'blue']] }),
      bob.sign({ kind: 3001, created_at: 400, tags: [['E', 's'.repeat(64)], ['long', 'ignored']] }),
      alice.sign({ kind: 1, created_at: 500, tags: [] }),
    ];
    t.store.putMany(all);
  });
  const pick = (...i: number[]) => i.map((n) => all[n]!.id);

  it('returns newest first with no filter fields', () => {
    expect(ids(t.store.query({}))).toEqual(pick(4, 3, 2, 1, 0));
  });
  it('filters by ids', () => expect(ids(t.store.query({ ids: pick(0, 2) }))).toEqual(pick(2, 0)));
  it('filters by authors', () => expect(ids(t.store.query({ authors: [bob.pubkey] }))).toEqual(pick(3, 2)));
  it('filters by kinds', () => expect(ids(t.store.query({ kinds: [1, 3001] }))).toEqual(pick(4, 3, 2, 0)));
  it('filters by since and until, both inclusive', () => {
    expect(ids(t.store.query({ since: 200, until: 400 }))).toEqual(pick(3, 2, 1));
    expect(t.store.query({ since: 401, until: 400 })).toEqual([]);
  });
  it('applies limit to the newest matches', () => {
    expect(ids(t.store.query({ limit: 2 }))).toEqual(pick(4, 3));
    expect(t.store.query({ limit: 0 })).toEqual([]);
  });
  it('filters by a single-letter tag, any of the values', () => {
    expect(ids(t.store.query({ '#t': ['red'] }))).toEqual(pick(2, 0));
    expect(ids(t.store.query({ '#t': ['red', 'blue'] }))).toEqual(pick(2, 1, 0));
    expect(ids(t.store.query({ '#p': [bob.pubkey] }))).toEqual(pick(0));
    expect(ids(t.store.query({ '#E': ['s'.repeat(64)] }))).toEqual(pick(3));
  });
  it('requires every tag condition and every field to hold (AND within a filter)', () => {
    expect(ids(t.store.query({ '#t': ['red'], kinds: [1], authors: [bob.pubkey] }))).toEqual(pick(2));
    expect(ids(t.store.query({ '#t': ['blue'], '#p': [bob.pubkey] }))).toEqual([]);
    expect(ids(t.store.query({ '#t': ['red', 'blue'], since: 250 }))).toEqual(pick(2));
    expect(ids(t.store.query({ '#t': ['red'], until: 200, limit: 1 }))).toEqual(pick(0));
  });
  it('treats several filters as OR, each event once, each limit per filter', () => {
    expect(ids(t.store.query([{ kinds: [2] }, { '#t': ['blue'] }, { authors: [alice.pubkey], limit: 1 }]))).toEqual(pick(4, 2, 1));
  });
  it('matches nothing for an empty list', () => {
    expect(t.store.query({ ids: [] })).toEqual([]);
    expect(t.store.query({ '#t': [] })).toEqual([]);
    expect(t.store.count({ kinds: [] })).toBe(0);
  });
  it('does not index multi-letter tags', () => {
    expect(() => t.store.query({ '#long': ['ignored'] } as never)).toThrow(StoreFilterError);
  });
  it('counts distinct matches across filters (NIP-45)', () => {
    expect(t.store.count({ '#t': ['red'] })).toBe(2);
    expect(t.store.count([{ '#t': ['red'] }, { kinds: [1] }])).toBe(3);
    expect(t.store.count({ kinds: [1], limit: 1 })).toBe(3);
    expect(t.store.count({ '#t': ['red'], kinds: [1], since: 200 })).toBe(1);
    expect(t.store.count([{ '#t': ['blue'] }, { '#t': ['red'], authors: [alice.pubkey] }])).toBe(3);
  });
  it('refuses malformed filters with a coded error', () => {
    expect(() => t.store.query({ ids: ['nothex'] })).toThrow(StoreFilterError);
    expect(() => t.store.query({ kinds: [-1] })).toThrow(/kinds/);
    expect(() => t.store.query({ search: 'x' } as never)).toThrow(/search/);
  });
});

describe('sessions and blobs', () => {
  it('latestOfSession returns the highest seq of a chain, or the start event itself', () => {
    const start = alice.sign({ kind: 4000, created_at: 10 });
    t.store.put(start);
    expect(t.store.latestOfSession(start.id)).toEqual(start);
    const chain = [3, 1, 2].map((seq) => alice.sign({ kind: 4001, created_at: 20, tags: [['E', start.id], ['seq', String(seq)]] }));
    t.store.putMany(chain);
    expect(t.store.latestOfSession(start.id)?.id).toBe(chain[0]!.id);
    expect(t.store.latestOfSession('0'.repeat(64))).toBeUndefined();
  });

  it('stores blobs by sha256 once and returns the same bytes', () => {
    const data = new Uint8Array([0, 1, 2, 255, 0, 7]);
    const put = t.store.putBlob(data, 'application/octet-stream');
    expect(put).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size: 6, duplicate: false });
    expect(t.store.putBlob(data).duplicate).toBe(true);
    const got = t.store.getBlob(put.sha256)!;
    expect(new Uint8Array(got.data)).toEqual(data);
    expect(got).toMatchObject({ size: 6, mime: 'application/octet-stream' });
    expect(t.store.getBlob('0'.repeat(64))).toBeUndefined();
  });

  it('records its schema version and refuses a database from a newer Kiln', () => {
    t.store.close();
    const db = new Database(t.path);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    db.prepare("UPDATE meta SET value = '999' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => openStore(t.path)).toThrow(/newer Kiln/);
  });
});
