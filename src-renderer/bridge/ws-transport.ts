// The web mode's transport: one WebSocket to kiln web's /bridge, with the token the printed URL
// carried in its fragment. The token leaves the address bar at once (history.replaceState) and
// is kept in sessionStorage so a reload of this tab still connects. When the server goes away
// the transport reconnects by itself with backoff; requests in flight at the drop are answered
// with an error (their answers are lost), and messages sent while down wait for the socket.
import type { Transport, WireMessage } from '../../src-shared/api/rpc';
import type { ConnectionState } from './connection';

const TOKEN_KEY = 'kiln.token';

/** The token from `#token=…` (then removed from the address bar), or the one this tab kept. */
export function takeToken(): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export interface WsTransport extends Transport {
  onState(listener: (state: ConnectionState) => void): () => void;
}

export function createWsTransport(token: string): WsTransport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}`;
  const listeners = new Set<(msg: WireMessage) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const queue: string[] = [];
  const inFlight = new Set<number>();
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everOpened = false;

  const setState = (s: ConnectionState) => stateListeners.forEach((l) => l(s));
  const deliver = (msg: WireMessage) => listeners.forEach((l) => l(msg));

  function connect() {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      const reconnected = everOpened;
      everOpened = true;
      for (const m of queue.splice(0)) ws.send(m);
      setState(reconnected ? 'reconnected' : 'open');
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let msg: WireMessage;
      try {
        msg = JSON.parse(e.data) as WireMessage;
      } catch {
        return;
      }
      if (msg.t === 'res') inFlight.delete(msg.id);
      deliver(msg);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const id of inFlight) {
        deliver({
          t: 'res', id, ok: false,
          error: { code: 'E_DISCONNECTED', message: 'The connection to Kiln was lost before it answered.', next: 'Kiln reconnects by itself; try again in a moment.' },
        });
      }
      inFlight.clear();
      setState(everOpened ? 'reconnecting' : 'connecting');
      // Backoff: 250 ms, 500 ms, 1 s, 2 s, then every 3 s.
      const delay = Math.min(3000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
      // The page answers but the socket keeps being refused: this token is from an earlier
      // start of kiln web (each start has a new one).
      if (attempt === 4) {
        void fetch(location.pathname, { method: 'HEAD', cache: 'no-store' })
          .then((r) => {
            if (r.ok && !socket) setState('stale-token');
          })
          .catch(() => undefined);
      }
    };
    ws.onerror = () => {
      /* onclose follows and schedules the retry */
    };
  }
  connect();

  return {
    send(msg) {
      const text = JSON.stringify(msg);
      if (msg.t === 'req') inFlight.add(msg.id);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
