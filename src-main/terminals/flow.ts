// Output flow control for a terminal stream, after Tabby and Hyper:
//  - batching (Hyper): chunks from the source are gathered for ~16 ms (one frame) and handed to
//    the consumer as one write, so a flood of small chunks costs the UI a few large writes;
//  - back-pressure (Tabby): bytes handed to the consumer count as "unacked" until the consumer
//    acks them (e.g. from xterm's write callback). Above the high-water mark the source is paused;
//    acks below the low-water mark resume it. A consumer that falls behind stops the container's
//    output at the source instead of growing memory without bound.
// No I/O here: the source and the consumer are callbacks, the clock is injectable.

export interface FlowLimits {
  /** Pause the source when more than this many delivered bytes are unacked. */
  highWater: number;
  /** Resume once unacked bytes fall below this. */
  lowWater: number;
  /** Gather output this long before delivering it. 0 delivers every chunk at once. */
  batchMs: number;
  /** Deliver at once when a batch grows this big (bounds latency and the size of one write). */
  maxBatchBytes: number;
}

// Tabby pauses at ~500 KB; Kiln pauses sooner, because Ctrl-C during a flood answers only once
// xterm has drawn what was already sent: 128 KB is ~0.1 s of drawing at the ~1 MB/s xterm
// manages here, and the ack round trip on loopback costs far less than that.
export const DEFAULT_FLOW: FlowLimits = {
  highWater: 128 * 1024,
  lowWater: 32 * 1024,
  batchMs: 16,
  maxBatchBytes: 64 * 1024,
};

export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export interface FlowHooks {
  /** Receives each batch, in order. */
  deliver: (batch: Buffer) => void;
  /** Stop reading the source (e.g. `stream.pause()`). */
  pause: () => void;
  /** Read the source again (e.g. `stream.resume()`). */
  resume: () => void;
  schedule?: Schedule;
}

export class OutputFlow {
  private readonly limits: FlowLimits;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cancelTimer: (() => void) | undefined;
  private unackedBytes = 0;
  private isPaused = false;
  private disposed = false;
  private readonly schedule: Schedule;

  constructor(
    private readonly hooks: FlowHooks,
    limits: Partial<FlowLimits> = {},
  ) {
    this.limits = { ...DEFAULT_FLOW, ...limits };
    if (this.limits.lowWater > this.limits.highWater) throw new Error('lowWater must not exceed highWater');
    this.schedule = hooks.schedule ?? realSchedule;
  }

  /** Bytes delivered to the consumer and not yet acknowledged. */
  get unacked(): number {
    return this.unackedBytes;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** A chunk from the source. */
  push(chunk: Buffer): void {
    if (this.disposed || chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.limits.batchMs <= 0 || this.pendingBytes >= this.limits.maxBatchBytes) {
      this.flush();
    } else if (!this.cancelTimer) {
      this.cancelTimer = this.schedule(() => {
        this.cancelTimer = undefined;
        this.flush();
      }, this.limits.batchMs);
    }
  }

  /** Deliver whatever is gathered now (on a timer, a full batch, or the end of the stream). */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.disposed || this.pendingBytes === 0) return;
    const batch = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.unackedBytes += batch.length;
    this.hooks.deliver(batch);
    if (!this.isPaused && this.unackedBytes > this.limits.highWater) {
      this.isPaused = true;
      this.hooks.pause();
    }
  }

  /** The consumer has processed this many bytes. */
  ack(bytes: number): void {
    if (this.disposed || !(bytes > 0)) return;
    this.unackedBytes = Math.max(0, this.unackedBytes - bytes);
    if (this.isPaused && this.unackedBytes < this.limits.lowWater) {
      this.isPaused = false;
      this.hooks.resume();
    }
  }

  /** Stop for good: pending output is dropped, timers cleared, no callback fires again. */
  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.disposed = true;
  }
}
