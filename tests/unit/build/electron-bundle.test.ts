// The built bundles themselves (out/app/main.cjs, preload.cjs), evaluated under Node with a
// recording stand-in for the `electron` module (Electron's binary cannot run here): main.ts's
// wiring reaches Electron with the settings the unit tests of src-main/app assert, and the
// preload needs nothing but electron and exposes exactly the surface.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../scripts/build.mjs';
import { BRIDGE_CHANNEL, INVOKE_CHANNELS } from '../../../src-main/app/channel';
import { SECURE_WEB_PREFERENCES } from '../../../src-main/app/security';

let tmp: string;
let outDir: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'kiln-bundle-'));
  outDir = join(tmp, 'app');
  await buildElectron({ outDir, rendererDir: join(tmp, 'none') });
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a CommonJS bundle with `electron` answered by `fake`; other requires: `allow` decides. */
function run(file: string, fake: unknown, allow: (id: string) => boolean): void {
  const real = createRequire(file);
  const req = (id: string) => {
    if (id === 'electron') return fake;
    if (!allow(id)) throw new Error(`the bundle required "${id}"`);
    return real(id);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', '__filename', '__dirname', readFileSync(file, 'utf8'))(req, module, module.exports, file, join(file, '..'));
}

function fakeMain(lock: boolean, userDataDir = '') {
  const calls: Record<string, unknown[][]> = {};
  const rec = (name: string) => (...args: unknown[]) => void (calls[name] ??= []).push(args);
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  const appEvents = new Map<string, (...a: unknown[]) => void>();
  const windows: { options: Record<string, unknown>; url?: string; events: string[]; handlers: Map<string, () => void>; contentsHandlers: Map<string, () => void> }[] = [];
  const sent: unknown[][] = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    entry: (typeof windows)[number];
    webContents = {
      once: (e: string, fn: () => void) => this.entry.contentsHandlers.set(e, fn),
      send: (...a: unknown[]) => sent.push(a),
    };
    constructor(options: Record<string, unknown>) {
      this.entry = { options, events: [], handlers: new Map(), contentsHandlers: new Map() };
      windows.push(this.entry);
    }
    once = (e: string, fn: () => void) => (this.entry.events.push(e), this.entry.handlers.set(e, fn));
    on = (e: string, fn: () => void) => (this.entry.events.push(e), this.entry.handlers.set(e, fn));
    maximize = rec('maximize');
    isDestroyed = () => false;
    isMinimized = () => false;
    show = rec('win.show');
    focus = rec('win.focus');
    isFocused = () => true;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 100, y: 80, width: 1100, height: 700 });
    loadURL = async (url: string) => void (this.entry.url = url);
  }
  const electron = {
    app: {
      isPackaged: false,
      commandLine: { getSwitchValue: (name: string) => (name === 'user-data-dir' ? userDataDir : '') },
      setPath: rec('app.setPath'),
      requestSingleInstanceLock: () => lock,
      quit: rec('app.quit'),
      on: (e: string, fn: (...a: unknown[]) => void) => appEvents.set(e, fn),
      setAsDefaultProtocolClient: rec('app.setAsDefaultProtocolClient'),
      enableSandbox: rec('app.enableSandbox'),
      whenReady: () => whenReady,
      getPath: (name: string) => join(tmp, 'userData', name),
      getName: () => 'Kiln',
      getVersion: () => '0.1.0',
      setBadgeCount: rec('app.setBadgeCount'),
    },
    protocol: { registerSchemesAsPrivileged: rec('protocol.registerSchemesAsPrivileged'), handle: rec('protocol.handle') },
    session: {
      defaultSession: {
        setPermissionRequestHandler: rec('session.setPermissionRequestHandler'),
        setPermissionCheckHandler: rec('session.setPermissionCheckHandler'),
        setDevicePermissionHandler: rec('session.setDevicePermissionHandler'),
      },
    },
    ipcMain: { handle: rec('ipcMain.handle') },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: rec('Menu.setApplicationMenu') },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    screen: { getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }), getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    BrowserWindow,
    Notification: { isSupported: () => false },
    dialog: {},
    shell: { openExternal: rec('shell.openExternal'), openPath: rec('shell.openPath') },
  };
  return { electron, calls, appEvents, windows, ready, sent };
}

/** Everything but Node's own modules is inside the bundle: nothing else may be required. */
const nodeOnly = (id: string) => isBuiltin(id);

