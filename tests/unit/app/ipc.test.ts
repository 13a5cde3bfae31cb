// Main's IPC table and the preload surface, joined end to end in memory: the preload's named
// functions → ipcRenderer.invoke → the handlers main registers → the bridge's dispatch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests, streams } from '../../../src-shared/api/contract';
import { BridgeError, pushMessage, type Handlers } from '../../../src-shared/api/rpc';
import { BRIDGE_CHANNEL, CHECK_RECIPE_FOLDER, INVOKE_CHANNELS, PICK_RECIPE_FOLDER } from '../../../src-main/app/channel';
import { registerIpc } from '../../../src-main/app/ipc';
import { exposePreload, operationPaths } from '../../../src-main/app/preload-surface';
import { checkRecipeFolder } from '../../../src-main/app/recipe-folder';

type Handler = (event: { senderFrame: unknown }, payload: unknown) => Promise<unknown>;
const TRUSTED = { senderFrame: { url: 'app://kiln/index.html', parent: null } };
const UNTRUSTED = [
  { senderFrame: { url: 'https://evil.example/', parent: null } },
  { senderFrame: { url: 'app://kiln/index.html', parent: { url: 'app://kiln/' } } },
  { senderFrame: null },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-ipc-'));
  writeFileSync(join(dir, 'recipe.json'), '{}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(handlers: Handlers, picked: string | null = null) {
  const table = new Map<string, Handler>();
  const channels = registerIpc({ handle: (ch: string, fn: Handler) => table.set(ch, fn) } as never, {
    handlers: () => handlers,
    checkRecipeFolder: (p) => checkRecipeFolder(p),
    pickFolder: async () => picked,
  });
  let pushListener: ((m: unknown) => void) | undefined;
  const exposed = new Map<string, unknown>();
  const keys = exposePreload({ exposeInMainWorld: (k, api) => exposed.set(k, api) }, {
    // Replies cross as structured clones, as over real IPC.
    invoke: async (ch, payload) => structuredClone(await table.get(ch)!(TRUSTED, structuredClone(payload))),
    subscribePush: (l) => (pushListener = l),
    pathForFile: (f) => `/dropped/${(f as { name: string }).name}`,
  });
  type Api = Record<string, Record<string, (i?: unknown) => Promise<unknown>>> & { on(s: string, l: (p: unknown) => void): () => void };
  return {
    table, channels, keys, push: (m: unknown) => pushListener!(m),
    kiln: exposed.get('kiln') as Api,
    bridge: exposed.get('kilnBridge') as { request(m: unknown): Promise<unknown>; onPush(l: (m: unknown) => void): () => void },
    desktop: exposed.get('kilnDesktop') as { pathForFile(f: unknown): string; checkRecipeFolder(p: string): Promise<unknown>; pickRecipeFolder(): Promise<unknown> },
  };
}

describe('the preload surface', () => {
  it('exposes the contract operations as named functions, the transport and the desktop helpers — nothing else', () => {
    const { keys, kiln, bridge, desktop } = setup({});
    expect(keys).toEqual(['kiln', 'kilnBridge', 'kilnDesktop']);
    const named = Object.entries(kiln).filter(([k]) => k !== 'on').flatMap(([area, fns]) => Object.keys(fns).map((verb) => `${area}.${verb}`));
    expect(named.sort()).toEqual(Object.keys(requests).sort());
    expect(operationPaths()).toHaveLength(Object.keys(requests).length);
    for (const [, fns] of Object.entries(kiln)) {
      if (typeof fns === 'function') continue;
      for (const fn of Object.values(fns)) expect(typeof fn).toBe('function');
    }
    expect(Object.keys(bridge).sort()).toEqual(['onPush', 'request']);
    expect(Object.keys(desktop).sort()).toEqual(['checkRecipeFolder', 'pathForFile', 'pickRecipeFolder']);
    // No ipcRenderer, no require, no process slipped through.
    expect(JSON.stringify(Object.keys({ ...kiln, ...bridge, ...desktop }))).not.toMatch(/ipc|require|process|send|invoke/i);
  });

  it('answers a named call through main’s sender-checked channel and the contract', async () => {
    const { kiln } = setup({ 'app.info': () => ({ name: 'Kiln', version: '9.9.9', mode: 'electron', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } }) });
    await expect(kiln.app!.info!({})).resolves.toEqual({ name: 'Kiln', version: '9.9.9', mode: 'electron', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } });
    await expect(kiln.app!.info!()).resolves.toMatchObject({ mode: 'electron' });
  });

  it('keeps an error’s sentence and next step across the boundary', async () => {
    const { kiln, bridge } = setup({
      'sessions.stop': () => {
        throw new BridgeError('E_SESSION_NOT_FOUND', 'There is no session "ab".', 'Pick a session from the list.');
      },
    });
    const err = await kiln.sessions!.stop!({ id: 'ab' }).catch((e: unknown) => e);
    expect(structuredClone(err)).toEqual({ code: 'E_SESSION_NOT_FOUND', message: 'There is no session "ab".', next: 'Pick a session from the list.' });
    const bad = await kiln.sessions!.stop!({ id: 'NOT VALID' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'bad-input', message: expect.stringMatching(/^Invalid input for sessions\.stop: id: /) });
    const unknown = await kiln.sessions!.list!({}).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'unknown-operation' });
    // The generic transport gets the wire reply itself.
    await expect(bridge.request({ t: 'req', id: 7, op: 'sessions.stop', input: { id: 'ab' } })).resolves.toMatchObject({ t: 'res', id: 7, ok: false, error: { next: 'Pick a session from the list.' } });
  });

  it('hands pushes to onPush listeners and to kiln.on for a named stream only', () => {
    const { kiln, bridge, push } = setup({});
    const raw: unknown[] = [];
    const links: unknown[] = [];
    const off = bridge.onPush((m) => raw.push(m));
    kiln.on('app.openLink', (p) => links.push(p));
    push(pushMessage('app.openLink', { url: 'https://github.com/a/b' }));
    push(pushMessage('progress', { task: 'image.build', message: 'step 1' }));
    off();
    push(pushMessage('progress', { task: 'image.build', message: 'step 2' }));
    expect(raw).toHaveLength(2);
    expect(links).toEqual([{ url: 'https://github.com/a/b' }]);
    expect(() => kiln.on('no.such.stream', () => {})).toThrow(/not a stream of the bridge contract/);
    expect(Object.keys(streams)).toContain('app.openLink');
  });

  it('holds links that arrive before the page listens for them, and hands them to its first listener', () => {
    const { kiln, push } = setup({});
    for (const n of [1, 2, 3, 4, 5, 6]) push(pushMessage('app.openLink', { url: `https://github.com/a/r${n}` }));
    const got: unknown[] = [];
    const off = kiln.on('app.openLink', (p) => got.push(p));
    expect(got).toEqual([2, 3, 4, 5, 6].map((n) => ({ url: `https://github.com/a/r${n}` })));
    push(pushMessage('app.openLink', { url: 'https://github.com/a/live' }));
    expect(got).toHaveLength(6);
    off();
    const late: unknown[] = [];
    kiln.on('app.openLink', (p) => late.push(p));
    expect(late).toEqual([]); // already delivered once: not again
  });

  it('takes a dropped file’s path, and main checks the folder before anything reads it', async () => {
    const { desktop } = setup({});
    expect(desktop.pathForFile({ name: 'my-recipe' })).toBe('/dropped/my-recipe');
    await expect(desktop.checkRecipeFolder(dir)).resolves.toMatchObject({ files: 1, bytes: 2 });
    await expect(desktop.checkRecipeFolder('relative/path')).rejects.toMatchObject({ code: 'E_RECIPE_FOLDER', message: '"relative/path" is not an absolute path.', next: expect.any(String) });
    await expect(desktop.checkRecipeFolder(join(dir, 'recipe.json'))).rejects.toMatchObject({ message: expect.stringMatching(/is a file, not a folder/) });
  });

  it('checks a picked folder like a dropped one; a cancelled picker is null', async () => {
    await expect(setup({}, dir).desktop.pickRecipeFolder()).resolves.toMatchObject({ files: 1 });
    await expect(setup({}, null).desktop.pickRecipeFolder()).resolves.toBeNull();
    await expect(setup({}, '/nonexistent/kiln-x').desktop.pickRecipeFolder()).rejects.toMatchObject({ message: '/nonexistent/kiln-x does not exist.' });
  });
});

