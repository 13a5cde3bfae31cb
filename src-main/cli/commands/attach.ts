// kiln attach SESSION [--agent NAME]: an interactive login shell in the workspace container (its
// command lines are recorded by the hook in /etc/bash.bashrc), or an agent run interactively —
// installed on first use and configured for the session's model, the same path the window's
// agent tabs take (sessions/session-agent.ts). Raw mode on our terminal, resize on SIGWINCH,
// output acknowledged as our stdout takes it (the terminal's flow control).
import { TERMINAL_AGENTS } from '../../sessions/terminal-agents';
import { sessionArg, type Command } from '../command';

export const attach: Command = {
  name: 'attach',
  summary: 'an interactive shell in the workspace container',
  usage: `kiln attach SESSION [--agent NAME]\n\nbash -l as user agent in /workspace; every command line is recorded. Leave with \`exit\` or Ctrl-D.\n--agent runs one of ${TERMINAL_AGENTS.join(', ')} instead (installed on first use, configured for the session's model).`,
  options: { agent: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx) {
    const services = await ctx.services();
    const session = sessionArg(ctx);
    const container = await services.sessions.workspaceContainer(session);
    const name = ctx.values.agent === undefined ? undefined : String(ctx.values.agent);
    let run: { cmd: string[]; env: Record<string, string> } = { cmd: ['bash', '-l'], env: {} };
    if (name !== undefined) {
      const [{ keptKeyFor }, { FileSecretStore }] = await Promise.all([import('../../models/agent-endpoint'), import('../../settings/file-secret-store')]);
      const secrets = new FileSecretStore(services.sessions.paths.home);
      const agent = await services.agents.prepare(session, name, {
        onProgress: (line) => ctx.out.note(`  ${line}`),
        apiKey: (envName) => ctx.env[envName] || keptKeyFor(envName, secrets),
      });
      run = { cmd: agent.cmd, env: agent.env };
    }
    const stdin = ctx.stdin;
    const stdout = ctx.out.streams.stdout as NodeJS.WriteStream;
    const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
    // Raw before the shell starts: keys typed meanwhile go to the shell, not echoed by us.
    const wasRaw = stdin.isTTY ? stdin.isRaw : false;
    if (stdin.isTTY) stdin.setRawMode(true);
    const restore = () => {
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
    };
    const { openTerminal } = await import('../../terminals/terminal');
    const term = await openTerminal({
      docker: services.engine.docker,
      container,
      cmd: run.cmd,
      user: 'agent',
      cwd: '/workspace',
      env: { ...run.env, TERM: ctx.env.TERM || 'xterm-256color' },
      ...size(),
    }).catch((err: unknown) => {
      restore();
      throw err;
    });
    term.onData((chunk) => stdout.write(chunk, () => term.ack(chunk.length)));
    const onInput = (data: Buffer) => term.write(data);
    const onResize = () => void term.resize(size().cols, size().rows).catch(() => undefined);
    stdin.on('data', onInput);
    stdin.resume();
    process.on('SIGWINCH', onResize);
    try {
      return (await term.exited) ?? 1;
    } finally {
      process.off('SIGWINCH', onResize);
      stdin.off('data', onInput);
      restore();
    }
  },
};
