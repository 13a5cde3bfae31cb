// `kiln web`'s server, in-process on the real engine: the WebSocket upgrade refuses a missing or
// wrong token, a foreign Origin and a non-loopback Host before any upgrade; the page carries a
// strict CSP; nothing listens beyond 127.0.0.1; two tabs at once; a tab reconnects after a restart.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../../src-main/server/handlers';
import { startWebServer, type WebServer } from '../../../../src-main/server/web-server';
import { createWindowHost } from '../../../../src-main/server/window-host';
import { lazyAppServices } from '../../../../src-main/services';
import { connectBridge } from './ws-transport';

/** An upgrade request by hand: the status the server answers with, or 101. */
function upgradeStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('kiln web server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-web-'));
  const renderer = join(dir, 'renderer');
  const holder = lazyAppServices({ labels: { 'kiln.test': '1' } });
  const host = createWindowHost(holder);
  const start = (port = 0, token?: string) =>
    startWebServer({
      port,
      rendererDir: renderer,
      ...(token ? { token } : {}),
      connect: (push, signal) => createHandlers({ services: holder, mode: 'web', push, signal, host }),
    });
  let server: WebServer;

  beforeAll(async () => {
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Kiln</title><script type="module" src="/assets/app-abc123.js"></script>');
    writeFileSync(join(renderer, 'assets', 'app-abc123.js'), 'console.log("kiln")');
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, with a fresh token in the URL fragment', async () => {
    expect(server.address.address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
    const other = await start();
    try {
      expect(other.token).not.toBe(server.token);
    } finally {
      await other.close();
    }
  });

  it('serves the page with a strict CSP, hashed assets cached for good and index.html revalidated', async () => {
    const page = await get(server.port, '/', { Host: `127.0.0.1:${server.port}` });
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await get(server.port, '/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['content-security-policy']).toBeDefined();
    expect((await get(server.port, '/assets/missing-000.js')).status).toBe(404);
    for (const path of ['/../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      expect((await get(server.port, path)).body).not.toContain('root:');
    }
    // A route of the app (no extension) is the page itself.
    expect((await get(server.port, '/sessions/abc')).body).toContain('<title>Kiln</title>');
    // A DNS-rebinding page reaches us under its own name: refused.
    expect((await get(server.port, '/', { Host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('refuses the upgrade without the token, with a wrong one, a foreign Origin or a non-loopback Host', async () => {
    const { port, token } = server;
    const origin = `http://127.0.0.1:${port}`;
    const host = `127.0.0.1:${port}`;
    expect(await upgradeStatus(port, '/bridge', { Origin: origin, Host: host })).toBe(401);
    expect(await upgradeStatus(port, `/bridge?token=${token.slice(0, -1)}x`, { Origin: origin, Host: host })).toBe(401);
    expect(await upgradeStatus(port, `/bridge?token=short`, { Origin: origin, Host: host })).toBe(401);
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Origin: 'http://evil.example', Host: host })).toBe(403);
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Origin: `http://127.0.0.1:${port + 1}`, Host: host })).toBe(403);
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Host: host })).toBe(403); // no Origin at all
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Origin: origin, Host: `evil.example:${port}` })).toBe(403);
    expect(await upgradeStatus(port, `/other?token=${token}`, { Origin: origin, Host: host })).toBe(404);
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Origin: origin, Host: host })).toBe(101);
    expect(await upgradeStatus(port, `/bridge?token=${token}`, { Origin: `http://localhost:${port}`, Host: `localhost:${port}` })).toBe(101);
  });

  it('serves two tabs at once, each with its own answers', async () => {
    const a = await connectBridge(server.port, server.token);
    const b = await connectBridge(server.port, server.token);
    try {
      const [infoA, infoB] = await Promise.all([a.call('app.info', {}), b.call('app.info', {})]);
      expect(infoA).toMatchObject({ name: 'Kiln', mode: 'web', platform: process.platform });
      expect(infoB).toEqual(infoA);
      const engine = await b.call('engine.status', {});
      expect(engine.ok).toBe(true);
      expect(server.clients()).toBe(2);
    } finally {
      a.close();
      b.close();
    }
  });

  it('starts with no engine answering: engine.status says what to do, engine operations fail with that sentence', async () => {
    const none = lazyAppServices({ env: { ...process.env, DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` } });
    const noneHost = createWindowHost(none);
    const bare = await startWebServer({ rendererDir: renderer, connect: (push, signal) => createHandlers({ services: none, mode: 'web', push, signal, host: noneHost }) });
    const tab = await connectBridge(bare.port, bare.token);
    try {
      const status = await tab.call('engine.status', {});
      expect(status.ok).toBe(false);
      if (status.ok) return;
      expect(status.error.message.length).toBeGreaterThan(10);
      expect(status.error.next).toBeTruthy();
      expect(status.tried[0]?.source).toBe('DOCKER_HOST');
      await expect(tab.call('sessions.list', {})).rejects.toMatchObject({ code: status.error.code, message: status.error.message });
      await expect(tab.call('app.info', {})).resolves.toMatchObject({ mode: 'web' });
      await expect(tab.call('settings.get', {})).resolves.toHaveProperty('theme');
    } finally {
      tab.close();
      await bare.close();
      await noneHost.close();
    }
  });

  it('lets a tab reconnect when the server comes back on the same port', async () => {
    const { port, token } = server;
    const tab = await connectBridge(port, token);
    const closed = new Promise<void>((resolve) => tab.ws.once('close', () => resolve()));
    await server.close();
    await closed;
    server = await start(port, token);
    const again = await connectBridge(port, token);
    try {
      await expect(again.call('app.info', {})).resolves.toMatchObject({ mode: 'web' });
    } finally {
      again.close();
    }
  });
});
