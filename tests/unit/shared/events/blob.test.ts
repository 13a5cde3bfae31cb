import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { textBlob } from '../../../../src-shared/events/blob';
import { useSha256 } from '../../../../src-shared/events';

describe('event blobs', () => {
  afterEach(() => useSha256(sha256));

  it('are addressed by the sha256 of their UTF-8 bytes, with a native hash as with the portable one', () => {
    const text = 'ünïcødé diff\n'.repeat(1000);
    const expected = createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
    expect(textBlob(text, 'text/plain').sha256).toBe(expected);
    let used = 0;
    useSha256((bytes) => {
      used++;
      return createHash('sha256').update(bytes).digest();
    });
    const blob = textBlob(text, 'text/plain');
    expect(used).toBe(1);
    expect(blob).toMatchObject({ sha256: expected, size: Buffer.byteLength(text) });
  });
});
