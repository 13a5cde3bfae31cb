// Payloads too big for an event live beside it, addressed by sha256. The event names them with
// `x` (hash), `size` (bytes) and `m` (mime) tags; the caller stores the bytes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export interface EventBlob {
  /** Lowercase hex sha256 of bytes. */
  sha256: string;
  size: number;
  mime: string;
  bytes: Uint8Array;
}

export const DIFF_MIME = 'text/x-diff; charset=utf-8';
export const JSON_MIME = 'application/json';

let digest: (bytes: Uint8Array) => Uint8Array = sha256;

/**
 * A faster sha256 for this process (Node's native one; this module runs in the browser too, so
 * it cannot import it): hashing the 5 MB list of a 50,000-file receipt in JS takes ~100 ms.
 */
export function useSha256(native: (bytes: Uint8Array) => Uint8Array): void {
  digest = native;
}

export function textBlob(text: string, mime: string): EventBlob {
  const bytes = utf8ToBytes(text);
  return { sha256: bytesToHex(digest(bytes)), size: bytes.length, mime, bytes };
}

export function blobTags(blob: EventBlob): string[][] {
  return [['x', blob.sha256], ['size', String(blob.size)], ['m', blob.mime]];
}
