// kiln attach SESSION: an interactive login shell in the workspace container (its commands are
// recorded by the hook in /etc/bash.bashrc). Raw mode on our terminal, resize on SIGWINCH.
import type { Command } from '../command';
import { sessionArg } from '../command';

export const attach: Command = {
  name: 'attach',
  summary: 'an interactive shell in the workspace container',
  usage: 'kiln attach SESSION\n\nbash -l as user agent in /workspace; every command line is recorded. Leave with `exit` or Ctrl-D.',
  positionals: [1, 1],
  async run(ctx) {
    const container = await (await ctx.services()).sessions.workspaceContainer(sessionArg(ctx));
    const stdin = ctx.stdin;
    const stdout = ctx.out.streams.stdout as NodeJS.WriteStream;
    const size = () => ({ h: stdout.rows || 24, w: stdout.columns || 80 });
    const exec = await container.exec({
      Cmd: ['bash', '-l'],
      User: 'agent',
      WorkingDir: '/workspace',
      Env: [`TERM=${ctx.env.TERM || 'xterm-256color'}`],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as NodeJS.ReadWriteStream;
    const resize = () => void exec.resize(size()).catch(() => undefined);
    const wasRaw = stdin.isTTY ? stdin.isRaw : false;
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    stdin.pipe(stream);
    stream.pipe(stdout, { end: false });
    resize();
    process.on('SIGWINCH', resize);
    try {
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    } finally {
      process.off('SIGWINCH', resize);
      stdin.unpipe(stream);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
    }
    return (await exec.inspect()).ExitCode ?? 0;
  },
};
