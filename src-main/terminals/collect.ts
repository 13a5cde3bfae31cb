// One-shot commands in a container (no TTY): stdin in, stdout and stderr apart, exit code out.
// For `kiln exec`, health checks and setup steps — not for interactive use (see terminal.ts).
import { PassThrough, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { containerOf, envList, waitExecExit } from './exec-exit';

export interface ExecCollectOptions {
  docker: Dockerode;
  container: string | Dockerode.Container;
  cmd: string[];
  env?: Record<string, string>;
  user?: string;
  cwd?: string;
  /** Written to the command's stdin, which is then closed. Without it, stdin is not attached. */
  stdin?: string | Uint8Array;
  /** Keep at most this many bytes of each stream (the rest is counted, not kept). Default 16 MiB. */
  maxBytes?: number;
}

export interface ExecCollectResult {
  /** null when the engine could not say (e.g. the container went away mid-command). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when an output stream was longer than maxBytes and was cut. */
  truncated: boolean;
}

function collector(limit: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    const room = limit - kept;
    if (room <= 0) {
      truncated = true;
      return;
    }
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (piece.length < chunk.length) truncated = true;
    chunks.push(piece);
    kept += piece.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => truncated };
}

export async function execCollect(opts: ExecCollectOptions): Promise<ExecCollectResult> {
  const container = containerOf(opts.docker, opts.container);
  const withStdin = opts.stdin !== undefined;
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Tty: false,
      AttachStdin: withStdin,
      AttachStdout: true,
      AttachStderr: true,
      Cmd: opts.cmd,
      Env: envList(opts.env),
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.cwd ? { WorkingDir: opts.cwd } : {}),
    });
    stream = (await exec.start({ hijack: true, stdin: withStdin })) as Duplex;
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    const why = status === 404 ? 'it does not exist' : status === 409 ? 'it is not running' : ((err as Error).message ?? '').split('\n')[0];
    throw new KilnFailure(kilnError('E_EXEC', `Could not run ${opts.cmd[0] ?? 'a command'} in ${container.id}: ${why}.`, 'Check that the session is running, then try again.'));
  }

  const limit = opts.maxBytes ?? 16 * 1024 * 1024;
  const out = collector(limit);
  const err = collector(limit);
  opts.docker.modem.demuxStream(stream, out.sink, err.sink);

  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  if (withStdin) {
    // Half-close after the input: the command sees EOF on stdin, and its output still comes back.
    stream.end(opts.stdin);
  }
  await ended;
  const exitCode = await waitExecExit(exec);
  return { exitCode, stdout: out.text(), stderr: err.text(), truncated: out.truncated() || err.truncated() };
}
