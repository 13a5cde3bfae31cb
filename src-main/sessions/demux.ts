// Docker's multiplexed exec stream (no TTY): frames of an 8-byte header (stream 1 = stdout,
// 2 = stderr; big-endian payload length) and the payload. Written here instead of dockerode's
// demuxStream, which copies everything it has buffered on every chunk and ignores
// backpressure: payloads go out as views of the socket's own chunks, and the socket pauses
// while a slow reader (a pipe to `less`, a terminal) has not drained.
import type { Readable, Writable } from 'node:stream';

export function demuxExecStream(source: Readable, stdout: Writable, stderr: Writable): void {
  let header: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let target: Writable = stdout;
  let waiting = 0;
  const drained = () => {
    if (--waiting === 0) source.resume();
  };
  const write = (out: Writable, piece: Buffer) => {
    if (!out.write(piece)) {
      waiting++;
      source.pause();
      out.once('drain', drained);
    }
  };
  source.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining === 0) {
        // Gather a header (it may straddle two chunks).
        const need = 8 - header.length;
        const take = chunk.subarray(at, at + need);
        header = header.length ? Buffer.concat([header, take]) : take;
        at += take.length;
        if (header.length < 8) return;
        target = header[0] === 2 ? stderr : stdout;
        remaining = header.readUInt32BE(4);
        header = Buffer.alloc(0);
        continue;
      }
      const n = Math.min(remaining, chunk.length - at);
      write(target, chunk.subarray(at, at + n));
      at += n;
      remaining -= n;
    }
  });
}
