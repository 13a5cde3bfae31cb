// kilnd as a real process on this machine (temp state and workspace), driven through the real
// shell hook and its HTTP API: the receipts' order, once-per-command capture, undo, the two
// tokens, and what survives a crash or a clean stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKilnd } from '../../../../scripts/build.mjs';
import { verifyChain, type NostrEvent } from '../../../../src-shared/events';

const HOOK = path.resolve('src-container/shell/kiln-hook.bash');
const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const body = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('kilnd process', () => {
  let bundle: string;
  let dir: string;
  let workspace: string;
  let state: string;
  let port: number;
  let proc: ChildProcess | null = null;
  const sessionToken = randomBytes(32).toString('hex');
  const hookToken = randomBytes(32).toString('hex');

  async function start(): Promise<void> {
    proc = spawn(process.execPath, [bundle], {
      env: { ...process.env, KILN_STATE_DIR: state, KILN_WORKSPACE: workspace, KILN_PORT: String(port), KILN_BIND: '127.0.0.1', KILN_SESSION_TOKEN: sessionToken, KILN_HOOK_TOKEN: hookToken },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('kilnd did not answer /health');
  }
  async function stop(signal: NodeJS.Signals): Promise<void> {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise((resolve) => {
      p.once('exit', resolve);
      p.kill(signal);
    });
  }
  /** Runs bash -c through the hook, as the workspace container does. */
  function sh(cmd: string): number {
    const r = spawnSync('bash', ['-c', cmd], { cwd: workspace, env: { ...process.env, KILN_RECORDER_URL: `http://127.0.0.1:${port}`, KILN_HOOK_TOKEN: hookToken, BASH_ENV: HOOK, KILN_HOOK_ACTIVE: '' } });
    return r.status ?? -1;
  }
  function events(): NostrEvent[] {
    const db = new Database(path.join(state, 'events.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT raw FROM events ORDER BY rowid').all() as { raw: string }[]).map((r) => JSON.parse(r.raw) as NostrEvent);
    } finally {
      db.close();
    }
  }
  const api = (method: string, route: string, token: string | null, payload?: unknown) =>
    fetch(`http://127.0.0.1:${port}${route}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });

  beforeAll(async () => {
    bundle = await buildKilnd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kilnd-proc-'));
    workspace = path.join(dir, 'workspace');
    state = path.join(dir, 'state');
    fs.mkdirSync(workspace);
    port = await freePort();
    await start();
  });
  afterAll(async () => {
    await stop('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records checkpoint, command and file receipts in that order', async () => {
    expect(sh('echo hello > a.txt && mkdir -p lib && echo "export {}" > lib/b.js')).toBe(0);
    const evs = events();
    const cmd = evs.findIndex((e) => tag(e, 't') === 'command');
    expect(cmd).toBeGreaterThan(0);
    expect(evs.slice(0, cmd).some((e) => e.kind === 4602 && tag(e, 'r') === body(evs[cmd]!).checkpoint)).toBe(true);
    expect(evs.slice(cmd + 1).filter((e) => tag(e, 't') === 'file').map((e) => body(e).path).sort()).toEqual(['a.txt', 'lib/b.js']);
    expect(verifyChain(evs).valid).toBe(true);
  });

  it('takes one checkpoint and one receipt for a 1,000-iteration loop of nested shells', async () => {
    const before = events().length;
    expect(sh('for i in $(seq 1000); do echo $i >> count.txt; done; for i in 1 2 3; do bash -c "echo nested >> count.txt"; done')).toBe(0);
    const added = events().slice(before);
    expect(added.filter((e) => tag(e, 't') === 'command')).toHaveLength(1);
    expect(added.filter((e) => e.kind === 4602).length).toBeLessThanOrEqual(1);
    expect(added.filter((e) => tag(e, 't') === 'file').map((e) => body(e).path)).toEqual(['count.txt']);
  });

  it('passes the exit code through and records it', async () => {
    expect(sh('echo x > fails.txt; exit 7')).toBe(7);
    const last = events().filter((e) => tag(e, 't') === 'command').at(-1)!;
    expect(body(last).exitCode).toBe(7);
  });

  it('undoes the last action and lets the undo be undone', async () => {
    fs.writeFileSync(path.join(workspace, 'doc.md'), '# v1\n');
    expect(sh('echo "# v2" > doc.md && rm a.txt')).toBe(0);
    const undo = await api('POST', '/api/undo', sessionToken);
    expect(undo.status).toBe(200);
    expect(fs.readFileSync(path.join(workspace, 'doc.md'), 'utf8')).toBe('# v1\n');
    expect(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8')).toBe('hello\n');
    const { before } = (await undo.json()) as { before: string };
    expect((await api('POST', '/api/undo', sessionToken, { checkpoint: before })).status).toBe(200);
    expect(fs.readFileSync(path.join(workspace, 'doc.md'), 'utf8')).toBe('# v2\n');
    expect(fs.existsSync(path.join(workspace, 'a.txt'))).toBe(false);
  });

  it('refuses reads and undo without the session token; hooks need a token too', async () => {
    expect((await api('GET', '/api/checkpoints', null)).status).toBe(401);
    expect((await api('GET', '/api/checkpoints', hookToken)).status).toBe(401);
    expect((await api('POST', '/api/undo', hookToken)).status).toBe(401);
    expect((await api('POST', '/hooks/command/start', null)).status).toBe(401);
    const bad = await api('POST', '/api/undo', sessionToken, { checkpoint: 'not-a-commit' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/checkpoint/);
  });

  it('continues the same chain after a crash, and starts a new session after a clean stop', async () => {
    const startId = events()[0]!.id;
    await stop('SIGKILL');
    await start();
    expect(sh('echo after-crash > crash.txt')).toBe(0);
    const afterCrash = events();
    expect(afterCrash.filter((e) => e.kind === 4600)).toHaveLength(1);
    expect(verifyChain(afterCrash).valid).toBe(true);

    await stop('SIGTERM');
    const ended = events();
    expect(ended.at(-1)!.kind).toBe(4604);
    expect(tag(ended.at(-1)!, 'E')).toBe(startId);
    await start();
    const starts = events().filter((e) => e.kind === 4600);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.pubkey).not.toBe(starts[0]!.pubkey); // one keypair per agent session
  });
});
