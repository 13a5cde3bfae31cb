// The Electron transport: the preload's window.kilnBridge (src-main/app/preload.ts) — request
// returns the reply message, onPush delivers stream messages. The connection never drops.
import type { Transport, WireMessage } from '../../src-shared/api/rpc';

export interface KilnBridgeGlobal {
  request(msg: unknown): Promise<unknown>;
  onPush(listener: (msg: unknown) => void): () => void;
}

export function ipcBridge(): KilnBridgeGlobal | undefined {
  return (window as unknown as { kilnBridge?: KilnBridgeGlobal }).kilnBridge;
}

export function createIpcTransport(bridge: KilnBridgeGlobal): Transport {
  const listeners = new Set<(msg: WireMessage) => void>();
  const deliver = (msg: WireMessage) => listeners.forEach((l) => l(msg));
  bridge.onPush((msg) => deliver(msg as WireMessage));
  return {
    send(msg) {
      if (msg.t !== 'req') return;
      bridge.request(msg).then(
        (reply) => deliver(reply as WireMessage),
        () => deliver({ t: 'res', id: msg.id, ok: false, error: { code: 'E_IPC', message: 'The Kiln window lost its connection to the app.', next: 'Restart Kiln.' } }),
      );
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
