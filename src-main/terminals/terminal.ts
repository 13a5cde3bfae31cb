// A TTY exec session in a container: what a terminal tab (or `kiln attach`) talks to.
// dockerode's hijacked exec stream carries raw TTY bytes both ways; output goes through
// OutputFlow (batching + back-pressure), so a consumer that falls behind pauses the container's
// output instead of buffering it without bound (terminalOutput, shared with the local PTY). The
// consumer acks bytes as it renders them.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { containerOf, envList, waitExecExit } from './exec-exit';
import type { FlowLimits } from './flow';
import { signalTerminal, TERMINAL_MARKER } from './hangup';
import { terminalOutput } from './output';

/** bash as a login shell where the image has it, else the image's sh. */
export const DEFAULT_SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

export interface OpenTerminalOptions {
  docker: Dockerode;
  container: string | Dockerode.Container;
  cmd?: string[];
  user?: string;
  env?: Record<string, string>;
  cwd?: string;
  cols: number;
  rows: number;
  flow?: Partial<FlowLimits>;
}

export interface Terminal {
  /** The engine's exec id. */
  readonly id: string;
  write(data: string | Uint8Array): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Output batches, in order; output that came before the first listener is replayed to it. Returns unsubscribe. */
  onData(cb: (chunk: Buffer) => void): () => void;
  /** Called once with the exit code (null when it cannot be known); at once if already exited. */
  onExit(cb: (exitCode: number | null) => void): () => void;
  /** The consumer has processed this many bytes of output (e.g. from xterm's write callback). */
  ack(bytes: number): void;
  /** Hang up: the command and its children get SIGHUP (then SIGKILL if they ignore it). Resolves after exit. */
  close(): Promise<void>;
  readonly exited: Promise<number | null>;
  /** True while output is held back because the consumer is behind. */
  readonly paused: boolean;
  readonly unacked: number;
}

function openError(err: unknown, container: string): KilnFailure {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404) {
    return new KilnFailure(kilnError('E_TERMINAL_NO_CONTAINER', `The container ${container} does not exist.`, 'Start the session again, then reopen the terminal.'));
  }
  if (status === 409) {
    return new KilnFailure(kilnError('E_TERMINAL_NOT_RUNNING', `The container ${container} is not running.`, 'Resume the session, then reopen the terminal.'));
  }
  const first = ((err as Error)?.message ?? String(err)).split('\n')[0];
  return new KilnFailure(kilnError('E_TERMINAL_OPEN', `Could not open a terminal in ${container}: ${first}`, 'Check that the session is running, then try again.'));
}

export async function openTerminal(opts: OpenTerminalOptions): Promise<Terminal> {
  const container = containerOf(opts.docker, opts.container);
  const marker = randomBytes(12).toString('hex');
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Tty: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Cmd: opts.cmd ?? DEFAULT_SHELL,
      Env: ['TERM=xterm-256color', ...envList(opts.env), `${TERMINAL_MARKER}=${marker}`],
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.cwd ? { WorkingDir: opts.cwd } : {}),
      // API ≥ 1.42 starts the TTY at this size; older engines ignore it and get the resize below.
      ConsoleSize: [opts.rows, opts.cols],
    } as Dockerode.ExecCreateOptions);
    stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  } catch (err) {
    throw openError(err, container.id);
  }

  const out = terminalOutput({ pause: () => stream.pause(), resume: () => stream.resume() }, opts.flow);

  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const exited = new Promise<number | null>((resolve) => {
    let done = false;
    const finish = async () => {
      if (done) return;
      done = true;
      out.flush();
      const code = await waitExecExit(exec);
      out.exit(code);
      resolve(code);
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });

  const resize = async (cols: number, rows: number) => {
    if (out.exitCode !== undefined) return;
    try {
      await exec.resize({ w: Math.max(1, Math.floor(cols)), h: Math.max(1, Math.floor(rows)) });
    } catch (err) {
      // A resize racing the command's exit is harmless (the engine refuses it with 404, 409 or
      // 500 by version); a resize refused while the command runs is worth a proper error.
      const info = await exec.inspect().catch(() => undefined);
      if (out.exitCode !== undefined || !info?.Running) return;
      throw new KilnFailure(kilnError('E_TERMINAL_RESIZE', `The terminal could not be resized: ${((err as Error).message ?? '').split('\n')[0]}`));
    }
  };
  await resize(opts.cols, opts.rows);

  return out.terminal({
    id: exec.id,
    write(data) {
      if (out.exitCode === undefined && !stream.destroyed) stream.write(data);
    },
    resize,
    async close() {
      // SIGHUP as a closed window would send; SIGKILL for what ignores it; then drop the stream.
      for (const signal of ['HUP', 'KILL'] as const) {
        if (out.exitCode !== undefined) break;
        await signalTerminal(opts.docker, container, marker, signal);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      }
      stream.destroy();
      await exited;
      out.dispose();
    },
    exited,
  });
}
