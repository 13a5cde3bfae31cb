// A terminal's output side, the same for the Docker exec stream (terminal.ts) and the local PTY
// (src-main/local/local-terminal.ts): chunks go through OutputFlow (batching, and pausing the
// source above the high-water mark until acks bring it below the low one), output from before
// the first listener is replayed to it, and exit listeners hear the code once.
import { OutputFlow, type FlowLimits } from './flow';
import type { Terminal } from './terminal';

export interface TerminalOutput {
  /** A chunk from the source. */
  push(chunk: Buffer): void;
  /** Deliver what is gathered now (before the exit is told). */
  flush(): void;
  /** The command ended: listeners get the code, once. */
  exit(code: number | null): void;
  /** undefined while the command runs. */
  readonly exitCode: number | null | undefined;
  /** Stop for good (after close). */
  dispose(): void;
  /** The Terminal with the source's own parts (id, write, resize, close, exited). */
  terminal(parts: Pick<Terminal, 'id' | 'write' | 'resize' | 'close' | 'exited'>): Terminal;
}

export function terminalOutput(source: { pause(): void; resume(): void }, limits?: Partial<FlowLimits>): TerminalOutput {
  const dataListeners = new Set<(chunk: Buffer) => void>();
  const backlog: Buffer[] = [];
  const exitListeners = new Set<(code: number | null) => void>();
  let exitCode: number | null | undefined;
  const flow = new OutputFlow(
    {
      deliver: (batch) => {
        if (dataListeners.size === 0) backlog.push(batch);
        for (const cb of dataListeners) cb(batch);
      },
      pause: () => source.pause(),
      resume: () => source.resume(),
    },
    limits,
  );
  return {
    push: (chunk) => flow.push(chunk),
    flush: () => flow.flush(),
    exit(code) {
      exitCode = code;
      for (const cb of exitListeners) cb(code);
      exitListeners.clear();
    },
    get exitCode() {
      return exitCode;
    },
    dispose: () => flow.dispose(),
    terminal: (parts) => ({
      ...parts,
      onData(cb) {
        dataListeners.add(cb);
        if (dataListeners.size === 1 && backlog.length) for (const b of backlog.splice(0)) cb(b);
        return () => dataListeners.delete(cb);
      },
      onExit(cb) {
        if (exitCode !== undefined) {
          cb(exitCode);
          return () => undefined;
        }
        exitListeners.add(cb);
        return () => exitListeners.delete(cb);
      },
      ack: (bytes) => flow.ack(bytes),
      get paused() {
        return flow.paused;
      },
      get unacked() {
        return flow.unacked;
      },
    }),
  };
}
