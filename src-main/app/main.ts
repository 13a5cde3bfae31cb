// The Electron shell, kept thin: it wires the tested pieces of this folder to Electron — the
// hardened window (security.ts, window.ts), the renderer over app:// (protocol.ts), the IPC
// table (ipc.ts), kiln:// links (deep-link.ts), keys in safeStorage (settings/safe-storage.ts),
// menus (menu.ts) and background-task notices (attention.ts). The host services beneath are
// the same ones the CLI and `kiln web` use.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, screen, session, shell } from 'electron';
import { createHandlers } from '../server/handlers';
import { createWindowHost } from '../server/window-host';
import { lazyAppServices } from '../services';
import { createSafeSecretStore } from '../settings/safe-storage';
import { createAttention } from './attention';
import { BRIDGE_PUSH } from './channel';
import { createLinkRouter, findLinkInArgv, LINK_SCHEME } from './deep-link';
import { registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { createAppProtocolHandler } from './protocol';
import { checkRecipeFolder } from './recipe-folder';
import { APP_ORIGIN, APP_SCHEME, hardenContents, hardenSession, isSafeExternalUrl } from './security';
import { pushMessage, type WireMessage } from '../../src-shared/api/rpc';
import { toKilnError } from '../../src-shared/errors';
import { windowOptions } from './window';
import { loadWindowState, saveWindowState } from './window-state';

// Bundled as out/app/main.cjs beside preload.cjs and renderer/ (scripts/build.mjs buildElectron).
const here = __dirname;
/** src-container/, out/kilnd/ and the image's build stub: resources/runtime when packaged, the repository otherwise. */
const runtimeRoot = app.isPackaged ? path.join(process.resourcesPath, 'runtime') : path.resolve(here, '..', '..');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow | undefined;
const openExternal = (url: string): void => {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
};
const send = (msg: WireMessage): void => {
  if (win && !win.isDestroyed()) win.webContents.send(BRIDGE_PUSH, msg);
  attention.onPush(msg);
};
const links = createLinkRouter((payload) => send(pushMessage('app.openLink', payload)));
const attention = createAttention({
  isForeground: () => !!win && !win.isDestroyed() && win.isFocused(),
  notify: (title, body) => {
    if (Notification.isSupported()) new Notification({ title, body, silent: false }).show();
    if (process.platform !== 'darwin') win?.flashFrame(true);
  },
  setBadge: (count) => void app.setBadgeCount(count),
});

function focusWindow(): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function pickFolder(): Promise<string | null> {
  const opts = { title: 'Import recipe', buttonLabel: 'Import', properties: ['openDirectory' as const] };
  const res = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  return res.canceled ? null : (res.filePaths[0] ?? null);
}

async function createWindow(): Promise<BrowserWindow> {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const primary = screen.getPrimaryDisplay();
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const state = loadWindowState(stateFile, areas);
  const w = new BrowserWindow(windowOptions(state, path.join(here, 'preload.cjs')));
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  w.on('focus', () => attention.onFocus());
  w.on('close', () => {
    try {
      saveWindowState(stateFile, { ...w.getNormalBounds(), maximized: w.isMaximized() });
    } catch {
      // A window that cannot remember its place still closes.
    }
  });
  w.on('closed', () => (win = undefined));
  w.webContents.once('did-finish-load', () => links.ready());
  // A page that fails to load (no renderer build) still gets a visible window, not a hidden one.
  await w.loadURL(`${APP_ORIGIN}/index.html`).catch(() => w.show());
  return w;
}

// --user-data-dir=<dir> gives a separate Kiln (keys, window, single-instance lock): the smoke test uses it.
const userDataSwitch = app.commandLine.getSwitchValue('user-data-dir');
if (userDataSwitch) app.setPath('userData', path.resolve(userDataSwitch));

// One Kiln per user: a second launch hands its kiln:// link to the first and leaves.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    focusWindow();
    const link = findLinkInArgv(argv);
    if (link) links.open(link);
  });
  // macOS delivers links as open-url, possibly before ready: the router holds them.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.open(url);
    focusWindow();
  });
  const first = findLinkInArgv(process.argv);
  if (first) links.open(first);
  // In development (electron .), the registration must name the script too.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient(LINK_SCHEME);

  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, openExternal));

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, 'renderer')));
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(process.platform, app.getName(), {
          openExternal,
          showLogs: () => void shell.openPath(app.getPath('logs')),
        }),
      ),
    );
    // safeStorage answers only after ready.
    const secrets = createSafeSecretStore({ file: path.join(app.getPath('userData'), 'secrets.json'), safeStorage });
    // The same table `kiln web` serves: it answers app.info and engine.status (with what to
    // install) while no engine answers, and makes the services the first time one does.
    const holder = lazyAppServices({ root: runtimeRoot });
    const table = createHandlers({ services: holder, mode: 'electron', push: send, host: createWindowHost(holder, { secrets }) });
    const handlers = async () => table;
    registerIpc(ipcMain, { handlers, checkRecipeFolder: (p) => checkRecipeFolder(p), pickFolder });
    win = await createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow().then((w) => (win = w));
      else focusWindow();
    });
  }).catch((err: unknown) => {
    const e = toKilnError(err);
    dialog.showErrorBox('Kiln could not start', [e.message, e.next].filter(Boolean).join('\n\n'));
    app.quit();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
