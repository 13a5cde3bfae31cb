// Preload: exposes exactly one transport for the bridge contract — no Node, no ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_CHANNEL, BRIDGE_PUSH } from './channel';

type Listener = (msg: unknown) => void;
const listeners = new Set<Listener>();
ipcRenderer.on(BRIDGE_PUSH, (_event, msg: unknown) => listeners.forEach((l) => l(msg)));

contextBridge.exposeInMainWorld('kilnBridge', {
  request: (msg: unknown): Promise<unknown> => ipcRenderer.invoke(BRIDGE_CHANNEL, msg),
  onPush: (listener: Listener): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
});
