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
import { bySeq, execIn, type TestPod } from '../../support/pod';
import { content, expectCheckpointedWrite, podWithAgent, scriptedWrite, tag } from './cli-agents';

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

  it('a project config that switches hooks off still gets the checkpoint before the tool (the system requirements pin them on)', async () => {
    const again = await scriptedWrite({ name: 'exec_command', arguments: { cmd: "printf 'two\\n' > second.txt", login: false } }, 'ok');
    try {
      const setup = codexSetup({ model: 'test-model', baseURL: `http://${gateway}:${again.server.port}/v1` });
      await writeHomeFiles(pod.workspaceContainer, setup.files);
      // The trusted project's own config layer tries both spellings of the feature, and its own hooks.json is empty.
      fs.mkdirSync(path.join(pod.workspace, '.codex'), { recursive: true });
      fs.writeFileSync(path.join(pod.workspace, '.codex', 'config.toml'), '[features]\nhooks = false\ncodex_hooks = false\n');
      fs.writeFileSync(path.join(pod.workspace, 'notes.md'), 'changed since the last checkpoint\n');
      const before = (await pod.events()).length;
      const run = await execIn(pod.workspaceContainer, ['env', ...envList(setup.env), ...setup.headless('Create second.txt saying two')]);
      expect(run.exitCode, run.stderr + run.stdout.slice(-2000)).toBe(0);
      expect(fs.readFileSync(path.join(pod.workspace, 'second.txt'), 'utf8')).toBe('two\n');
      expect((await pod.api('GET', '/api/settled')).status).toBe(200);
      const events = bySeq(await pod.events()).slice(before);
      const cp = events.findIndex((e) => e.kind === 4602 && content(e).reason === 'pre-tool');
      expect(cp, `a pre-tool checkpoint after the project turned hooks off; stderr: ${run.stderr.slice(-1500)}`).toBeGreaterThanOrEqual(0);
      const tool = events.findIndex((e, i) => i > cp && e.kind === 4601 && tag(e, 't') === 'tool' && content(e).agent === 'codex');
      expect(tool, 'the tool receipt after it').toBeGreaterThan(cp);
      expect(JSON.stringify(content(events[tool]!).input)).toContain('second.txt');
    } finally {
      await again.server.close();
    }
  });
});
