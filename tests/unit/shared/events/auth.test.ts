import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { finalizeEvent, getPublicKey, verifyEvent } from 'nostr-tools/pure';
import { describe, expect, it } from 'vitest';
import { plainEvent, relayAuthPubkey, relayAuthSecretKey } from '../../../../src-shared/events';

describe('relay auth key', () => {
  it('is sha256 of the domain-separated session token', () => {
    const token = 'tok-123';
    expect(bytesToHex(relayAuthSecretKey(token))).toBe(bytesToHex(sha256(utf8ToBytes('kiln-relay-auth:tok-123'))));
    expect(relayAuthPubkey(token)).toBe(getPublicKey(relayAuthSecretKey(token)));
  });

  it('differs per token and signs a NIP-42 AUTH event the relay can check against the pubkey', () => {
    expect(relayAuthPubkey('a')).not.toBe(relayAuthPubkey('b'));
    const auth = finalizeEvent({ kind: 22242, created_at: 1, content: '', tags: [['relay', 'ws://127.0.0.1:1'], ['challenge', 'c1']] }, relayAuthSecretKey('s3cret-session'));
    expect(auth.pubkey).toBe(relayAuthPubkey('s3cret-session'));
    expect(verifyEvent(plainEvent(auth))).toBe(true); // a plain copy: finalizeEvent caches "verified" on its result
  });
});
