// Agents other than OpenCode in window terminals, through `kiln web`'s real WebSocket, on the
// real engine and runtime image: the session's model is the scripted model server (as a host
// Ollama), `terminal.kinds` offers every agent, `terminal.open` with kind 'codex' configures Codex
// CLI for the session's model (steps on the `progress` stream), its TUI draws in the terminal,
// and a prompt typed into it runs a tool behind the recorder's checkpoint. The test answers the
// terminal queries a TUI sends at start (cursor position, device attributes) as xterm would.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPayload } from '../../../../src-shared/api/contract';
import { KIND, type NostrEvent } from '../../../../src-shared/events';
import { DEFAULT_MODEL } from '../../../../src-main/models/default-model';
import { contextVariantName } from '../../../../src-main/models/context-variant';
import { createHandlers } from '../../../../src-main/server/handlers';
import { startWebServer, type WebServer } from '../../../../src-main/server/web-server';
import { createWindowHost, type WindowHost } from '../../../../src-main/server/window-host';
import { lazyAppServices } from '../../../../src-main/services';
import { RUNTIME_IMAGE } from '../../../../src-main/engine/images';
import { startModelServer, type ModelServer } from '../../../fixtures/model-server';
import { bridgeGateway } from '../../../support/network';
import { until } from '../../../support/until';
import { connectBridge, type WsClient } from './ws-transport';

const docker = new Docker();
const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const content = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;
/** The screen's text without escape sequences (what a person reads). */
const plain = (s: string) => s.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]/g, '');
/** Without any whitespace: a TUI moves the cursor between words instead of writing spaces. */
const squashed = (s: string) => plain(s).replace(/\s+/g, '');

