// `kiln exec`: one command line in the workspace container, through the recorded shell path
// (bash -c as user agent in /workspace; BASH_ENV sources the hook, so the command gets its
// checkpoint before and its receipts after). Output is streamed, stdout and stderr apart.
import type Dockerode from 'dockerode';
import type { Readable, Writable } from 'node:stream';
import { waitExecExit } from '../terminals/exec-exit';
import { demuxExecStream } from './demux';

export interface WorkspaceExecIo {
  stdout: Writable;
  stderr: Writable;
  /** Given: forwarded to the command's stdin (ended when it ends). Absent: no stdin. */
  stdin?: Readable;
}

/** The exact argv `docker exec` gets for a command line typed after `kiln exec S --`. */
export function recordedCommand(commandLine: string): string[] {
  return ['bash', '-c', commandLine];
}

/** Run and wait; resolves to the command's exit code. */
export async function execInWorkspace(container: Dockerode.Container, commandLine: string, io: WorkspaceExecIo): Promise<number> {
  const exec = await container.exec({
    Cmd: recordedCommand(commandLine),
    User: 'agent',
    WorkingDir: '/workspace',
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: !!io.stdin,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: !!io.stdin })) as unknown as NodeJS.ReadWriteStream & { end(): void };
  await new Promise<void>((resolve, reject) => {
    demuxExecStream(stream as unknown as Readable, io.stdout, io.stderr);
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    if (io.stdin) {
      io.stdin.pipe(stream as unknown as Writable, { end: false });
      io.stdin.on('end', () => stream.end());
    }
  });
  io.stdin?.unpipe(stream as unknown as Writable);
  // null: the engine could not say (the container went away mid-command).
  return (await waitExecExit(exec)) ?? 255;
}
