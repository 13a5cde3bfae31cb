import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import Database from 'better-sqlite3';
import { Relay as NostrRelay, useWebSocketImplementation } from 'nostr-tools/relay';
import { finalizeEvent } from 'nostr-tools/pure';
import WebSocket from 'ws';
import { createRelay, type Relay } from '../../../../../src-container/kilnd/relay';
import { makeSigner, tempStore, type Signer, type TempStore } from '../store/fixture';
import { TestClient } from './client';

useWebSocketImplementation(WebSocket);

let t: TempStore;
let relay: Relay;
let url: string;
let app: Signer; // the key the app derives from the session token
let agent: Signer; // the recorder's signer for an agent session
const clients: TestClient[] = [];

beforeEach(async () => {
  t = tempStore();
  app = makeSigner();
  agent = makeSigner();
  relay = createRelay({ store: t.store, allowedPubkeys: [app.pubkey] });
  url = `ws://127.0.0.1:${await relay.listen(0)}/`;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay.close();
  t.cleanup();
});

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(url);
  clients.push(c);
  return c;
}
async function authed(): Promise<TestClient> {
  const c = await connect();
  expect(await c.auth(app.secretKey, url)).toEqual(['OK', expect.any(String), true, '']);
  return c;
}

describe('authentication (NIP-42)', () => {
  it('lets an unauthenticated client read nothing: REQ and COUNT closed, no event delivered', async () => {
    t.store.put(agent.sign({ kind: 1, content: 'secret' }));
    const c = await connect();
    const { events, end } = await c.req('s', {});
    expect(events).toEqual([]);
    expect(end).toEqual(['CLOSED', 's', expect.stringMatching(/^auth-required:/)]);
    c.send(['COUNT', 'n', {}]);
    expect(await c.next((m) => m[1] === 'n')).toEqual(['CLOSED', 'n', expect.stringMatching(/^auth-required:/)]);
    // A live event must not leak either: a real reader gets it, the stranger does not.
    const reader = await authed();
    await reader.req('live', { kinds: [1] });
    t.store.put(agent.sign({ kind: 1, content: 'later' }));
    await reader.next((m) => m[0] === 'EVENT' && m[1] === 'live');
    c.send(['COUNT', 'n2', {}]); // a round trip: anything sent to c before its answer has arrived
    await c.next((m) => m[1] === 'n2');
    expect(c.received.filter((m) => m[0] === 'EVENT')).toEqual([]);
  });

  it('refuses EVENT before AUTH with OK false auth-required and stores nothing', async () => {
    const c = await connect();
    const e = app.sign({ kind: 1, content: 'hello' });
    c.send(['EVENT', e]);
    expect(await c.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, false, expect.stringMatching(/^auth-required:/)]);
    expect(t.store.count({})).toBe(0);
  });

  it('never stores or relays an AUTH event sent as EVENT', async () => {
    const reader = await authed();
    await reader.req('all', {});
    const writer = await authed();
    const e = finalizeEvent({ kind: 22242, created_at: Math.floor(Date.now() / 1000), tags: [['relay', url], ['challenge', writer.challenge]], content: '' }, app.secretKey);
    writer.send(['EVENT', e]);
    expect(await writer.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, false, expect.stringMatching(/^invalid:/)]);
    reader.send(['COUNT', 'n', {}]);
    expect(await reader.next((m) => m[0] === 'COUNT')).toEqual(['COUNT', 'n', { count: 0 }]);
    expect(reader.received.filter((m) => m[0] === 'EVENT')).toEqual([]);
  });

  it('refuses AUTH signed by a key that is not allowed', async () => {
    const c = await connect();
    const [, , accepted, reason] = await c.auth(makeSigner().secretKey, url);
    expect(accepted).toBe(false);
    expect(reason).toMatch(/^restricted:/);
    expect((await c.req('s', {})).end[0]).toBe('CLOSED');
  });

  it('refuses AUTH with another connection\'s challenge', async () => {
    const c = await connect();
    const other = await connect();
    const [, , accepted, reason] = await c.auth(app.secretKey, url, other.challenge);
    expect(accepted).toBe(false);
    expect(reason).toMatch(/challenge/);
  });

  it('refuses AUTH without a relay tag, with the wrong kind, out of the time window, or badly signed', async () => {
    const c = await connect();
    const now = Math.floor(Date.now() / 1000);
    const sign = (kind: number, created_at: number, tags: string[][]) => finalizeEvent({ kind, created_at, tags, content: '' }, app.secretKey);
    const cases = [
      sign(22242, now, [['challenge', c.challenge]]),
      sign(1, now, [['challenge', c.challenge], ['relay', url]]),
      sign(22242, now - 11 * 60, [['challenge', c.challenge], ['relay', url]]),
      { ...sign(22242, now, [['challenge', c.challenge], ['relay', url]]), sig: 'a'.repeat(128) },
    ];
    for (const e of cases) {
      c.send(['AUTH', e]);
      expect(await c.next((m) => m[0] === 'OK' && m[1] === e.id)).toEqual(['OK', e.id, false, expect.stringMatching(/^invalid:/)]);
    }
    expect((await c.req('s', {})).end[0]).toBe('CLOSED');
  });

  it('works with the nostr-tools client and its onauth signer', async () => {
    t.store.put(agent.sign({ kind: 1, content: 'from the recorder' }));
    const r = await NostrRelay.connect(url);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the AUTH challenge arrive
      await r.auth(async (template) => finalizeEvent(template, app.secretKey));
      const got = await new Promise<string[]>((resolve) => {
        const contents: string[] = [];
        const sub = r.subscribe([{ kinds: [1] }], { onevent: (e) => contents.push(e.content), oneose: () => { sub.close(); resolve(contents); } });
      });
      expect(got).toEqual(['from the recorder']);
      const mine = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'from the app' }, app.secretKey);
      await r.publish(mine);
      expect(t.store.query({ ids: [mine.id] })[0]?.content).toBe('from the app');
      expect(await r.count([{ kinds: [1] }], {})).toBe(2);
    } finally {
      r.close();
    }
  });
});

