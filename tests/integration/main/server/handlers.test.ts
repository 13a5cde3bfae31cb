// The bridge served by the real host services: a client on an in-memory transport (the same
// messages IPC and WebSocket carry) sees model-pull progress stream in, and real answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, dispatch, type Transport, type WireMessage } from '../../../../src-shared/api/rpc';
import { createHandlers } from '../../../../src-main/server/handlers';
import { createAppServices } from '../../../../src-main/services';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';

function connect(make: (push: (m: WireMessage) => void) => ReturnType<typeof createHandlers>) {
  const listeners = new Set<(m: WireMessage) => void>();
  const deliver = (m: WireMessage) => listeners.forEach((l) => l(JSON.parse(JSON.stringify(m)) as WireMessage));
  const handlers = make(deliver);
  const transport: Transport = {
    send: (msg) => {
      if (msg.t === 'req') void dispatch(handlers, msg).then(deliver);
    },
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return createClient(transport);
}

describe('bridge handlers on the host services', () => {
  let server: ModelServer;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startModelServer({ ollama: { library: { 'qwen2.5-coder:7b': { layers: [3_000_000, 7_000, 1_500] } } } });
    const services = await createAppServices({ labels: { 'kiln.test': '1' } });
    client = connect((push) => createHandlers({ services, mode: 'web', push }));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams model pull progress to the client and answers with the total', async () => {
    const seen: { current: number; total: number; message: string }[] = [];
    const off = client.on('progress', (p) => {
      if (p.task === 'models.pull:qwen2.5-coder:7b') seen.push({ current: p.current ?? 0, total: p.total ?? 0, message: p.message });
    });
    const done = await client.call('models.pull', { name: 'qwen2.5-coder:7b', host: server.url });
    off();
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.current).toBeGreaterThanOrEqual(seen[i - 1]!.current);
    expect(done.total).toBe(3_008_500);
    expect(done.completed).toBe(done.total);
    expect(seen.at(-1)!.message).toBe('success');
  });

  it('reports a model the registry does not have as a clear error', async () => {
    await expect(client.call('models.pull', { name: 'no-such-model:1b', host: server.url })).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });

  it('answers app and engine questions from the real engine', async () => {
    await expect(client.call('app.info', {})).resolves.toMatchObject({ name: 'Kiln', mode: 'web' });
    const engine = await client.call('engine.status', {});
    expect(engine.ok).toBe(true);
    expect(Array.isArray(await client.call('sessions.list', {}))).toBe(true);
  });
});
