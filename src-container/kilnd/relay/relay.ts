// The recorder's relay: transport only. It serves the event store over WebSocket (NIP-01),
// answers NIP-11 info requests, admits readers and writers by NIP-42 AUTH, and pushes every
// committed event — whether it arrived over a socket or was written by the recorder itself
// with store.put — to matching live subscriptions through the store's onCommitted hook.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { serializeEvent, type EventStore, type NostrEvent } from '../store';
import { RelayConnection } from './connection';
import { DEFAULT_LIMITS, infoDocument, type RelayLimits } from './limits';

export interface RelayOptions {
  store: EventStore;
  /** Hex pubkeys that may AUTH (the app's key, derived from the session token). A Set is read live. */
  allowedPubkeys: readonly string[] | ReadonlySet<string>;
  /** Attach to this server (WebSocket upgrades on `path`); otherwise the relay makes its own. */
  http?: http.Server;
  /** Upgrade path served (default "/"). */
  path?: string;
  /** Let unauthenticated clients read (REQ/COUNT). Default false: nothing is readable before AUTH. */
  publicEvents?: boolean;
  /** If set, AUTH events must name exactly this URL in their relay tag. */
  relayUrl?: string;
  limits?: Partial<RelayLimits>;
}

export interface Relay {
  /** The HTTP server carrying the relay (the one passed in, or the relay's own, not yet listening). */
  readonly server: http.Server;
  /** Deliver an event to live subscribers without storing it. */
  broadcast(event: NostrEvent): void;
  /**
   * For an attached server: answer a NIP-11 request (Accept: application/nostr+json) and return
   * true, or return false and leave the request to its owner. The relay's own server calls it.
   */
  handleInfoRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Listen on 127.0.0.1 (default) and resolve the port. Only for the relay's own server. */
  listen(port?: number, host?: string): Promise<number>;
  readonly connectionCount: number;
  /** Close all client sockets and stop delivering; closes the server only if the relay made it. */
  close(): Promise<void>;
}

export function createRelay(options: RelayOptions): Relay {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const allowedPubkeys = options.allowedPubkeys instanceof Set ? options.allowedPubkeys : new Set(options.allowedPubkeys);
  const path = options.path ?? '/';
  const ownsServer = options.http === undefined;
  const server = options.http ?? http.createServer();
  const info = JSON.stringify(infoDocument(limits, !options.publicEvents));
  const connections = new Map<WebSocket, RelayConnection>();
  // Above maxMessageBytes the connection answers with a NOTICE and stays open; far above it
  // (a hostile or broken client) ws closes that one socket with 1009 before buffering more.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 8 });

  const ctx = {
    store: options.store,
    limits,
    allowedPubkeys,
    relayUrl: options.relayUrl,
    publicReads: options.publicEvents === true,
  };

  wss.on('connection', (ws) => {
    const conn = new RelayConnection(ws, ctx);
    connections.set(ws, conn);
    ws.on('message', (data) => conn.handle(data));
    ws.on('close', () => connections.delete(ws));
    ws.on('error', () => connections.delete(ws)); // e.g. payload over maxPayload: ws closes this socket
  });

  const deliver = (events: readonly NostrEvent[]) => {
    if (connections.size === 0 || events.length === 0) return;
    const raw = events.map(serializeEvent);
    for (const conn of connections.values()) {
      try {
        conn.deliver(events, raw);
      } catch (err) {
        console.error(`[relay] live delivery failed: ${(err as Error).message}`);
      }
    }
  };
  const unsubscribe = options.store.onCommitted(deliver);

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathname(req) !== path) {
      if (ownsServer) socket.destroy(); // on a shared server another listener may own that path
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  const handleInfoRequest = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (pathname(req) !== path || !(req.headers.accept ?? '').includes('application/nostr+json')) return false;
    res.writeHead(200, {
      'content-type': 'application/nostr+json',
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET',
    });
    res.end(info);
    return true;
  };
  if (ownsServer) {
    server.on('request', (req, res) => {
      if (handleInfoRequest(req, res)) return;
      res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This is a Nostr relay: connect with a WebSocket, or ask for Accept: application/nostr+json.\n');
    });
  }

  return {
    server,
    broadcast: (event) => deliver([event]),
    handleInfoRequest,
    get connectionCount() {
      return connections.size;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as { port: number }).port);
        });
      });
    },
    async close() {
      unsubscribe();
      server.off('upgrade', onUpgrade);
      for (const ws of connections.keys()) ws.close(1001, 'relay shutting down');
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (ownsServer && server.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

function pathname(req: http.IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
