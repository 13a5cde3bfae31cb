// The window's flow through `kiln web`'s real WebSocket, on the real engine and runtime image:
// a session created with progress, a terminal typing `echo hi > a.txt`, the receipts arriving
// live, the undo preview, undo and redo byte for byte, verify; terminals reattach with their
// screen after a reconnect, and flow control never leaves a flood stuck when a tab goes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPayload } from '../../../../src-shared/api/contract';
import { KIND, type NostrEvent } from '../../../../src-shared/events';
import { createHandlers } from '../../../../src-main/server/handlers';
import { startWebServer, type WebServer } from '../../../../src-main/server/web-server';
import { createWindowHost, type WindowHost } from '../../../../src-main/server/window-host';
import { lazyAppServices } from '../../../../src-main/services';
import { RUNTIME_IMAGE } from '../../../../src-main/engine/images';
import { until as untilFor } from '../../../support/until';
import { connectBridge, type WsClient } from './ws-transport';

const docker = new Docker();
/** A receipt of changed files: one `changes` receipt per action (older sessions: one `file` receipt per file). */
const isFileReceipt = (e: NostrEvent) => e.kind === KIND.action && e.tags.some((t) => t[0] === 't' && (t[1] === 'changes' || t[1] === 'file'));
const until = <T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 20_000) => untilFor(what, check, ms);


/** A viewer as the page is one: collects a terminal's output and acks it as it "renders". */
function viewer(client: WsClient, terminal: string, opts: { ack?: boolean } = {}) {
  let text = '';
  const off = client.on('terminal.data', (p) => {
    if (p.terminal !== terminal) return;
    text += p.data;
    if (opts.ack !== false) void client.call('terminal.ack', { terminal, bytes: Buffer.byteLength(p.data) }).catch(() => undefined);
  });
  return {
    get text() {
      return text;
    },
    reset: () => (text = ''),
    off,
  };
}

