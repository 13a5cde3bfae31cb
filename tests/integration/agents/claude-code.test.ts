// Claude Code, headless (`claude -p`), installed into the shared agents volume and run in a real
// pod against the scripted model server's Anthropic Messages endpoint: its PreToolUse hook asks
// the recorder for a checkpoint before Write runs, PostToolUse records the tool, the watcher the
// file, and undo to that checkpoint removes the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeSetup } from '../../../src-main/agents/claude-code';
import { writeHomeFiles } from '../../../src-main/agents/home-files';
import { envList } from '../../../src-main/terminals/exec-exit';
import type { ModelServer } from '../../fixtures/model-server';
import { execIn, type TestPod } from '../../support/pod';
import { expectCheckpointedWrite, podWithAgent, scriptedWrite } from './cli-agents';

describe('Claude Code in a pod', () => {
  let server: ModelServer;
  let pod: TestPod;
  let gateway: string;

  beforeAll(async () => {
    ({ server, gateway } = await scriptedWrite({ name: 'Write', arguments: { file_path: '/workspace/hello.txt', content: 'hi from claude\n' } }, 'ok'));
    ({ pod } = await podWithAgent('claude-code', 'cc'));
  });
  afterAll(async () => {
    await pod?.remove();
    await server?.close();
  });

  it('writes a file: pre-tool checkpoint, tool receipt, file receipt in order; undo removes it — beside the project\'s own hooks', async () => {
    const setup = claudeCodeSetup({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${server.port}` });
    await writeHomeFiles(pod.workspaceContainer, setup.files);
    // The project brings its own hooks: they run beside the recorder's (managed settings), not instead.
    const projectHook = (name: string) => [{ matcher: 'Write', hooks: [{ type: 'command', command: `echo ${name} >> /tmp/project-hooks.log` }] }];
    fs.mkdirSync(path.join(pod.workspace, '.claude'));
    fs.writeFileSync(path.join(pod.workspace, '.claude', 'settings.json'), JSON.stringify({ hooks: { PreToolUse: projectHook('pre'), PostToolUse: projectHook('post') } }));
    const run = await execIn(pod.workspaceContainer, ['env', ...envList(setup.env), ...setup.headless('Create hello.txt saying hi')]);
    expect(run.exitCode, run.stderr + run.stdout.slice(-2000)).toBe(0);
    // stream-json: the final result line carries the model's last answer.
    const result = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; result?: string }).find((m) => m.type === 'result');
    expect(result?.result).toContain('Done');
    expect(fs.readFileSync(path.join(pod.workspace, 'hello.txt'), 'utf8')).toBe('hi from claude\n');

    // The model saw Claude Code's tools, and the scripted turns were all used.
    const main = server.modelRequests().filter((r) => r.model === 'test-model');
    expect(JSON.stringify((main[0]!.body as { tools?: unknown }).tools)).toContain('"Write"');
    expect(server.remaining()).toBe(0);

    const log = await execIn(pod.workspaceContainer, ['cat', '/tmp/project-hooks.log']);
    expect(log.stdout).toBe('pre\npost\n');
    const tool = await expectCheckpointedWrite(pod, 'claude-code', 'hello.txt');
    expect(tool).toMatchObject({ tool: 'Write', ok: true });
    expect(tool.input).toMatchObject({ file_path: '/workspace/hello.txt' });
  });
});
