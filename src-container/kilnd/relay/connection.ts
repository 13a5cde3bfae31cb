// One client socket speaking NIP-01/42/45. Every message gets an answer or a NOTICE; nothing a
// client sends can throw out of here (the relay never goes down because of one client).
import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { matchFilters } from 'nostr-tools/filter';
import { parseFilter, type EventStore, type Filter, type NostrEvent } from '../store';
import { AUTH_KIND, checkAuthEvent } from './auth';
import type { RelayLimits } from './limits';

export interface ConnectionContext {
  store: EventStore;
  limits: RelayLimits;
  allowedPubkeys: ReadonlySet<string>;
  relayUrl?: string;
  /** Reads (REQ/COUNT) allowed before AUTH. Writes always need AUTH. */
  publicReads: boolean;
}

const AUTH_REQUIRED = 'auth-required: authenticate with the session key first (NIP-42)';

export class RelayConnection {
  readonly challenge = randomBytes(16).toString('hex');
  private readonly authed = new Set<string>();
  private readonly subs = new Map<string, Filter[]>();

  constructor(private readonly ws: WebSocket, private readonly ctx: ConnectionContext) {
    this.send(['AUTH', this.challenge]);
  }

  get authenticated(): boolean {
    return this.authed.size > 0;
  }

  handle(data: RawData): void {
    const size = byteLength(data);
    if (size > this.ctx.limits.maxMessageBytes) {
      return this.notice(`invalid: message is ${size} bytes; the limit is ${this.ctx.limits.maxMessageBytes}`);
    }
    let msg: unknown;
    try {
      msg = JSON.parse(toBuffer(data).toString('utf8'));
    } catch {
      return this.notice('invalid: message is not JSON');
    }
    if (!Array.isArray(msg) || typeof msg[0] !== 'string') return this.notice('invalid: a message is a JSON array starting with its type');
    try {
      switch (msg[0]) {
        case 'EVENT': return this.onEvent(msg[1]);
        case 'REQ': return this.onReq(msg[1], msg.slice(2));
        case 'COUNT': return this.onCount(msg[1], msg.slice(2));
        case 'CLOSE': return this.onClose(msg[1]);
        case 'AUTH': return this.onAuth(msg[1]);
        default: return this.notice(`invalid: unknown message type "${String(msg[0]).slice(0, 32)}"`);
      }
    } catch (err) {
      this.notice(`error: ${(err as Error).message}`);
    }
  }

  /** Live delivery: called with each committed batch; `raw` is each event's JSON text. */
  deliver(events: readonly NostrEvent[], raw: readonly string[]): void {
    if (this.subs.size === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    for (const [subId, filters] of this.subs) {
      for (let i = 0; i < events.length; i++) {
        if (!matchFilters(filters, events[i]!)) continue;
        if (this.ws.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
          // A reader this far behind would hold memory without bound; end its subscription.
          this.subs.delete(subId);
          this.send(['CLOSED', subId, 'error: reader too slow; subscribe again with since']);
          break;
        }
        this.ws.send(`["EVENT",${JSON.stringify(subId)},${raw[i]}]`);
      }
    }
  }

  private onEvent(input: unknown): void {
    const id = typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : undefined;
    if (typeof input !== 'object' || input === null || id === undefined) return this.notice('invalid: EVENT needs an event object');
    if (!this.authenticated) return this.send(['OK', id, false, AUTH_REQUIRED]);
    // NIP-42: AUTH events travel in AUTH messages and are never stored or relayed.
    if ((input as { kind?: unknown }).kind === AUTH_KIND) return this.send(['OK', id, false, 'invalid: send AUTH events with AUTH, not EVENT']);
    // The store checks shape, size, id and signature, and answers only after the commit.
    const result = this.ctx.store.put(input);
    this.send(['OK', id, result.ok, result.reason ?? '']);
  }

  private onReq(subId: unknown, rawFilters: unknown[]): void {
    const filters = this.admit('REQ', subId, rawFilters);
    if (!filters) return;
    const id = subId as string;
    if (!this.subs.has(id) && this.subs.size >= this.ctx.limits.maxSubscriptions) {
      return this.send(['CLOSED', id, `error: too many subscriptions (limit ${this.ctx.limits.maxSubscriptions}); CLOSE one first`]);
    }
    // Query, EOSE and registration happen in one synchronous turn: commits also run on this
    // thread, so no event can fall between the stored results and the live ones.
    const rows = this.ctx.store.queryRaw(filters.map((f) => ({ ...f, limit: Math.min(f.limit ?? this.ctx.limits.maxLimit, this.ctx.limits.maxLimit) })));
    const prefix = `["EVENT",${JSON.stringify(id)},`;
    for (const raw of rows) this.ws.send(`${prefix}${raw}]`);
    this.send(['EOSE', id]);
    this.subs.set(id, filters);
  }

  private onCount(subId: unknown, rawFilters: unknown[]): void {
    const filters = this.admit('COUNT', subId, rawFilters);
    if (!filters) return;
    this.send(['COUNT', subId, { count: this.ctx.store.count(filters) }]);
  }

  private onClose(subId: unknown): void {
    if (typeof subId !== 'string') return this.notice('invalid: CLOSE needs a subscription id');
    this.subs.delete(subId);
  }

  private onAuth(input: unknown): void {
    const result = checkAuthEvent(input, {
      challenge: this.challenge,
      allowedPubkeys: this.ctx.allowedPubkeys,
      relayUrl: this.ctx.relayUrl,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!result.id) return this.notice('invalid: AUTH needs a signed event');
    if (result.ok) this.authed.add(result.pubkey);
    this.send(['OK', result.id, result.ok, result.ok ? '' : result.reason]);
  }

  /** Shared REQ/COUNT checks: subscription id, auth, filter count and shape. */
  private admit(verb: string, subId: unknown, rawFilters: unknown[]): Filter[] | undefined {
    if (typeof subId !== 'string' || subId.length === 0 || subId.length > this.ctx.limits.maxSubidLength) {
      this.notice(`invalid: ${verb} needs a subscription id of 1 to ${this.ctx.limits.maxSubidLength} characters`);
      return undefined;
    }
    if (!this.authenticated && !this.ctx.publicReads) {
      this.send(['CLOSED', subId, AUTH_REQUIRED]);
      return undefined;
    }
    if (rawFilters.length === 0 || rawFilters.length > this.ctx.limits.maxFilters) {
      this.send(['CLOSED', subId, `invalid: ${verb} takes 1 to ${this.ctx.limits.maxFilters} filters`]);
      return undefined;
    }
    const filters: Filter[] = [];
    for (const raw of rawFilters) {
      const parsed = parseFilter(raw);
      if (!parsed.ok) {
        this.send(['CLOSED', subId, `invalid: ${parsed.reason}`]);
        return undefined;
      }
      filters.push(parsed.value);
    }
    return filters;
  }

  private notice(message: string): void {
    this.send(['NOTICE', message]);
  }

  private send(message: unknown[]): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}