describe('an agent tab for Codex CLI, over kiln web, on a real session', () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  const workspaces = mkdtempSync(join(tmpdir(), 'kiln-ws-'));
  const name = `agt-${randomBytes(3).toString('hex')}`;
  const model = contextVariantName(DEFAULT_MODEL.name, DEFAULT_MODEL.contextLength);
  let server: ModelServer;
  let host: WindowHost;
  let web: WebServer;
  let a: WsClient;

  beforeAll(async () => {
    const gateway = bridgeGateway();
    server = await startModelServer({
      host: gateway,
      ollama: { models: [{ name: DEFAULT_MODEL.name, size: DEFAULT_MODEL.approxBytes }] },
      script: [
        { model, toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'hi from the codex tab\\n' > tab.txt", login: false } }] },
        { model, text: 'Done: tab.txt written' },
      ],
      // Codex may ask once more (a prewarm, a follow-up): it gets the same answer.
      fallback: { text: 'Done: tab.txt written' },
    });
    // The session finds its "host Ollama" here (sessionModel reads OLLAMA_HOST).
    process.env.OLLAMA_HOST = `http://${gateway}:${server.port}`;
    const env = { ...process.env, KILN_HOME: home, KILN_WORKSPACES: workspaces };
    const holder = lazyAppServices({ env, image: process.env.KILN_TEST_RUNTIME_IMAGE ?? RUNTIME_IMAGE, labels: { 'kiln.test': '1' } });
    host = createWindowHost(holder, { env });
    web = await startWebServer({ rendererDir: join(home, 'no-renderer'), connect: (push, signal) => createHandlers({ services: holder, mode: 'web', push, signal, host }) });
    a = await connectBridge(web.port, web.token);
  });
  afterAll(async () => {
    a?.close();
    await host?.close();
    await web?.close();
    await server?.close();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`kiln.session=${name}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(`kiln-${name}-state`).remove().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(workspaces, { recursive: true, force: true });
  });

  it('offers a shell and every agent, by name, with whether each is installed', async () => {
    const s = await a.call('sessions.create', { name });
    expect(s).toMatchObject({ id: name, state: 'running' });
    const kinds = await a.call('terminal.kinds', { id: name });
    expect(kinds.map((k) => [k.kind, k.title])).toEqual([
      ['shell', 'Shell'],
      ['opencode', 'OpenCode'],
      ['claude-code', 'Claude Code'],
      ['codex', 'Codex CLI'],
      ['gemini-cli', 'Gemini CLI'],
    ]);
    // The shared volume holds Codex (the agents tests install it); OpenCode is baked in.
    expect(kinds.find((k) => k.kind === 'codex')).toMatchObject({ installed: true });
    expect(kinds.find((k) => k.kind === 'opencode')).toMatchObject({ installed: true });
    // The session's model is Ollama's: Gemini CLI (the Gemini API) cannot use it, and says so.
    expect(kinds.filter((k) => k.unavailable).map((k) => [k.kind, k.unavailable!.code])).toEqual([['gemini-cli', 'E_AGENT_MODEL']]);
    await expect(a.call('terminal.open', { id: name, kind: 'gemini-cli', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'E_AGENT_MODEL' });
  });

  it('opens Codex in a terminal: configured for the session model, its TUI drawn, a prompt runs a tool behind a checkpoint', async () => {
    const steps: StreamPayload<'progress'>[] = [];
    const offProgress = a.on('progress', (p) => p.task === 'tab-codex' && steps.push(p));
    const { terminal } = await a.call('terminal.open', { id: name, kind: 'codex', cols: 120, rows: 36, task: 'tab-codex' });
    offProgress();
    expect(steps.map((p) => p.message)).toContain(`Configuring Codex CLI for ${model}`);
    expect(steps.at(-1)).toMatchObject({ done: true });
    expect((await a.call('terminal.list', { id: name })).find((t) => t.terminal === terminal)).toMatchObject({ kind: 'codex', title: 'Codex CLI', exited: false });

    let text = '';
    a.on('terminal.data', (p) => {
      if (p.terminal !== terminal) return;
      text += p.data;
      void a.call('terminal.ack', { terminal, bytes: Buffer.byteLength(p.data) }).catch(() => undefined);
      // Answer as a terminal: the cursor position (crossterm waits for it) and device attributes.
      const cpr = (p.data.match(/\x1b\[6n/g) ?? []).length;
      for (let i = 0; i < cpr; i++) void a.call('terminal.write', { terminal, data: '\x1b[1;1R' }).catch(() => undefined);
      if (/\x1b\[c|\x1b\[0c/.test(p.data)) void a.call('terminal.write', { terminal, data: '\x1b[?62;22c' }).catch(() => undefined);
    });
    try {
      // Codex's TUI: its banner names the model it was configured with.
      await until('Codex on screen with the session model', () => (plain(text).includes('OpenAI Codex') && plain(text).includes(model)) || undefined, 90_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nscreen: ${JSON.stringify(plain(text).slice(-3000))}`, { cause: err });
    }

    // Something for the pre-tool checkpoint to hold (a checkpoint of an unchanged tree is the start one).
    writeFileSync(join(workspaces, name, 'README.md'), '# demo\n');
    // A prompt typed into the tab: the scripted model answers with a shell tool call, then text.
    const { subscription } = await a.call('timeline.subscribe', { id: name });
    const live: NostrEvent[] = [];
    a.on('timeline.event', (p) => p.subscription === subscription && live.push(p.event));
    await new Promise((r) => setTimeout(r, 1000)); // the composer takes keys once drawn
    await a.call('terminal.write', { terminal, data: 'Create tab.txt' });
    await new Promise((r) => setTimeout(r, 300));
    await a.call('terminal.write', { terminal, data: '\r' });
    const file = join(workspaces, name, 'tab.txt');
    try {
      await until('tab.txt from the tool', () => existsSync(file) || undefined, 90_000);
      await until("the tool and the model's answer on screen", () => (squashed(text).includes("Ranprintf'hifromthecodextab") && squashed(text).includes('Done:tab.txtwritten')) || undefined, 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nscreen: ${JSON.stringify(plain(text).slice(-3000))}\nrequests: ${server.requests.map((r) => `${r.method} ${r.path} ${r.model ?? ''}`).join(', ')}`, { cause: err });
    }
    expect(readFileSync(file, 'utf8')).toBe('hi from the codex tab\n');
    expect(server.modelRequests().filter((r) => r.model === model).every((r) => r.path === '/v1/responses')).toBe(true);

    // The recorder's hook (system layer) took its checkpoint before the tool ran; the receipts follow the hooks.
    const order = async () => {
      const { events } = await a.call('timeline.query', { id: name });
      const cp = events.findIndex((e) => e.kind === KIND.checkpoint && content(e).reason === 'pre-tool');
      const tool = events.findIndex((e, i) => cp >= 0 && i > cp && e.kind === KIND.action && tag(e, 't') === 'tool' && content(e).agent === 'codex');
      return { events, cp, tool };
    };
    const seen = await until('the pre-tool checkpoint, then the codex tool receipt', async () => ((await order()).tool > 0 ? order() : undefined), 20_000).catch(async () => order());
    const summary = seen.events.map((e) => `${e.kind}:${tag(e, 't') ?? ''}:${e.content.slice(0, 80)}`).join('\n');
    expect(seen.cp, `a pre-tool checkpoint in\n${summary}`).toBeGreaterThanOrEqual(0);
    expect(seen.tool, `the codex tool receipt after it in\n${summary}`).toBeGreaterThan(seen.cp);
    expect(JSON.stringify(content(seen.events[seen.tool]!).input)).toContain('tab.txt');
    expect(content(seen.events[seen.tool]!).checkpoint).toBe(tag(seen.events[seen.cp]!, 'r'));

    await a.call('terminal.close', { terminal });
    expect((await a.call('terminal.list', { id: name })).some((t) => t.terminal === terminal)).toBe(false);
  }, 240_000);

  it('opens Claude Code in a terminal too: its TUI draws with the session model', async () => {
    const { terminal } = await a.call('terminal.open', { id: name, kind: 'claude-code', cols: 120, rows: 36 });
    let text = '';
    const off = a.on('terminal.data', (p) => {
      if (p.terminal !== terminal) return;
      text += p.data;
      void a.call('terminal.ack', { terminal, bytes: Buffer.byteLength(p.data) }).catch(() => undefined);
    });
    try {
      await until('Claude Code on screen with the session model', () => (squashed(text).includes('ClaudeCode') && squashed(text).includes(model.replace(/\s+/g, ''))) || undefined, 90_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nscreen: ${JSON.stringify(plain(text).slice(-3000))}`, { cause: err });
    } finally {
      off();
    }
    expect((await a.call('terminal.list', { id: name })).find((t) => t.terminal === terminal)).toMatchObject({ kind: 'claude-code', title: 'Claude Code', exited: false });
    await a.call('terminal.close', { terminal });
  }, 120_000);

  it('refuses a kind no agent has, with the kinds there are', async () => {
    await expect(a.call('terminal.open', { id: name, kind: 'no-such-agent', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'E_TERMINAL_KIND' });
  });
});
