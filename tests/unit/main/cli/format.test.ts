import { describe, expect, it } from 'vitest';
import { eventLine, summarizeEvent } from '../../../../src-main/cli/format';
import type { NostrEvent } from '../../../../src-shared/events';

const ev = (kind: number, tags: string[][], content: unknown): NostrEvent => ({
  id: 'a'.repeat(64), pubkey: 'b'.repeat(64), sig: 'c'.repeat(128), created_at: 1_700_000_000, kind, tags, content: JSON.stringify(content),
});

describe('timeline lines for people', () => {
  it('names the command and its exit code', () => {
    expect(summarizeEvent(ev(4601, [['t', 'command']], { type: 'command', command: 'echo hi > a.txt', exitCode: 0 }))).toBe('command  echo hi > a.txt  → exit 0');
  });

  it('names a file change and its path', () => {
    expect(summarizeEvent(ev(4601, [['t', 'file']], { type: 'file', change: 'added', path: 'a.txt' }))).toBe('file     added a.txt');
  });

  it('shows a checkpoint by its short commit and reason', () => {
    expect(summarizeEvent(ev(4602, [['r', 'f'.repeat(40)]], { commit: 'f'.repeat(40), reason: 'pre-command', files: 2 }))).toBe(
      'checkpoint ffffffffffff (pre-command, 2 files)',
    );
  });

  it('starts a line with seq, UTC time and kind name', () => {
    expect(eventLine(ev(4602, [['seq', '7'], ['r', 'f'.repeat(40)]], { reason: 'manual', files: 0 }))).toMatch(/^ {4}7 {2}22:13:20 {2}checkpoint /);
  });

  it('survives content that is not JSON', () => {
    expect(summarizeEvent({ ...ev(4603, [], {}), content: 'not json' })).toBe('error    ');
  });
});