describe('NIP-01 over the socket', () => {
  it('answers REQ with stored events newest first, then EOSE', async () => {
    const [a, b, c] = [100, 200, 300].map((ts) => agent.sign({ kind: 4001, created_at: ts, tags: [['t', String(ts)]] }));
    t.store.putMany([a, b, c]);
    const client = await authed();
    const { events, end } = await client.req('s', { kinds: [4001], limit: 2 });
    expect(events.map((e) => e.id)).toEqual([c!.id, b!.id]);
    expect(end).toEqual(['EOSE', 's']);
    expect((await client.req('t', { '#t': ['100'] }, { ids: [c!.id] })).events.map((e) => e.id)).toEqual([c!.id, a!.id]);
  });

  it('acknowledges an EVENT only after commit: a fresh database handle finds it once OK arrives', async () => {
    const client = await authed();
    const e = app.sign({ kind: 1, content: 'user message' });
    client.send(['EVENT', e]);
    expect(await client.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, true, '']);
    const db = new Database(t.path, { readonly: true });
    const row = db.prepare('SELECT raw FROM events WHERE id = ?').get(Buffer.from(e.id, 'hex')) as { raw: string } | undefined;
    db.close();
    expect(row && JSON.parse(row.raw)).toEqual(e);
  });

  it('answers OK false with the reason for an invalid signature and duplicate: for a repeat', async () => {
    const client = await authed();
    const e = app.sign({ kind: 1, content: 'x' });
    client.send(['EVENT', { ...e, content: 'y' }]);
    expect(await client.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, false, expect.stringMatching(/^invalid:/)]);
    client.send(['EVENT', e]);
    expect((await client.next((m) => m[0] === 'OK'))[2]).toBe(true);
    client.send(['EVENT', e]);
    expect(await client.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, true, expect.stringMatching(/^duplicate:/)]);
  });

  it('delivers events the recorder stores itself to live subscribers after EOSE', async () => {
    const client = await authed();
    expect((await client.req('live', { kinds: [4001], '#E': ['a'.repeat(64)] })).end[0]).toBe('EOSE');
    const match = agent.sign({ kind: 4001, tags: [['E', 'a'.repeat(64)]], content: 'match' });
    const otherKind = agent.sign({ kind: 4002, tags: [['E', 'a'.repeat(64)]] });
    t.store.putMany([otherKind, match], { signedInProcess: true });
    expect(await client.next((m) => m[0] === 'EVENT')).toEqual(['EVENT', 'live', match]);
    // CLOSE stops delivery: a later match is not sent, but the connection still answers.
    // (Each COUNT round trip proves the relay has handled everything sent before it.)
    client.send(['CLOSE', 'live']);
    client.send(['COUNT', 'n1', { kinds: [4001] }]);
    expect(await client.next((m) => m[0] === 'COUNT')).toEqual(['COUNT', 'n1', { count: 1 }]);
    t.store.put(agent.sign({ kind: 4001, tags: [['E', 'a'.repeat(64)]], content: 'after close' }));
    client.send(['COUNT', 'n2', { kinds: [4001] }]);
    expect(await client.next((m) => m[0] === 'COUNT')).toEqual(['COUNT', 'n2', { count: 2 }]);
    expect(client.received.filter((m) => m[0] === 'EVENT')).toEqual([]);
  });

  it('delivers an EVENT published by one client to another client\'s subscription, and broadcast() without storing', async () => {
    const reader = await authed();
    const writer = await authed();
    await reader.req('live', { kinds: [1, 20001] });
    const e = app.sign({ kind: 1, content: 'hi' });
    writer.send(['EVENT', e]);
    expect(await reader.next((m) => m[0] === 'EVENT')).toEqual(['EVENT', 'live', e]);
    const typing = agent.sign({ kind: 20001, content: 'typing' });
    relay.broadcast(typing);
    expect(await reader.next((m) => m[0] === 'EVENT')).toEqual(['EVENT', 'live', typing]);
    expect(t.store.count({ kinds: [20001] })).toBe(0);
  });

  it('answers COUNT with the number of matching events (NIP-45)', async () => {
    t.store.putMany([1, 2, 3].map((n) => agent.sign({ kind: 4001, created_at: n })));
    const client = await authed();
    client.send(['COUNT', 'c', { kinds: [4001], since: 2 }]);
    expect(await client.next((m) => m[0] === 'COUNT')).toEqual(['COUNT', 'c', { count: 2 }]);
  });
});

