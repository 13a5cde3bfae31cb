import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zlibObject } from '../../../../../src-container/kilnd/checkpoints/compress';
import { ObjectStore } from '../../../../../src-container/kilnd/checkpoints/objects';
import { tempDirs } from './helpers';

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) % 256));

describe('zlibObject', () => {
  it('makes a zlib stream of any size that inflates to the same bytes (stored below 1 KiB, compressed above)', () => {
    for (const n of [0, 1, 11, 255, 1023, 1024, 70_000]) expect(inflateSync(zlibObject(bytes(n))).equals(bytes(n))).toBe(true);
    expect(zlibObject(bytes(100)).length).toBe(100 + 11); // header, one stored block, checksum
    expect(zlibObject(Buffer.alloc(70_000)).length).toBeLessThan(1000); // compressed
  });

  it('writes small objects git reads back, loose and packed', async () => {
    const dirs = tempDirs();
    try {
      execFileSync('git', ['init', '-q', '--bare', dirs.gitDir]);
      const objects = new ObjectStore(dirs.gitDir);
      const loose = objects.write('blob', Buffer.from('tiny\n'));
      objects.beginBatch();
      const packed = Array.from({ length: 300 }, (_, i) => objects.write('blob', Buffer.from(`packed ${i}\n`)));
      objects.endBatch();
      objects.close();
      const git = (...args: string[]) => execFileSync('git', ['--git-dir', dirs.gitDir, ...args], { encoding: 'utf8' });
      expect(git('cat-file', '-p', loose)).toBe('tiny\n');
      expect(git('cat-file', '-p', packed[299]!)).toBe('packed 299\n');
      expect(() => git('fsck', '--strict', '--no-dangling')).not.toThrow();
    } finally {
      dirs.cleanup();
    }
  });
});
