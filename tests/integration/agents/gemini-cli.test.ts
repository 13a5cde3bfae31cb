// Gemini CLI, headless (`gemini -p`), installed into the shared agents volume and run in a real
// pod against a scripted Gemini API (tests/fixtures/model-server/gemini.ts, reached through
// GOOGLE_GEMINI_BASE_URL): its BeforeTool hook asks the recorder for a checkpoint before
// write_file runs, AfterTool records the tool, the recorder the file, and undo removes the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiCliSetup } from '../../../src-main/agents/gemini-cli';
import { writeHomeFiles } from '../../../src-main/agents/home-files';
import { envList } from '../../../src-main/terminals/exec-exit';
import { startGeminiServer, type GeminiServer } from '../../fixtures/model-server/gemini';
import { execIn, type TestPod } from '../../support/pod';
import { bridgeGateway, expectCheckpointedWrite, podWithAgent } from './cli-agents';

describe('Gemini CLI in a pod', () => {
  let server: GeminiServer;
  let pod: TestPod;
  let gateway: string;

  beforeAll(async () => {
    gateway = bridgeGateway();
    server = await startGeminiServer({
      host: gateway,
      script: [
        { model: 'test-model', toolCalls: [{ name: 'write_file', arguments: { file_path: '/workspace/hello.txt', content: 'hi from gemini\n' } }] },
        { model: 'test-model', text: 'Done' },
      ],
      fallback: { text: 'ok' },
    });
    ({ pod } = await podWithAgent('gemini-cli', 'gm'));
  });
  afterAll(async () => {
    await pod?.remove();
    await server?.close();
  });

  it('writes a file: pre-tool checkpoint, tool receipt, file receipt in order; undo removes it', async () => {
    const setup = geminiCliSetup({ model: 'test-model', baseURL: `http://${gateway}:${server.port}` });
    await writeHomeFiles(pod.workspaceContainer, setup.files);
    const run = await execIn(pod.workspaceContainer, ['env', ...envList(setup.env), ...setup.headless('Create hello.txt saying hi')]);
    expect(run.exitCode, run.stderr + run.stdout.slice(-2000)).toBe(0);
    expect(run.stderr).not.toMatch(/Invalid configuration/);
    expect((JSON.parse(run.stdout) as { response?: string }).response).toContain('Done');
    expect(fs.readFileSync(path.join(pod.workspace, 'hello.txt'), 'utf8')).toBe('hi from gemini\n');

    const main = server.modelRequests().filter((r) => r.model === 'test-model');
    expect(JSON.stringify(main[0]!.body)).toContain('"write_file"');
    expect(server.remaining()).toBe(0);

    const tool = await expectCheckpointedWrite(pod, 'gemini-cli', 'hello.txt');
    expect(tool).toMatchObject({ tool: 'write_file', ok: true });
    expect(tool.input).toMatchObject({ file_path: '/workspace/hello.txt' });
  });
});
