import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { joinCommand } from '../../../../src-main/cli/commands/exec';

// What bash makes of the joined line must be the words the user typed.
const echoWords = (line: string) =>
  execFileSync('bash', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).split('\n').slice(0, -1);

describe('kiln exec argument joining', () => {
  it('takes a single argument as a shell line', () => {
    expect(joinCommand(['echo hi > a.txt'])).toBe('echo hi > a.txt');
  });

  it('quotes several words so bash sees exactly them', () => {
    const words = ['printf', "it's", 'a b', '$HOME', '*', ''];
    const line = joinCommand(words);
    expect(echoWords(line.replace(/^printf /, ''))).toEqual(words.slice(1));
  });

  it('leaves plain words unquoted', () => {
    expect(joinCommand(['ls', '-la', 'src/main.ts'])).toBe('ls -la src/main.ts');
  });
});
