// `kiln` — the command line on the host core's services. Exit codes: 0 ok, 1 failure (one line
// on stderr: what happened and what to do), 2 usage error; `kiln exec` passes its command's on.
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { toKilnError, kilnError, type KilnError } from '../../src-shared/errors';
import type { AppServices } from '../services';
import type { Command, CommandContext } from './command';
import { Output, type OutputStreams } from './output';

export interface CliIo extends OutputStreams {
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

// stdin on first use: making process.stdin (a pipe or a TTY) costs milliseconds most commands need not pay.
const defaultIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const json = argv.includes('--json');
  const out = new Output(io, json);
  const [first, second] = argv;
  if (first === '--version' || first === '-v' || first === 'version') {
    out.result({ version }, () => `kiln ${version}`);
    return EXIT.ok;
  }
  // The commands (and the engine, models and timeline code they import) load only past here.
  const { COMMANDS } = await import('./commands');
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    const cmd = first === 'help' && second ? findCommand(COMMANDS, argv.slice(1)) : undefined;
    io.stdout.write((cmd ? commandHelp(cmd.command) : generalHelp(COMMANDS)) + '\n');
    return EXIT.ok;
  }
  const found = findCommand(COMMANDS, argv);
  if (!found) {
    out.fail(kilnError('E_USAGE', `"${argv.slice(0, 2).join(' ')}" is not a kiln command.`, 'See `kiln --help`.'));
    return EXIT.usage;
  }
  const { command, rest } = found;

  let ctx: CommandContext;
  try {
    ctx = parse(command, rest, io, out);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout.write(commandHelp(command) + '\n');
      return EXIT.ok;
    }
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    out.fail(kilnError('E_USAGE', message.replace(/\.?$/, '.'), `See \`kiln ${command.name} --help\`.`));
    return EXIT.usage;
  }

  let services: Promise<AppServices> | undefined;
  // Loaded on first use: `--version`, `--help` and usage errors never parse the engine code.
  ctx.services = () => (services ??= import('../services').then((m) => m.createAppServices({ env: io.env })));
  try {
    return (await command.run(ctx)) ?? EXIT.ok;
  } catch (err) {
    const error = describe(err);
    out.fail(error);
    return error.code === 'E_USAGE' ? EXIT.usage : EXIT.failed;
  }
}

class HelpRequested extends Error {}

function parse(command: Command, rest: string[], io: CliIo, out: Output): CommandContext {
  // `--` ends our options: what follows belongs to the command run by `kiln exec`.
  const dash = rest.indexOf('--');
  const ours = dash >= 0 ? rest.slice(0, dash) : rest;
  const theirs = dash >= 0 ? rest.slice(dash + 1) : [];
  if (ours.includes('--help') || ours.includes('-h')) throw new HelpRequested();
  const { values, positionals } = parseArgs({
    args: ours,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...command.options },
    allowPositionals: true,
    strict: true,
  });
  const args = [...positionals, ...theirs];
  const [min, max] = command.positionals ?? [0, 0];
  if (args.length < min) throw new UsageError(`kiln ${command.name} needs ${min === 1 ? 'an argument' : `${min} arguments`}: ${command.usage.split('\n')[0]}`);
  if (args.length > max) throw new UsageError(`kiln ${command.name} takes ${max === 0 ? 'no arguments' : `at most ${max}`}; unexpected "${args[max]}"`);
  return {
    args,
    values: values as CommandContext['values'],
    json: values.json === true,
    out,
    services: () => Promise.reject(new Error('unreachable')),
    env: io.env,
    get stdin() {
      return io.stdin;
    },
  };
}

function findCommand(COMMANDS: readonly Command[], argv: string[]): { command: Command; rest: string[] } | undefined {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { command: one, rest: argv.slice(1) } : undefined;
}

/** Anything thrown → one KilnError; raw engine errors get a sentence and a next step. */
export function describe(err: unknown): KilnError {
  const e = toKilnError(err);
  if (e.code !== 'E_UNEXPECTED') return e;
  const status = (err as { statusCode?: number }).statusCode;
  const raw = (err as { json?: { message?: string } }).json?.message;
  if (status && raw) return kilnError('E_DOCKER', `Docker refused: ${raw.split('\n')[0]}.`, 'Check `kiln doctor`, then try again.');
  return e;
}

function generalHelp(COMMANDS: readonly Command[]): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `kiln ${version} — run AI agents in a local container; every action a signed receipt, everything undoable.`,
    '',
    'Usage: kiln COMMAND [options]     (kiln COMMAND --help for details; --json on every command)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: KILN_HOME (default ~/.kiln), KILN_WORKSPACES (default ~/Kiln), DOCKER_HOST / DOCKER_CONTEXT.',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [`Usage: ${c.usage.split('\n')[0]}`, ...c.usage.split('\n').slice(1), '', '  --json   print the result as JSON', '  --help   show this help'].join('\n');
}
