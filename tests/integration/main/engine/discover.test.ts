// Discovery against the real engine on this machine (/var/run/docker.sock), reached through each
// kind of place a user's setup may point us at; and the dead ends, which must read as sentences.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverEngine, type DiscoverResult } from '../../../../src-main/engine/discover';

const REAL_SOCKET = '/var/run/docker.sock';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kiln-discover-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh empty HOME: no docker config, no product sockets. */
function freshHome(name: string): string {
  const home = join(root, name);
  mkdirSync(home, { recursive: true });
  return home;
}

function writeContext(home: string, name: string, host: string, opts: { current: boolean }): void {
  const dir = join(home, '.docker');
  mkdirSync(join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex')), { recursive: true });
  if (opts.current) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: name }));
  writeFileSync(
    join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
}

/** A unix socket file whose server is gone (killed, so nothing unlinked it): connecting is refused. */
function staleSocket(path: string): string {
  const code = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  spawnSync(process.execPath, ['-e', code]);
  if (!existsSync(path)) throw new Error('could not leave a stale socket behind');
  return path;
}

async function expectEngine(result: DiscoverResult) {
  if (!result.ok) throw new Error(`expected an engine: ${result.error.message}`);
  // The client we are handed really talks to the engine.
  expect(await result.docker.ping()).toBeTruthy();
  expect(result.apiVersion).toMatch(/^\d+\.\d+$/);
  expect(result.version).toBeTruthy();
  expect(result.os).toBe('linux');
  return result;
}

describe('discoverEngine finds the engine', () => {
  it('through DOCKER_HOST', async () => {
    const found = await expectEngine(
      await discoverEngine({ env: { DOCKER_HOST: `unix://${REAL_SOCKET}` }, home: freshHome('host') }),
    );
    expect(found.source).toBe('DOCKER_HOST');
    expect(found.endpoint).toBe(`unix://${REAL_SOCKET}`);
    expect(found.name).toBe('Linux dockerd');
  });

  it('through the current docker context in ~/.docker/config.json', async () => {
    const home = freshHome('context');
    writeContext(home, 'kiln-test', `unix://${REAL_SOCKET}`, { current: true });
    const found = await expectEngine(await discoverEngine({ env: {}, home }));
    expect(found.source).toBe('context:kiln-test');
    expect(found.endpoint).toBe(`unix://${REAL_SOCKET}`);
  });

  it('through DOCKER_CONTEXT, with the config folder from DOCKER_CONFIG', async () => {
    const home = freshHome('context-env');
    writeContext(home, 'other', `unix://${REAL_SOCKET}`, { current: false });
    const found = await expectEngine(
      await discoverEngine({ env: { DOCKER_CONTEXT: 'other', DOCKER_CONFIG: join(home, '.docker') }, home: freshHome('elsewhere') }),
    );
    expect(found.source).toBe('context:other');
  });

  it("through a product's known socket path (Colima's), before /var/run/docker.sock", async () => {
    const home = freshHome('colima');
    mkdirSync(join(home, '.colima', 'default'), { recursive: true });
    symlinkSync(REAL_SOCKET, join(home, '.colima', 'default', 'docker.sock'));
    const found = await expectEngine(await discoverEngine({ env: {}, home, platform: 'linux' }));
    expect(found.source).toBe('socket');
    expect(found.endpoint).toBe(`unix://${join(home, '.colima', 'default', 'docker.sock')}`);
    expect(found.name).toBe('Colima');
    // The places before it were tried and reported, each with a reason.
    expect(found.tried.length).toBeGreaterThan(0);
    expect(found.tried.every((t) => t.error === 'no socket here')).toBe(true);
  });

  it('past a stale context from config.json (ambient, so it falls through) and says so', async () => {
    const home = freshHome('stale-context');
    const dead = staleSocket(join(home, 'dead.sock'));
    writeContext(home, 'gone', `unix://${dead}`, { current: true });
    const found = await expectEngine(await discoverEngine({ env: {}, home, platform: 'linux' }));
    expect(found.endpoint).toBe(`unix://${REAL_SOCKET}`);
    expect(found.tried[0]).toMatchObject({ source: 'context:gone', error: 'connection refused, nothing is listening' });
  });
});

