// Host Ollama detection and model pulls, against the scripted model server's Ollama API on this
// machine (real HTTP, the real `ollama` client; no model weights).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';
import { detectHostOllama, ollamaUrlFromEnv } from '../../../../src-main/models/host-ollama';
import { pullModel, type PullProgress } from '../../../../src-main/models/pull';
import { contextVariantName, ensureContextVariant } from '../../../../src-main/models/context-variant';
import { KilnFailure } from '../../../../src-shared/errors';

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A port nothing listens on: bind, read it, close. */
async function deadUrl(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('host Ollama detection', () => {
  it('finds an Ollama and lists its models', async () => {
    server = await startModelServer({ ollama: { version: '0.12.6', models: [{ name: 'qwen2.5-coder:7b', size: 4_683_087_332, parameterSize: '7.6B' }] } });
    const found = await detectHostOllama({ urls: [server.url] });
    expect(found).toEqual({ found: true, url: server.url, version: '0.12.6', models: [{ name: 'qwen2.5-coder:7b', size: 4_683_087_332, parameterSize: '7.6B' }] });
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/api/tags', '/api/version']);
  });

  it('reports not found, with the addresses it tried, when nothing answers', async () => {
    const url = await deadUrl();
    expect(await detectHostOllama({ urls: [url], timeoutMs: 500 })).toEqual({ found: false, tried: [url] });
  });

  it('does not take a server that is not Ollama for one', async () => {
    server = await startModelServer();
    const notOllama = `${server.url}/nope`; // answers 404 to /api/*
    expect((await detectHostOllama({ urls: [notOllama] })).found).toBe(false);
  });

  it('tries OLLAMA_HOST first, then the next address', async () => {
    server = await startModelServer();
    const viaEnv = await detectHostOllama({ env: { OLLAMA_HOST: server.url.replace('http://', '') } });
    expect(viaEnv).toMatchObject({ found: true, url: server.url });
    const dead = await deadUrl();
    const hit = await detectHostOllama({ urls: [dead, server.url], timeoutMs: 500 });
    expect(hit).toMatchObject({ found: true, url: server.url });
  });

  it('reads OLLAMA_HOST the way Ollama does', () => {
    expect(ollamaUrlFromEnv('0.0.0.0')).toBe('http://127.0.0.1:11434');
    expect(ollamaUrlFromEnv(':8080')).toBe('http://127.0.0.1:8080');
    expect(ollamaUrlFromEnv('myhost:1234')).toBe('http://myhost:1234');
    expect(ollamaUrlFromEnv('https://ollama.example.com')).toBe('https://ollama.example.com');
    expect(ollamaUrlFromEnv('')).toBeUndefined();
  });
});

describe('model pull', () => {
  const library = { 'qwen2.5-coder:7b': { layers: [4_000_000, 7_000, 1_500] } };
  const monotonic = (seen: PullProgress[]) => seen.every((p, i) => i === 0 || (p.completed >= seen[i - 1]!.completed && p.total >= seen[i - 1]!.total));

  it('reports one overall progress that only grows and ends at the total', async () => {
    server = await startModelServer({ ollama: { library } });
    const seen: PullProgress[] = [];
    const end = await pullModel({ host: server.url, name: 'qwen2.5-coder:7b', onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(10);
    expect(monotonic(seen)).toBe(true);
    expect(end).toEqual({ status: 'success', completed: 4_008_500, total: 4_008_500 });
    expect(seen.at(-1)).toEqual(end);
    expect((await detectHostOllama({ urls: [server.url] })).found && (await detectHostOllama({ urls: [server.url] }))).toMatchObject({ models: [{ name: 'qwen2.5-coder:7b' }] });
  });

  it('an error in the stream is an error; pulling again resumes from where it stopped', async () => {
    server = await startModelServer({ ollama: { library, interruptPullAfter: 2_000_000 } });
    const first: PullProgress[] = [];
    const err = await pullModel({ host: server.url, name: 'qwen2.5-coder:7b', onProgress: (p) => first.push(p) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnFailure);
    expect((err as KilnFailure).kiln).toMatchObject({ code: 'E_MODEL_PULL_FAILED', next: expect.stringMatching(/again/) });
    const reached = first.at(-1)!.completed;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(4_008_500);

    const second: PullProgress[] = [];
    const end = await pullModel({ host: server.url, name: 'qwen2.5-coder:7b', onProgress: (p) => second.push(p) });
    expect(end.completed).toBe(4_008_500);
    // The resumed pull starts at (at least) the bytes the first one had.
    expect(second.find((p) => p.completed > 0)!.completed).toBeGreaterThanOrEqual(reached);
    expect(monotonic(second)).toBe(true);
  });

  it('an unknown model and an unreachable Ollama are errors a person can act on', async () => {
    server = await startModelServer({ ollama: { library } });
    await expect(pullModel({ host: server.url, name: 'no-such:1b' })).rejects.toMatchObject({ kiln: { code: 'E_MODEL_NOT_FOUND' } });
    await expect(pullModel({ host: await deadUrl(), name: 'qwen2.5-coder:7b' })).rejects.toMatchObject({ kiln: { code: 'E_OLLAMA_UNREACHABLE' } });
  });

  it('gives a pulled model a 64K-context sibling once', async () => {
    server = await startModelServer({ ollama: { models: [{ name: 'qwen2.5-coder:7b', size: 1 }] } });
    const name = await ensureContextVariant({ host: server.url, model: 'qwen2.5-coder:7b', contextLength: 65_536 });
    expect(name).toBe(contextVariantName('qwen2.5-coder:7b', 65_536));
    expect(name).toBe('qwen2.5-coder:7b-kiln64k');
    const create = server.requests.filter((r) => r.path === '/api/create');
    expect(create).toHaveLength(1);
    expect(create[0]!.body).toMatchObject({ model: name, from: 'qwen2.5-coder:7b', parameters: { num_ctx: 65_536 } });
    await ensureContextVariant({ host: server.url, model: 'qwen2.5-coder:7b', contextLength: 65_536 });
    expect(server.requests.filter((r) => r.path === '/api/create')).toHaveLength(1);
  });
});
