import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../../src-main/cli/commands';
import { runCaptured } from './run-cli';

// The commands issue 4 names; `kiln --help` must list each one.
const ISSUE_COMMANDS = ['doctor', 'image build', 'up', 'ls', 'status', 'attach', 'exec', 'timeline', 'checkpoints', 'checkpoint', 'undo', 'verify', 'down', 'rm', 'web'];

describe('kiln CLI surface', () => {
  it('lists every command of the issue in --help', async () => {
    const r = await runCaptured(['--help']);
    expect(r.code).toBe(0);
    for (const name of ISSUE_COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    expect(COMMANDS.map((c) => c.name)).toEqual(expect.arrayContaining(ISSUE_COMMANDS));
  });

  it.each(ISSUE_COMMANDS)('kiln %s --help prints its usage and exits 0', async (name) => {
    const r = await runCaptured([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: kiln ${name}`));
    expect(r.stdout).toContain('--json');
  });

  it('refuses an unknown command with one line and exit 2', async () => {
    const r = await runCaptured(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kiln: "frobnicate" is not a kiln command\. See `kiln --help`\./);
  });

  it('refuses a missing session argument before touching the engine', async () => {
    const r = await runCaptured(['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kiln: kiln status needs an argument/);
    expect(r.stderr).toContain('kiln status --help');
  });

  it('refuses an unknown option, with the error as JSON when --json is given', async () => {
    const r = await runCaptured(['ls', '--bogus', '--json']);
    expect(r.code).toBe(2);
    const parsed = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe('E_USAGE');
    expect(parsed.error.message).toMatch(/bogus/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it('kiln exec without a command after -- is a usage error', async () => {
    const r = await runCaptured(['exec', 'some-session']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a command after `--`/);
  });

  it('kiln web with a bad port is a usage error naming it, and starts nothing', async () => {
    const r = await runCaptured(['web', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eighty/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('kiln --version --json prints the package version', async () => {
    const r = await runCaptured(['--version', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
