// The OpenCode adapter: the generated config, and the recorder plugin's hooks against a real
// HTTP endpoint standing in for the recorder (the pod test runs it against the real one).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnRecorder } from '../../../../src-container/agents/opencode/kiln-plugin';
import { opencodeConfig, OPENCODE_ENV, OPENCODE_MODELS_CATALOGUE } from '../../../../src-main/agents/opencode';

interface Hit { path: string; auth: string | undefined; body: Record<string, unknown>; at: number }

describe('opencodeConfig', () => {
  it('one openai-compatible provider with limits, everything allowed, no updates or sharing', () => {
    const c = opencodeConfig({ model: 'qwen2.5-coder:7b-kiln64k', baseURL: 'http://host.docker.internal:11434/v1', contextLength: 65536 });
    expect(c).toMatchObject({
      model: 'kiln/qwen2.5-coder:7b-kiln64k',
      small_model: 'kiln/qwen2.5-coder:7b-kiln64k',
      permission: 'allow',
      autoupdate: false,
      share: 'disabled',
      provider: { kiln: { npm: '@ai-sdk/openai-compatible', options: { baseURL: 'http://host.docker.internal:11434/v1' }, models: { 'qwen2.5-coder:7b-kiln64k': { tool_call: true, limit: { context: 65536, output: 8192 } } } } },
    });
    expect(JSON.stringify(c)).not.toContain('apiKey');
    // The recorder plugin comes from the global plugins folder, so a config cannot drop it.
    expect(c).not.toHaveProperty('plugin');
    const cloud = opencodeConfig({ model: 'm', smallModel: 's', baseURL: 'https://api.example.com/v1', contextLength: 128000, apiKey: '{env:EXAMPLE_KEY}' });
    expect(cloud.provider.kiln).toMatchObject({ options: { apiKey: '{env:EXAMPLE_KEY}' }, models: { m: {}, s: {} } });
    expect(cloud.small_model).toBe('kiln/s');
  });
});

describe('OPENCODE_ENV', () => {
  it('points OpenCode at the empty model catalogue the image ships, and fetches none', () => {
    expect(OPENCODE_ENV).toMatchObject({ OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_MODELS_PATH: OPENCODE_MODELS_CATALOGUE });
    // The Dockerfile copies src-container/agents/ to /opt/kiln/agents/.
    expect(fs.readFileSync('src-container/Dockerfile', 'utf8')).toMatch(/^COPY src-container\/agents\/ \/opt\/kiln\/agents\/$/m);
    const source = OPENCODE_MODELS_CATALOGUE.replace(/^\/opt\/kiln\/agents\//, 'src-container/agents/');
    // An object (OpenCode falls back to its built-in snapshot when the file is missing or not JSON), and empty.
    expect(JSON.parse(fs.readFileSync(source, 'utf8'))).toEqual({});
  });
});

describe('the recorder plugin', () => {
  let server: http.Server;
  let hits: Hit[];
  let status = 200;
  const saved = { url: process.env.KILN_RECORDER_URL, token: process.env.KILN_HOOK_TOKEN };

  beforeEach(async () => {
    hits = [];
    status = 200;
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        // Answer late, as a checkpoint of a big tree does: the hook must wait for it.
        setTimeout(() => {
          hits.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown>, at: Date.now() });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(status === 200 ? '{"commit":"abc","eventId":null}' : '{"error":{"code":"internal","message":"disk full"}}');
        }, 150);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env.KILN_RECORDER_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.KILN_HOOK_TOKEN = 'hook-token';
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    for (const [k, v] of [['KILN_RECORDER_URL', saved.url], ['KILN_HOOK_TOKEN', saved.token]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  type Hooks = Record<string, (input: object, output: object) => Promise<void>>;
  const hooks = async () => (await KilnRecorder()) as Hooks;

  it('before a mutating tool, waits for the checkpoint; after it, sends the result', async () => {
    const h = await hooks();
    await h['tool.execute.before']!({ tool: 'write', sessionID: 's', callID: 'c1' }, { args: { filePath: '/workspace/a.txt', content: 'x' } });
    // Returned only once the recorder answered.
    expect(hits).toEqual([{ path: '/hooks/tool/before', auth: 'Bearer hook-token', body: { agent: 'opencode', tool: 'write', input: { filePath: '/workspace/a.txt', content: 'x' } }, at: expect.any(Number) }]);
    await h['tool.execute.after']!({ tool: 'write', sessionID: 's', callID: 'c1' }, { title: 'a.txt', output: 'Wrote file successfully.', metadata: {} });
    expect(hits[1]).toMatchObject({ path: '/hooks/tool/after', body: { agent: 'opencode', tool: 'write', input: { filePath: '/workspace/a.txt' }, output: 'Wrote file successfully.', ok: true } });
  });

  it('a failed command is recorded as not ok; reads take no checkpoint', async () => {
    const h = await hooks();
    await h['tool.execute.before']!({ tool: 'read', callID: 'r' }, { args: { filePath: '/workspace/a.txt' } });
    await h['tool.execute.after']!({ tool: 'read', callID: 'r' }, { output: 'x', metadata: {} });
    expect(hits).toEqual([]);
    await h['tool.execute.before']!({ tool: 'bash', callID: 'b' }, { args: { command: 'false' } });
    await h['tool.execute.after']!({ tool: 'bash', callID: 'b', args: { command: 'false' } }, { output: '', metadata: { exit: 1 } });
    expect(hits.map((x) => x.path)).toEqual(['/hooks/tool/before', '/hooks/tool/after']);
    expect(hits[1]!.body).toMatchObject({ tool: 'bash', input: { command: 'false' }, ok: false });
  });

  it('when the checkpoint fails, the tool does not run and the reason says what to do', async () => {
    status = 500;
    const h = await hooks();
    await expect(h['tool.execute.before']!({ tool: 'edit', callID: 'e' }, { args: {} })).rejects.toThrow(/Kiln could not take a checkpoint before "edit" \(500 .*disk full.*\), so the tool did not run\. Check that the session recorder is running/);
  });

  it('records the prompt and each finished answer once, not partial text or tool parts', async () => {
    const h = (await KilnRecorder()) as unknown as { event: (e: { event: object }) => Promise<void> };
    const ev = (type: string, properties: object) => h.event({ event: { type, properties } });
    await ev('message.updated', { info: { id: 'm1', role: 'user' } });
    await ev('message.part.updated', { part: { id: 'p1', type: 'text', text: 'Make hello.txt', messageID: 'm1' } });
    await ev('message.updated', { info: { id: 'm2', role: 'assistant' } });
    await ev('message.part.updated', { part: { id: 'p2', type: 'text', text: 'Do', messageID: 'm2', time: { start: 1 } } });
    await ev('message.part.updated', { part: { id: 'p3', type: 'tool', tool: 'write', messageID: 'm2' } });
    await ev('message.part.updated', { part: { id: 'p2', type: 'text', text: 'Done', messageID: 'm2', time: { start: 1, end: 2 } } });
    await ev('message.part.updated', { part: { id: 'p2', type: 'text', text: 'Done', messageID: 'm2', time: { start: 1, end: 2 } } });
    await ev('session.idle', { sessionID: 's' });
    expect(hits.map((x) => [x.path, x.body])).toEqual([
      ['/hooks/message', { from: 'user', to: 'opencode', text: 'Make hello.txt' }],
      ['/hooks/message', { from: 'opencode', text: 'Done' }],
    ]);
  });

  it('outside a pod (no recorder URL) it does nothing', async () => {
    delete process.env.KILN_RECORDER_URL;
    expect(await KilnRecorder()).toEqual({});
  });
});