describe('discoverEngine reports a dead engine clearly', () => {
  it('DOCKER_HOST at a plain file: not found, with the reason, and no fall-through', async () => {
    const file = join(freshHome('plain'), 'docker.sock');
    writeFileSync(file, 'not a socket');
    const result = await discoverEngine({ env: { DOCKER_HOST: `unix://${file}` }, home: freshHome('plain-home') });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.tried).toEqual([
      { source: 'DOCKER_HOST', endpoint: `unix://${file}`, error: 'a plain file is here, not a socket', cause: 'ENOTSOCK' },
    ]);
    expect(result.error.code).toBe('E_DOCKER_HOST_UNREACHABLE');
    expect(result.error.message).toContain(file);
    expect(result.error.next).toMatch(/unset DOCKER_HOST/);
  });

  it('DOCKER_HOST at a socket with no server: "connection refused" as a sentence, not a bare errno', async () => {
    const dead = staleSocket(join(freshHome('refused'), 'docker.sock'));
    const result = await discoverEngine({ env: { DOCKER_HOST: `unix://${dead}` }, home: freshHome('refused-home') });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.tried).toHaveLength(1);
    expect(result.tried[0]!.error).toBe('connection refused, nothing is listening');
    expect(result.error.message).toBe(
      `DOCKER_HOST is set to unix://${dead}, but no Docker engine answers there: connection refused, nothing is listening.`,
    );
    expect(result.error.message).not.toMatch(/ECONNREFUSED/);
  });

  describe('a socket that accepts but never answers', () => {
    let server: Server;
    let path: string;
    const accepted = new Set<Socket>();
    beforeAll(async () => {
      path = join(freshHome('silent'), 'docker.sock');
      // Accepts and reads, never replies.
      server = createServer((socket) => {
        accepted.add(socket);
        socket.resume();
      });
      await new Promise<void>((resolve) => server.listen(path, resolve));
    });
    afterAll(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('times out within the bound', async () => {
      const result = await discoverEngine({ env: { DOCKER_HOST: `unix://${path}` }, home: freshHome('silent-home'), timeoutMs: 300 });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.tried[0]!.error).toBe('timed out after 300 ms');
    });
  });

  it('an explicit DOCKER_CONTEXT that is dead is not silently replaced by another engine', async () => {
    const home = freshHome('dead-context');
    const dead = staleSocket(join(home, 'dead.sock'));
    writeContext(home, 'away', `unix://${dead}`, { current: false });
    const result = await discoverEngine({ env: { DOCKER_CONTEXT: 'away' }, home });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.tried.map((t) => t.source)).toEqual(['context:away']);
    expect(result.error.code).toBe('E_DOCKER_CONTEXT_UNREACHABLE');
    expect(result.error.next).toMatch(/DOCKER_CONTEXT/);
  });

  it("a product's socket left behind while it is stopped: says which product and how to start it", async () => {
    const home = freshHome('orb-stopped');
    mkdirSync(join(home, '.orbstack', 'run'), { recursive: true });
    const dead = staleSocket(join(home, '.orbstack', 'run', 'docker.sock'));
    const result = await discoverEngine({
      env: {},
      home,
      platform: 'darwin',
      candidates: [
        { source: 'socket', endpoint: `unix://${dead}`, product: 'OrbStack' },
        { source: 'socket', endpoint: `unix://${join(home, 'nothing.sock')}`, product: 'Docker Desktop' },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.tried.map((t) => t.error)).toEqual(['connection refused, nothing is listening', 'no socket here']);
    expect(result.error.code).toBe('E_DOCKER_NOT_RUNNING');
    expect(result.error.message).toMatch(/^OrbStack seems to be installed/);
    expect(result.error.next).toBe('Open OrbStack, then try again.');
  });
});
