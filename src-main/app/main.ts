// The Electron shell, kept thin: a hardened window serving the renderer from app://kiln, and the
// bridge contract over one IPC channel. Everything beneath the window is in src-main's services
// and is tested there; this file only wires them to Electron.
import path from 'node:path';
import { app, BrowserWindow, ipcMain, net, protocol } from 'electron';
import { dispatch, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import { APP_ORIGIN, hardenApp, hardenSession, isTrustedSender, SECURE_WEB_PREFERENCES } from './security';
import { BRIDGE_CHANNEL, BRIDGE_PUSH } from './channel';
import { createHandlers } from '../server/handlers';
import { createAppServices } from '../services';
import { toKilnError } from '../../src-shared/errors';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const rendererDir = path.join(__dirname, '..', 'renderer');

function serveRenderer(): void {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    const file = path.normalize(path.join(rendererDir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (url.host !== 'kiln' || !file.startsWith(rendererDir + path.sep)) return new Response('Not found', { status: 404 });
    return net.fetch(`file://${file}`);
  });
}

function serveBridge(handlers: Handlers): void {
  ipcMain.handle(BRIDGE_CHANNEL, async (event, msg: unknown) => {
    if (!isTrustedSender(event.senderFrame)) return { t: 'res', id: -1, ok: false, error: { code: 'forbidden', message: 'Untrusted sender.' } } satisfies WireMessage;
    const req = msg as { t?: unknown; id?: unknown; op?: unknown; input?: unknown };
    if (req?.t !== 'req' || typeof req.id !== 'number' || typeof req.op !== 'string') {
      return { t: 'res', id: -1, ok: false, error: { code: 'bad-message', message: 'Malformed bridge message.' } } satisfies WireMessage;
    }
    return dispatch(handlers, { id: req.id, op: req.op, input: req.input });
  });
}

/** The services when an engine answers; otherwise only what the "no engine" page needs. */
async function bridgeFor(win: BrowserWindow): Promise<Handlers> {
  const info = () => ({ name: 'Kiln', version: app.getVersion(), mode: 'electron' as const });
  try {
    const services = await createAppServices();
    return createHandlers({ services, mode: 'electron', push: (m) => win.webContents.send(BRIDGE_PUSH, m) });
  } catch (err) {
    return { 'app.info': info, 'engine.status': () => ({ ok: false as const, error: toKilnError(err), tried: [] }) };
  }
}

async function createWindow(): Promise<BrowserWindow> {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Kiln',
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: path.join(__dirname, 'preload.cjs') },
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

app.enableSandbox();
hardenApp();
void app.whenReady().then(async () => {
  hardenSession();
  serveRenderer();
  const win = await createWindow();
  serveBridge(await bridgeFor(win));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
