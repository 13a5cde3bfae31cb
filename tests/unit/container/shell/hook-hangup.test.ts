// The interactive shell hook when its terminal goes away (a closed tab, the window closing) or
// the shell leaves at its prompt: the receipts must say what ran, with its own exit status, and
// nothing that did not run. A real bash on a real pty (util-linux `script`), the real hook, and
// kilnd as a real process.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_SCRIPT, KilndProcess } from '../../../support/kilnd-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types `lines` into an interactive hooked bash, then hangs up its terminal (or sends `end`). */
async function shell(k: KilndProcess, lines: string[], end: 'hangup' | 'ctrl-d', histfile = '/dev/null'): Promise<void> {
  const child = spawn('script', ['-qfec', `bash --rcfile ${HOOK_SCRIPT} -i`, '/dev/null'], {
    cwd: k.workspace,
    env: { ...k.hookEnv(), BASH_ENV: '', HISTFILE: histfile, HISTCONTROL: 'ignoreboth' },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  await sleep(1000);
  for (const line of lines) {
    child.stdin.write(`${line}\r`);
    await sleep(700);
  }
  if (end === 'ctrl-d') child.stdin.write('\x04');
  else {
    // As the kernel does when a pty's last reader goes: SIGHUP to the shell's session.
    const bash = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    expect(bash).toMatch(/^\d+$/);
    spawnSync('pkill', ['-HUP', '-s', bash!]);
  }
  await Promise.race([exited, sleep(5000)]);
  child.kill('SIGKILL');
}

describe('the interactive hook when the terminal goes away', () => {
  let k: KilndProcess;
  beforeAll(async () => {
    k = await KilndProcess.launch();
  }, 60_000);
  afterAll(async () => {
    await k?.dispose();
  });

  it('records a command the hangup killed with status 129, a shell leaving at its prompt as nothing, lines history does not keep by their own text', async () => {
    await shell(k, [], 'hangup'); // no line at all
    await shell(k, ['echo one', 'echo one', ' echo spaced'], 'hangup'); // idle when hung up
    await shell(k, ['echo two', 'sleep 7777'], 'hangup'); // hung up while sleep runs
    // A first line history does not keep, after a history file's last entry.
    const histfile = `${k.dir}/bash_history`;
    fs.writeFileSync(histfile, 'echo from the history file\n');
    await shell(k, [' echo not kept', 'echo three'], 'ctrl-d', histfile);
    await k.settled();
    const commands = k.events()
      .filter((e) => e.kind === 4601)
      .map((e) => JSON.parse(e.content) as { type: string; command: string; exitCode?: number })
      .filter((c) => c.type === 'command')
      .map((c) => `${c.command} → ${c.exitCode}`);
    expect(commands).toEqual(['echo one → 0', 'echo one → 0', 'echo spaced → 0', 'echo two → 0', 'sleep 7777 → 129', 'echo not kept → 0', 'echo three → 0']);

    // No command is left open (its lease would hold the watcher back for 30 s): a file written
    // now gets its receipt at once.
    fs.writeFileSync(`${k.workspace}/after.txt`, 'x');
    for (let i = 0; i < 30 && !k.events().some((e) => e.content.includes('after.txt')); i++) await sleep(100);
    expect(k.events().some((e) => e.content.includes('after.txt'))).toBe(true);
  }, 60_000);
});
