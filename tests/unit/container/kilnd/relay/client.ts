// A raw WebSocket test client: send NIP-01 messages, await the next message that matches.
import WebSocket from 'ws';
import { finalizeEvent } from 'nostr-tools/pure';
import { makeAuthEvent } from 'nostr-tools/nip42';

export type Msg = [string, ...unknown[]];

export class TestClient {
  readonly received: Msg[] = [];
  private waiters: Array<{ match: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];
  challenge = '';
  closedCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Msg;
      if (msg[0] === 'AUTH') this.challenge = msg[1] as string;
      this.received.push(msg);
      const i = this.waiters.findIndex((w) => w.match(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    ws.on('close', (code) => (this.closedCode = code));
  }

  static async connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    const challenge = client.next((m) => m[0] === 'AUTH');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await challenge;
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (already received or upcoming) after `from` that matches. */
  next(match: (m: Msg) => boolean, timeoutMs = 5000): Promise<Msg> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  /** REQ and collect stored events up to EOSE (or the CLOSED refusal). */
  async req(subId: string, ...filters: unknown[]): Promise<{ events: Array<{ id: string }>; end: Msg }> {
    this.send(['REQ', subId, ...filters]);
    const end = await this.next((m) => (m[0] === 'EOSE' || m[0] === 'CLOSED') && m[1] === subId);
    const events = this.received.filter((m) => m[0] === 'EVENT' && m[1] === subId).map((m) => m[2] as { id: string });
    for (const m of this.received.filter((x) => x[0] === 'EVENT' && x[1] === subId)) this.received.splice(this.received.indexOf(m), 1);
    return { events, end };
  }

  async auth(secretKey: Uint8Array, url: string, challenge = this.challenge): Promise<Msg> {
    const event = finalizeEvent(makeAuthEvent(url, challenge), secretKey);
    this.send(['AUTH', event]);
    return this.next((m) => m[0] === 'OK' && m[1] === event.id);
  }

  /** Resolves once the socket is closed. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
