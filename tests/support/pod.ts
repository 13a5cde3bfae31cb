// A bare session pod for recorder tests: the two containers of POD-CONTRACT wired by hand with
// dockerode, so the recorder is tested without the host's session manager in between.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import WebSocket from 'ws';
import { finalizeEvent } from 'nostr-tools/pure';
import { RUNTIME_IMAGE } from '../../src-main/engine/images';

import { relayAuthSecretKey, type NostrEvent } from '../../src-shared/events';

export const docker = new Docker();
/** The image under test: the one the global setup built (KILN_IMAGE names a helper's own tag). */
export const TEST_IMAGE = process.env.KILN_TEST_RUNTIME_IMAGE ?? process.env.KILN_IMAGE ?? RUNTIME_IMAGE;

export interface TestPod {
  id: string;
  workspace: string;
  url: string;
  sessionToken: string;
  hookToken: string;
  recorder: Docker.Container;
  workspaceContainer: Docker.Container;
  /** Runs `bash -c cmd` in the workspace as the agent, through the recorded path. */
  exec(cmd: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>;
  events(): Promise<NostrEvent[]>;
  remove(): Promise<void>;
}

export interface TestPodOptions {
  prefix?: string;
  /** Extra recorder environment (KEY=value). */
  env?: string[];
  /** Extra workspace environment (KEY=value). */
  workspaceEnv?: string[];
  /** Secrets given to the agents; the recorder gets them too, to redact them (POD-CONTRACT). */
  secrets?: Record<string, string>;
  /** Extra binds for the workspace container (e.g. the shared agents volume). */
  workspaceBinds?: string[];
}

export async function startTestPod(opts: TestPodOptions = {}): Promise<TestPod> {
  const secretEnv = Object.entries(opts.secrets ?? {}).map(([k, v]) => `${k}=${v}`);
  const id = `${opts.prefix ?? 't'}-${randomBytes(4).toString('hex')}`;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-${id}-`));
  fs.chmodSync(workspace, 0o777); // the agent (uid 1001) writes here; the host user may differ
  const sessionToken = randomBytes(32).toString('hex');
  const hookToken = randomBytes(32).toString('hex');
  const labels = { 'kiln.test': '1', 'kiln.session': id };
  const volume = `kiln-${id}-state`;
  await docker.createVolume({ Name: volume, Labels: { ...labels, 'kiln.role': 'state' } });

  const recorder = await docker.createContainer({
    name: `kiln-${id}-recorder`,
    Image: TEST_IMAGE,
    Cmd: ['recorder'],
    Labels: { ...labels, 'kiln.role': 'recorder' },
    Env: [`KILN_SESSION_TOKEN=${sessionToken}`, `KILN_HOOK_TOKEN=${hookToken}`, `KILN_SESSION_ID=${id}`, ...secretEnv, ...(opts.env ?? [])],
    ExposedPorts: { '7680/tcp': {} },
    HostConfig: {
      Binds: [`${volume}:/state`, `${workspace}:/workspace`],
      PortBindings: { '7680/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      PidsLimit: 512,
      Memory: 2 * 1024 ** 3,
    },
  });
  await recorder.start();
  const info = await recorder.inspect();
  const port = info.NetworkSettings.Ports['7680/tcp']?.[0]?.HostPort;
  const url = `http://127.0.0.1:${port}`;

  const workspaceContainer = await docker.createContainer({
    name: `kiln-${id}-workspace`,
    Image: TEST_IMAGE,
    Cmd: ['workspace'],
    User: 'agent',
    WorkingDir: '/workspace',
    Labels: { ...labels, 'kiln.role': 'workspace' },
    Env: ['KILN_RECORDER_URL=http://127.0.0.1:7680', `KILN_HOOK_TOKEN=${hookToken}`, 'BASH_ENV=/etc/kiln/hook.bash', `KILN_SESSION_ID=${id}`, ...secretEnv, ...(opts.workspaceEnv ?? [])],
    HostConfig: { NetworkMode: `container:${recorder.id}`, Binds: [`${workspace}:/workspace`, ...(opts.workspaceBinds ?? [])], PidsLimit: 1024, Memory: 2 * 1024 ** 3 },
  });
  await workspaceContainer.start();

  const api: TestPod['api'] = async (method, route, body, token = sessionToken) => {
    const res = await fetch(url + route, {
      method,
      signal: AbortSignal.timeout(120_000),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as never };
  };
  // Bounded: while the recorder starts, docker-proxy may accept a connection and never answer it.
  await waitFor(async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok).catch(() => false)), 60_000, 'recorder /health');

