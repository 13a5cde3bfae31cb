// `kiln models ls | pull` in-process against the scripted server's Ollama API: progress lines
// reach the CLI's stderr, the result its stdout.
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';
import { runCaptured } from '../../../unit/main/cli/run-cli';

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('kiln models', () => {
  it('pull prints progress up to 100% and the result; ls then lists the model', async () => {
    server = await startModelServer({ ollama: { library: { 'tiny:1b': { layers: [3_000_000, 2_000] } } } });
    const pull = await runCaptured(['models', 'pull', 'tiny:1b', '--host', server.url, '--json']);
    expect(pull.code).toBe(0);
    expect(JSON.parse(pull.stdout)).toMatchObject({ name: 'tiny:1b', bytes: 3_002_000 });
    const percents = [...pull.stderr.matchAll(/^(\d+)% /gm)].map((m) => Number(m[1]));
    expect(percents.length).toBeGreaterThan(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const ls = await runCaptured(['models', 'ls', '--host', server.url]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^tiny:1b\s+3\.0 MB/m);
    expect(ls.stdout).toMatch(/Default model: qwen2.5-coder:7b .*not downloaded/);
  });

  it('says what to do when no Ollama answers', async () => {
    const res = await runCaptured(['models', 'ls', '--host', 'http://127.0.0.1:9']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^kiln: No Ollama answered at http:\/\/127.0.0.1:9\. Start Ollama/);
  });
});