describe('the Electron main bundle', () => {
  it('quits at once when another Kiln holds the single-instance lock', () => {
    const f = fakeMain(false);
    run(join(outDir, 'main.cjs'), f.electron, nodeOnly);
    expect(f.calls['app.quit']).toHaveLength(1);
    expect(f.calls['app.setPath']).toBeUndefined();
    const own = fakeMain(false, 'smoke-data');
    run(join(outDir, 'main.cjs'), own.electron, nodeOnly);
    expect(own.calls['app.setPath']).toEqual([['userData', resolve('smoke-data')]]);
    expect(f.calls['protocol.registerSchemesAsPrivileged']).toEqual([[[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]]);
    expect(f.appEvents.size).toBe(0);
  });

  it('registers kiln://, sandboxes every renderer, hardens every web contents, then opens the secure window', async () => {
    const f = fakeMain(true);
    run(join(outDir, 'main.cjs'), f.electron, nodeOnly);
    expect(f.calls['app.enableSandbox']).toHaveLength(1);
    expect(f.calls['app.setAsDefaultProtocolClient']?.[0]?.[0]).toBe('kiln');
    expect([...f.appEvents.keys()].sort()).toEqual(['open-url', 'second-instance', 'web-contents-created', 'window-all-closed']);
    const contents = { on: (e: string) => (hardened.push(e)), setWindowOpenHandler: () => hardened.push('window-open') };
    const hardened: string[] = [];
    f.appEvents.get('web-contents-created')!({}, contents);
    expect(hardened.sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect', 'window-open']);

    f.ready();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.calls['session.setPermissionRequestHandler']).toHaveLength(1);
    expect(f.calls['session.setPermissionCheckHandler']).toHaveLength(1);
    expect(f.calls['protocol.handle']?.[0]?.[0]).toBe('app');
    expect(f.calls['ipcMain.handle']!.map((c) => c[0]).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(f.calls['Menu.setApplicationMenu']).toHaveLength(1);
    expect(f.windows).toHaveLength(1);
    const win = f.windows[0]!;
    expect(win.url).toBe('app://kiln/index.html');
    expect(win.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: join(outDir, 'preload.cjs') });
    expect(win.options.show).toBe(false);
    expect(win.events).toEqual(expect.arrayContaining(['ready-to-show', 'focus', 'close', 'closed']));

    // The window asks app.info over the bridge channel: answered by the host services (or, with
    // no engine, the first-run table); a page that is not ours is refused.
    const bridge = f.calls['ipcMain.handle']!.find((c) => c[0] === BRIDGE_CHANNEL)![1] as (e: unknown, m: unknown) => Promise<unknown>;
    const ask = { t: 'req', id: 3, op: 'app.info', input: {} };
    await expect(bridge({ senderFrame: { url: 'app://kiln/index.html', parent: null } }, ask)).resolves.toMatchObject({ t: 'res', id: 3, ok: true, result: { name: 'Kiln', mode: 'electron' } });
    await expect(bridge({ senderFrame: { url: 'https://evil.example/', parent: null } }, ask)).resolves.toMatchObject({ ok: false, error: { code: 'E_IPC_FORBIDDEN' } });
  }, 30_000);
});

describe('kiln:// links and the remembered window, through the main bundle', () => {
  it('delivers a link from launch argv, open-url and a second instance once the page has loaded; remembers the window on close', async () => {
    const argv = process.argv;
    process.argv = [...argv, 'kiln://recipe?url=https://github.com/a/from-argv'];
    const f = fakeMain(true);
    try {
      run(join(outDir, 'main.cjs'), f.electron, nodeOnly);
    } finally {
      process.argv = argv;
    }
    f.appEvents.get('open-url')!({ preventDefault() {} }, 'kiln://recipe?url=http://insecure.example/r');
    f.ready();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.sent).toEqual([]); // held until the page has loaded
    const win = f.windows[0]!;
    win.contentsHandlers.get('did-finish-load')!();
    f.appEvents.get('second-instance')!({}, ['/opt/Kiln/kiln', '--no-sandbox', 'kiln://recipe?url=https://github.com/a/second&ref=v2']);
    expect(f.sent.map(([ch, m]) => [ch, (m as { stream: string }).stream, (m as { payload: unknown }).payload])).toEqual([
      ['kiln:push', 'app.openLink', { url: 'https://github.com/a/from-argv' }],
      ['kiln:push', 'app.openLink', { error: expect.objectContaining({ code: 'E_LINK_INVALID', message: expect.stringMatching(/only https/) }) }],
      ['kiln:push', 'app.openLink', { url: 'https://github.com/a/second', ref: 'v2' }],
    ]);
    expect(f.calls['win.focus']?.length).toBeGreaterThan(0);

    win.handlers.get('close')!();
    const saved = JSON.parse(readFileSync(join(tmp, 'userData', 'userData', 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 100, y: 80, width: 1100, height: 700, maximized: false });
  }, 30_000);
});

describe('the preload bundle', () => {
  it('requires nothing but electron and exposes exactly window.kiln, window.kilnBridge and window.kilnDesktop', async () => {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: unknown[][] = [];
    const fake = {
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => exposed.set(k, v) },
      ipcRenderer: {
        invoke: async (ch: string, payload: unknown) => (invoked.push([ch, payload]), { t: 'res', id: 1, ok: true, result: { name: 'Kiln', version: '0.1.0', mode: 'electron' } }),
        on: () => {},
      },
      webUtils: { getPathForFile: () => '/Users/me/recipes/hello' },
    };
    run(join(outDir, 'preload.cjs'), fake, () => false);
    expect([...exposed.keys()]).toEqual(['kiln', 'kilnBridge', 'kilnDesktop']);
    const kiln = exposed.get('kiln') as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    await expect(kiln.app!.info!({})).resolves.toMatchObject({ mode: 'electron' });
    expect(invoked[0]).toEqual([BRIDGE_CHANNEL, { t: 'req', id: 1, op: 'app.info', input: {} }]);
    expect((exposed.get('kilnDesktop')!.pathForFile as (f: unknown) => string)({})).toBe('/Users/me/recipes/hello');
  });
});
