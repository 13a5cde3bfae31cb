// Who signs a session's events. An interface so the recorder can plug in a faster backend
// (nostr-tools/wasm) or a key kept elsewhere; the writer only needs these two members.
import { finalizeEvent, getPublicKey, type EventTemplate, type NostrEvent } from 'nostr-tools/pure';

export type { EventTemplate, NostrEvent };

export interface Signer {
  /** Hex public key of every event this signer makes. */
  readonly pubkey: string;
  /** Fill in pubkey, id and sig. */
  sign(template: EventTemplate): NostrEvent;
}

export function secretKeySigner(secretKey: Uint8Array): Signer {
  const pubkey = getPublicKey(secretKey);
  return { pubkey, sign: (template) => finalizeEvent(template, secretKey) };
}

/** A plain copy of the NIP-01 fields: drops nostr-tools' cached "verified" mark and extras. */
export function plainEvent(ev: NostrEvent): NostrEvent {
  return {
    id: ev.id, pubkey: ev.pubkey, created_at: ev.created_at, kind: ev.kind,
    tags: ev.tags.map((t) => [...t]), content: ev.content, sig: ev.sig,
  };
}
