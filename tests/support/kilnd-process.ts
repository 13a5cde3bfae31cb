// kilnd as a real process on this machine, with a temp state dir and workspace: the recorder
// without Docker, for fast tests and benchmarks of its logic.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildKilnd } from '../../scripts/build.mjs';
import type { NostrEvent } from '../../src-shared/events';

export const HOOK_SCRIPT = path.resolve('src-container/shell/kiln-hook.bash');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class KilndProcess {
  readonly sessionToken = randomBytes(32).toString('hex');
  readonly hookToken = randomBytes(32).toString('hex');
  private proc: ChildProcess | null = null;

  private constructor(
    readonly bundle: string,
    readonly dir: string,
    readonly workspace: string,
    readonly state: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  /** Builds the bundle, makes temp dirs and starts kilnd; `env` adds to its environment. */
  static async launch(env: Record<string, string> = {}): Promise<KilndProcess> {
    const bundle = await buildKilnd();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kilnd-proc-'));
    const k = new KilndProcess(bundle, dir, path.join(dir, 'workspace'), path.join(dir, 'state'), await freePort(), env);
    fs.mkdirSync(k.workspace);
    await k.start();
    return k;
  }

  /** The kilnd process id (for SIGSTOP/SIGCONT: a recorder that is alive but not answering). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // KILND_NODE_ARGS: extra Node flags for kilnd, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // to profile it under a bench (stop it with SIGTERM so the profile is written).
    const nodeArgs = process.env.KILND_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    this.proc = spawn(process.execPath, [...nodeArgs, this.bundle], {
      env: {
        ...process.env, ...this.env,
        KILN_STATE_DIR: this.state, KILN_WORKSPACE: this.workspace, KILN_PORT: String(this.port), KILN_BIND: '127.0.0.1',
        KILN_SESSION_TOKEN: this.sessionToken, KILN_HOOK_TOKEN: this.hookToken,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 150; i++) {
      if (await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('kilnd did not answer /health');
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise((resolve) => {
      p.once('exit', resolve);
      p.kill(signal);
    });
  }

  /** Where the hook lists commands that ran while the recorder was unreachable (outside the workspace). */
  get unprotectedFile(): string {
    return path.join(this.dir, 'hook-state', 'unprotected');
  }

  /** The environment of a hooked shell in the workspace container. */
  hookEnv(): NodeJS.ProcessEnv {
    return { ...process.env, KILN_RECORDER_URL: this.url, KILN_HOOK_TOKEN: this.hookToken, BASH_ENV: HOOK_SCRIPT, KILN_HOOK_ACTIVE: '', KILN_UNPROTECTED_FILE: this.unprotectedFile };
  }

  /**
   * Runs `bash -c cmd` in the workspace through the shell hook, as the workspace container does,
   * then (like `kiln exec`) waits until its receipts are stored: the hook does not wait for them.
   */
  sh(cmd: string, hooked = true): number {
    const env = hooked ? this.hookEnv() : { ...process.env, BASH_ENV: '' };
    const status = spawnSync('bash', ['-c', cmd], { cwd: this.workspace, env }).status ?? -1;
    if (hooked && this.proc) this.settleSync();
    return status;
  }

  /** Blocks until the recorder has stored every receipt queued so far (GET /api/settled). */
  settleSync(): void {
    spawnSync('curl', ['-fsS', '-o', '/dev/null', '--max-time', '300', '-H', `Authorization: Bearer ${this.sessionToken}`, `${this.url}/api/settled`]);
  }

  async settled(): Promise<void> {
    const r = await this.api('GET', '/api/settled', this.sessionToken);
    if (!r.ok) throw new Error(`/api/settled: ${r.status}`);
  }

  /** Every stored event, in commit order (read from the database file, as a second reader). */
  events(): NostrEvent[] {
    const db = new Database(path.join(this.state, 'events.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT raw FROM events ORDER BY rowid').all() as { raw: string }[]).map((r) => JSON.parse(r.raw) as NostrEvent);
    } finally {
      db.close();
    }
  }

  /**
   * One request on a fresh connection: tests and benches block their event loop (spawnSync) for
   * longer than a server keeps an idle connection, and a pooled one would then fail with EPIPE.
   */
  api(method: string, route: string, token: string | null, payload?: unknown): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}${route}`, { method, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload !== undefined ? JSON.stringify(payload) : undefined);
    });
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
