// Git stores every object as a zlib stream. For a small body, compressing buys a few bytes and
// costs a zlib context per call (~30 µs: the largest part of checkpointing a tiny file, and a
// command that writes 50,000 of them pays it 50,000 times). Below STORE_BELOW bytes the body
// goes into a zlib stream as one "stored" (uncompressed) deflate block, which every zlib reader
// (git included) inflates like any other; larger bodies are compressed at level 1.
import { deflateSync } from 'node:zlib';

const STORE_BELOW = 1024;

/** A zlib stream holding `body` (RFC 1950 around RFC 1951). */
export function zlibObject(body: Buffer): Buffer {
  if (body.length >= STORE_BELOW) return deflateSync(body, { level: 1 });
  const out = Buffer.allocUnsafe(2 + 5 + body.length + 4);
  out[0] = 0x78; // CMF: deflate, 32 KiB window
  out[1] = 0x01; // FLG: no dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  out[2] = 0x01; // BFINAL = 1, BTYPE = 00 (stored)
  out.writeUInt16LE(body.length, 3); // LEN
  out.writeUInt16LE(~body.length & 0xffff, 5); // NLEN
  body.copy(out, 7);
  out.writeUInt32BE(adler32(body), 7 + body.length);
  return out;
}

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < buf.length; i++) {
    a = (a + buf[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
