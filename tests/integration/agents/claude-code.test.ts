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
import { bySeq, execIn, type TestPod } from '../../support/pod';
import { content, expectCheckpointedWrite, podWithAgent, scriptedWrite, tag } from './cli-agents';

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

  it('a project that sets disableAllHooks still gets the checkpoint before the tool (managed settings outrank it)', async () => {
    const again = await scriptedWrite({ name: 'Write', arguments: { file_path: '/workspace/second.txt', content: 'two\n' } }, 'ok');
    try {
      const setup = claudeCodeSetup({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${again.server.port}` });
      await writeHomeFiles(pod.workspaceContainer, setup.files);
      fs.writeFileSync(path.join(pod.workspace, '.claude', 'settings.local.json'), JSON.stringify({ disableAllHooks: true }));
      fs.writeFileSync(path.join(pod.workspace, 'second-before.txt'), 'a change to checkpoint\n');
      const run = await execIn(pod.workspaceContainer, ['env', ...envList(setup.env), ...setup.headless('Create second.txt')]);
      expect(run.exitCode, run.stderr + run.stdout.slice(-2000)).toBe(0);
      expect(fs.readFileSync(path.join(pod.workspace, 'second.txt'), 'utf8')).toBe('two\n');
      const events = bySeq(await pod.events());
      const toolIdx = events.findIndex((e) => e.kind === 4601 && tag(e, 't') === 'tool' && (content(e).input as { file_path?: string } | undefined)?.file_path === '/workspace/second.txt');
      expect(toolIdx, 'a tool receipt for second.txt').toBeGreaterThan(0);
      const commit = content(events[toolIdx]!).checkpoint;
      const cpIdx = events.findIndex((e) => e.kind === 4602 && content(e).reason === 'pre-tool' && tag(e, 'r') === commit);
      expect(cpIdx, 'its pre-tool checkpoint, before it').toBeGreaterThan(0);
      expect(cpIdx).toBeLessThan(toolIdx);
    } finally {
      await again.server.close();
    }
  });
});