describe('bad input never takes the relay down', () => {
  it('answers malformed JSON, non-arrays and unknown verbs with NOTICE and keeps answering', async () => {
    const client = await authed();
    for (const bad of ['{not json', '{"a":1}', '["BOGUS", 1]', '[]', '["EVENT", 42]']) {
      client.send(bad);
      expect((await client.next((m) => m[0] === 'NOTICE'))[1]).toMatch(/^invalid:/);
    }
    expect((await client.req('s', {})).end).toEqual(['EOSE', 's']);
  });

  it('answers an oversized message with NOTICE and an oversized event with OK false, then keeps answering', async () => {
    const client = await authed();
    client.send(['REQ', 'big', { '#t': ['x'.repeat(130 * 1024)] }]);
    expect((await client.next((m) => m[0] === 'NOTICE'))[1]).toMatch(/limit is 131072/);
    const e = app.sign({ kind: 1, content: 'x'.repeat(65 * 1024) });
    client.send(['EVENT', e]);
    expect(await client.next((m) => m[0] === 'OK')).toEqual(['OK', e.id, false, expect.stringMatching(/^invalid: event is \d+ bytes/)]);
    expect((await client.req('s', {})).end).toEqual(['EOSE', 's']);
  });

  it('closes only the socket that sends a message far over the limit; others keep working', async () => {
    const bystander = await authed();
    const abuser = await authed();
    abuser.send('x'.repeat(2 * 1024 * 1024));
    await new Promise<void>((resolve) => abuser.ws.once('close', () => resolve()));
    expect(abuser.closedCode).toBe(1009);
    expect((await bystander.req('s', {})).end).toEqual(['EOSE', 's']);
  });

  it('refuses bad filters, too many filters and too many subscriptions with CLOSED and a reason', async () => {
    const client = await authed();
    expect((await client.req('a', { kinds: ['x'] })).end).toEqual(['CLOSED', 'a', expect.stringMatching(/^invalid: kinds/)]);
    expect((await client.req('b', ...Array.from({ length: 11 }, () => ({})))).end).toEqual(['CLOSED', 'b', expect.stringMatching(/1 to 10 filters/)]);
    expect((await client.req('c')).end).toEqual(['CLOSED', 'c', expect.stringMatching(/^invalid:/)]);
    for (let i = 0; i < 20; i++) expect((await client.req(`s${i}`, {})).end[0]).toBe('EOSE');
    expect((await client.req('one-too-many', {})).end).toEqual(['CLOSED', 'one-too-many', expect.stringMatching(/too many subscriptions/)]);
    expect((await client.req('s0', { kinds: [1] })).end[0]).toBe('EOSE'); // replacing an existing id is fine
    client.send(['REQ', 'x'.repeat(65), {}]);
    expect((await client.next((m) => m[0] === 'NOTICE'))[1]).toMatch(/subscription id/);
  });
});

describe('NIP-11 and sharing a server', () => {
  it('serves the relay information document', async () => {
    const res = await fetch(url.replace('ws:', 'http:'), { headers: { accept: 'application/nostr+json' } });
    expect(res.headers.get('content-type')).toBe('application/nostr+json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = (await res.json()) as { supported_nips: number[]; limitation: Record<string, unknown> };
    expect(doc.supported_nips).toEqual([1, 11, 42, 45]);
    expect(doc.limitation).toMatchObject({ max_message_length: 131072, max_subscriptions: 20, max_filters: 10, max_limit: 5000, max_event_tags: 100, auth_required: true });
    expect((await fetch(url.replace('ws:', 'http:'))).status).toBe(426);
  });

  it('attaches to an existing HTTP server, leaving its other routes alone', async () => {
    const server = http.createServer((req, res) => {
      if (shared.handleInfoRequest(req, res)) return;
      res.end('health ok');
    });
    const shared = createRelay({ store: t.store, allowedPubkeys: new Set([app.pubkey]), http: server });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await (await fetch(`http://${base}/health`)).text()).toBe('health ok');
      expect(((await (await fetch(`http://${base}/`, { headers: { accept: 'application/nostr+json' } })).json()) as { name: string }).name).toMatch(/Kiln/);
      const c = await TestClient.connect(`ws://${base}/`);
      clients.push(c);
      expect((await c.auth(app.secretKey, `ws://${base}/`))[2]).toBe(true);
      t.store.put(agent.sign({ kind: 1 }));
      expect((await c.req('s', {})).events).toHaveLength(1);
    } finally {
      await shared.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
