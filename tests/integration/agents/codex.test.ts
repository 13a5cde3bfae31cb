// Codex CLI, headless (`codex exec --json`), installed into the shared agents volume and run in a
// real pod against the scripted model server's Responses endpoint: its PreToolUse hook asks the
// recorder for a checkpoint before the shell tool (exec_command) writes a file, PostToolUse
// records the tool, the recorder the file, and undo to that checkpoint removes the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codexSetup } from '../../../src-main/agents/codex';
import { writeHomeFiles } from '../../../src-main/agents/home-files';
import { envList } from '../../../src-main/terminals/exec-exit';
import type { ModelServer } from '../../fixtures/model-server';
import { execIn, type TestPod } from '../../support/pod';
import { expectCheckpointedWrite, podWithAgent, scriptedWrite } from './cli-agents';

describe('Codex CLI in a pod', () => {
  let server: ModelServer;
  let pod: TestPod;
  let gateway: string;

  beforeAll(async () => {
    // Codex 0.169 offers a model it has no metadata for the unified-exec shell tool (no apply_patch tool).
    ({ server, gateway } = await scriptedWrite({ name: 'exec_command', arguments: { cmd: "printf 'hi from codex\\n' > hello.txt", login: false } }, 'ok'));
    ({ pod } = await podWithAgent('codex', 'cx'));
  });
  afterAll(async () => {
    await pod?.remove();
    await server?.close();
  });

  it('writes a file: pre-tool checkpoint, tool receipt, file receipt in order; undo removes it', async () => {
    const setup = codexSetup({ model: 'test-model', baseURL: `http://${gateway}:${server.port}/v1` });
    await writeHomeFiles(pod.workspaceContainer, setup.files);
    const run = await execIn(pod.workspaceContainer, ['env', ...envList(setup.env), ...setup.headless('Create hello.txt saying hi')]);
    expect(run.exitCode, run.stderr + run.stdout.slice(-2000)).toBe(0);
    // --json: one event per line; the last agent message is the model's answer.
    const items = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; item?: { type: string; text?: string } });
    expect(items.filter((m) => m.item?.type === 'agent_message').at(-1)?.item?.text).toBe('Done');
    expect(fs.readFileSync(path.join(pod.workspace, 'hello.txt'), 'utf8')).toBe('hi from codex\n');

    // Codex spoke the Responses API, offered its shell tool, and used every scripted turn.
    const main = server.modelRequests().filter((r) => r.model === 'test-model');
    expect(main.every((r) => r.path === '/v1/responses')).toBe(true);
    expect(JSON.stringify((main[0]!.body as { tools?: unknown }).tools)).toContain('"exec_command"');
    expect(server.remaining()).toBe(0);

    const tool = await expectCheckpointedWrite(pod, 'codex', 'hello.txt');
    expect(tool.ok).toBe(true);
    expect(JSON.stringify(tool.input)).toContain('hello.txt');
  });
});
