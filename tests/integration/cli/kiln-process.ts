// Runs the real `kiln` binary (node bin/kiln.mjs) as a subprocess, with its home and workspace
// roots in temp folders and a test label on everything it creates; and cleans up after.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { RUNTIME_IMAGE } from '../../../src-main/engine/images';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(ROOT, 'bin', 'kiln.mjs');

export interface KilnRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class KilnSandbox {
  readonly home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  readonly workspaces = mkdtempSync(join(tmpdir(), 'kiln-ws-'));
  readonly docker: Dockerode;
  private readonly sessions = new Set<string>();

  constructor(readonly extraEnv: NodeJS.ProcessEnv = {}) {
    this.docker = new Dockerode(extraEnv.DOCKER_HOST ? { socketPath: extraEnv.DOCKER_HOST.replace(/^unix:\/\//, '') } : undefined);
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KILN_HOME: this.home,
      KILN_WORKSPACES: this.workspaces,
      KILN_LABELS: 'kiln.test=1',
      KILN_IMAGE: process.env.KILN_TEST_RUNTIME_IMAGE ?? RUNTIME_IMAGE,
      ...this.extraEnv,
    };
  }

  /** A session name unique to this run, removed again by cleanup(). */
  name(prefix: string): string {
    const id = `t-${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    this.sessions.add(id);
    return id;
  }

  run(args: string[], opts: { timeoutMs?: number } = {}): Promise<KilnRun> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: this.env(), timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Parse --json output, failing with the CLI's stderr when it is not JSON. */
  async json<T>(args: string[]): Promise<{ code: number; data: T; stderr: string }> {
    const r = await this.run([...args, '--json']);
    try {
      return { code: r.code, data: JSON.parse(r.stdout) as T, stderr: r.stderr };
    } catch {
      throw new Error(`kiln ${args.join(' ')} --json printed no JSON (exit ${r.code}): ${r.stderr || r.stdout}`);
    }
  }

  spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Containers of one session (by label), running or not. */
  async containers(id: string): Promise<Dockerode.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } });
  }

  async cleanup(): Promise<void> {
    for (const id of this.sessions) {
      for (const c of await this.containers(id).catch(() => [])) await this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      await this.docker.getVolume(`kiln-${id}-state`).remove().catch(() => undefined);
    }
    // Workspace files may belong to the container's agent user; we are root in CI, so rm works.
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.workspaces, { recursive: true, force: true });
  }
}

/** Ask until `check` returns a value (not undefined) or the attempts run out. */
export async function eventually<T>(check: () => Promise<T | undefined>, attempts = 20, intervalMs = 250): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await check();
    if (last !== undefined) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error('condition not met');
}
