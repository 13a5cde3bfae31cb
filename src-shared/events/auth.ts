// The key the app uses for NIP-42 AUTH against a session's recorder relay. Both sides derive
// it from the session token, so the token itself never crosses the wire: signing the AUTH
// challenge with this key proves the client holds the token.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { getPublicKey } from 'nostr-tools/pure';

const DOMAIN = 'kiln-relay-auth:';

/** sha256(utf8("kiln-relay-auth:" + token)): a secp256k1 secret key. */
export function relayAuthSecretKey(sessionToken: string): Uint8Array {
  return sha256(utf8ToBytes(DOMAIN + sessionToken));
}

/** The hex public key the relay expects an AUTH event to be signed by. */
export function relayAuthPubkey(sessionToken: string): string {
  return getPublicKey(relayAuthSecretKey(sessionToken));
}
