// One session's recorder relay over nostr-tools: NIP-42 AUTH signed with the key derived from the
// session token (the token itself never crosses the wire), stored-event queries and live
// subscriptions.
import { finalizeEvent } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import type { Filter } from 'nostr-tools/filter';
import WebSocket from 'ws';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { relayAuthSecretKey, type NostrEvent } from '../../src-shared/events';
import { unreachable, type RecorderTarget } from './recorder-api';

// Node 20 has no global WebSocket.
useWebSocketImplementation(WebSocket);

export type { Filter };

export interface LiveSubscription {
  close(): void;
}

export class RelayClient {
  private relay: Relay | undefined;
  private connecting: Promise<Relay> | undefined;

  constructor(private readonly target: RecorderTarget, private readonly timeoutMs = 10_000) {}

  /** Connect and authenticate (once; later calls reuse the connection). */
  connect(): Promise<Relay> {
    if (this.relay?.connected) return Promise.resolve(this.relay);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Relay> {
    const { id, url, sessionToken } = this.target;
    const sk = relayAuthSecretKey(sessionToken);
    const relay = new Relay(url);
    relay.onnotice = () => undefined; // notices are for relay operators, not our users
    const sign = async (template: Parameters<typeof finalizeEvent>[0]) => finalizeEvent(template, sk);
    try {
      await relay.connect({ timeout: this.timeoutMs });
    } catch (err) {
      throw new KilnFailure(unreachable(id, url, typeof err === 'string' ? new Error(err) : err));
    }
    try {
      await this.authenticate(relay, sign);
    } catch (err) {
      relay.close();
      throw new KilnFailure(
        kilnError('E_RELAY_AUTH', `The recorder of session "${id}" refused the app's key: ${(err as Error).message}.`, `The session metadata may be from another session; check \`kiln status ${id}\`.`),
      );
    }
    this.relay = relay;
    return relay;
  }

  /**
   * NIP-42: the relay sends its challenge right after the connection opens; answer it and wait
   * for its OK. (Not through nostr-tools' automatic `onauth`: a refused AUTH there becomes an
   * unhandled rejection, and we want a KilnError instead.)
   */
  private async authenticate(relay: Relay, sign: Parameters<Relay['auth']>[0]): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        await relay.auth(sign);
        return;
      } catch (err) {
        const waiting = /no challenge/.test((err as Error).message ?? '');
        if (!waiting || Date.now() > deadline) throw waiting ? new Error('the relay sent no AUTH challenge') : err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }

  /** Stored events matching the filter (until EOSE), oldest first by the chain's seq. */
  async query(filter: Filter): Promise<NostrEvent[]> {
    const relay = await this.connect();
    const events: NostrEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = relay.subscribe([filter], {
        onevent: (ev) => events.push(ev as NostrEvent),
        oneose: () => {
          sub.close();
          resolve();
        },
        onclose: (reason) => (reason.startsWith('closed by caller') ? resolve() : reject(this.closed(reason))),
        eoseTimeout: this.timeoutMs,
      });
    });
    return sortChronologically(events);
  }

  /** Stored events then live ones, one at a time, until close(). */
  async subscribe(filter: Filter, onEvent: (ev: NostrEvent) => void, onClose?: (reason: string) => void): Promise<LiveSubscription> {
    const relay = await this.connect();
    const sub = relay.subscribe([filter], {
      onevent: (ev) => onEvent(ev as NostrEvent),
      ...(onClose ? { onclose: onClose } : {}),
    });
    return { close: () => sub.close() };
  }

  close(): void {
    this.relay?.close();
    this.relay = undefined;
  }

  private closed(reason: string): KilnFailure {
    const { id } = this.target;
    return new KilnFailure(kilnError('E_RELAY_CLOSED', `The recorder of session "${id}" ended the query: ${reason}.`, `Check the session with \`kiln status ${id}\`.`));
  }
}

/** Chain order: seq when both carry one, else created_at, then id for stability. */
export function sortChronologically(events: NostrEvent[]): NostrEvent[] {
  const seq = (e: NostrEvent) => {
    const v = e.tags.find((t) => t[0] === 'seq')?.[1];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  return events.sort((a, b) => {
    const sa = seq(a);
    const sb = seq(b);
    if (sa !== undefined && sb !== undefined && sa !== sb) return sa - sb;
    return a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}
