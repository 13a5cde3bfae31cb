// The window's two ways to run, for one shared browser suite (tests/e2e/modes.test.ts):
//   web         `kiln up` then `kiln web` on the host (a session pod on the real engine)
//   all-in-one  the runtime image exactly as the README's command runs it:
//               docker run --rm -p 127.0.0.1:PORT:7777 -v "$PWD:/workspace" -v kiln-state:/var/lib/kiln IMAGE
//               with a temp workspace folder, a named state volume and a free port; the URL is
//               read from the container's log (its port replaced by the published one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capabilities } from '../../../src-shared/api/contract';
import { startKilnWeb } from './kiln-web';

export interface ModeRun {
  /** The page's URL with its token. */
  url: string;
  /** The workspace folder on this machine (what the session's /workspace shows). */
  workspace: string;
  log(): string;
  stop(): Promise<void>;
}

export interface Mode {
  name: 'web' | 'all-in-one';
  /** What app.info says this host can do (the window hides the rest). */
  capabilities: Capabilities;
  start(): Promise<ModeRun>;
}

const image = () => {
  const tag = process.env.KILN_TEST_RUNTIME_IMAGE ?? process.env.KILN_IMAGE;
  if (!tag) throw new Error('KILN_TEST_RUNTIME_IMAGE is not set (the e2e global setup builds it)');
  return tag;
};

export function docker(args: string[], timeout = 120_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const webMode: Mode = {
  name: 'web',
  capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true },
  async start() {
    const kiln = await startKilnWeb({});
    const workspace = mkdtempSync(join(tmpdir(), 'kiln-e2e-ws-'));
    const up = kiln.cli(['up', '--name', 'e2e-modes', '--workspace', workspace, '--json']);
    if (up.code !== 0) {
      await kiln.stop();
      throw new Error(`kiln up failed (${up.code}): ${up.stderr}${up.stdout}`);
    }
    return {
      url: kiln.url,
      workspace,
      log: () => kiln.log(),
      async stop() {
        kiln.cli(['rm', 'e2e-modes']);
        await kiln.stop();
        rmSync(workspace, { recursive: true, force: true });
      },
    };
  },
};

/** One all-in-one container on a workspace folder and a state volume (kept across restarts). */
export interface AllInOne {
  name: string;
  port: number;
  workspace: string;
  volume: string;
  url: string;
  log(): string;
  /** `docker stop` (the container goes: --rm), leaving the workspace and the volume. */
  remove(): void;
}

export async function runAllInOne(opts: { workspace: string; volume?: string; port?: number; suffix?: string }): Promise<AllInOne> {
  const port = opts.port ?? (await freePort());
  const name = `kiln-e2e-aio-${process.pid}-${opts.suffix ?? Date.now().toString(36)}`;
  const args = ['run', '-d', '--rm', '--name', name, '--label', 'kiln.test=1', '-p', `127.0.0.1:${port}:7777`, '-v', `${opts.workspace}:/workspace`];
  if (opts.volume) args.push('-v', `${opts.volume}:/var/lib/kiln`);
  args.push(image());
  const run = docker(args);
  if (run.code !== 0) throw new Error(`docker run failed: ${run.stderr}`);
  const log = () => {
    const r = docker(['logs', name]);
    return r.stdout + r.stderr;
  };
  const end = Date.now() + 90_000;
  let url: string | undefined;
  while (!url) {
    const m = /Kiln is at (http:\/\/127\.0\.0\.1:)\d+(\/#token=[A-Za-z0-9_-]+)/.exec(log());
    if (m) url = `${m[1]}${port}${m[2]}`;
    else if (Date.now() > end) throw new Error(`the all-in-one container printed no URL in 90 s:\n${log()}`);
    else await new Promise((r) => setTimeout(r, 250));
  }
  return {
    name,
    port,
    workspace: opts.workspace,
    volume: opts.volume ?? '',
    url,
    log,
    remove: () => {
      docker(['stop', '-t', '5', name]);
      docker(['rm', '-f', name]);
    },
  };
}

export function allInOneMode(): Mode & { current?: AllInOne } {
  const mode: Mode & { current?: AllInOne } = {
    name: 'all-in-one',
    // Its one session is the container itself; no engine to run Ollama on.
    capabilities: { stopSessions: false, removeSessions: false, localModelContainer: false },
    async start() {
      const workspace = mkdtempSync(join(tmpdir(), 'kiln-e2e-aio-ws-'));
      const volume = `kiln-e2e-aio-state-${process.pid}`;
      docker(['volume', 'create', '--label', 'kiln.test=1', volume]);
      mode.current = await runAllInOne({ workspace, volume, suffix: 'a' });
      return {
        url: mode.current.url,
        workspace,
        log: () => mode.current?.log() ?? '',
        async stop() {
          mode.current?.remove();
          // --rm removes the container a moment after it stops; the volume is free only then.
          for (let i = 0; i < 50 && docker(['volume', 'rm', '-f', volume]).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
          rmSync(workspace, { recursive: true, force: true });
        },
      };
    },
  };
  return mode;
}
