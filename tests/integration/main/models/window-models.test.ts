// The first-run model step through the bridge, on the real engine: a host Ollama (the scripted
// model server's Ollama API) is picked up; with none, "Start a local model" runs kiln-ollama
// (here the stand-in built under ollama/ollama:latest by the test setup), the pull streams
// progress, and a session created afterwards reaches it by name on the kiln-models network.
// Keys are kept 0600 and never come back; settings apply to the next session.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, dispatch, type BridgeClient, type WireMessage } from '../../../../src-shared/api/rpc';
import type { StreamPayload } from '../../../../src-shared/api/contract';
import { createHandlers } from '../../../../src-main/server/handlers';
import { createWindowHost, type WindowHost } from '../../../../src-main/server/window-host';
import { lazyAppServices } from '../../../../src-main/services';
import { RUNTIME_IMAGE } from '../../../../src-main/engine/images';
import { DEFAULT_MODEL } from '../../../../src-main/models/default-model';
import { MODELS_NETWORK, OLLAMA_CONTAINER, removeOllamaContainer } from '../../../../src-main/models/ollama-container';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';

const docker = new Docker();

/** A port nothing listens on (an Ollama that is not there). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function inMemoryClient(make: (push: (m: WireMessage) => void) => ReturnType<typeof createHandlers>): BridgeClient {
  const listeners = new Set<(m: WireMessage) => void>();
  const deliver = (m: WireMessage) => listeners.forEach((l) => l(JSON.parse(JSON.stringify(m)) as WireMessage));
  const handlers = make(deliver);
  return createClient({
    send: (msg) => {
      if (msg.t === 'req') void dispatch(handlers, msg).then(deliver);
    },
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  });
}

describe('models, keys and settings for the window', () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  const workspaces = mkdtempSync(join(tmpdir(), 'kiln-ws-'));
  const savedOllamaHost = process.env.OLLAMA_HOST;
  const session = `models-${randomBytes(3).toString('hex')}`;
  let host: WindowHost;
  let client: BridgeClient;
  let scripted: ModelServer;

  beforeAll(async () => {
    const existing = await docker.getContainer(OLLAMA_CONTAINER).inspect().catch(() => undefined);
    if (existing) throw new Error(`${OLLAMA_CONTAINER} exists already; this test starts and removes its own.`);
    const env = { ...process.env, KILN_HOME: home, KILN_WORKSPACES: workspaces };
    const holder = lazyAppServices({ env, image: process.env.KILN_TEST_RUNTIME_IMAGE ?? RUNTIME_IMAGE, labels: { 'kiln.test': '1' } });
    host = createWindowHost(holder, { env });
    client = inMemoryClient((push) => createHandlers({ services: holder, mode: 'web', push, host }));
    scripted = await startModelServer({ ollama: { models: [{ name: DEFAULT_MODEL.name, size: 4_683_087_332 }] } });
  });
  afterAll(async () => {
    if (savedOllamaHost === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = savedOllamaHost;
    await host?.close();
    await scripted?.close();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`kiln.session=${session}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(`kiln-${session}-state`).remove().catch(() => undefined);
    await removeOllamaContainer(docker, { volume: true, network: true });
    rmSync(home, { recursive: true, force: true });
    rmSync(workspaces, { recursive: true, force: true });
  });

  it('picks up an Ollama answering on the host, with the default model present', async () => {
    process.env.OLLAMA_HOST = scripted.url;
    const status = await client.call('models.status', {});
    expect(status.active).toBe('host');
    expect(status.host).toMatchObject({ url: scripted.url });
    expect(status.host!.models.map((m) => m.name)).toContain(DEFAULT_MODEL.name);
    expect(status.default).toMatchObject({ name: DEFAULT_MODEL.name, approxBytes: DEFAULT_MODEL.approxBytes, present: true });
    expect(status.container.state).toBe('absent');
  });

  it('keeps a cloud key 0600 and shows only its hint', async () => {
    const key = 'sk-ant-test-0123456789abcdef';
    const set = await client.call('keys.set', { provider: 'anthropic', key });
    expect(set).toEqual({ provider: 'anthropic', set: true, hint: 'sk-…cdef' });
    const file = join(home, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(key);
    const status = await client.call('models.status', {});
    expect(JSON.stringify(status)).not.toContain(key);
    expect(status.keys.find((k) => k.provider === 'anthropic')).toMatchObject({ set: true, hint: 'sk-…cdef' });
    await expect(client.call('keys.set', { provider: 'nobody', key })).rejects.toMatchObject({ code: 'E_KEY_PROVIDER' });
    await client.call('keys.clear', { provider: 'anthropic' });
    expect((await client.call('models.status', {})).keys.every((k) => !k.set)).toBe(true);
  });

  it('keeps settings 0600 and refuses a relative workspaces folder', async () => {
    const before = await client.call('settings.get', {});
    expect(before).toEqual({ workspacesDir: workspaces, defaultModel: '', theme: 'system' });
    const elsewhere = join(workspaces, 'elsewhere');
    expect(await client.call('settings.set', { workspacesDir: elsewhere, theme: 'dark' })).toMatchObject({ workspacesDir: elsewhere, theme: 'dark' });
    expect(statSync(join(home, 'settings.json')).mode & 0o777).toBe(0o600);
    expect(await client.call('settings.get', {})).toMatchObject({ workspacesDir: elsewhere, theme: 'dark' });
    await expect(client.call('settings.set', { workspacesDir: 'relative/path' })).rejects.toMatchObject({ code: 'E_SETTINGS_WORKSPACES' });
  });

  it('with no Ollama on the host, starts kiln-ollama and pulls the default model with progress', async () => {
    process.env.OLLAMA_HOST = `http://127.0.0.1:${await deadPort()}`;
    const none = await client.call('models.status', {});
    expect(none.active).toBe('none');
    expect(none.host).toBeUndefined();

    const { url } = await client.call('models.startLocal', {});
    expect(url).toBe('http://127.0.0.1:11434');
    const info = await docker.getContainer(OLLAMA_CONTAINER).inspect();
    expect(info.HostConfig.PortBindings?.['11434/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '11434' }]);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Mounts.map((m) => [m.Name, m.Destination])).toEqual([['kiln-ollama-models', '/root/.ollama']]);
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([MODELS_NETWORK]);
    expect(info.Config.Labels).toMatchObject({ 'kiln.test': '1', 'kiln.role': 'ollama' });

    const running = await client.call('models.status', {});
    expect(running).toMatchObject({ active: 'container', container: { state: 'running', url }, default: { present: false } });
    expect(running.host).toBeUndefined(); // the container's published port is not "the host's Ollama"

    const seen: StreamPayload<'progress'>[] = [];
    const off = client.on('progress', (p) => p.task === `models.pull:${DEFAULT_MODEL.name}` && seen.push(p));
    const pulled = await client.call('models.pull', { name: DEFAULT_MODEL.name });
    off();
    expect(pulled.total).toBe(DEFAULT_MODEL.approxBytes);
    expect(pulled.completed).toBe(pulled.total);
    const sized = seen.filter((p) => p.total === DEFAULT_MODEL.approxBytes);
    expect(sized.length).toBeGreaterThan(10);
    for (let i = 1; i < sized.length; i++) expect(sized[i]!.current!).toBeGreaterThanOrEqual(sized[i - 1]!.current!);
    expect(seen.at(-1)).toMatchObject({ message: 'success', done: true });
    expect((await client.call('models.status', {})).default.present).toBe(true);
  });

  it('gives a session created afterwards the container by name, on the models network', async () => {
    const s = await client.call('sessions.create', { name: session });
    expect(s.workspace).toBe(join(workspaces, 'elsewhere', session)); // the settings' folder
    const recorder = await docker.getContainer(`kiln-${session}-recorder`).inspect();
    expect(Object.keys(recorder.NetworkSettings.Networks)).toContain(MODELS_NETWORK);
    const record = JSON.parse(readFileSync(join(home, 'sessions', `${session}.json`), 'utf8')) as { endpoint: { baseURL: string } };
    expect(record.endpoint.baseURL).toBe('http://kiln-ollama:11434/v1');
    // From the workspace container (the recorder's namespace), the name answers.
    const ws = docker.getContainer(`kiln-${session}-workspace`);
    const exec = await ws.exec({ Cmd: ['node', '-e', "fetch('http://kiln-ollama:11434/api/version').then(r=>r.json()).then(j=>console.log(j.version))"], AttachStdout: true, AttachStderr: true, User: 'agent' });
    const stream = await exec.start({});
    const out = await new Promise<string>((resolve) => {
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
      stream.on('end', () => resolve(text));
    });
    expect(out).toMatch(/\d+\.\d+/);
  });
});
