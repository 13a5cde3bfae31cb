// `kiln web`'s server: the built renderer over HTTP and the bridge contract over ONE WebSocket
// path (/bridge), on 127.0.0.1 only. The WebSocket is the door to the host (terminals, keys,
// undo), so its upgrade is refused unless it carries this start's token (timing-safe compare),
// comes from the page's own origin, and names a loopback Host (a DNS-rebinding page cannot).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch, WireMessageSchema, type Handlers, type WireMessage } from '../../src-shared/api/rpc';

export const BRIDGE_PATH = '/bridge';
const LOOPBACK = '127.0.0.1';
/** One message at most (a terminal paste, a settings blob); terminal output goes the other way. */
const MAX_MESSAGE = 8 * 1024 * 1024;
/** A tab that answers no ping for this long is gone (a sleeping laptop, a dropped network): its holds are released. */
const HEARTBEAT_MS = 15_000;

export interface WebServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (out/renderer); when missing the page says how to build it. */
  rendererDir: string;
  /** A handler table per connection; `push` sends to that connection, `signal` aborts when it goes. */
  connect: (push: (msg: WireMessage) => void, signal: AbortSignal) => Handlers;
  /** Default: 32 fresh random bytes. Pass one only to keep it across an in-process restart. */
  token?: string;
  /**
   * Where to listen; default 127.0.0.1. Inside the all-in-one container, 0.0.0.0: a published
   * port reaches the container's own interface, and `-p 127.0.0.1:7777:7777` keeps it local.
   */
  bind?: string;
  /**
   * Accept 127.0.0.1 and localhost on any port (the port the user's browser sees is the one
   * published by `docker run -p`, not this server's); the Origin must still be the page's own.
   */
  anyPort?: boolean;
  /** The port to print in `url` (default: the port listened on). */
  publicPort?: number;
}

export interface WebServer {
  /** http://127.0.0.1:PORT/#token=… — the fragment never reaches a request line or a log. */
  url: string;
  port: number;
  token: string;
  address: AddressInfo;
  /** Connections open now. */
  clients(): number;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // xterm positions its rows and cursor with inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? newToken();
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  let port = opts.port ?? 0;

  const anyPort = opts.anyPort ?? false;
  const server: Server = createServer((req, res) => {
    if (!loopbackHost(req.headers.host, port, anyPort)) return refuse(res, 403, 'This server answers only on 127.0.0.1 or localhost.');
    const seen = anyPort ? Number(/:(\d+)$/.exec(req.headers.host ?? '')?.[1] ?? port) : port;
    void serveStatic(opts.rendererDir, req, res, seen).catch(() => refuse(res, 500, 'The page could not be read.'));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const why = refuseUpgrade(req, port, token, anyPort);
    if (why) {
      socket.end(`HTTP/1.1 ${why.status} ${why.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why.text)}\r\n\r\n${why.text}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
      serveConnection(ws, opts.connect);
    });
  });

  // A connection that stopped answering would keep its terminal debt (a paused flood) until TCP gives up.
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: opts.bind ?? LOOPBACK, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;

  return {
    url: `http://${LOOPBACK}:${opts.publicPort ?? port}/#token=${token}`,
    port,
    token,
    address,
    clients: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.close(1001, 'server stopping');
        wss.close();
        server.close(() => resolve());
        // Keep-alive HTTP sockets and half-closed WebSockets would hold close() open.
        setTimeout(() => sockets.forEach((s) => s.destroy()), 200).unref();
      }),
  };
}

function serveConnection(ws: WebSocket, connect: WebServerOptions['connect']): void {
  const abort = new AbortController();
  const send = (msg: WireMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const handlers = connect(send, abort.signal);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return; // not a wire message: ignored, like any unknown frame
    }
    const msg = WireMessageSchema.safeParse(parsed);
    if (!msg.success || msg.data.t !== 'req') return;
    void dispatch(handlers, msg.data).then(send);
  });
  ws.on('close', () => abort.abort());
  ws.on('error', () => abort.abort());
}

/** Why an upgrade is refused, or undefined when it may proceed. */
export function refuseUpgrade(req: IncomingMessage, port: number, token: string, anyPort = false): { status: 401 | 403 | 404; text: string } | undefined {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== BRIDGE_PATH) return { status: 404, text: 'no such path' };
  if (!loopbackHost(req.headers.host, port, anyPort)) return { status: 403, text: 'host not allowed' };
  const origin = req.headers.origin;
  const ok = anyPort ? origin === `http://${req.headers.host}` : origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  if (!ok) return { status: 403, text: 'origin not allowed' };
  if (!sameSecret(url.searchParams.get('token') ?? '', token)) return { status: 401, text: 'token missing or wrong' };
  return undefined;
}

function loopbackHost(host: string | undefined, port: number, anyPort = false): boolean {
  if (anyPort) return /^(127\.0\.0\.1|localhost):\d{1,5}$/.test(host ?? '');
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // Equal lengths first (timingSafeEqual needs them); the length of a random token is no secret.
  return a.length === b.length && timingSafeEqual(a, b);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function securityHeaders(res: ServerResponse, port: number): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(port));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function refuse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  securityHeaders(res, port);
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET and HEAD.');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    return refuse(res, 400, 'Bad path.');
  }
  const rel = normalize(pathname).replace(/^([/\\])+/, '');
  if (rel.split(/[/\\]/).includes('..') || rel.includes('\0')) return refuse(res, 400, 'Bad path.');
  const asset = rel.startsWith(`assets${sep}`) || rel.startsWith('assets/');
  let file = join(root, rel || 'index.html');
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    // Hashed assets and files with an extension are real 404s; any other path is the app's.
    if (asset || extname(rel)) return refuse(res, 404, 'Not found.');
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return notBuilt(res);
  }
  sendFile(req, res, file, info, asset);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, info: Stats, immutable: boolean): void {
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // Vite names assets by content hash: cache them for good; index.html names the current ones.
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function notBuilt(res: ServerResponse): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kiln</title></head><body>
<main><h1>The Kiln window is not built yet</h1>
<p>Build it once with <code>npm run build</code> in the Kiln folder, then reload this page.</p></main></body></html>\n`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
