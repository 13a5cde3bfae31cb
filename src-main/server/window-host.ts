// What every connection of one window server shares: the clients to broadcast to (the session
// list), the one image build in flight, the terminals (they outlive a tab). Connections come and
// go; this lives as long as the server.
import type { WireMessage } from '../../src-shared/api/rpc';
import type { ServicesHolder } from '../services';

export interface WindowHost {
  readonly holder: ServicesHolder;
  /** Add a connection's push; returns its removal. */
  join(push: (msg: WireMessage) => void): () => void;
  broadcast(msg: WireMessage): void;
  close(): Promise<void>;
}

export function createWindowHost(holder: ServicesHolder): WindowHost {
  const clients = new Set<(msg: WireMessage) => void>();
  return {
    holder,
    join(push) {
      clients.add(push);
      return () => clients.delete(push);
    },
    broadcast(msg) {
      for (const push of clients) push(msg);
    },
    async close() {
      clients.clear();
    },
  };
}
