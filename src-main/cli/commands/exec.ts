// kiln exec SESSION -- CMD…: one command line through the recorded shell path.
import type { WorkspaceExecIo } from '../../sessions/exec';
import { sessionArg, usageError, type Command } from '../command';

/** Argv words → one command line: a single word is taken as written (it may hold shell syntax). */
export function joinCommand(words: readonly string[]): string {
  if (words.length === 1) return words[0]!;
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export const exec: Command = {
  name: 'exec',
  summary: 'run a command in the workspace, recorded (checkpoint before, receipts after)',
  usage: [
    "kiln exec SESSION [-i] -- CMD…",
    '',
    "Runs `bash -c 'CMD…'` as user agent in /workspace, through the shell hook like a terminal",
    'command: a checkpoint before, a command receipt and file receipts after. One argument is',
    "taken as a shell line (kiln exec S -- 'echo hi > a.txt'); several are quoted and joined.",
    'Output streams as it comes; the exit code is the command\'s.',
    '  -i, --interactive   forward stdin to the command',
  ].join('\n'),
  options: { interactive: { type: 'boolean', short: 'i' } },
  positionals: [1, Infinity],
  async run(ctx) {
    const words = ctx.args.slice(1);
    if (words.length === 0) throw usageError('exec', 'kiln exec needs a command after `--`, e.g. kiln exec S -- ls -la.');
    const [services, { execInWorkspace }] = await Promise.all([ctx.services(), import('../../sessions/exec')]);
    const container = await services.sessions.workspaceContainer(sessionArg(ctx));
    return execInWorkspace(container, joinCommand(words), {
      stdout: ctx.out.streams.stdout,
      stderr: ctx.out.streams.stderr,
      ...(ctx.values.interactive ? { stdin: ctx.stdin } : {}),
    } as WorkspaceExecIo);
  },
};
