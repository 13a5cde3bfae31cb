// Real stores in temp folders and real signed events for the store and relay tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { openStore, type EventStore, type NostrEvent } from '../../../../../src-container/kilnd/store';

export interface TempStore {
  store: EventStore;
  path: string;
  dir: string;
  cleanup(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-store-'));
  const path = join(dir, 'events.db');
  const store = openStore(path);
  return {
    store,
    path,
    dir,
    cleanup() {
      try {
        store.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Signer {
  secretKey: Uint8Array;
  pubkey: string;
  sign(template: { kind: number; created_at?: number; tags?: string[][]; content?: string }): NostrEvent;
}

export function makeSigner(): Signer {
  const secretKey = generateSecretKey();
  return {
    secretKey,
    pubkey: getPublicKey(secretKey),
    sign: (t) => {
      const e = finalizeEvent({ kind: t.kind, created_at: t.created_at ?? Math.floor(Date.now() / 1000), tags: t.tags ?? [], content: t.content ?? '' }, secretKey);
      // A plain copy: what arrives over a socket carries no "already verified" mark.
      return { id: e.id, pubkey: e.pubkey, created_at: e.created_at, kind: e.kind, tags: e.tags, content: e.content, sig: e.sig };
    },
  };
}