  return {
    id, workspace, url, sessionToken, hookToken, recorder, workspaceContainer, api,
    exec: (cmd) => execIn(workspaceContainer, ['bash', '-c', cmd]),
    events: () => readEvents(url, sessionToken, [{ limit: 5000 }]),
    async remove() {
      for (const c of [workspaceContainer, recorder]) await c.remove({ force: true }).catch(() => undefined);
      await docker.getVolume(volume).remove().catch(() => undefined);
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

export async function execIn(container: Docker.Container, cmd: string[], user = 'agent'): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const exec = await container.exec({ Cmd: cmd, User: user, WorkingDir: '/workspace', AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, { write: (c: Buffer) => out.push(c) } as never, { write: (c: Buffer) => err.push(c) } as never);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

export interface Subscription {
  /** Resolves at EOSE with the stored events; rejects on CLOSED or a refused AUTH. */
  stored: Promise<NostrEvent[]>;
  close(): void;
}

/** Opens the relay, answers NIP-42 AUTH with the session token's key (none: stays anonymous),
 *  subscribes, and hands every later (live) event to onLive. */
export function subscribe(httpUrl: string, token: string | null, filters: object[], onLive?: (e: NostrEvent) => void): Subscription {
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const ws = new WebSocket(wsUrl);
  const stored: NostrEvent[] = [];
  let eose = false;
  const done = new Promise<NostrEvent[]>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('relay read timed out')), 20_000);
    const fail = (e: Error) => { clearTimeout(timer); ws.close(); reject(e); };
    const req = () => ws.send(JSON.stringify(['REQ', 'q', ...filters]));
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as unknown[];
      if (msg[0] === 'AUTH' && token) {
        const auth = finalizeEvent({ kind: 22242, created_at: Math.floor(Date.now() / 1000), tags: [['relay', wsUrl], ['challenge', String(msg[1])]], content: '' }, relayAuthSecretKey(token));
        ws.send(JSON.stringify(['AUTH', auth]));
      } else if (msg[0] === 'AUTH' || (msg[0] === 'OK' && msg[2] === true && !eose)) {
        req();
      } else if (msg[0] === 'OK' && msg[2] === false) {
        fail(new Error(String(msg[3])));
      } else if (msg[0] === 'EVENT') {
        if (eose) onLive?.(msg[2] as NostrEvent);
        else stored.push(msg[2] as NostrEvent);
      } else if (msg[0] === 'EOSE') {
        eose = true;
        clearTimeout(timer);
        resolve(stored);
      } else if (msg[0] === 'CLOSED') {
        fail(Object.assign(new Error(String(msg[2])), { closed: true }));
      }
    });
    ws.on('error', fail);
  });
  return { stored: done, close: () => ws.close() };
}

/** Reads the stored events matching `filters` (to EOSE) and closes. */
export async function readEvents(httpUrl: string, token: string | null, filters: object[]): Promise<NostrEvent[]> {
  const sub = subscribe(httpUrl, token, filters);
  try {
    return await sub.stored;
  } finally {
    sub.close();
  }
}

export async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Session events in chain order. */
export function bySeq(events: NostrEvent[]): NostrEvent[] {
  const seq = (e: NostrEvent) => Number(e.tags.find((t) => t[0] === 'seq')?.[1] ?? -1);
  return [...events].sort((a, b) => seq(a) - seq(b));
}
