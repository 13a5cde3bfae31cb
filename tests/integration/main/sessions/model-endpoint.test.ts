// A new session's model, resolved against a real Ollama API (the fixture's) on this machine.
import { afterEach, describe, expect, it } from 'vitest';
import { detectHostOllama } from '../../../../src-main/models/host-ollama';
import { sessionModel } from '../../../../src-main/sessions/model-endpoint';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';

describe('session model', () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('uses the host Ollama when it has the default model, with a 64K-context variant', async () => {
    server = await startModelServer({ ollama: { models: [{ name: 'qwen2.5-coder:7b', size: 4_683_087_332 }] } });
    const url = server.url;
    const m = await sessionModel({ detect: () => detectHostOllama({ urls: [url] }) });
    expect(m.endpoint.baseURL).toBe(`http://host.docker.internal:${server.port}/v1`);
    expect(m.endpoint.model).toMatch(/^qwen2\.5-coder:7b-kiln64k$/);
    expect(m.endpoint.contextLength).toBe(65536);
    expect(m.notes).toEqual([]);
    expect(server.requests.some((r) => r.path === '/api/create')).toBe(true);
  });

  it('says what to do when no Ollama answers', async () => {
    const m = await sessionModel({ detect: () => detectHostOllama({ urls: ['http://127.0.0.1:9'], timeoutMs: 500 }) });
    expect(m.endpoint.baseURL).toBe('http://host.docker.internal:11434/v1');
    expect(m.notes.join(' ')).toMatch(/kiln models pull qwen2\.5-coder:7b/);
  });
});