describe('main’s IPC table', () => {
  it('registers exactly the declared channels, and every one refuses a sender that is not our page', async () => {
    const { table, channels } = setup({ 'app.info': () => ({ name: 'Kiln', version: '1', mode: 'electron', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } }) }, dir);
    expect([...table.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(channels.sort()).toEqual([...INVOKE_CHANNELS].sort());
    const payloads: Record<string, unknown> = {
      [BRIDGE_CHANNEL]: { t: 'req', id: 1, op: 'app.info', input: {} },
      [CHECK_RECIPE_FOLDER]: { path: dir },
      [PICK_RECIPE_FOLDER]: {},
    };
    for (const ch of INVOKE_CHANNELS) {
      for (const event of UNTRUSTED) {
        const reply = await table.get(ch)!(event, payloads[ch]);
        expect(reply, `${ch} ${JSON.stringify(event)}`).toMatchObject({ ok: false, error: { code: 'E_IPC_FORBIDDEN', message: expect.stringMatching(/did not come from the Kiln window/) } });
      }
      expect(await table.get(ch)!(TRUSTED, payloads[ch])).toMatchObject({ ok: true });
    }
  });

  it('zod-parses every input: malformed messages and extra fields are refused with a sentence', async () => {
    const { table } = setup({ 'app.info': () => ({ name: 'Kiln', version: '1', mode: 'electron', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } }) });
    for (const bad of [null, 'x', { t: 'req', id: 'one', op: 'app.info' }, { t: 'res', id: 1, op: 'app.info' }, { t: 'req', id: 1, op: '' }]) {
      expect(await table.get(BRIDGE_CHANNEL)!(TRUSTED, bad)).toMatchObject({ t: 'res', ok: false, error: { code: 'E_IPC_BAD_MESSAGE' } });
    }
    for (const bad of [{ path: 42 }, { path: '' }, { path: '/tmp', extra: 1 }, 'x']) {
      expect(await table.get(CHECK_RECIPE_FOLDER)!(TRUSTED, bad)).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_INPUT', message: expect.stringContaining(CHECK_RECIPE_FOLDER) } });
    }
    expect(await table.get(PICK_RECIPE_FOLDER)!(TRUSTED, { path: '/etc' })).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_INPUT' } });
  });
});
