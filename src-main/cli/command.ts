// What a CLI command is: its usage text, its options (node:util parseArgs), and a run function
// over the shared services. Commands never print errors themselves: they throw, main.ts prints.
import type { ParseArgsConfig } from 'node:util';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import type { AppServices } from '../services';
import type { Output } from './output';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Positional arguments after the command name (after `--` too, for exec). */
  args: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  json: boolean;
  out: Output;
  /** Engine and services, discovered on first use (doctor and help need none). */
  services(): Promise<AppServices>;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
}

export interface Command {
  /** e.g. "image build" */
  name: string;
  /** One line for `kiln --help`. */
  summary: string;
  /** Usage lines (without "kiln "), then a blank line and details. */
  usage: string;
  options?: OptionSpec;
  /** Positional arguments: [min, max] (max Infinity for exec). */
  positionals?: [number, number];
  /** Returns the exit code (default 0). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** The session argument, present because positionals were checked. */
export const sessionArg = (ctx: CommandContext): string => ctx.args[0]!;

/** Bad input found while running: exit code 2, like a parse error. */
export function usageError(command: string, message: string): KilnFailure {
  return new KilnFailure(kilnError('E_USAGE', message, `See \`kiln ${command} --help\`.`));
}

/** A whole-number option (the last one when repeated), or undefined. */
export function intOption(ctx: CommandContext, command: string, name: string): number | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  const last = String(Array.isArray(v) ? v.at(-1) : v);
  if (!/^\d+$/.test(last)) throw usageError(command, `--${name} takes a whole number, not "${last}".`);
  return Number(last);
}
