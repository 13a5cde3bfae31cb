// Preload (sandboxed, bundled to out/app/preload.cjs): puts the surface of preload-surface.ts on
// window — window.kiln (the contract's operations as named functions), window.kilnBridge (the
// generic transport), window.kilnDesktop (drop path, folder check, folder picker) — and nothing else.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_PUSH } from './channel';
import { exposePreload } from './preload-surface';

exposePreload(contextBridge, {
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribePush: (listener) => void ipcRenderer.on(BRIDGE_PUSH, (_event, msg: unknown) => listener(msg)),
  pathForFile: (file) => webUtils.getPathForFile(file),
});
