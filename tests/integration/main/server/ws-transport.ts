// A bridge client over a real WebSocket to `kiln web`'s server, as the page makes one: the token
// in the URL's query, the page's own Origin.
import WebSocket from 'ws';
import { createClient, type BridgeClient, type Transport, type WireMessage } from '../../../../src-shared/api/rpc';

export interface WsClient extends BridgeClient {
  ws: WebSocket;
  close(): void;
}

export function bridgeUrl(port: number, token: string): string {
  return `ws://127.0.0.1:${port}/bridge?token=${encodeURIComponent(token)}`;
}

export async function connectBridge(port: number, token: string, origin = `http://127.0.0.1:${port}`): Promise<WsClient> {
  const ws = new WebSocket(bridgeUrl(port, token), { origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: HTTP ${res.statusCode}`)));
  });
  const transport: Transport = {
    send: (msg) => ws.send(JSON.stringify(msg)),
    onMessage: (listener) => {
      const on = (data: WebSocket.RawData) => listener(JSON.parse(String(data)) as WireMessage);
      ws.on('message', on);
      return () => ws.off('message', on);
    },
  };
  return Object.assign(createClient(transport), { ws, close: () => ws.close() });
}
