// The exec stream demultiplexer: frames split anywhere (headers across chunks too) come out
// whole and in order on the right stream, and a reader that does not drain pauses the source.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demuxExecStream } from '../../../../src-main/sessions/demux';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

function sink() {
  const parts: Buffer[] = [];
  const w = new Writable({ write(chunk: Buffer, _e, cb) { parts.push(chunk); cb(); } });
  return { w, text: () => Buffer.concat(parts).toString() };
}

describe('demuxExecStream', () => {
  it('splits stdout from stderr whatever the chunk boundaries', async () => {
    const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world'), frame(1, ''), frame(2, '!')]);
    for (const step of [1, 3, 7, 8, 9, 13, wire.length]) {
      const src = new PassThrough();
      const out = sink();
      const err = sink();
      demuxExecStream(src, out.w, err.w);
      for (let i = 0; i < wire.length; i += step) src.write(wire.subarray(i, i + step));
      src.end();
      await new Promise((r) => src.on('end', r));
      expect(out.text(), `step ${step}`).toBe('hello world');
      expect(err.text(), `step ${step}`).toBe('oops!');
    }
  });

  it('pauses the source while the reader has not drained, and resumes after', async () => {
    const src = new PassThrough();
    let release: (() => void) | undefined;
    const slow = new Writable({ highWaterMark: 4, write(_c, _e, cb) { release = cb; } });
    demuxExecStream(src, slow, sink().w);
    src.write(frame(1, 'more than four bytes'));
    await new Promise((r) => setImmediate(r));
    expect(src.isPaused()).toBe(true);
    release!();
    await new Promise((r) => setImmediate(r));
    expect(src.isPaused()).toBe(false);
  });
});
