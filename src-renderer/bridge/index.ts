// The one place that knows about transports. Picks Electron IPC when the preload exposed
// window.kilnBridge, else the web mode's WebSocket. Everyone else uses `bridge` (typed calls and
// streams from the contract), `onConnection` (for the banner) and `onReconnect` (to re-subscribe
// and reattach after the server came back).
import { createClient, type BridgeClient } from '../../src-shared/api/rpc';
import type { ConnectionState } from './connection';
import { createIpcTransport, ipcBridge } from './ipc-transport';
import { createWsTransport, takeToken } from './ws-transport';

export type { ConnectionState } from './connection';

const stateListeners = new Set<(s: ConnectionState) => void>();
const reconnectListeners = new Set<() => void>();
let state: ConnectionState = 'connecting';

function setState(s: ConnectionState) {
  state = s;
  stateListeners.forEach((l) => l(s));
  if (s === 'reconnected') reconnectListeners.forEach((l) => l());
}

function makeClient(): BridgeClient {
  const ipc = ipcBridge();
  if (ipc) {
    queueMicrotask(() => setState('open'));
    return createClient(createIpcTransport(ipc));
  }
  const token = takeToken();
  if (!token) {
    queueMicrotask(() => setState('no-token'));
    // A client whose calls never leave: the page says how to get a link with a token.
    return createClient({ send() {}, onMessage: () => () => {} });
  }
  const ws = createWsTransport(token);
  ws.onState(setState);
  return createClient(ws);
}

export const bridge: BridgeClient = makeClient();

export function connectionState(): ConnectionState {
  return state;
}

export function onConnection(listener: (s: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
