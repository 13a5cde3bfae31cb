// Shared by the Claude Code, Codex and Gemini CLI pod tests: the host's address on Docker's
// bridge (from tests/support/network; the scripted model server listens there for containers),
// a pod with the shared agents volume mounted as sessions mount it, and the one scenario every agent must pass — a write
// preceded by its hook's checkpoint, recorded as tool then file, and undone by that checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import Docker from 'dockerode';
import { installAgent } from '../../../src-main/agents/install';
import { AGENTS_MOUNT, AGENTS_VOLUME, type InstallableAgent } from '../../../src-main/agents/versions';
import type { NostrEvent } from '../../../src-shared/events';
import { bySeq, startTestPod, TEST_IMAGE, type TestPod } from '../../support/pod';
import { bridgeGateway } from '../../support/network';
import { startModelServer, type ModelServer } from '../../fixtures/model-server';

export { bridgeGateway };

/**
 * The scripted model on Docker's bridge, where pods reach it: for `test-model`, one tool call,
 * then "Done"; anything else (titles, side requests on a small model) gets `fallback`.
 */
export async function scriptedWrite(toolCall: { name: string; arguments: Record<string, unknown> }, fallback = 'ok'): Promise<{ server: ModelServer; gateway: string }> {
  const gateway = bridgeGateway();
  const server = await startModelServer({
    host: gateway,
    script: [{ model: 'test-model', toolCalls: [toolCall] }, { model: 'test-model', text: 'Done' }],
    fallback: { text: fallback },
  });
  return { server, gateway };
}

export const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
export const content = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;

/** Installs the agent into the shared volume (a no-op when present) and starts a pod that mounts it. */
export async function podWithAgent(agent: InstallableAgent, prefix: string): Promise<{ pod: TestPod; progress: string[] }> {
  const progress: string[] = [];
  await installAgent({ docker: new Docker(), agent, image: TEST_IMAGE, onProgress: (p) => progress.push(p.text) });
  const pod = await startTestPod({ prefix, workspaceBinds: [`${AGENTS_VOLUME}:${AGENTS_MOUNT}:ro`] });
  // Something to checkpoint: a pre-tool checkpoint of an unchanged tree is the start one.
  fs.writeFileSync(path.join(pod.workspace, 'README.md'), '# demo\n');
  return { pod, progress };
}

/**
 * The timeline holds, in order, the checkpoint the pre-tool hook asked for, the tool receipt of
 * `agent`, and the file receipt of `file`; undo to that checkpoint removes the file and keeps
 * README.md. Returns the tool receipt's content for agent-specific checks.
 */
export async function expectCheckpointedWrite(pod: TestPod, agent: string, file: string): Promise<Record<string, unknown>> {
  expect((await pod.api('GET', '/api/settled')).status).toBe(200); // receipts follow the hooks' answers
  const events = bySeq(await pod.events());
  const cpIdx = events.findIndex((e) => e.kind === 4602 && content(e).reason === 'pre-tool');
  expect(cpIdx, 'a pre-tool checkpoint').toBeGreaterThan(0);
  const checkpoint = events[cpIdx]!;
  const toolIdx = events.findIndex((e, i) => i > cpIdx && e.kind === 4601 && tag(e, 't') === 'tool' && content(e).agent === agent);
  expect(toolIdx, 'a tool receipt after the checkpoint').toBeGreaterThan(cpIdx);
  const tool = content(events[toolIdx]!);
  expect(tool.checkpoint).toBe(tag(checkpoint, 'r'));
  const fileIdx = events.findIndex((e, i) => i > toolIdx && e.kind === 4601 && tag(e, 't') === 'changes' && ((content(e).files ?? []) as { path: string }[]).some((f) => f.path === file));
  expect(fileIdx, 'a changes receipt after the tool receipt').toBeGreaterThan(toolIdx);
  expect((content(events[fileIdx]!).files as { path: string; change: string }[]).find((f) => f.path === file)!.change).toBe('added');
  // The agent's own hooks recorded its tools; the shell hook stood down (no double receipts).
  expect(events.filter((e) => e.kind === 4601 && tag(e, 't') === 'command')).toEqual([]);

  const undo = await pod.api<{ restored: string }>('POST', '/api/undo', { checkpoint: checkpoint.id });
  expect(undo.status).toBe(200);
  expect(undo.body.restored).toBe(tag(checkpoint, 'r'));
  expect(fs.existsSync(path.join(pod.workspace, file))).toBe(false);
  expect(fs.readFileSync(path.join(pod.workspace, 'README.md'), 'utf8')).toBe('# demo\n');
  return tool;
}
