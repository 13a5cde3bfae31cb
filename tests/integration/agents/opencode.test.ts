// OpenCode, headless (`opencode run`), in a real pod from the runtime image, driven by the
// scripted model server: its plugin asks the recorder for a checkpoint before the write tool
// runs, the tool and the file are recorded after it, and undo to that checkpoint removes the file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../fixtures/model-server';
import { bySeq, execIn, startTestPod, type TestPod } from '../../support/pod';
import { expectCheckpointedWrite, scriptedWrite } from './cli-agents';
import { opencodeConfig, OPENCODE_ENV } from '../../../src-main/agents/opencode';
import type { NostrEvent } from '../../../src-shared/events';

const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const content = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;

// Two planted keys: one with a well-known token shape the agent alone holds, one shapeless that
// the host also gives the recorder (as the session manager does with the keys it passes on).
const SHAPED_KEY = `sk-proj-${randomBytes(24).toString('hex')}`;
const PLAIN_KEY = `kiln-${randomBytes(16).toString('hex')}`;

describe('OpenCode in a pod', () => {
  let server: ModelServer;
  let pod: TestPod;
  let gateway: string;

  beforeAll(async () => {
    ({ server, gateway } = await scriptedWrite({ name: 'write', arguments: { filePath: '/workspace/hello.txt', content: 'hi from opencode\n' } }, 'Writing hello'));
    pod = await startTestPod({ prefix: 'oc', env: [`EXAMPLE_API_KEY=${PLAIN_KEY}`] });
  });
  afterAll(async () => {
    await pod?.remove();
    await server?.close();
  });

  it('writes a file: pre-tool checkpoint, tool receipt, file receipt in order; undo removes it', async () => {
    // Something to checkpoint: a pre-tool checkpoint of an unchanged tree is the start one.
    fs.writeFileSync(path.join(pod.workspace, 'README.md'), '# demo\n');
    const config = opencodeConfig({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${server.port}/v1`, contextLength: 65536 });
    const env = Object.entries({ ...OPENCODE_ENV, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) }).map(([k, v]) => `${k}=${v}`);
    const run = await execIn(pod.workspaceContainer, ['env', ...env, 'opencode', 'run', 'Create hello.txt saying hi']);
    expect(run.stderr + run.stdout).not.toMatch(/Kiln could not take a checkpoint/);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Done');
    expect(fs.readFileSync(path.join(pod.workspace, 'hello.txt'), 'utf8')).toBe('hi from opencode\n');

    // The model saw OpenCode's tools, and the scripted turns were all used.
    const main = server.modelRequests().filter((r) => r.model === 'test-model');
    expect(main.length).toBe(2);
    expect(JSON.stringify((main[0]!.body as { tools?: unknown }).tools)).toContain('"write"');
    expect(server.remaining()).toBe(0);

    expect((await pod.api('GET', '/api/settled')).status).toBe(200); // receipts follow the hooks' answers
    const events = bySeq(await pod.events());
    const cpIdx = events.findIndex((e) => e.kind === 4602 && content(e).reason === 'pre-tool');
    expect(cpIdx).toBeGreaterThan(0);
    const checkpoint = events[cpIdx]!;
    const toolIdx = events.findIndex((e, i) => i > cpIdx && e.kind === 4601 && tag(e, 't') === 'tool');
    expect(toolIdx).toBeGreaterThan(cpIdx);
    const tool = content(events[toolIdx]!);
    expect(tool).toMatchObject({ agent: 'opencode', tool: 'write', ok: true, checkpoint: tag(checkpoint, 'r') });
    expect(tool.input).toMatchObject({ filePath: '/workspace/hello.txt' });
    const fileIdx = events.findIndex((e, i) => i > toolIdx && e.kind === 4601 && tag(e, 't') === 'changes' && ((content(e).files ?? []) as { path: string }[]).some((f) => f.path === 'hello.txt'));
    expect(fileIdx).toBeGreaterThan(toolIdx);
    expect((content(events[fileIdx]!).files as { path: string; change: string }[]).find((f) => f.path === 'hello.txt')!.change).toBe('added');

    // The conversation is on the timeline too: the prompt and the final answer.
    const messages = events.filter((e) => e.kind === 4601 && tag(e, 't') === 'message').map((e) => content(e));
    expect(messages).toEqual(expect.arrayContaining([
      expect.objectContaining({ from: 'user', text: expect.stringContaining('Create hello.txt') }),
      expect.objectContaining({ from: 'opencode', text: 'Done' }),
    ]));

    const undo = await pod.api<{ restored: string }>('POST', '/api/undo', { checkpoint: checkpoint.id });
    expect(undo.status).toBe(200);
    expect(undo.body.restored).toBe(tag(checkpoint, 'r'));
    expect(fs.existsSync(path.join(pod.workspace, 'hello.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(pod.workspace, 'README.md'), 'utf8')).toBe('# demo\n');
  });

  it('knows only the session\'s models: it reads the image\'s empty catalogue, not its models.dev snapshot', async () => {
    // Without the catalogue OpenCode builds its snapshot of every provider at start (~2 CPU-s
    // before the first model request) and lists OpenCode Zen's free models besides ours.
    const config = opencodeConfig({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${server.port}/v1`, contextLength: 65536 });
    const env = Object.entries({ ...OPENCODE_ENV, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) }).map(([k, v]) => `${k}=${v}`);
    const models = await execIn(pod.workspaceContainer, ['env', ...env, 'opencode', 'models']);
    expect(models.exitCode, models.stderr.slice(-2000)).toBe(0);
    expect(models.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort()).toEqual(['kiln/small-model', 'kiln/test-model']);
  });

  it('a planted API key echoed into files and a command is in no event', async () => {
    const keys = await startModelServer({
      host: gateway,
      script: [
        { model: 'test-model', toolCalls: [{ name: 'bash', arguments: { command: 'echo "$OPENAI_API_KEY $EXAMPLE_API_KEY" > keys.txt; echo "keys: $OPENAI_API_KEY $EXAMPLE_API_KEY"', description: 'Save the keys' } }] },
        { model: 'test-model', toolCalls: [{ name: 'write', arguments: { filePath: '/workspace/keys2.txt', content: `${SHAPED_KEY}\n${PLAIN_KEY}\n` } }] },
        { model: 'test-model', text: 'Done' },
      ],
      fallback: { text: 'Keys' },
    });
    try {
      const config = opencodeConfig({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${keys.port}/v1`, contextLength: 65536 });
      const env = Object.entries({ ...OPENCODE_ENV, OPENCODE_CONFIG_CONTENT: JSON.stringify(config), OPENAI_API_KEY: SHAPED_KEY, EXAMPLE_API_KEY: PLAIN_KEY }).map(([k, v]) => `${k}=${v}`);
      const run = await execIn(pod.workspaceContainer, ['env', ...env, 'opencode', 'run', 'Save the keys']);
      expect(run.exitCode).toBe(0);
      expect(keys.remaining()).toBe(0);
      // The keys really went into files and through a command…
      expect(fs.readFileSync(path.join(pod.workspace, 'keys.txt'), 'utf8')).toBe(`${SHAPED_KEY} ${PLAIN_KEY}\n`);
      expect(fs.readFileSync(path.join(pod.workspace, 'keys2.txt'), 'utf8')).toContain(SHAPED_KEY);
      expect((await pod.api('GET', '/api/settled')).status).toBe(200);
      const events = bySeq(await pod.events());
      expect(events.some((e) => e.kind === 4601 && tag(e, 't') === 'tool' && content(e).tool === 'bash')).toBe(true);
      expect(events.some((e) => e.kind === 4601 && tag(e, 't') === 'changes' && ((content(e).files ?? []) as { path: string }[]).some((f) => f.path === 'keys2.txt'))).toBe(true);
      // …and into no event.
      const all = JSON.stringify(events);
      expect(all).not.toContain(SHAPED_KEY);
      expect(all).not.toContain(PLAIN_KEY);
      expect(all).toContain('[REDACTED');
    } finally {
      await keys.close();
    }
  });
});

// A project that brings its own OpenCode configuration (a plugin list in opencode.json and a
// plugin in .opencode/plugins/) gets its plugins added to the recorder's, never instead of it:
// the recorder plugin lives in OpenCode's global plugins folder in the image.
const PROJECT_PLUGIN = `import { appendFileSync } from 'node:fs';
export const ProjectPlugin = async () => ({
  'tool.execute.before': async (input) => { appendFileSync('/tmp/project-plugins.log', 'listed ' + input.tool + '\\n'); },
});
`;
const LOCAL_PLUGIN = PROJECT_PLUGIN.replace('ProjectPlugin', 'LocalPlugin').replace('listed ', 'local ');

describe('OpenCode in a pod, with a project\'s own opencode.json and plugins', () => {
  let server: ModelServer;
  let pod: TestPod;
  let gateway: string;

  beforeAll(async () => {
    ({ server, gateway } = await scriptedWrite({ name: 'write', arguments: { filePath: '/workspace/hello.txt', content: 'hi\n' } }, 'Writing hello'));
    pod = await startTestPod({ prefix: 'ocp' });
  });
  afterAll(async () => {
    await pod?.remove();
    await server?.close();
  });

  it('still takes the checkpoint before the tool, and runs the project\'s plugins too', async () => {
    const ws = pod.workspace;
    fs.writeFileSync(path.join(ws, 'README.md'), '# demo\n');
    fs.mkdirSync(path.join(ws, 'tools'));
    fs.writeFileSync(path.join(ws, 'tools', 'project-plugin.ts'), PROJECT_PLUGIN);
    fs.mkdirSync(path.join(ws, '.opencode', 'plugins'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.opencode', 'plugins', 'local.ts'), LOCAL_PLUGIN);
    fs.writeFileSync(path.join(ws, 'opencode.json'), JSON.stringify({ $schema: 'https://opencode.ai/config.json', plugin: ['file:///workspace/tools/project-plugin.ts'] }));
    const config = opencodeConfig({ model: 'test-model', smallModel: 'small-model', baseURL: `http://${gateway}:${server.port}/v1`, contextLength: 65536 });
    const env = Object.entries({ ...OPENCODE_ENV, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) }).map(([k, v]) => `${k}=${v}`);
    const run = await execIn(pod.workspaceContainer, ['env', ...env, 'opencode', 'run', 'Create hello.txt saying hi']);
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(server.remaining()).toBe(0);

    const log = await execIn(pod.workspaceContainer, ['cat', '/tmp/project-plugins.log']);
    expect(log.stdout).toContain('listed write');
    expect(log.stdout).toContain('local write');
    await expectCheckpointedWrite(pod, 'opencode', 'hello.txt');
  });
});
