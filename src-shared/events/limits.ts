// Limits that match common public relays, so events can be published later unchanged.

/** Bytes of the UTF-8 JSON of the whole signed event. */
export const MAX_EVENT_BYTES = 65536;
/** Tags per event. */
export const MAX_TAGS = 100;
/** A unified diff larger than this moves out of the event into a blob. */
export const MAX_INLINE_DIFF_BYTES = 32768;

/** UTF-8 byte length without allocating a copy (strings here can be megabytes). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3; // BMP char, or a lone surrogate (encoded as U+FFFD: 3 bytes)
  }
  return bytes;
}
