// Runs the CLI in-process with captured streams (only for commands that need no engine).
import { PassThrough } from 'node:stream';
import { runCli } from '../../../../src-main/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: process.stdin, env });
  return { code, stdout: out, stderr: err };
}