describe('the window over kiln web, on a real session', () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  const workspaces = mkdtempSync(join(tmpdir(), 'kiln-ws-'));
  const name = `web-${randomBytes(3).toString('hex')}`;
  const env = { ...process.env, KILN_HOME: home, KILN_WORKSPACES: workspaces };
  const holder = lazyAppServices({ env, image: process.env.KILN_TEST_RUNTIME_IMAGE ?? RUNTIME_IMAGE, labels: { 'kiln.test': '1' } });
  let host: WindowHost;
  let server: WebServer;
  let a: WsClient;
  const live: NostrEvent[] = [];
  const changed: StreamPayload<'sessions.changed'>[] = [];
  let terminal = '';
  /** The checkpoint before the command: undo to it deletes a.txt. */
  let before: NostrEvent;

  beforeAll(async () => {
    host = createWindowHost(holder, { env });
    server = await startWebServer({ rendererDir: join(home, 'no-renderer'), connect: (push, signal) => createHandlers({ services: holder, mode: 'web', push, signal, host }) });
    a = await connectBridge(server.port, server.token);
    a.on('sessions.changed', (p) => changed.push(p));
  });
  afterAll(async () => {
    a?.close();
    await host?.close();
    await server?.close();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`kiln.session=${name}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(`kiln-${name}-state`).remove().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(workspaces, { recursive: true, force: true });
  });

  it('reports the runtime image present, and ensuring it builds nothing', async () => {
    const status = await a.call('image.status', {});
    expect(status).toMatchObject({ present: true, building: false });
    await expect(a.call('image.ensure', {})).resolves.toEqual({ tag: status.tag, built: false });
  });

  it('creates a session with its steps on the progress stream and tells every tab', async () => {
    const steps: StreamPayload<'progress'>[] = [];
    const off = a.on('progress', (p) => p.task === 'create-1' && steps.push(p));
    const s = await a.call('sessions.create', { name, task: 'create-1' });
    off();
    expect(s).toMatchObject({ id: name, state: 'running', workspace: join(workspaces, name) });
    expect(steps.map((p) => p.current)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.at(-1)).toMatchObject({ done: true, total: 5 });
    await until('sessions.changed', () => changed.find((c) => c.sessions.some((x) => x.id === name && x.state === 'running')));
  });

  it('types `echo hi > a.txt` in a terminal and receives the receipts live', async () => {
    const { subscription } = await a.call('timeline.subscribe', { id: name });
    a.on('timeline.event', (p) => p.subscription === subscription && !live.some((e) => e.id === p.event.id) && live.push(p.event));
    const opened = await a.call('terminal.open', { id: name, kind: 'shell', cols: 100, rows: 30 });
    terminal = opened.terminal;
    const out = viewer(a, terminal);
    // `$`, or `#` where the agent is root (a root-owned workspace folder gets a root agent).
    await until('a prompt', () => /[$#]/.test(out.text));
    await a.call('terminal.write', { terminal, data: 'echo hi > a.txt\r' });
    const file = join(workspaces, name, 'a.txt');
    await until('a.txt', () => existsSync(file));
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
    expect(out.text).toContain('echo hi > a.txt');
    const receipt = await until('the file receipt', () => live.find((e) => isFileReceipt(e) && e.content.includes('a.txt')));
    expect(live.some((e) => e.kind === KIND.action && e.content.includes('echo hi > a.txt'))).toBe(true);
    // In chain order: the checkpoint, then the command, then its file receipt.
    const { events } = await a.call('timeline.query', { id: name });
    const command = events.findIndex((e) => e.kind === KIND.action && e.content.includes('echo hi > a.txt'));
    const checkpoint = events.slice(0, command).map((e) => e.kind).lastIndexOf(KIND.checkpoint);
    expect(checkpoint).toBeGreaterThanOrEqual(0);
    expect(events.findIndex((e) => e.id === receipt.id)).toBeGreaterThan(command);
    before = events[checkpoint]!;
    // The diff of the file at its checkpoint, fetched when opened.
    const commit = (JSON.parse(receipt.content) as { checkpoint: string }).checkpoint;
    const diff = await a.call('timeline.diff', { id: name, commit, path: 'a.txt' });
    expect(diff).toMatchObject({ path: 'a.txt', binary: false });
    expect(diff.diff).toContain('+hi');
    out.off();
  });

  it('previews the undo to the checkpoint before the command, undoes, and redoes byte for byte', async () => {
    const file = join(workspaces, name, 'a.txt');
    const preview = await a.call('timeline.undoPreview', { id: name, checkpoint: before.id });
    expect(preview.deleted).toContain('a.txt');
    expect(preview.added).not.toContain('a.txt');
    const undone = await a.call('timeline.undo', { id: name, checkpoint: before.id });
    expect(existsSync(file)).toBe(false);
    await until('the undo receipt', () => live.find((e) => e.kind === KIND.action && e.content.includes('undo')));
    const redoPreview = await a.call('timeline.undoPreview', { id: name, checkpoint: undone.before });
    expect(redoPreview.added).toContain('a.txt');
    await a.call('timeline.undo', { id: name, checkpoint: undone.before });
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
    const verify = await a.call('timeline.verify', { id: name });
    expect(verify).toMatchObject({ valid: true, problems: [] });
    expect(verify.events).toBeGreaterThan(4);
  });

  it('fetches a diff too big for its receipt from the checkpoint, and a file list too long for it from the blob store', async () => {
    const out = viewer(a, terminal);
    await a.call('terminal.write', { terminal, data: 'seq 1 20000 > big.txt\r' });
    const big = await until('the big file receipt', () => live.find((e) => isFileReceipt(e) && e.content.includes('big.txt')));
    const { checkpoint } = JSON.parse(big.content) as { checkpoint: string };
    const diff = await a.call('timeline.diff', { id: name, commit: checkpoint, path: 'big.txt' });
    expect(diff.diff).toContain('+19999');
    // 3,000 files: one receipt, whose full list (over the event size) lives in a blob by hash.
    await a.call('terminal.write', { terminal, data: 'mkdir many && for i in $(seq 3000); do echo $i > many/file-$i.txt; done\r' });
    const listed = await until('the long list receipt', () => live.find((e) => isFileReceipt(e) && e.content.includes('many/') && e.tags.some((t) => t[0] === 'x')), 60_000);
    out.off();
    const sha256 = listed.tags.find((t) => t[0] === 'x')![1]!;
    const blob = await a.call('timeline.blob', { id: name, sha256 });
    expect(blob).toMatchObject({ sha256, binary: false });
    expect(blob.size).toBeGreaterThan(32_768);
    expect(blob.text).toContain('many/file-2999.txt');
    await expect(a.call('timeline.blob', { id: name, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'E_RECORDER_UNKNOWN_BLOB' });
  });

  it('pages the timeline newest first with a cursor, in chain order', async () => {
    const all = await a.call('timeline.query', { id: name, limit: 5000 });
    expect(all.more).toBe(false);
    const seen: NostrEvent[] = [];
    let page = await a.call('timeline.query', { id: name, limit: 3 });
    seen.unshift(...page.events);
    while (page.more) {
      expect(page.events).toHaveLength(3);
      page = await a.call('timeline.query', { id: name, limit: 3, before: page.cursor! });
      seen.unshift(...page.events);
    }
    expect(seen.map((e) => e.id)).toEqual(all.events.map((e) => e.id));
    await expect(a.call('timeline.query', { id: name, limit: 3, before: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'E_TIMELINE_CURSOR' });
  });

  it('reattaches a terminal from another tab with its screen replayed', async () => {
    const b = await connectBridge(server.port, server.token);
    try {
      const list = await b.call('terminal.list', { id: name });
      expect(list).toEqual([expect.objectContaining({ terminal, session: name, kind: 'shell', exited: false })]);
      const again = await b.call('terminal.open', { id: name, attach: terminal, cols: 100, rows: 30 });
      expect(again.replay).toContain('echo hi > a.txt');
      const out = viewer(b, terminal);
      await b.call('terminal.write', { terminal, data: 'echo "two $((40+2))"\r' });
      await until('output in the new tab', () => out.text.includes('two 42'));
      out.off();
    } finally {
      b.close();
    }
  });

  it('answers Ctrl-C during a `yes` flood, and a tab that goes without acking never leaves the flood paused', async () => {
    // Tab c views without acking: the exec stream pauses at the high-water mark.
    const c = await connectBridge(server.port, server.token);
    await c.call('terminal.open', { id: name, attach: terminal, cols: 100, rows: 30 });
    const stalled = viewer(c, terminal, { ack: false });
    await c.call('terminal.write', { terminal, data: 'yes\r' });
    await until('the flood', () => stalled.text.length > 100_000);
    c.close(); // gone with its debt: forgiven
    const d = await connectBridge(server.port, server.token);
    try {
      await d.call('terminal.open', { id: name, attach: terminal, cols: 100, rows: 30 });
      const out = viewer(d, terminal);
      await until('the flood flowing again', () => out.text.length > 200_000);
      await d.call('terminal.write', { terminal, data: '\x03' });
      await until('yes stopped', async () => {
        const before = out.text.length;
        await new Promise((r) => setTimeout(r, 300));
        return out.text.length === before ? true : undefined;
      });
      out.reset();
      await d.call('terminal.write', { terminal, data: 'echo after-$((6*7))\r' });
      await until('the shell answering again', () => out.text.includes('after-42'));
      out.off();
      await d.call('terminal.close', { terminal });
      expect(await d.call('terminal.list', { id: name })).toEqual([]);
    } finally {
      d.close();
    }
  });

  it('opens OpenCode in an agent tab, and closes it on terminal.close', async () => {
    const { terminal: agent } = await a.call('terminal.open', { id: name, kind: 'opencode', cols: 120, rows: 40 });
    const out = viewer(a, agent);
    // OpenCode's TUI takes the alternate screen once it runs.
    // (Slow on a loaded machine: ~60 s was seen here at load 20.)
    await until('OpenCode on screen', () => out.text.includes('\x1b[?1049h'), 150_000);
    expect((await a.call('terminal.list', { id: name })).find((t) => t.terminal === agent)).toMatchObject({ kind: 'opencode', exited: false });
    // Opening the tab is Kiln's doing, not a command: no receipt for its launcher, and no
    // "ran without a checkpoint" error handed over by the next command that reaches the recorder.
    const { terminal: shell } = await a.call('terminal.open', { id: name, kind: 'shell', cols: 100, rows: 30 });
    await a.call('terminal.write', { terminal: shell, data: 'echo after-agent-tab > tab-marker.txt\r' });
    await until('the marker command receipt', () => live.find((e) => e.kind === KIND.action && e.content.includes('after-agent-tab')));
    const { events } = await a.call('timeline.query', { id: name, limit: 5000 });
    expect(events.filter((e) => e.content.includes('exec opencode')).map((e) => e.content)).toEqual([]);
    expect(events.filter((e) => e.content.includes('unrecorded-commands')).map((e) => e.content)).toEqual([]);
    await a.call('terminal.close', { terminal: shell });
    await a.call('terminal.close', { terminal: agent });
    out.off();
    expect((await a.call('terminal.list', { id: name })).some((t) => t.terminal === agent)).toBe(false);
    await expect(a.call('terminal.open', { id: name, kind: 'no-such-agent', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'E_TERMINAL_KIND' });
  }, 200_000);

  it('tells every tab when a session container changes state outside the window', async () => {
    const n = changed.length;
    await docker.getContainer(`kiln-${name}-workspace`).stop({ t: 1 });
    await until('sessions.changed after docker stop', () => changed.slice(n).find((c) => c.sessions.some((x) => x.id === name && x.state !== 'running')));
    await a.call('sessions.resume', { id: name });
    await until('sessions.changed after resume', () => changed.slice(n).find((c) => c.sessions.some((x) => x.id === name && x.state === 'running')));
  });

  it('stops the session, and every tab hears of it', async () => {
    const n = changed.length;
    await a.call('sessions.stop', { id: name });
    await until('sessions.changed with the session stopped', () => changed.slice(n).find((c) => c.sessions.some((x) => x.id === name && x.state === 'stopped')));
  });
});
